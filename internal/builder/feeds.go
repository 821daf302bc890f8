package builder

import (
	"encoding/xml"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"folio/internal/post"
	"folio/internal/render"
	"folio/internal/safefile"
)

// FeedPosts is how many of the newest posts a feed carries, as jekyll-feed's default.
const FeedPosts = 10

// feedDir holds one feed per category (feed/NAME.xml), as jekyll-feed's categories do.
const feedDir = "feed"

// siteLinks makes the absolute URLs of feeds and sitemaps: the site's url (_config.yml's
// url or -site-url, "" when unknown) and the path the site is served under.
type siteLinks struct {
	url  string // "https://example.com", no trailing slash; "" gives root-relative links
	base string // "/" or "/archive/"
}

// abs is the URL of a path under the site root ("feed.xml", or a post's "/2020/…/x.html").
func (l siteLinks) abs(p string) string {
	return l.url + l.base + strings.TrimPrefix(p, "/")
}

// Atom elements, as RFC 4287 names them.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    *atomAuthor `xml:"author,omitempty"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	Links      []atomLink     `xml:"link"`
	ID         string         `xml:"id"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    atomText       `xml:"content"`
}

// newestFirst returns posts sorted newest first (ties: by URL, so output is stable).
func newestFirst(posts []*post.Post) []*post.Post {
	s := append([]*post.Post(nil), posts...)
	sort.SliceStable(s, func(i, j int) bool {
		if !s[i].Date.Equal(s[j].Date) {
			return s[i].Date.After(s[j].Date)
		}
		return s[i].URL < s[j].URL
	})
	return s
}

// feed builds the Atom feed of the newest posts of a list; self is the feed's path.
func feed(title, subtitle, author, self string, posts []*post.Post, l siteLinks) ([]byte, error) {
	f := atomFeed{Title: title, Subtitle: subtitle, ID: l.abs(self), Generator: "Folio",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: l.abs(self)}, {Rel: "alternate", Type: "text/html", Href: l.abs("")}}}
	if author != "" {
		f.Author = &atomAuthor{Name: author}
	}
	if len(posts) > FeedPosts {
		posts = posts[:FeedPosts]
	}
	f.Updated = time.Unix(0, 0).UTC().Format(time.RFC3339)
	if len(posts) > 0 {
		f.Updated = posts[0].Date.Format(time.RFC3339)
	}
	for _, p := range posts {
		body, err := render.Default().RenderPost(p.Body, p.Format, p.URL)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.File, err)
		}
		e := atomEntry{Title: p.Title, ID: l.abs(p.URL), Published: p.Date.Format(time.RFC3339), Updated: p.Date.Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: l.abs(p.URL)}},
			Content: atomText{Type: "html", Body: body}}
		if p.Excerpt != "" {
			e.Summary = &atomText{Type: "text", Body: p.Excerpt}
		}
		for _, c := range p.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		f.Entries = append(f.Entries, e)
	}
	data, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

// feedName is the file name of a category's feed: letters (any script), digits, - and _
// kept, anything else a dash.
func feedName(category string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, category)
	if strings.Trim(name, "-") == "" {
		name = "category"
	}
	return name
}

// writeFeeds writes feed.xml and feed/CATEGORY.xml and returns the paths written.
func writeFeeds(out, title, subtitle, author string, posts []*post.Post, l siteLinks) ([]string, error) {
	sorted := newestFirst(posts)
	data, err := feed(title, subtitle, author, "feed.xml", sorted, l)
	if err != nil {
		return nil, err
	}
	if err := safefile.Write(filepath.Join(out, "feed.xml"), data); err != nil {
		return nil, err
	}
	written := []string{"feed.xml"}
	byCat := map[string][]*post.Post{}
	var cats []string
	for _, p := range sorted {
		for _, c := range p.Categories {
			if byCat[c] == nil {
				cats = append(cats, c)
			}
			byCat[c] = append(byCat[c], p)
		}
	}
	sort.Strings(cats)
	used := map[string]bool{}
	for _, c := range cats {
		name := feedName(c)
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s-%d", feedName(c), n)
		}
		used[name] = true
		rel := feedDir + "/" + name + ".xml"
		data, err := feed(title+" · "+c, subtitle, author, rel, byCat[c], l)
		if err != nil {
			return nil, err
		}
		if err := mkdirWrite(filepath.Join(out, filepath.FromSlash(rel)), data); err != nil {
			return nil, err
		}
		written = append(written, rel)
	}
	return written, nil
}
