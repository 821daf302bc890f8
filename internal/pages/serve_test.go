package pages

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/internal/archive"
	"folio/internal/bundle"
	"folio/internal/demotest"
)

// demoSite builds the demo archive with its _config.yml facts and search data, and
// returns the handler with pages over the viewer's page (site/index.html).
func demoSite(t testing.TB) http.Handler {
	t.Helper()
	return demoSiteWith(t, bundle.Site{Title: "Willow", BaseURL: "/", URL: "https://example.org", Lang: "zh-CN", Description: "A tea blog"})
}

// demoSiteWith is demoSite with other site facts.
func demoSiteWith(t testing.TB, site bundle.Site) http.Handler {
	t.Helper()
	dir := demotest.Bundle(t, t.TempDir(), demotest.Options{Site: site, Search: true})
	page, err := os.ReadFile("../../site/index.html")
	if err != nil {
		t.Fatal(err)
	}
	shell, err := ParseShell(page)
	if err != nil {
		t.Fatal(err)
	}
	se := archive.SearchExtension()
	return archive.New(bundle.FS(os.DirFS(dir)), se, Extension(shell, se))
}

// head is what a test reads from a page: its head tags and elements.
type head struct {
	lang, title, description, canonical, prev, next, robots string
	og                                                      map[string]string
	scripts                                                 []string // inline script contents and types
	body                                                    string
}

func getPage(t *testing.T, h http.Handler, target string) (int, *head) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: content type %q", target, ct)
	}
	doc, err := html.Parse(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	hd := &head{og: map[string]string{}, body: rec.Body.String()}
	attr := func(n *html.Node, k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val
			}
		}
		return ""
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Html:
			hd.lang = attr(n, "lang")
		case atom.Title:
			if n.FirstChild != nil {
				hd.title = n.FirstChild.Data
			}
		case atom.Meta:
			switch {
			case attr(n, "name") == "description":
				hd.description = attr(n, "content")
			case attr(n, "name") == "robots":
				hd.robots = attr(n, "content")
			case attr(n, "property") != "":
				hd.og[attr(n, "property")] = attr(n, "content")
			case strings.HasPrefix(attr(n, "name"), "twitter:"):
				hd.og[attr(n, "name")] = attr(n, "content")
			}
		case atom.Link:
			switch attr(n, "rel") {
			case "canonical":
				hd.canonical = attr(n, "href")
			case "prev":
				hd.prev = attr(n, "href")
			case "next":
				hd.next = attr(n, "href")
			}
		case atom.Script:
			if attr(n, "src") == "" {
				text := ""
				if n.FirstChild != nil {
					text = n.FirstChild.Data
				}
				hd.scripts = append(hd.scripts, attr(n, "type")+": "+text)
			}
		}
	}
	return rec.Code, hd
}

