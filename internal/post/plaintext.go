package post

import (
	"html"
	"strings"
	"unicode/utf8"
)

// PlainText returns a post body (Markdown or HTML, after Liquid) as plain text: the text
// that search indexes and shows in snippets. It is one pass over the body, fast enough for
// archives of hundreds of megabytes (regular expressions were ten times slower).
//
// What goes: HTML tags and comments (block tags leave a space, inline tags nothing, so
// Chinese text stays joined), script and style elements, entities (decoded), and in
// Markdown the line markers (#, >, list bullets and numbers), fence lines, reference
// definitions, link and image targets (their text and alt text stay), footnote marks,
// emphasis (* and **, _ outside words, ~~) and code-span backticks. Backslash escapes
// keep the escaped character. Code blocks keep their text. Every run of white space,
// including line ends, becomes one space, and the result has no leading or trailing space.
func PlainText(body, format string) string {
	body = dropSpans(strings.ReplaceAll(body, refMark, ""))
	var t textBuilder
	t.b.Grow(len(body))
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

// dropSpans replaces HTML comments and script and style elements, which may span lines,
// with a space.
func dropSpans(s string) string {
	var out []byte
	copied := 0 // s[:copied] is in out
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		n := 0
		switch {
		case strings.HasPrefix(s[i:], "<!--"):
			n = len(s) - i
			if k := strings.Index(s[i+4:], "-->"); k >= 0 {
				n = 4 + k + 3
			}
		case hasPrefixFold(s[i:], "<script") || hasPrefixFold(s[i:], "<style"):
			closing := "</script"
			if hasPrefixFold(s[i:], "<style") {
				closing = "</style"
			}
			n = len(s) - i
			if k := indexFold(s[i:], closing); k >= 0 {
				n = k + len(closing)
				if e := strings.IndexByte(s[i+n:], '>'); e >= 0 {
					n += e + 1
				}
			}
		default:
			i++
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(s))
		}
		out = append(out, s[copied:i]...)
		out = append(out, ' ')
		i += n
		copied = i
	}
	if out == nil {
		return s
	}
	return string(append(out, s[copied:]...))
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// fenceOf returns the fence (``` or ~~~ run) a line opens or closes, or "".
func fenceOf(line string) string {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 || len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return ""
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return s[:n]
}

// isRefDef reports a Markdown link reference definition ("[x]: url").
func isRefDef(line string) bool {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 || !strings.HasPrefix(s, "[") || strings.HasPrefix(s, "[^") {
		return false
	}
	i := strings.Index(s, "]:")
	if i < 2 || strings.ContainsAny(s[1:i], "[]") {
		return false
	}
	rest := s[i+2:]
	return len(rest) > 1 && (rest[0] == ' ' || rest[0] == '\t') && strings.TrimSpace(rest) != ""
}

// stripLineMarkers removes heading marks, block quote marks, and list bullets or numbers
// at the start of a Markdown line.
func stripLineMarkers(line string) string {
	for {
		s := strings.TrimLeft(line, " \t")
		if len(line)-len(s) > 3 && !strings.HasPrefix(strings.TrimLeft(line, " "), ">") {
			return line
		}
		switch {
		case strings.HasPrefix(s, ">"):
			line = strings.TrimPrefix(s[1:], " ")
			continue
		case strings.HasPrefix(s, "#"):
			n := 0
			for n < len(s) && s[n] == '#' {
				n++
			}
			if n <= 6 && n < len(s) && (s[n] == ' ' || s[n] == '\t') {
				return s[n+1:]
			}
		case len(s) > 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'):
			return s[2:]
		default:
			n := 0
			for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
				n++
			}
			if n > 0 && n+1 < len(s) && (s[n] == '.' || s[n] == ')') && (s[n+1] == ' ' || s[n+1] == '\t') {
				return s[n+2:]
			}
		}
		return s
	}
}

// textBuilder collects text, folding white space into single spaces.
type textBuilder struct {
	b       strings.Builder
	pending bool // a space is due before the next text
}

// spaceBytes are the bytes that fold into one space.
var spaceBytes = byteSet(" \t\r\n\f\v")

