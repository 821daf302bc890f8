package post

import (
	"fmt"
	"strings"
	"unicode"
)

// permalinkStyles are Jekyll's named permalink styles.
var permalinkStyles = map[string]string{
	"date":     "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":   "/:categories/:year/:month/:day/:title/",
	"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
	"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
	"none":     "/:categories/:title:output_ext",
}

// placeholders are the names a permalink pattern may use after a colon, in the order they
// are tried (the first that the text continues with is taken, as Jekyll's alternation does).
var placeholders = []string{"categories", "year", "short_year", "month", "i_month", "short_month", "long_month",
	"day", "i_day", "y_day", "short_day", "long_day", "week", "hour", "minute", "second", "title", "slug", "name", "output_ext"}

// expandPlaceholders replaces every ":name" of pattern, left to right, by value(name).
// (A regular expression did this; it took a tenth of reading a post.)
func expandPlaceholders(pattern string, value func(name string) string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == ':' {
			if name := placeholderAt(pattern[i+1:]); name != "" {
				b.WriteString(value(name))
				i += 1 + len(name)
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// placeholderAt returns the first of placeholders that s starts with ("" if none).
func placeholderAt(s string) string {
	for _, name := range placeholders {
		if strings.HasPrefix(s, name) {
			return name
		}
	}
	return ""
}

// permalink expands a Jekyll permalink pattern (or style name) for a post.
func permalink(pattern string, p *Post, slug string) string {
	if s, ok := permalinkStyles[pattern]; ok {
		pattern = s
	}
	d := p.Date
	title := slugify(slug)
	cats := make([]string, 0, len(p.Categories))
	for _, c := range p.Categories {
		cats = append(cats, strings.ToLower(c))
	}
	_, week := d.ISOWeek()
	url := expandPlaceholders(pattern, func(name string) string {
		switch name {
		case "categories":
			return strings.Join(cats, "/")
		case "year":
			return fmt.Sprintf("%04d", d.Year())
		case "short_year":
			return fmt.Sprintf("%02d", d.Year()%100)
		case "month":
			return fmt.Sprintf("%02d", int(d.Month()))
		case "i_month":
			return fmt.Sprint(int(d.Month()))
		case "short_month":
			return d.Format("Jan")
		case "long_month":
			return d.Format("January")
		case "day":
			return fmt.Sprintf("%02d", d.Day())
		case "i_day":
			return fmt.Sprint(d.Day())
		case "y_day":
			return fmt.Sprintf("%03d", d.YearDay())
		case "short_day":
			return d.Format("Mon")
		case "long_day":
			return d.Format("Monday")
		case "week":
			return fmt.Sprintf("%02d", week)
		case "hour":
			return d.Format("15")
		case "minute":
			return d.Format("04")
		case "second":
			return d.Format("05")
		case "title", "slug", "name":
			return title
		case "output_ext":
			return ".html"
		}
		return ":" + name
	})
	for strings.Contains(url, "//") {
		url = strings.ReplaceAll(url, "//", "/")
	}
	if !strings.HasPrefix(url, "/") {
		url = "/" + url
	}
	return url
}

// slugify keeps letters, digits and the characters Jekyll's "pretty" mode keeps, and
// turns every other run of characters into one hyphen.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._~!$&'()+,;=@", r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}
