package jekyll

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/osteele/liquid"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// addFilters adds Jekyll's filters to the engine's standard Liquid ones.
func addFilters(e *liquid.Engine, s *Site) {
	e.RegisterFilter("relative_url", s.relativeURL)
	e.RegisterFilter("absolute_url", s.absoluteURL)
	e.RegisterFilter("date_to_xmlschema", func(v any) string { return dateFormat(v, time.RFC3339) })
	e.RegisterFilter("date_to_rfc822", func(v any) string { return dateFormat(v, time.RFC1123Z) })
	e.RegisterFilter("date_to_string", func(v any) string { return dateFormat(v, "02 Jan 2006") })
	e.RegisterFilter("date_to_long_string", func(v any) string { return dateFormat(v, "02 January 2006") })
	e.RegisterFilter("xml_escape", func(v any) string { return html.EscapeString(str(v)) })
	e.RegisterFilter("cgi_escape", func(v any) string { return url.QueryEscape(str(v)) })
	e.RegisterFilter("uri_escape", func(v any) string { return (&url.URL{Path: str(v)}).EscapedPath() })
	e.RegisterFilter("markdownify", markdownify)
	e.RegisterFilter("slugify", func(v any) string { return slugify(str(v)) })
	e.RegisterFilter("jsonify", func(v any) string { b, _ := json.Marshal(v); return string(b) })
	e.RegisterFilter("number_of_words", func(v any) int { return len(strings.Fields(str(v))) })
	e.RegisterFilter("normalize_whitespace", func(v any) string { return strings.Join(strings.Fields(str(v)), " ") })
	e.RegisterFilter("smartify", func(v any) string { return str(v) })
	e.RegisterFilter("array_to_sentence_string", arrayToSentence)
	e.RegisterFilter("where", where)
	e.RegisterFilter("group_by", groupBy)
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// absolute reports whether a URL names its host (http://…, //host/…, mailto:…).
var absolute = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*:|//)`)

// relativeURL prefixes a site path with baseurl, as Jekyll's relative_url does.
func (s *Site) relativeURL(v any) string {
	u := str(v)
	if absolute.MatchString(u) {
		return u
	}
	return s.BaseURL + "/" + strings.TrimPrefix(u, "/")
}

// absoluteURL prefixes a site path with url and baseurl.
func (s *Site) absoluteURL(v any) string {
	u := str(v)
	if absolute.MatchString(u) {
		return u
	}
	return s.URL + s.relativeURL(u)
}

// dateLayouts are the forms of dates written as text that the date filters read.
var dateLayouts = []string{time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -07:00", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"}

func toTime(v any) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		return v, true
	case string:
		for _, l := range dateLayouts {
			if t, err := time.Parse(l, strings.TrimSpace(v)); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func dateFormat(v any, layout string) string {
	t, ok := toTime(v)
	if !ok {
		return str(v)
	}
	return t.Format(layout)
}

var md = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))

// markdownify renders Markdown to HTML (the viewer's sanitizer sees the result like any
// other HTML in a post).
func markdownify(v any) (string, error) {
	var b bytes.Buffer
	if err := md.Convert([]byte(str(v)), &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// slugify lowercases and joins words with dashes, as Jekyll's default mode does.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

func arrayToSentence(v any) string {
	items := toList(v)
	words := make([]string, len(items))
	for i, x := range items {
		words[i] = str(x)
	}
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	case 2:
		return words[0] + " and " + words[1]
	}
	return strings.Join(words[:len(words)-1], ", ") + ", and " + words[len(words)-1]
}

// toList reads a Liquid array (any slice) as []any.
func toList(v any) []any {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) {
		return nil
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

// field reads item.key from a map; a list value matches when it holds the value.
func field(item any, key string) any {
	if m, ok := item.(map[string]any); ok {
		return m[key]
	}
	rv := reflect.ValueOf(item)
	if rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String {
		if f := rv.MapIndex(reflect.ValueOf(key)); f.IsValid() {
			return f.Interface()
		}
	}
	return nil
}

// where keeps the items whose key equals value (or, for a list, contains it).
func where(v any, key string, value any) []any {
	var out []any
	want := str(value)
	for _, item := range toList(v) {
		f := field(item, key)
		if l := toList(f); l != nil {
			for _, x := range l {
				if str(x) == want {
					out = append(out, item)
					break
				}
			}
		} else if str(f) == want {
			out = append(out, item)
		}
	}
	return out
}

// groupBy groups items by a key: [{name, items, size}], in order of first appearance.
func groupBy(v any, key string) []any {
	var out []any
	index := map[string]map[string]any{}
	for _, item := range toList(v) {
		k := str(field(item, key))
		g, ok := index[k]
		if !ok {
			g = map[string]any{"name": k, "items": []any{}, "size": 0}
			index[k] = g
			out = append(out, g)
		}
		g["items"] = append(g["items"].([]any), item)
		g["size"] = g["size"].(int) + 1
	}
	return out
}
