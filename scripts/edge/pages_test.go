package edge

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"folio/internal/server"
)

// pageLanguage is the Accept-Language both hosts get: the pages' wording follows it.
const pageLanguage = "en-US,en;q=0.8"

// samplePages are the URLs whose answers must be the same on both hosts, besides every
// post at its original URL: each view of the viewer, the search, an unknown path, the API.
var samplePages = []string{
	"/", "/?page=2", "/index.html", "/category/tea/", "/tag/%E7%BB%BF%E8%8C%B6/", "/archive/", "/archive/2022/", "/archive/2022/03/",
	"/categories/", "/tags/", "/tags/?sort=name", "/search", "/search?q=tea", "/search?q=tea&category=tea", "/search?q=%22",
	"/no/such/post.html", "/2024/01/01/no-such-post/", "/category/no-such/",
	"/api/list?limit=5", "/api/site", "/api/terms?kind=tags", "/api/search?q=tea", "/api/post?id=2020-3-7-spring-tea",
}

// timing is the timing part of a search answer.
var timing = regexp.MustCompile(`,"timing":\{[^}]*\}`)

// hitLink is a search hit's link on a search page.
var hitLink = regexp.MustCompile(`<li class="post-item"><h2><a href="([^"?]+)`)

// checkPages compares the worker's pages with folio serve's (server.SiteHandler over the
// same files, in process): the same status and body for the sample and for every post at
// its original URL, which holds the post's title, date and sanitized body (the API's
// html); the CSP on every page; the search pages list the API's hits.
//
// searches are the queries (URL-encoded) whose search pages are compared with the API.
// damaged are paths that read a file damaged on purpose (damageTagIndex): the worker
// checks every file and answers 502, folio serve's reader does not check content (see
// the README), so those must be 502 on the worker and are not compared.
func checkPages(t *testing.T, base, site string, posts []post, searches, damaged []string) {
	t.Helper()
	native, err := server.SiteHandler(os.DirFS(site))
	if err != nil {
		t.Fatal(err)
	}
	paths := slices.Clone(samplePages)
	for _, p := range posts {
		paths = append(paths, (&url.URL{Path: p.URL}).EscapedPath())
	}
	edgeBody := map[string]string{}
	for _, p := range damaged {
		if status, _, _ := edgePage(t, base+p); status != http.StatusBadGateway {
			t.Errorf("%s reads a damaged file: status %d, want 502", p, status)
		}
	}
	for _, p := range paths {
		if slices.Contains(damaged, p) {
			continue
		}
		wantStatus, wantBody, _ := nativePage(native, p)
		status, body, hdr := edgePage(t, base+p)
		edgeBody[p] = body
		if strings.HasPrefix(p, "/api/search?") {
			// The answer's timing is measured by each host: the only part that differs.
			body, wantBody = timing.ReplaceAllString(body, ""), timing.ReplaceAllString(wantBody, "")
		}
		if status != wantStatus || body != wantBody {
			t.Errorf("%s: the worker answers %d, %d bytes; folio serve %d, %d bytes%s", p, status, len(body), wantStatus, len(wantBody), firstDifference(body, wantBody))
		}
		if strings.HasPrefix(hdr.Get("Content-Type"), "text/html") && hdr.Get("Content-Security-Policy") != server.CSP+"; frame-ancestors 'self'" {
			t.Errorf("%s: Content-Security-Policy %q, want folio serve's", p, hdr.Get("Content-Security-Policy"))
		}
	}
	for _, p := range posts {
		page := edgeBody[(&url.URL{Path: p.URL}).EscapedPath()]
		var full struct{ HTML string }
		get(t, base+"/api/post?id="+url.QueryEscape(p.ID), &full)
		date := `datetime="` + strings.ReplaceAll(p.Date, "+", "&#43;") + `"`
		if !strings.Contains(page, "<h1 tabindex=\"-1\">"+html.EscapeString(p.Title)+"</h1>") || !strings.Contains(page, date) ||
			full.HTML == "" || !strings.Contains(page, strings.TrimSpace(full.HTML)) {
			t.Errorf("%s (%s): the page lacks its title %q, date %s or body (%d bytes)", p.URL, p.ID, p.Title, date, len(full.HTML))
		}
	}
	for _, q := range searches {
		var hits []string
		_, body, _ := edgePage(t, base+"/search?q="+q)
		for _, m := range hitLink.FindAllStringSubmatch(body, -1) {
			u, _ := url.PathUnescape(m[1])
			hits = append(hits, u)
		}
		var s searchAnswer
		get(t, base+"/api/search?limit=20&q="+q, &s)
		var api []string
		for _, h := range s.Hits {
			api = append(api, h.URL)
		}
		if len(api) == 0 || !slices.Equal(hits, api) {
			t.Errorf("/search?q=%s lists %v; /api/search: %v", q, hits, api)
		}
	}
}

// nativePage is folio serve's answer to path.
func nativePage(h http.Handler, path string) (int, string, http.Header) {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Accept-Language", pageLanguage)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String(), rec.Header()
}

// edgePage is the worker's answer to u (decompressed by the client).
func edgePage(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", pageLanguage)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	defer resp.Body.Close() //nolint:errcheck // read below
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	return resp.StatusCode, string(body), resp.Header
}

// firstDifference shows where two bodies part.
func firstDifference(a, b string) string {
	if a == b {
		return ""
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("; they part at byte %d:\n worker: %q\n native: %q", i, a[from:min(len(a), i+120)], b[from:min(len(b), i+120)])
}
