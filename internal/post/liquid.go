package post

import (
	"fmt"
	"regexp"
	"strings"
)

// liquid renders the small part of Liquid that matters for reading posts without a Jekyll
// site: {% raw %}, {% highlight %} (to a fenced code block), {% comment %}, {% post_url %}
// and {% link %} (resolved once every post is read), and {{ site.* }} / {{ page.* }} values.
// Every other tag or unknown variable is removed with a warning.
type liquid struct {
	p        *parser
	fm       frontMatter
	bodyLine int
	src      string
	refs     []reference
}

// reference is a {% post_url %} or {% link %} whose URL is filled in after reading.
type reference struct {
	Target string // "2010-07-21-name" or "_posts/2010-07-21-name.md"
	Line   int
}

// refMark surrounds the index of a pending reference in the body until it is resolved.
const refMark = "\x1a"

// endTags match the closing tag of each block tag the reader understands.
var endTags = map[string]*regexp.Regexp{}

func init() {
	for _, name := range []string{"raw", "comment", "highlight", "capture"} {
		endTags[name] = regexp.MustCompile(`\{%-?\s*end` + name + `\s*-?%\}`)
	}
}

var (
	tagRe = regexp.MustCompile(`^\{%-?\s*(\w+)\s*(.*?)\s*-?%\}`)
	varRe = regexp.MustCompile(`^\{\{-?\s*(.*?)\s*-?\}\}`)
)

func (l *liquid) line(offset int) int {
	return l.bodyLine + strings.Count(l.src[:offset], "\n")
}

func (l *liquid) render(body string) string {
	// refMark stands for pending references: a stray one in the text (the Ctrl-Z that ends
	// files of old DOS editors) would be taken for one, so the text loses it.
	l.src = strings.ReplaceAll(body, refMark, "")
	var b strings.Builder
	l.renderRange(&b, 0, len(l.src))
	return b.String()
}

// renderRange renders src[start:end] into b.
func (l *liquid) renderRange(b *strings.Builder, start, end int) {
	s := l.src
	i := start
	for i < end {
		j := strings.Index(s[i:end], "{")
		if j < 0 {
			b.WriteString(s[i:end])
			return
		}
		j += i
		b.WriteString(s[i:j])
		rest := s[j:end]
		switch {
		case strings.HasPrefix(rest, "{%"):
			i = l.tag(b, j, end)
		case strings.HasPrefix(rest, "{{"):
			i = l.variable(b, j, end)
		default:
			b.WriteByte('{')
			i = j + 1
		}
	}
}

// block finds the closing {% endNAME %} of a block tag that ends at from, returning the
// start of the closing tag and the offset after it, or -1.
func (l *liquid) block(name string, from, end int) (int, int) {
	loc := endTags[name].FindStringIndex(l.src[from:end])
	if loc == nil {
		return -1, -1
	}
	return from + loc[0], from + loc[1]
}

func (l *liquid) tag(b *strings.Builder, at, end int) int {
	m := tagRe.FindStringSubmatch(l.src[at:end])
	if m == nil {
		b.WriteString("{%")
		return at + 2
	}
	name, args := m[1], m[2]
	after := at + len(m[0])
	line := l.line(at)
	switch name {
	case "raw":
		cs, ce := l.block("raw", after, end)
		if cs < 0 {
			l.p.warn(line, "{%% raw %%} has no {%% endraw %%}; keeping the rest of the post as written")
			b.WriteString(l.src[after:end])
			return end
		}
		b.WriteString(l.src[after:cs])
		return ce
	case "comment":
		_, ce := l.block("comment", after, end)
		if ce < 0 {
			l.p.warn(line, "{%% comment %%} has no {%% endcomment %%}; dropping the rest of the post")
			return end
		}
		return ce
	case "highlight":
		cs, ce := l.block("highlight", after, end)
		if cs < 0 {
			l.p.warn(line, "{%% highlight %%} has no {%% endhighlight %%}; keeping the tag as text")
			b.WriteString(m[0])
			return after
		}
		var code strings.Builder
		l.renderRange(&code, after, cs)
		writeFence(b, strings.Fields(args), code.String())
		return ce
	case "post_url", "link":
		target := strings.TrimSpace(args)
		if target == "" {
			l.p.warn(line, "{%% %s %%} names no post; removed", name)
			return after
		}
		l.refs = append(l.refs, reference{Target: target, Line: line})
		fmt.Fprintf(b, "%s%d%s", refMark, len(l.refs)-1, refMark)
		return after
	case "capture":
		_, ce := l.block("capture", after, end)
		l.p.warn(line, "Liquid {%% capture %%} removed with its content (needs the Jekyll site)")
		if ce < 0 {
			return after
		}
		return ce
	default:
		l.p.warn(line, "Liquid tag {%% %s %%} removed (needs the Jekyll site)", strings.TrimSpace(name+" "+args))
		return after
	}
}

// writeFence writes code as a fenced block whose info string is the highlight language.
func writeFence(b *strings.Builder, args []string, code string) {
	lang := ""
	if len(args) > 0 {
		lang = args[0]
	}
	code = strings.TrimPrefix(code, "\n")
	code = strings.TrimRight(code, "\n ")
	fence := "```"
	for strings.Contains(code, fence) {
		fence += "`"
	}
	if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	b.WriteString(fence + lang + "\n" + code + "\n" + fence + "\n")
}

func (l *liquid) variable(b *strings.Builder, at, end int) int {
	m := varRe.FindStringSubmatch(l.src[at:end])
	if m == nil {
		b.WriteString("{{")
		return at + 2
	}
	after := at + len(m[0])
	expr := m[1]
	filters := strings.Split(expr, "|")
	name := strings.TrimSpace(filters[0])
	if v, ok := l.lookup(name); ok {
		b.WriteString(v)
		return after
	}
	l.p.warn(l.line(at), "Liquid value {{ %s }} removed: not defined in _config.yml or the front matter", expr)
	return after
}

// lookup resolves a Liquid expression: a quoted string, site.KEY or page.KEY.
func (l *liquid) lookup(name string) (string, bool) {
	if len(name) >= 2 && (name[0] == '"' || name[0] == '\'') && name[len(name)-1] == name[0] {
		return name[1 : len(name)-1], true
	}
	parts := strings.Split(name, ".")
	switch parts[0] {
	case "site":
		if len(parts) == 2 && (parts[1] == "baseurl" || parts[1] == "url") {
			if v, ok := l.p.cfg.Site[parts[1]]; ok && v != nil {
				return fmt.Sprint(v), true
			}
			return "", true
		}
		return walk(l.p.cfg.Site, parts[1:])
	case "page":
		if len(parts) == 2 {
			if v, _, ok := l.fm.scalar(parts[1]); ok {
				return v, true
			}
		}
	}
	return "", false
}

// walk follows keys through nested maps and returns a scalar as text.
func walk(v any, keys []string) (string, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[k]; !ok {
			return "", false
		}
	}
	switch v.(type) {
	case map[string]any, []any, nil:
		return "", false
	}
	return fmt.Sprint(v), true
}
