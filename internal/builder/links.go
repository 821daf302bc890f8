package builder

import (
	"encoding/binary"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/net/html"

	"folio/internal/builder/memo"
	"folio/internal/post"
	"folio/internal/render"
)

// The link memo (see memo.Memo): the URLs of each rendered post (linkRefsOf), by body,
// format and URL.
const (
	linkMemoFile  = "cache-links.bin"
	linkMemoMagic = "folio link cache 2\n"
)

// viewerRoutes are the first path segments the viewer answers itself.
var viewerRoutes = map[string]bool{"category": true, "tag": true, "archive": true, "categories": true, "tags": true, "search": true}

// linkChecker finds the local links and images of posts that point at nothing in the
// built site: no file, no post and no view of the viewer answers them.
type linkChecker struct {
	out    string          // the output folder, with the site's files copied
	base   string          // the path the site is served under ("/" or "/archive/")
	posts  map[string]bool // every post's URL
	posts0 string          // the posts folder, to find the line of a link in its source
}

// brokenLinks returns one issue per post and URL that points at nothing, with the line
// of the post's source where it is written (where it can be found there). refs holds the
// local URLs of rendered posts from former builds (a memo, see linkRefs); nil renders
// every post.
func brokenLinks(posts []*post.Post, postsDir, out, base string, refs *memo.Memo) []post.Issue {
	c := &linkChecker{out: out, base: base, posts: map[string]bool{}, posts0: postsDir}
	for _, p := range posts {
		c.posts[p.URL] = true
	}
	found := make([][]post.Issue, len(posts))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for {
				next.Lock()
				n := i
				i++
				next.Unlock()
				if n >= len(posts) {
					return
				}
				found[n] = c.check(posts[n], linkRefsOf(posts[n], refs))
			}
		})
	}
	wg.Wait()
	var all []post.Issue
	for _, f := range found {
		all = append(all, f...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].File < all[j].File })
	return all
}

// A linkRef is a URL of a rendered post's href, src or poster attribute, with the kind of
// what it points at, as check reports it.
type linkRef struct {
	URL   string
	Image bool
}

// linkRefsOf returns the URLs of p rendered as the viewer renders it, each once, in order:
// from refs when a former build rendered the same body, format and URL.
func linkRefsOf(p *post.Post, refs *memo.Memo) []linkRef {
	if refs == nil {
		return linkRefs(p)
	}
	k := memo.KeyOf(p.Body, p.Format, p.URL)
	if enc, ok := refs.Get(k); ok {
		if out, ok := decodeLinkRefs(enc); ok {
			return out
		}
	}
	out := linkRefs(p)
	refs.Keep(k, encodeLinkRefs(out))
	return out
}

// linkRefs renders one post as the viewer does (relative links resolved against the post's
// URL) and lists the URLs of its href, src and poster attributes, each once.
func linkRefs(p *post.Post) []linkRef {
	if !strings.Contains(p.Body, "](") && !strings.Contains(p.Body, "=") && !strings.Contains(p.Body, "]:") {
		return nil
	}
	h, err := render.Default().RenderPost(p.Body, p.Format, p.URL)
	if err != nil {
		return nil
	}
	var out []linkRef
	seen := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			if (a.Key != "href" && a.Key != "src" && a.Key != "poster") || seen[a.Val] {
				continue
			}
			seen[a.Val] = true
			out = append(out, linkRef{URL: a.Val, Image: tok.Data == "img" || a.Key != "href"})
		}
	}
	return out
}

// encodeLinkRefs packs refs for the memo: per ref a flag byte (1 for an image) and the
// URL's length and bytes.
func encodeLinkRefs(refs []linkRef) []byte {
	b := []byte{}
	for _, r := range refs {
		f := byte(0)
		if r.Image {
			f = 1
		}
		b = append(b, f)
		b = binary.AppendUvarint(b, uint64(len(r.URL)))
		b = append(b, r.URL...)
	}
	return b
}

// decodeLinkRefs unpacks encodeLinkRefs' bytes; false when they are damaged.
func decodeLinkRefs(b []byte) ([]linkRef, bool) {
	var out []linkRef
	for len(b) > 0 {
		if b[0] > 1 {
			return nil, false
		}
		n, w := binary.Uvarint(b[1:])
		if w <= 0 || n > uint64(len(b)-1-w) {
			return nil, false
		}
		out = append(out, linkRef{URL: string(b[1+w : 1+w+int(n)]), Image: b[0] == 1})
		b = b[1+w+int(n):]
	}
	return out, true
}

