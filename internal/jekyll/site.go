// Package jekyll reads a whole Jekyll site beside its posts: _config.yml's values, _data/,
// _includes/, the exclude and include lists, and the static files Jekyll would copy. It
// renders the Liquid of post bodies with a real Liquid engine (github.com/osteele/liquid)
// extended with Jekyll's tags and filters, for internal/post.
package jekyll

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/osteele/liquid"

	"folio/internal/post"
)

// Site is a Jekyll site folder, read once and then shared by every post's rendering.
type Site struct {
	// Root is the site folder (the one that holds _config.yml and _posts).
	Root string
	// Values is site.* for Liquid: _config.yml's values, with data (from _data/), baseurl
	// and url always present.
	Values map[string]any
	// BaseURL is _config.yml's baseurl ("" or "/blog"), URL its url ("https://example.com").
	BaseURL, URL string
	// Exclude and Include are _config.yml's lists, with Jekyll's defaults for exclude.
	Exclude, Include []string
	// Issues are problems with the site's own files (a broken _data file).
	Issues []post.Issue

	engine   *liquid.Engine
	includes sync.Map // include name → *includeFile
}

// includeFile is one parsed file of _includes/ (or why it cannot be used).
type includeFile struct {
	tpl *liquid.Template
	err error
}

// defaultExclude is what Jekyll leaves out of every site besides _config.yml's exclude.
var defaultExclude = []string{"Gemfile", "Gemfile.lock", "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/"}

// Load reads the site folder root. values are _config.yml's values (post.Config.Site);
// the returned Site adds site.data and keeps values unchanged.
func Load(root string, values map[string]any) (*Site, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("site folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("site folder %s is not a folder", root)
	}
	s := &Site{Root: root, Values: map[string]any{}}
	for k, v := range values {
		s.Values[k] = v
	}
	s.BaseURL = strings.TrimRight(text(values["baseurl"]), "/")
	if s.BaseURL != "" && !strings.HasPrefix(s.BaseURL, "/") {
		s.BaseURL = "/" + s.BaseURL
	}
	s.URL = strings.TrimRight(text(values["url"]), "/")
	s.Values["baseurl"], s.Values["url"] = s.BaseURL, s.URL
	s.Exclude = append(append([]string{}, defaultExclude...), list(values["exclude"])...)
	s.Include = list(values["include"])
	data, issues := loadData(filepath.Join(root, "_data"), "../_data")
	s.Values["data"] = data
	s.Issues = issues
	s.engine = newEngine(s)
	return s, nil
}

// text is a config value as text, "" for nil or false.
func text(v any) string {
	switch v := v.(type) {
	case nil, bool:
		return ""
	case string:
		return strings.TrimSpace(v)
	default:
		return fmt.Sprint(v)
	}
}

// list is a config value that is a list of names (or one name).
func list(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s := text(x); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Excluded reports whether Jekyll leaves the site file or folder name (slash-separated,
// relative to the root) out of the built site: the exclude list, names starting with _, .
// or #, or ending in ~, unless the include list names them.
func (s *Site) Excluded(name string) bool {
	name = path.Clean(name)
	for _, inc := range s.Include {
		if matches(strings.TrimSuffix(inc, "/"), name) {
			return false
		}
	}
	for _, ex := range s.Exclude {
		if matches(strings.TrimSuffix(strings.TrimPrefix(ex, "/"), "/"), name) {
			return true
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, "_") || strings.HasPrefix(part, ".") || strings.HasPrefix(part, "#") || strings.HasSuffix(part, "~") {
			return true
		}
	}
	return false
}

// matches reports whether an exclude or include entry names name or a folder above it;
// entries may use shell patterns (*.txt), as Jekyll's do.
func matches(entry, name string) bool {
	if entry == "" {
		return false
	}
	for n := name; n != "." && n != "/" && n != ""; n = path.Dir(n) {
		if n == entry {
			return true
		}
		if ok, _ := path.Match(entry, n); ok {
			return true
		}
		if ok, _ := path.Match(entry, path.Base(n)); ok && !strings.Contains(entry, "/") {
			return true
		}
	}
	return false
}

// SetPosts gives Liquid site.posts (newest first), site.categories and site.tags (each a
// map from the name to its posts, newest first), as Jekyll does. The build reads the posts
// once without them to make these, when a post uses them.
func (s *Site) SetPosts(posts []*post.Post) {
	sorted := append([]*post.Post(nil), posts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].Date.Equal(sorted[j].Date) {
			return sorted[i].Date.After(sorted[j].Date)
		}
		return sorted[i].URL < sorted[j].URL
	})
	all := make([]any, 0, len(sorted))
	cats, tags := map[string]any{}, map[string]any{}
	for _, p := range sorted {
		m := map[string]any{"title": p.Title, "url": p.URL, "date": p.Date, "id": strings.TrimSuffix(p.URL, ".html"),
			"categories": strs(p.Categories), "tags": strs(p.Tags), "excerpt": p.Excerpt, "path": "_posts/" + p.File}
		all = append(all, m)
		for _, c := range p.Categories {
			cats[c] = append(asList(cats[c]), m)
		}
		for _, t := range p.Tags {
			tags[t] = append(asList(tags[t]), m)
		}
	}
	s.Values["posts"], s.Values["categories"], s.Values["tags"] = all, cats, tags
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// sitePostsRe finds the Liquid values that need every post: site.posts, site.categories,
// site.tags, site.related_posts.
var sitePostsRe = regexp.MustCompile(`site\.(posts|categories|tags|related_posts)\b`)

// UsesSitePosts reports whether any post file under posts uses site.posts, site.categories
// or site.tags (a plain text search, so the build reads the posts twice only then).
func UsesSitePosts(posts string) bool {
	found := false
	_ = filepath.WalkDir(posts, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return filepath.SkipAll
		}
		if d.IsDir() || !post.IsPostFile(d.Name()) {
			return nil
		}
		if data, err := os.ReadFile(p); err == nil && sitePostsRe.Match(data) {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}
