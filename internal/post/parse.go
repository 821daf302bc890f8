package post

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// SkipError says why a file could not become a post. Line is 0 when it concerns the whole file.
type SkipError struct {
	Line   int
	Reason string
}

func (e *SkipError) Error() string { return e.Reason }

func skip(line int, format string, args ...any) *SkipError {
	return &SkipError{Line: line, Reason: fmt.Sprintf(format, args...)}
}

// fileName matches Jekyll post names: a date, a dash, a slug and an extension. Jekyll
// accepts months and days without a leading zero ("2013-9-3-blog.md").
// The slug may hold a line break (names.go says why such posts are read).
var fileName = regexp.MustCompile(`(?s)^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)\.([A-Za-z0-9]+)$`)

// htmlExts lists extensions whose bodies are HTML rather than Markdown.
var htmlExts = map[string]bool{".html": true, ".htm": true}

// postExts lists the extensions the reader treats as posts; other files are ignored.
var postExts = map[string]bool{
	".md": true, ".markdown": true, ".mkd": true, ".mkdn": true, ".mdown": true, ".mdwn": true,
	".html": true, ".htm": true,
}

// IsPostFile reports whether a file name has a post extension and is not hidden.
func IsPostFile(name string) bool {
	base := path.Base(name)
	if strings.HasPrefix(base, ".") {
		return false
	}
	return postExts[strings.ToLower(path.Ext(base))]
}

// Parse turns one file into a post. file is the path relative to the posts folder. It
// returns the warnings for a post it could build, or a *SkipError for one it could not.
func Parse(file string, data []byte, cfg Config) (*Post, []Issue, error) {
	cfg = cfg.withDefaults()
	p := &parser{file: file, cfg: cfg}
	post, err := p.parse(data)
	if err != nil {
		return nil, nil, err
	}
	return post, p.warnings, nil
}

type parser struct {
	file     string
	cfg      Config
	warnings []Issue
	seen     map[string]bool // warnings already given, so each reason appears once per file
}

func (p *parser) warn(line int, format string, args ...any) {
	reason := fmt.Sprintf(format, args...)
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if p.seen[reason] {
		return
	}
	p.seen[reason] = true
	p.warnings = append(p.warnings, issue(p.file, line, reason))
}

// frontMatter is a post's YAML front matter, kept as nodes so that values keep their
// written form and line numbers.
type frontMatter struct {
	nodes map[string]*yaml.Node
	line  int // line of the opening "---" in the file
}

func (fm frontMatter) scalar(key string) (string, *yaml.Node, bool) {
	n, ok := fm.nodes[key]
	if !ok || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", n, false
	}
	return n.Value, n, true
}

// lineOf converts a line inside the front matter YAML to a line of the file.
func (fm frontMatter) lineOf(n *yaml.Node) int {
	if n == nil {
		return fm.line
	}
	return fm.line + n.Line
}

