package post

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	cases := []struct{ in, format, want string }{
		{"# 标题\n\n正文**加粗**文字，见[链接](http://x.y/z)和![图](a.png)。", "markdown", "标题 正文加粗文字，见链接和图。"},
		{"<p>在<strong>西藏</strong>，推进</p><p>第二段&amp;&#x4E2D;</p>", "html", "在西藏，推进 第二段&中"},
		{"> 引用\n> > 嵌套\n- 一\n* 二\n1. 三\n10) 四", "markdown", "引用 嵌套 一 二 三 四"},
		{"```go\nfunc a_b() {}\n```\n代码`x_y`后", "markdown", "func a_b() {} 代码x_y后"},
		{"snake_case _em_ __strong__ 3~5年 ~~删~~", "markdown", "snake_case em strong 3~5年 删"},
		{"[ref]: http://example.com\n[文][ref] 脚注[^1]\n[^1]: 注释", "markdown", "文 脚注 : 注释"},
		{"a<!-- c\nd -->b<script>\nx\n</script>c<style>y</style>d", "markdown", "a b c d"},
		{"| 鸬鹚 | 2 |\n|---|---|", "markdown", "| 鸬鹚 | 2 | |---|---|"},
		{"a < b 和 \\*星\\*", "markdown", "a < b 和 *星*"},
		{"<http://x.y/>链接", "markdown", "链接"},
		{"line1\r\nline2\x1a", "markdown", "line1 line2"},
		{"", "markdown", ""},
	}
	for _, c := range cases {
		if got := PlainText(c.in, c.format); got != c.want {
			t.Errorf("PlainText(%q, %s)\n got %q\nwant %q", c.in, c.format, got, c.want)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	f.Add("[a](b) <p>c</p> **d** `e` &amp; <!-- x")
	f.Add("a_b _c_ \\_d\t\n  x&lt;y <br>z\x1a")
	f.Fuzz(func(t *testing.T, s string) {
		for _, format := range []string{"markdown", "html"} {
			if got, want := PlainText(s, format), refPlainText(s, format); got != want {
				t.Fatalf("PlainText(%q, %s) = %q, made a byte at a time %q", s, format, got, want)
			}
		}
	})
}

// The plain text as it was made a byte at a time, before runs of plain bytes were copied
// at once: PlainText must give the same text.

func refPlainText(body, format string) string {
	body = dropSpans(strings.ReplaceAll(body, refMark, ""))
	t := refBuilder{b: make([]byte, 0, len(body))}
	if format != "markdown" {
		t.inline(body, false)
		return t.String()
	}
	fence := ""
	for len(body) > 0 {
		line := body
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = ""
		}
		if f := fenceOf(line); f != "" {
			switch {
			case fence == "":
				fence = f
			case strings.HasPrefix(f, fence) && strings.Trim(strings.TrimSpace(line), f[:1]) == "":
				fence = ""
			default:
				t.raw(line)
			}
			t.space()
			continue
		}
		if fence != "" {
			t.raw(line)
			t.space()
			continue
		}
		if !isRefDef(line) {
			t.inline(stripLineMarkers(line), true)
		}
		t.space()
	}
	return t.String()
}

// refBuilder collects text, folding white space into single spaces.
type refBuilder struct {
	b       []byte
	pending bool // a space is due before the next text
}

func (t *refBuilder) space() { t.pending = len(t.b) > 0 }

func (t *refBuilder) byte(c byte) {
	if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' {
		t.space()
		return
	}
	if t.pending {
		t.b = append(t.b, ' ')
		t.pending = false
	}
	t.b = append(t.b, c)
}

func (t *refBuilder) str(s string) {
	for i := 0; i < len(s); i++ {
		t.byte(s[i])
	}
}

// raw adds text as it is (code), only folding white space.
func (t *refBuilder) raw(s string) { t.str(s) }

func (t *refBuilder) String() string { return string(t.b) }

// lastRune returns the last rune written, or 0.
func (t *refBuilder) lastRune() rune {
	if t.pending || len(t.b) == 0 {
		return ' '
	}
	r, _ := utf8.DecodeLastRune(t.b)
	return r
}

// inline adds one line of text, removing tags and entities, and in Markdown the inline
// markup.
func (t *refBuilder) inline(s string, md bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '<':
			if n, sp, ok := tagAt(s[i:]); ok {
				if sp {
					t.space()
				}
				i += n
				continue
			}
		case c == '&':
			if j := strings.IndexByte(s[i:min(len(s), i+34)], ';'); j > 1 {
				if u := html.UnescapeString(s[i : i+j+1]); u != s[i:i+j+1] {
					t.str(u)
					i += j + 1
					continue
				}
			}
		case !md:
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			t.byte(s[i+1])
			i += 2
			continue
		case c == '*' || c == '`':
			i++
			continue
		case c == '~' && i+1 < len(s) && s[i+1] == '~':
			i += 2
			continue
		case c == '_':
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if !(isWordRune(t.lastRune()) && isWordRune(next)) {
				i++
				continue
			}
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			if text, n, ok := linkAt(s[i+1:]); ok {
				t.inline(text, md)
				i += 1 + n
				continue
			}
		case c == '[':
			if strings.HasPrefix(s[i:], "[^") {
				if j := strings.IndexByte(s[i:], ']'); j > 0 && !strings.ContainsAny(s[i+2:i+j], "[ ") {
					i += j + 1
					continue
				}
			}
			if text, n, ok := linkAt(s[i:]); ok {
				t.inline(text, md)
				i += n
				continue
			}
		}
		t.byte(c)
		i++
	}
}

// TestPlainTextCorpora compares PlainText with the text made a byte at a time over every
// post of the real corpora (Markdown and HTML, code, tables, entities).
func TestPlainTextCorpora(t *testing.T) {
	for _, name := range []string{"finews", "yanhaijing", "jekyll"} {
		res := readCorpus(t, name)
		for _, p := range res.Posts {
			if got, want := PlainText(p.Body, p.Format), refPlainText(p.Body, p.Format); got != want {
				t.Errorf("%s %s: PlainText differs from the text made a byte at a time:\n got %.200q\nwant %.200q", name, p.File, got, want)
			}
		}
	}
}
