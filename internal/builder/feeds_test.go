package builder

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/post"
)

// atomDoc reads what RFC 4287 requires of a feed and its entries.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

// strictXML parses data with a strict decoder into v: a feed reader rejects what is not
// well-formed XML.
func strictXML(t *testing.T, name string, data []byte, v any) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		t.Fatalf("%s is not valid XML: %v\n%s", name, err, data)
	}
}

func testPosts(n int) []*post.Post {
	var ps []*post.Post
	start := time.Date(2020, 1, 1, 8, 0, 0, 0, time.FixedZone("", 8*3600))
	for i := range n {
		cat := "tea"
		if i%3 == 0 {
			cat = "C++ & 中文"
		}
		ps = append(ps, &post.Post{ID: fmt.Sprint(i), File: fmt.Sprintf("p%d.md", i), URL: fmt.Sprintf("/%s/p%d.html", "x", i),
			Title: fmt.Sprintf("Post <%d> & more", i), Date: start.AddDate(0, 0, i), Categories: []string{cat},
			Format: "markdown", Body: fmt.Sprintf("Body of **%d** with <script>alert(1)</script> ![i](img/%d.png)", i, i), Excerpt: "e"})
	}
	return ps
}

// TestFeeds: feed.xml and one feed per category are Atom with every required element,
// absolute links under the site's url and base, the newest FeedPosts posts newest first,
// and sanitized HTML content.
func TestFeeds(t *testing.T) {
	out := t.TempDir()
	posts := testPosts(40)
	written, err := writeFeeds(out, "Tea & Co", "about tea", "Li", posts, siteLinks{url: "https://example.com", base: "/archive/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 3 {
		t.Fatalf("wrote %v, want feed.xml and two category feeds", written)
	}
	for _, name := range written {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		var f atomDoc
		strictXML(t, name, data, &f)
		self := "https://example.com/archive/" + name
		if f.ID != self || f.Title == "" || f.Author.Name != "Li" {
			t.Errorf("%s: id %q title %q author %q", name, f.ID, f.Title, f.Author.Name)
		}
		if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
			t.Errorf("%s: updated %q: %v", name, f.Updated, err)
		}
		hasSelf := false
		for _, l := range f.Links {
			hasSelf = hasSelf || (l.Rel == "self" && l.Href == self)
		}
		if !hasSelf {
			t.Errorf("%s: no link rel=self to %s", name, self)
		}
		if len(f.Entries) != FeedPosts {
			t.Errorf("%s: %d entries, want %d", name, len(f.Entries), FeedPosts)
		}
		var prev time.Time
		for i, e := range f.Entries {
			u, err := time.Parse(time.RFC3339, e.Updated)
			if err != nil || e.ID == "" || e.Title == "" || len(e.Links) == 0 || e.Content.Type != "html" {
				t.Errorf("%s entry %d lacks a required element: %+v", name, i, e)
			}
			if i > 0 && u.After(prev) {
				t.Errorf("%s: entry %d is newer than the one before", name, i)
			}
			prev = u
			if !strings.HasPrefix(e.Links[0].Href, "https://example.com/archive/x/p") || e.ID != e.Links[0].Href {
				t.Errorf("%s: entry link %q, id %q", name, e.Links[0].Href, e.ID)
			}
			if strings.Contains(e.Content.Body, "<script") || !strings.Contains(e.Content.Body, "<strong>") {
				t.Errorf("%s: content not the sanitized HTML: %q", name, e.Content.Body)
			}
			if name != "feed.xml" {
				want := map[string]string{"feed/tea.xml": "tea", "feed/C-----中文.xml": "C++ & 中文"}[name]
				if len(e.Categories) != 1 || e.Categories[0].Term != want {
					t.Errorf("%s: entry of category %v", name, e.Categories)
				}
			}
		}
		if name == "feed.xml" && f.Entries[0].Title != "Post <39> & more" {
			t.Errorf("newest entry %q, want Post <39> & more", f.Entries[0].Title)
		}
	}
}

// TestSitemap100k: 100,001 URLs make an index over three files of at most 50,000 URLs,
// each URL absolute with its lastmod (a unit-level generator of entries, no build).
func TestSitemap100k(t *testing.T) {
	var entries []SitemapEntry
	day := time.Date(2021, 12, 8, 10, 0, 0, 0, time.UTC)
	for i := range 100001 {
		entries = append(entries, SitemapEntry{Path: fmt.Sprintf("/emnews/2021/12/08/%d.html", i), LastMod: day.Add(time.Duration(i) * time.Minute)})
	}
	files, err := sitemapFiles(entries, siteLinks{url: "https://news.example", base: "/"}, SitemapURLs)
	if err != nil {
		t.Fatal(err)
	}
	var index struct {
		XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Sitemaps []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"sitemap"`
	}
	strictXML(t, "sitemap.xml", files["sitemap.xml"], &index)
	if len(index.Sitemaps) != 3 || len(files) != 4 {
		t.Fatalf("index lists %d sitemaps (%d files), want 3", len(index.Sitemaps), len(files))
	}
	total := 0
	for i, s := range index.Sitemaps {
		name, ok := strings.CutPrefix(s.Loc, "https://news.example/")
		if !ok || files[name] == nil || s.LastMod == "" {
			t.Fatalf("index entry %d: %+v", i, s)
		}
		if len(files[name]) > 50<<20 {
			t.Errorf("%s is %d bytes, over the protocol's 50 MB", name, len(files[name]))
		}
		var set struct {
			XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
			URLs    []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		strictXML(t, name, files[name], &set)
		if len(set.URLs) > SitemapURLs || len(set.URLs) == 0 {
			t.Errorf("%s: %d URLs", name, len(set.URLs))
		}
		for _, u := range set.URLs {
			want := fmt.Sprintf("https://news.example/emnews/2021/12/08/%d.html", total)
			if u.Loc != want {
				t.Fatalf("%s: URL %q, want %q", name, u.Loc, want)
			}
			if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
				t.Fatalf("%s: lastmod %q: %v", name, u.LastMod, err)
			}
			total++
		}
	}
	if total != len(entries) {
		t.Errorf("%d URLs in the sitemaps, want %d", total, len(entries))
	}
}

func TestRobots(t *testing.T) {
	got := string(robots([]byte("User-agent: *\nDisallow: /private/"), "https://e.com/sitemap.xml"))
	if got != "User-agent: *\nDisallow: /private/\n\nSitemap: https://e.com/sitemap.xml\n" {
		t.Errorf("with the site's rules: %q", got)
	}
	if got := string(robots(nil, "https://e.com/b/sitemap.xml")); got != "User-agent: *\nAllow: /\n\nSitemap: https://e.com/b/sitemap.xml\n" {
		t.Errorf("without: %q", got)
	}
}
