package memo

// The memos of reading the posts, by file name in OUT/.folio. Every build looks up every
// post in them, so what a build did not use is no longer needed.
const (
	ExcerptFile     = "cache-excerpts.bin"
	FrontMatterFile = "cache-frontmatter.bin"
)

// Excerpts is the excerpt memo: post bodies' excerpts (a third of reading the posts), by
// body, separator and format.
type Excerpts struct{ *Memo }

// OpenExcerpts reads dir's excerpt memo (see Open).
func OpenExcerpts(dir, stamp string, reuse bool) Excerpts {
	return Excerpts{Open(dir, ExcerptFile, "folio excerpt cache 2\n", stamp, reuse)}
}

// Excerpt is a post.Config.ExcerptMemo.
func (m Excerpts) Excerpt(body, sep, format string, take func() string) string {
	k := KeyOf(body, sep, format)
	if v, ok := m.Get(k); ok {
		return string(v)
	}
	e := take()
	m.Keep(k, []byte(e))
	return e
}

// FrontMatters is the front matter memo: the parsed YAML of posts' front matter (a third
// of reading a post), by its text.
type FrontMatters struct{ *Memo }

// OpenFrontMatters reads dir's front matter memo (see Open).
func OpenFrontMatters(dir, stamp string, reuse bool) FrontMatters {
	return FrontMatters{Open(dir, FrontMatterFile, "folio front matter cache 2\n", stamp, reuse)}
}

// FrontMatter is a post.Config.FrontMatterMemo.
func (m FrontMatters) FrontMatter(src string, parse func() []byte) []byte {
	k := KeyOf(src)
	if v, ok := m.Get(k); ok {
		return v
	}
	v := parse()
	if v != nil {
		m.Keep(k, v)
	}
	return v
}
