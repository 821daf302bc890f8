package builder

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"folio/internal/bundle"
	"folio/internal/jekyll"
	"folio/internal/post"
)

// writeDiscovery writes what lets readers and search engines follow the archive, as
// jekyll-feed and jekyll-sitemap do for a Jekyll site: feed.xml and a feed per category,
// sitemap.xml (an index over files of at most SitemapURLs original post URLs) and
// robots.txt naming it. It returns notes on what it could not write.
func writeDiscovery(o Options, cfg post.Config, jsite *jekyll.Site, site bundle.Site, posts []*post.Post, log io.Writer) ([]string, error) {
	var notes []string
	l := siteLinks{url: strings.TrimRight(o.SiteURL, "/"), base: site.BaseURL}
	if l.url == "" {
		if u, ok := cfg.Site["url"].(string); ok {
			l.url = strings.TrimRight(strings.TrimSpace(u), "/")
		}
	}
	if l.url != "" && !strings.HasPrefix(l.url, "http://") && !strings.HasPrefix(l.url, "https://") {
		notes = append(notes, fmt.Sprintf("site url %q does not start with http:// or https://; feeds use root-relative links and no sitemap is written", l.url))
		l.url = ""
	}
	description, _ := cfg.Site["description"].(string)
	feeds, err := writeFeeds(o.Out, site.Title, description, author(cfg.Site["author"]), posts, l)
	if err != nil {
		return nil, err
	}
	logf(log, "wrote %d feeds\n", len(feeds))
	if l.url == "" {
		notes = append(notes, "no site url (_config.yml's url, or -site-url): feed links are root-relative, and no sitemap.xml or robots.txt is written (sitemaps need full URLs)")
		return notes, nil
	}
	entries := make([]SitemapEntry, 0, len(posts)+1)
	newest := newestFirst(posts)
	home := SitemapEntry{Path: ""}
	if len(newest) > 0 {
		home.LastMod = newest[0].Date
	}
	entries = append(entries, home)
	for _, p := range newest {
		entries = append(entries, SitemapEntry{Path: p.URL, LastMod: p.Date})
	}
	var own []byte
	if jsite != nil {
		own = siteRobots(jsite.Root)
	}
	n, err := writeSitemap(o.Out, entries, l, own)
	if err != nil {
		return nil, err
	}
	logf(log, "wrote sitemap.xml over %d files (%d URLs) and robots.txt\n", n, len(entries))
	return notes, nil
}

// author is _config.yml's author: a name, or a map with a name.
func author(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if n, ok := v["name"].(string); ok {
			return n
		}
	}
	return ""
}

// siteRobots is the site's own robots.txt when it is a static file (not a page with
// front matter), else nil.
func siteRobots(root string) []byte {
	name := filepath.Join(root, "robots.txt")
	if hasFrontMatter(name) {
		return nil
	}
	st, err := os.Lstat(name)
	if err != nil || !st.Mode().IsRegular() || st.Size() > 1<<20 {
		return nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	return data
}
