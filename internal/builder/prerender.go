package builder

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"

	"folio/internal/bundle"
	"folio/internal/post"
)

// PrerenderCount is how many of the newest posts index.html lists before the viewer runs.
const PrerenderCount = 20

// loadingBlock is the placeholder in site/index.html that the prerendered list replaces.
const loadingBlock = `<div class="loading">`

// prerendered is the newest posts as plain HTML in the markup of the viewer's home list, so
// they show at first paint and their links work before the WebAssembly runtime has loaded.
var prerendered = template.Must(template.New("home").Parse(`<div class="prerendered">
<h1 tabindex="-1">{{.Title}}</h1>
<ol class="post-list">
{{range .Posts}}<li class="post-item"><h2><a href="{{.Href}}">{{.Title}}</a></h2><p class="meta"><time datetime="{{.Date}}">{{.Day}}</time>{{range .Categories}} <span class="cat">{{.}}</span>{{end}}</p>{{if .Excerpt}}<p class="excerpt">{{.Excerpt}}</p>{{end}}</li>
{{end}}</ol>
</div>
`))

type prerenderPost struct {
	Href, Title, Date, Day, Excerpt string
	Categories                      []string
}

// prerender returns the HTML of the newest posts, newest first (the bundle's order).
func prerender(title string, posts []*post.Post) ([]byte, error) {
	sorted := append([]*post.Post(nil), posts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].Date.Equal(sorted[j].Date) {
			return sorted[i].Date.After(sorted[j].Date)
		}
		return sorted[i].File > sorted[j].File
	})
	if len(sorted) > PrerenderCount {
		sorted = sorted[:PrerenderCount]
	}
	var items []prerenderPost
	for _, p := range sorted {
		items = append(items, prerenderPost{Href: hrefOf(p.URL), Title: p.Title, Date: p.Date.Format("2006-01-02T15:04:05Z07:00"),
			Day: p.Date.Format("2006-01-02"), Excerpt: post.Shorten(p.Excerpt, bundle.ListExcerptRunes), Categories: p.Categories})
	}
	var b bytes.Buffer
	if err := prerendered.Execute(&b, map[string]any{"Title": title, "Posts": items}); err != nil {
		return nil, fmt.Errorf("prerender the newest posts: %w", err)
	}
	return b.Bytes(), nil
}

// hrefOf turns a post URL into a link relative to the page's <base>, each segment escaped.
func hrefOf(u string) string {
	parts := strings.Split(strings.TrimPrefix(u, "/"), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// reservedPrefixes are the viewer's own routes; a post whose original URL falls under one
// is hidden behind that view.
var reservedPrefixes = []string{"/category/", "/tag/", "/archive/", "/categories/", "/tags/", "/search"}

// shadowed lists posts whose original URL the viewer uses for one of its own pages.
func shadowed(posts []*post.Post) []string {
	var out []string
	for _, p := range posts {
		if p.URL == "/" || p.URL == "/index.html" || p.URL == "/saved" || p.URL == "/saved/" { // home, the Saved page
			out = append(out, p.File)
			continue
		}
		for _, r := range reservedPrefixes {
			if strings.HasPrefix(p.URL, r) {
				out = append(out, p.File)
				break
			}
		}
	}
	return out
}