// TestPages renders every kind of page of the demo archive and checks its status and
// head: title, description, canonical link, Open Graph and Twitter tags, lang, prev/next.
func TestPages(t *testing.T) {
	h := demoSite(t)
	const site = "https://example.org"
	for _, c := range []struct {
		path, title, description, canonical, prev, next, lang string
		status                                                int
		body                                                  string
	}{
		{"/", "Willow", "A tea blog", site + "/", "", site + "/?page=2", "zh-CN", 200, `<h2 class="section">最新文章</h2>`},
		{"/?page=2", "第 2 / 2 页 · Willow", "A tea blog", site + "/?page=2", site + "/", "", "zh-CN", 200, `<span class="page-no">第 2 / 2 页</span>`},
		{"/index.html", "Willow", "A tea blog", site + "/index.html", "", site + "/index.html?page=2", "zh-CN", 200, "end-of-the-archive.html"},
		{"/tea/2023/09/09/oolong-tasting.html", "An Evening of Oolong · Willow", "", site + "/tea/2023/09/09/oolong-tasting.html", "", "", "zh-CN", 200, `<div class="prose">`},
		{"/about-the-harvest/", "", "", site + "/about-the-harvest/", "", "", "zh-CN", 200, `<a class="cat categories" href="/category/%E5%B0%8F%E9%95%87/">小镇</a>`},
		{"/category/tea/", "分类：tea · Willow", "A tea blog", site + "/category/tea/", "", "", "zh-CN", 200, "13 篇文章"},
		{"/tag/%E7%BB%BF%E8%8C%B6/", "标签：绿茶 · Willow", "A tea blog", site + "/tag/%E7%BB%BF%E8%8C%B6/", "", "", "zh-CN", 200, "first-flush-longjing.html"},
		{"/archive/", "归档 · Willow", "39 篇文章", site + "/archive/", "", "", "zh-CN", 200, `<a href="/archive/2022/03/" aria-label="2022年3月: 1 篇文章">`},
		{"/archive/2022/", "2022 · Willow", "A tea blog", site + "/archive/2022/", "", "", "zh-CN", 200, `aria-label="2022"`},
		{"/archive/2022/3", "2022年3月 · Willow", "A tea blog", site + "/archive/2022/3", "", "", "zh-CN", 200, "spring-menu-board.html"},
		{"/categories/", "分类 · Willow", "9 个分类", site + "/categories/", "", "", "zh-CN", 200, `<a class="chip w4" href="/category/%E5%B0%8F%E9%95%87/">小镇<span class="count">16</span></a>`},
		{"/tags/", "标签 · Willow", "", site + "/tags/", "", "", "zh-CN", 200, `href="/tags/?sort=name"`},
		{"/search?q=%E7%BB%BF%E8%8C%B6", "“绿茶”的搜索结果 · Willow", "", site + "/search?q=%E7%BB%BF%E8%8C%B6", "", "", "zh-CN", 200, "<mark>"},
		{"/search", "搜索 · Willow", "A tea blog", site + "/search", "", "", "zh-CN", 200, `<details class="help" open><summary>搜索语法</summary>`},
		{"/search?q=%22", "搜索 · Willow", "A tea blog", "", "", "", "zh-CN", 200, "无法理解这个搜索"},
		{"/no/such/post.html", "找不到页面 · Willow", "A tea blog", "", "", "", "zh-CN", 404, `<a class="btn" href="/search?q=post">搜索“post”</a>`},
		{"/2020/05/", "找不到页面 · Willow", "A tea blog", "", "", "", "zh-CN", 404, `去看最新文章</a></p>`},
		{"/category/no-such/", "找不到页面 · Willow", "A tea blog", "", "", "", "zh-CN", 404, `<section class="message notfound">`},
		{"/archive/2022/13/", "找不到页面 · Willow", "A tea blog", "", "", "", "zh-CN", 404, `<section class="message notfound">`},
		{"/archive/1999/", "找不到页面 · Willow", "A tea blog", "", "", "", "zh-CN", 404, `<section class="message notfound">`},
	} {
		status, hd := getPage(t, h, c.path)
		if status != c.status {
			t.Errorf("%s: status %d, want %d", c.path, status, c.status)
		}
		if c.title != "" && hd.title != c.title && !strings.HasPrefix(hd.title, c.title) {
			t.Errorf("%s: title %q, want %q", c.path, hd.title, c.title)
		}
		if c.description != "" && hd.description != c.description {
			t.Errorf("%s: description %q, want %q", c.path, hd.description, c.description)
		}
		if hd.description == "" {
			t.Errorf("%s: no description", c.path)
		}
		if c.canonical != "" && hd.canonical != c.canonical {
			t.Errorf("%s: canonical %q, want %q", c.path, hd.canonical, c.canonical)
		}
		if hd.prev != c.prev || hd.next != c.next {
			t.Errorf("%s: prev/next %q %q, want %q %q", c.path, hd.prev, hd.next, c.prev, c.next)
		}
		if hd.lang != c.lang {
			t.Errorf("%s: lang %q, want %q", c.path, hd.lang, c.lang)
		}
		if hd.og["og:title"] != hd.title || hd.og["twitter:title"] != hd.title || hd.og["og:description"] != hd.description ||
			hd.og["twitter:card"] != "summary" || hd.og["og:site_name"] != "Willow" || (hd.canonical != "" && hd.og["og:url"] != hd.canonical) {
			t.Errorf("%s: Open Graph / Twitter tags %v do not match the head (%q, %q, %q)", c.path, hd.og, hd.title, hd.description, hd.canonical)
		}
		if !strings.Contains(hd.body, c.body) {
			t.Errorf("%s: no %q in the page", c.path, c.body)
		}
	}
	// A post's head: its excerpt, type article, its date.
	_, hd := getPage(t, h, "/tea/2023/09/09/oolong-tasting.html")
	if hd.og["og:type"] != "article" || hd.og["article:published_time"] == "" || len(hd.description) < 20 {
		t.Errorf("post head: %v, description %q", hd.og, hd.description)
	}
	if _, hd := getPage(t, h, "/search?q=tea"); hd.robots != "noindex" {
		t.Errorf("a search page is indexable: robots %q", hd.robots)
	}
}