// plainBytes are the bytes inline copies as they are, a run at a time: all but white
// space and those that may start markup (HTML's, and in Markdown its inline marks).
var (
	plainHTML     = notIn(" \t\r\n\f\v<&")
	plainMarkdown = notIn(" \t\r\n\f\v<&\\*`~_![")
)

func byteSet(s string) (set [256]bool) {
	for i := 0; i < len(s); i++ {
		set[s[i]] = true
	}
	return set
}

func notIn(s string) [256]bool {
	set := byteSet(s)
	for i := range set {
		set[i] = !set[i]
	}
	return set
}

func (t *textBuilder) space() { t.pending = t.b.Len() > 0 }

func (t *textBuilder) byte(c byte) {
	if spaceBytes[c] {
		t.space()
		return
	}
	if t.pending {
		t.b.WriteByte(' ')
		t.pending = false
	}
	t.b.WriteByte(c)
}

// run adds text that has no white space.
func (t *textBuilder) run(s string) {
	if t.pending {
		t.b.WriteByte(' ')
		t.pending = false
	}
	t.b.WriteString(s)
}

func (t *textBuilder) str(s string) {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && !spaceBytes[s[j]] {
			j++
		}
		if j > i {
			t.run(s[i:j])
			i = j
			continue
		}
		t.space()
		i++
	}
}

// raw adds text as it is (code), only folding white space.
func (t *textBuilder) raw(s string) { t.str(s) }

func (t *textBuilder) String() string { return t.b.String() }

// lastRune returns the last rune written, or 0.
func (t *textBuilder) lastRune() rune {
	if t.pending || t.b.Len() == 0 {
		return ' '
	}
	r, _ := utf8.DecodeLastRuneInString(t.b.String())
	return r
}

// inline adds one line of text, removing tags and entities, and in Markdown the inline
// markup.
func (t *textBuilder) inline(s string, md bool) {
	plain := &plainHTML
	if md {
		plain = &plainMarkdown
	}
	for i := 0; i < len(s); {
		if j := i; plain[s[j]] {
			for j < len(s) && plain[s[j]] {
				j++
			}
			t.run(s[i:j])
			i = j
			continue
		}
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

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

func isWordRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && r != utf8.RuneError
}

// linkAt reads a Markdown link "[text](target)" or "[text][ref]" at the start of s and
// returns its text and length.
func linkAt(s string) (text string, n int, ok bool) {
	depth := 0
	end := -1
	for i := 0; i < len(s) && i < 2000; i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				end = i
			}
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 || end+1 >= len(s) {
		return "", 0, false
	}
	closer := byte(')')
	switch s[end+1] {
	case '(':
	case '[':
		closer = ']'
	default:
		return "", 0, false
	}
	depth = 0
	for j := end + 1; j < len(s); j++ {
		switch s[j] {
		case '(', '[':
			if s[j] == s[end+1] {
				depth++
			}
		case ')', ']':
			if s[j] == closer {
				depth--
				if depth == 0 {
					return s[1:end], j + 1, true
				}
			}
		}
	}
	return "", 0, false
}

// blockTags are the HTML elements whose tags separate words.
var blockTags = map[string]bool{"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "tr": true, "td": true,
	"th": true, "table": true, "thead": true, "tbody": true, "blockquote": true, "pre": true,
	"section": true, "article": true, "center": true, "hr": true, "dd": true, "dt": true, "dl": true,
	"figure": true, "figcaption": true, "header": true, "footer": true, "nav": true, "aside": true,
	"main": true, "caption": true, "img": true}

// tagAt reads an HTML tag at the start of s and returns
// its length and whether it separates words. A "<" that starts no tag is not one.
func tagAt(s string) (n int, space, ok bool) {
	if len(s) < 3 {
		return 0, false, false
	}
	i := 1
	if s[1] == '/' || s[1] == '!' || s[1] == '?' {
		i = 2
	}
	if i >= len(s) || !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
		return 0, false, false
	}
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] == '-' || s[j] == ':') {
		j++
	}
	name := strings.ToLower(s[i:j])
	end := strings.IndexByte(s[j:], '>')
	if end < 0 {
		return 0, false, false
	}
	n = j + end + 1
	return n, blockTags[name], true
}

// indexFold is strings.Index ignoring ASCII case of the pattern's letters.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
