package server

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/bundle"
	"folio/internal/demotest"
)

// demoSite writes a site the way folio build lays it out, without the viewer's runtime:
// the demo archive's data under data/, the viewer's page as 404.html and index.html,
// a script under app/ and a dotfile.
func demoSite(t *testing.T) string {
	t.Helper()
	page, err := os.ReadFile("../../site/index.html")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeSite(t, map[string]string{"404.html": string(page), "index.html": "prerendered home", "app/v1/app.js": "plain js", ".env": "SECRET", "posts/.draft.html": "SECRET"})
	demotest.Bundle(t, filepath.Join(dir, "data"), demotest.Options{Site: bundle.Site{Title: "Willow", BaseURL: "/", Lang: "zh-CN"}})
	return dir
}

// TestServeRendersPages: by default the server renders pages for viewer URLs and
// original post URLs and answers the API, while files, missing assets and dotfiles
// behave as in -static.
func TestServeRendersPages(t *testing.T) {
	dir := demoSite(t)
	s, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s)
	for _, c := range []struct {
		path   string
		status int
		want   string
	}{
		{"/", 200, `<link rel="next" href="/?page=2">`},
		{"/index.html", 200, `<h2 class="section">`},
		{"/tea/2023/09/09/oolong-tasting.html", 200, `<link rel="canonical" href="/tea/2023/09/09/oolong-tasting.html">`},
		{"/category/%E5%B0%8F%E9%95%87/", 200, "<h1 tabindex=\"-1\">分类：小镇</h1>"},
		{"/no/such/post.html", 404, `class="message notfound"`},
		{"/api/site", 200, `"title":"Willow"`},
		{"/api/nope", 404, `"code":"not_found"`},
		{"/data/folio.json", 200, `"format"`},
		{"/app/v1/app.js", 200, "plain js"},
		{"/app/v1/missing.js", 404, "not found"},
		{"/missing.css", 404, "not found"},
		{"/.env", 404, "not found"},
		{"/posts/.draft.html", 404, "not found"},
	} {
		status, body := get(t, "http://"+addr+c.path)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want %d with %q:\n%.300s", c.path, status, c.status, c.want, body)
		}
		if strings.Contains(body, "SECRET") {
			t.Errorf("%s: a dotfile's content", c.path)
		}
	}
}

// TestServeCompressesPages: a page goes out gzipped to a client that takes it, as is to
// one that does not.
func TestServeCompressesPages(t *testing.T) {
	s, err := New(demoSite(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s)
	status, zipped := getEncoded(t, "http://"+addr+"/tea/2023/09/09/oolong-tasting.html", "gzip")
	_, plain := get(t, "http://"+addr+"/tea/2023/09/09/oolong-tasting.html")
	if status != 200 || !strings.Contains(plain, "</html>") {
		t.Fatalf("%d: %.100s", status, plain)
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || string(unzipped) != plain {
		t.Errorf("gzip body differs from the plain one (%v)", err)
	}
	if len(zipped) >= len(plain)/2 {
		t.Errorf("gzip %d bytes of %d", len(zipped), len(plain))
	}
}

// TestStaticServesFilesOnly: with Static, a viewer URL gets index.html as a plain host
// would, and /api/ is no API.
func TestStaticServesFilesOnly(t *testing.T) {
	_, addr := serveDir(t, demoSite(t), Options{})
	for _, p := range []string{"/", "/category/news/", "/api/site"} {
		if status, body := get(t, "http://"+addr+p); status != 200 || body != "prerendered home" {
			t.Errorf("%s: %d %.100q, want the file index.html", p, status, body)
		}
	}
}

// TestServeMarksTheAPI: the entry file carries Folio-Edge: api when the server answers the
// API (the viewer's worker and the widget's frame then ask it), and not with Static.
func TestServeMarksTheAPI(t *testing.T) {
	dir := demoSite(t)
	s, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dynamic := serve(t, s)
	_, static := serveDir(t, dir, Options{})
	for _, c := range []struct{ addr, path, want string }{
		{dynamic, "/data/folio.json", "api"},
		{dynamic, "/app/v1/app.js", ""},
		{static, "/data/folio.json", ""},
	} {
		resp, err := http.Get("http://" + c.addr + c.path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // the header is what counts
		if got := resp.Header.Get(EdgeHeader); resp.StatusCode != 200 || got != c.want {
			t.Errorf("%s%s: %d, %s %q, want %q", c.addr, c.path, resp.StatusCode, EdgeHeader, got, c.want)
		}
	}
}

// TestServeOpensTheAPI: the API answers as the edge's does (archive.Handler.Public): open
// to other origins (the widget of another site asks it directly), cacheable by the
// bundle's version (ETag, 304), read-only; the rendered pages stay same-origin.
func TestServeOpensTheAPI(t *testing.T) {
	s, err := New(demoSite(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s)
	resp, err := http.Get("http://" + addr + "/api/list?limit=3")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // the headers are what counts
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || etag == "" {
		t.Fatalf("/api/list: %d, Access-Control-Allow-Origin %q, ETag %q; want 200, *, a tag", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), etag)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/api/site", nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // a 304 has none
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("/api/site with the bundle's ETag: %d, want 304", resp.StatusCode)
	}
	resp, err = http.Get("http://" + addr + "/category/news/")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // the headers are what counts
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("a rendered page is open to other origins: Access-Control-Allow-Origin %q", got)
	}
}

// TestServeNeedsABuiltSite: without data or the viewer's page, New says what is missing
// and that -static serves such a folder.
func TestServeNeedsABuiltSite(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no data":  {"404.html": "<html lang=\"en\">"},
		"no shell": {"data/folio.json": "{}"},
	} {
		_, err := New(writeSite(t, files), Options{})
		if !errors.Is(err, ErrNotASite) {
			t.Errorf("%s: %v, want ErrNotASite", name, err)
		}
	}
}