// TestPagesAreStable: the same URL gives the same bytes each time (a search page too,
// whose API answer carries its timing), so a page can be cached and compared across hosts.
func TestPagesAreStable(t *testing.T) {
	h := demoSite(t)
	for _, path := range []string{"/search?q=tea", "/", "/tea/2023/09/09/oolong-tasting.html"} {
		_, a := getPage(t, h, path)
		_, b := getPage(t, h, path)
		if a.body != b.body {
			t.Errorf("%s: two renders differ", path)
		}
	}
}

// TestPagesUnderABasePath: a site built with -base-url /blog/ answers its URLs under the
// base, and the same paths without it (from a proxy that strips the base); its links and
// canonical URLs carry the base.
func TestPagesUnderABasePath(t *testing.T) {
	h := demoSiteWith(t, bundle.Site{Title: "Willow", BaseURL: "/blog/", URL: "https://example.org", Lang: "en"})
	for _, path := range []string{"/blog/category/tea/", "/category/tea/"} {
		status, hd := getPage(t, h, path)
		if status != 200 || hd.canonical != "https://example.org/blog/category/tea/" ||
			!strings.Contains(hd.body, `<a href="/blog/tea/2023/09/09/oolong-tasting.html">`) {
			t.Errorf("%s: %d, canonical %q", path, status, hd.canonical)
		}
	}
	for _, path := range []string{"/blog/tea/2023/09/09/oolong-tasting.html", "/blog", "/blog/"} {
		if status, _ := getPage(t, h, path); status != 200 {
			t.Errorf("%s: %d", path, status)
		}
	}
}

// TestPageLanguage: without a language in _config.yml, a page's lang is guessed from
// its text: Chinese where Han characters dominate, English for Latin text.
func TestPageLanguage(t *testing.T) {
	h := demoSiteWith(t, bundle.Site{Title: "Willow", BaseURL: "/"})
	for path, want := range map[string]string{
		"/notes/小镇/2021/11/20/rainy-afternoon.html": "zh",
		"/tech/2019/11/23/why-a-static-site.html":   "en",
	} {
		if _, hd := getPage(t, h, path); hd.lang != want {
			t.Errorf("%s: lang %q, want %q", path, hd.lang, want)
		}
	}
	if _, hd := getPage(t, h, "/"); hd.canonical != "/" {
		t.Errorf("without the site's url the canonical link is the path: %q", hd.canonical)
	}
}