func (p *parser) parse(data []byte) (*Post, error) {
	if len(data) == 0 {
		return nil, skip(0, "empty file")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, skip(lineAt(data, i), "binary file (NUL byte at offset %d), not a text post", i)
	}
	if !utf8.Valid(data) {
		i := firstInvalidUTF8(data)
		return nil, skip(lineAt(data, i), "invalid UTF-8 at byte %d", i)
	}
	text := normalize(data)

	fm, body, bodyLine, err := p.splitFrontMatter(text)
	if err != nil {
		return nil, err
	}

	post := &Post{File: p.file, Format: "markdown"}
	post.ID = strings.TrimSuffix(p.file, path.Ext(p.file))
	ext := strings.ToLower(path.Ext(p.file))
	if htmlExts[ext] {
		post.Format = "html"
	}

	if v, n, ok := fm.scalar("published"); ok && (v == "false" || v == "no" || v == "off") {
		return nil, skip(fm.lineOf(n), "published: false (not built, as in Jekyll)")
	}

	if w := nameWarning(p.file); w != "" {
		p.warn(1, "%s", w)
	}
	base := path.Base(p.file)
	nameDate, slug, hasNameDate := p.nameDate(base)
	if !hasNameDate {
		slug = strings.TrimSuffix(base, path.Ext(base))
	}
	if v, _, ok := fm.scalar("slug"); ok && strings.TrimSpace(v) != "" {
		slug = strings.TrimSpace(v)
	}

	// Date: front matter first, then the file name.
	if v, n, ok := fm.scalar("date"); ok && strings.TrimSpace(v) != "" {
		d, err := parseDate(v, p.cfg.Location)
		switch {
		case err == nil:
			post.Date = d
		case hasNameDate:
			post.Date = nameDate
			p.warn(fm.lineOf(n), "date %q is not a date; using %s from the file name", v, nameDate.Format("2006-01-02"))
		default:
			return nil, skip(fm.lineOf(n), "date %q is not a date, and the file name has no YYYY-MM-DD- prefix", v)
		}
	} else if hasNameDate {
		post.Date = nameDate
	} else {
		return nil, skip(fm.line, "no date: the front matter has none and the file name has no YYYY-MM-DD- prefix")
	}

	if p.cfg.InSiteZone {
		post.Date = post.Date.In(p.cfg.Location)
	}

	// Title.
	if v, n, ok := fm.scalar("title"); ok && strings.TrimSpace(v) != "" {
		post.Title = strings.TrimSpace(v)
	} else {
		post.Title = titleFromSlug(slug)
		if strings.TrimSpace(post.Title) == "" { // a file named " .md"
			post.Title = p.file
		}
		if n == nil {
			p.warn(fm.line, "no title; using %q from the file name", post.Title)
		} else {
			p.warn(fm.lineOf(n), "empty title; using %q from the file name", post.Title)
		}
	}

	// Jekyll lists "categories" before "category" (Document#populate_categories); the
	// order is the order of :categories in the URL.
	post.Categories = unique(append(p.terms(fm, "categories", true), p.terms(fm, "category", false)...))
	post.Tags = unique(append(p.terms(fm, "tag", false), p.terms(fm, "tags", true)...))
	for _, u := range p.terms(fm, "redirect_from", false) {
		if strings.HasPrefix(u, "/") {
			post.RedirectFrom = append(post.RedirectFrom, u)
		} else {
			p.warn(fm.lineOf(fm.nodes["redirect_from"]), "redirect_from %q is not a path starting with /; ignored", u)
		}
	}

	// URL: a permalink in the front matter, else the site's pattern.
	pattern := p.cfg.Permalink
	if v, _, ok := fm.scalar("permalink"); ok && strings.TrimSpace(v) != "" {
		pattern = strings.TrimSpace(v)
	}
	post.URL = permalink(pattern, post, slug)

	// Body: Liquid first, as Jekyll does, then the excerpt.
	p.renderLiquid(post, fm, body, bodyLine)

	sep := p.cfg.ExcerptSeparator
	if v, _, ok := fm.scalar("excerpt_separator"); ok && v != "" {
		sep = v
	}
	if v, _, ok := fm.scalar("excerpt"); ok && strings.TrimSpace(v) != "" {
		post.Excerpt = plainExcerpt(v, post.Format)
	} else if p.cfg.ExcerptMemo != nil {
		post.Excerpt = p.cfg.ExcerptMemo(post.Body, sep, post.Format, func() string { return excerpt(post.Body, sep, post.Format) })
	} else {
		post.Excerpt = excerpt(post.Body, sep, post.Format)
	}

	return post, nil
}

// nameDate reads the date and slug from a Jekyll post file name.
func (p *parser) nameDate(base string) (time.Time, string, bool) {
	m := fileName.FindStringSubmatch(base)
	if m == nil {
		return time.Time{}, "", false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, p.cfg.Location)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return time.Time{}, "", false // "2021-02-30-x.md" is not a date
	}
	return t, m[4], true
}