// check reports the refs of p that point at nothing in the built site.
func (c *linkChecker) check(p *post.Post, refs []linkRef) []post.Issue {
	var out []post.Issue
	var src []string // the post's source lines, read at the first broken link
	for _, r := range refs {
		if c.resolves(r.URL) {
			continue
		}
		if src == nil {
			data, _ := os.ReadFile(filepath.Join(c.posts0, filepath.FromSlash(p.File)))
			src = strings.Split(string(data), "\n")
		}
		kind := "link"
		if r.Image {
			kind = "image"
		}
		line, written := lineOfURL(src, p.URL, r.URL)
		shown := r.URL
		if written != r.URL && written != "/"+r.URL {
			shown = fmt.Sprintf("%s (/%s from the post's URL)", written, r.URL)
		}
		out = append(out, post.Issue{File: p.File, Line: line,
			Reason: fmt.Sprintf("%s %s points at nothing in the built site", kind, shown)})
	}
	return out
}

// resolves reports whether a URL from a rendered post is answered by the built site, or
// is not local (another host, a fragment, mailto: and the like).
func (c *linkChecker) resolves(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return true // not a URL a browser would follow either: not ours to report
	}
	if u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.Path == "" {
		return true
	}
	p := u.Path
	if strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, c.base) {
			return false // outside the path the site is served under
		}
		p = p[len(c.base):]
	}
	p = path.Clean("/" + p)
	if p == "/" || c.posts[p] || c.posts[p+"/"] || c.posts[p+".html"] {
		return true
	}
	first, _, _ := strings.Cut(p[1:], "/")
	if viewerRoutes[first] || ownedName(first) {
		return true // the viewer's views and the files the build writes
	}
	f := filepath.Join(c.out, filepath.FromSlash(p[1:]))
	if st, err := os.Stat(f); err == nil {
		if !st.IsDir() {
			return true
		}
		_, err := os.Stat(filepath.Join(f, "index.html"))
		return err == nil
	}
	_, err = os.Stat(f + ".html")
	return err == nil
}

// lineOfURL finds the line of a post's source that writes a URL the renderer gave as u:
// the URL as written, or as the relative URL that resolves to it from the post's own URL
// (../news/), inside link syntax; else the first body line with its file name (a URL
// made by Liquid, {{ BLOG_IMG }}1.png, is not written whole). 0 when none is found.
func lineOfURL(src []string, postURL, u string) (line int, written string) {
	body := bodyStart(src)
	var forms []string
	for _, f := range []string{u, "/" + u, relativeTo(postURL, u)} {
		if f != "" && f != "/" {
			forms = append(forms, f)
		}
	}
	for _, f := range forms {
		for _, wrapped := range []string{"(" + f + ")", "(" + f + " ", `"` + f + `"`, "'" + f + "'", "<" + f + ">", "]: " + f} {
			for i := body; i < len(src); i++ {
				if strings.Contains(src[i], wrapped) {
					return i + 1, f
				}
			}
		}
	}
	name := path.Base(strings.SplitN(u, "?", 2)[0])
	if name == "" || name == "." || name == "/" {
		return 0, u
	}
	for i := body; i < len(src); i++ {
		if strings.Contains(src[i], name) {
			return i + 1, u
		}
	}
	return 0, u
}

// bodyStart is the index of the first line after the front matter.
func bodyStart(src []string) int {
	open := -1
	for i, l := range src {
		l = strings.TrimRight(l, " \t\r")
		switch {
		case open < 0 && l == "---":
			open = i
		case open < 0 && strings.TrimSpace(l) != "":
			return 0
		case open >= 0 && (l == "---" || l == "..."):
			return i + 1
		}
	}
	return 0
}

// relativeTo writes u (relative to the site root, as the renderer gives it) relative to the
// folder of the post's URL, as a post written with ../ links has it.
func relativeTo(postURL, u string) string {
	if strings.HasPrefix(u, "/") {
		return ""
	}
	rel, err := filepath.Rel(path.Dir(postURL), "/"+strings.TrimSuffix(u, "/"))
	if err != nil {
		return ""
	}
	rel = filepath.ToSlash(rel)
	if strings.HasSuffix(u, "/") {
		rel += "/"
	}
	return rel
}