// TestPageXSSInert: the demo's hostile post is rendered with its scripts, handlers,
// javascript: links and frames gone, and the page state cannot end its <script>.
func TestPageXSSInert(t *testing.T) {
	h := demoSite(t)
	status, hd := getPage(t, h, "/tech/notes/2022/01/20/sanitizer-safety-test.html")
	if status != 200 || !strings.Contains(hd.body, "<strong>bold text</strong>") {
		t.Fatalf("%d: the post's ordinary text is missing", status)
	}
	doc, err := html.Parse(strings.NewReader(hd.body))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
				t.Errorf("<%s %s=%q> in the page", n.Data, a.Key, a.Val)
			}
		}
		if n.DataAtom == atom.Iframe || n.DataAtom == atom.Object || n.DataAtom == atom.Embed {
			t.Errorf("<%s> in the page", n.Data)
		}
	}
	if len(hd.scripts) != 1 || !strings.HasPrefix(hd.scripts[0], "application/json: ") {
		t.Fatalf("inline scripts: %q, want only the page state", hd.scripts)
	}
	var state State
	if err := json.Unmarshal([]byte(strings.TrimPrefix(hd.scripts[0], "application/json: ")), &state); err != nil {
		t.Fatalf("page state: %v", err)
	}
	post, _ := state.API["/api/post?id="+postID(t, state)].(map[string]any)
	if html, _ := post["html"].(string); !strings.Contains(html, "bold text") {
		t.Errorf("the state lacks the post's HTML: %v", state.API)
	}
}

// postID returns the id that the state's /api/resolve answer names.
func postID(t *testing.T, s State) string {
	t.Helper()
	for k, v := range s.API {
		if strings.HasPrefix(k, "/api/resolve?") {
			id, _ := v.(map[string]any)["id"].(string)
			return id
		}
	}
	t.Fatal("no /api/resolve answer in the state")
	return ""
}

// TestPageState: each page carries the API answers the viewer's first render asks for,
// equal to what the API answers, and script-breaking text in them is escaped.
func TestPageState(t *testing.T) {
	h := demoSite(t)
	for path, keys := range map[string][]string{
		"/":                                   {"/api/site", "/api/list?limit=20&offset=0"},
		"/?page=2":                            {"/api/list?limit=20&offset=20"},
		"/tea/2023/09/09/oolong-tasting.html": {"/api/resolve?path=%2Ftea%2F2023%2F09%2F09%2Foolong-tasting.html"},
		"/category/tea/":                      {"/api/list?category=tea&limit=20&offset=0"},
		"/archive/2022/3/":                    {"/api/list?limit=20&month=03&offset=0&year=2022", "/api/terms?kind=months"},
		"/archive/":                           {"/api/terms?kind=years", "/api/terms?kind=months"},
		"/tags/":                              {"/api/terms?kind=tags"},
		"/search?q=tea&tag=oolong&page=1":     {"/api/search?limit=20&offset=0&q=tea&sort=relevance&tag=oolong"},
	} {
		_, hd := getPage(t, h, path)
		var state State
		if len(hd.scripts) != 1 {
			t.Fatalf("%s: scripts %q", path, hd.scripts)
		}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(hd.scripts[0], "application/json: ")), &state); err != nil {
			t.Fatalf("%s: page state: %v", path, err)
		}
		for _, k := range keys {
			v, ok := state.API[k]
			if !ok {
				t.Errorf("%s: no %s in the state (%d answers)", path, k, len(state.API))
				continue
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", k, nil))
			var want any
			_ = json.Unmarshal(rec.Body.Bytes(), &want)
			if m, ok := v.(map[string]any); ok { // a search's timing differs each run
				delete(m, "timing")
				delete(want.(map[string]any), "timing")
			}
			got, _ := json.Marshal(v)
			wantJSON, _ := json.Marshal(want)
			if string(got) != string(wantJSON) {
				t.Errorf("%s: state %s differs from the API:\n%s\n%s", path, k, got, wantJSON)
			}
		}
	}
	_, hd := getPage(t, h, "/no/such")
	if !strings.Contains(hd.scripts[0], `"errors":{"/api/resolve?path=%2Fno%2Fsuch":{"status":404`) {
		t.Errorf("a missing post's state: %s", hd.scripts[0])
	}
	s := State{API: map[string]any{"x": "</script><!-- <script>"}}
	b, err := s.Encode()
	if err != nil || strings.Contains(string(b), "<") {
		t.Errorf("state %s (%v) can end its script", b, err)
	}
}