// splitFrontMatter finds the YAML front matter: "---" on the first non-blank line, closed by
// "---" or "...". It returns the parsed keys, the body, and the body's first line number.
func (p *parser) splitFrontMatter(text string) (frontMatter, string, int, error) {
	lines := strings.SplitAfter(text, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) {
		return frontMatter{}, "", 0, skip(0, "file has only blank lines")
	}
	if strings.TrimRight(lines[i], " \t\n") != "---" {
		return frontMatter{}, "", 0, skip(i+1, "no front matter: a post must start with a line \"---\" (Jekyll copies such files unchanged)")
	}
	open := i
	end := -1
	for j := open + 1; j < len(lines); j++ {
		l := strings.TrimRight(lines[j], " \t\n")
		if l == "---" || l == "..." {
			end = j
			break
		}
	}
	if end < 0 {
		return frontMatter{}, "", 0, skip(open+1, "front matter: no closing \"---\" line")
	}
	fm := frontMatter{nodes: map[string]*yaml.Node{}, line: open + 1}
	src := strings.Join(lines[open+1:end], "")
	doc, err := p.parseFrontMatter(src)
	if err != nil {
		return fm, "", 0, skip(fm.line+yamlErrorLine(err), "front matter: %s", yamlErrorText(err))
	}
	if len(doc.Content) > 0 {
		m := doc.Content[0]
		if m.Kind != yaml.MappingNode {
			return fm, "", 0, skip(fm.line+m.Line, "front matter is not a set of key: value lines")
		}
		for k := 0; k+1 < len(m.Content); k += 2 {
			fm.nodes[strings.TrimSpace(m.Content[k].Value)] = m.Content[k+1]
		}
	}
	body := strings.Join(lines[end+1:], "")
	return fm, body, end + 2, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlParserProblems are the messages of the YAML parser's errors (as opposed to the
// scanner's). go.yaml.in/yaml/v3 reports their "line N" counting from 0, and only the
// scanner's counting from 1, so these need one added.
var yamlParserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>",
	"did not find expected node content", "did not find expected key",
	"did not find expected '-' indicator", "did not find expected ',' or ']'",
	"did not find expected ',' or '}'", "found duplicate %YAML directive",
	"found incompatible YAML document", "found duplicate %TAG directive",
	"found undefined tag handle",
}

// yamlErrorLine returns the line (from 1) of the front matter YAML that err is about.
func yamlErrorLine(err error) int {
	msg := err.Error()
	m := yamlLine.FindStringSubmatchIndex(msg)
	if m == nil {
		return 1
	}
	n, _ := strconv.Atoi(msg[m[2]:m[3]])
	for _, p := range yamlParserProblems {
		if strings.HasPrefix(msg[m[1]:], p) {
			return n + 1
		}
	}
	return n
}

func yamlErrorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLine.ReplaceAllString(s, "")
}

// terms reads categories or tags: a string (split on spaces when split is set) or a list.
func (p *parser) terms(fm frontMatter, key string, split bool) []string {
	n, ok := fm.nodes[key]
	if !ok || n.Tag == "!!null" {
		return nil
	}
	var out []string
	switch n.Kind {
	case yaml.ScalarNode:
		if split {
			out = strings.Fields(n.Value)
		} else if v := strings.TrimSpace(n.Value); v != "" {
			out = []string{v}
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				p.warn(fm.lineOf(item), "%s: ignoring an entry that is not a plain value", key)
				continue
			}
			if v := strings.TrimSpace(item.Value); v != "" {
				out = append(out, v)
			}
		}
	default:
		p.warn(fm.lineOf(n), "%s: expected a word or a list, ignoring it", key)
	}
	return out
}

func unique(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// titleFromSlug makes "jekyll-introduction" into "Jekyll Introduction", as Jekyll does.
// Control characters (a line break in the file name) separate words too.
func titleFromSlug(slug string) string {
	words := strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' || r == ' ' || hidden(r) })
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = strings.ToUpper(string(r)) + w[n:]
	}
	if len(words) == 0 {
		return slug
	}
	return strings.Join(words, " ")
}

// normalize drops a UTF-8 byte order mark and turns CRLF and CR line ends into LF.
func normalize(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	s := string(data)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

func lineAt(data []byte, offset int) int {
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}
