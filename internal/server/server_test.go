package server

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestServe(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html>app")},
		"wasm/app.wasm":        {Data: []byte("\x00asm")},
		"wasm/app.wasm.br":     {Data: []byte("br-bytes")},
		"wasm/app.wasm.gz":     {Data: []byte("gz-bytes")},
		"data/folio.json":      {Data: []byte(`{}`)},
		"data/p/abc.json":      {Data: []byte(`{"posts":[]}`)},
		"data/p/abc.json.gz":   {Data: []byte("gz")},
		"app.js":               {Data: []byte("export {}")},
		"manifest.webmanifest": {Data: []byte("{}")},
		"archive/index.html":   {Data: []byte("dir index")},
	}
	h := Handler(fsys)
	cases := []struct {
		path, accept                 string
		status                       int
		ctype, encoding, body, cache string
	}{
		{"/", "", 200, "text/html; charset=utf-8", "", "<!doctype html>app", "no-cache"},
		{"/wasm/app.wasm", "gzip, deflate, br, zstd", 200, "application/wasm", "br", "br-bytes", "no-cache"},
		{"/wasm/app.wasm", "gzip", 200, "application/wasm", "gzip", "gz-bytes", "no-cache"},
		{"/wasm/app.wasm", "br;q=0, gzip", 200, "application/wasm", "gzip", "gz-bytes", "no-cache"},
		{"/wasm/app.wasm", "", 200, "application/wasm", "", "\x00asm", "no-cache"},
		{"/data/p/abc.json", "br, gzip", 200, "application/json; charset=utf-8", "gzip", "gz", "public, max-age=31536000, immutable"},
		{"/data/folio.json", "", 200, "application/json; charset=utf-8", "", "{}", "no-cache"},
		{"/app.js", "", 200, "text/javascript; charset=utf-8", "", "export {}", "no-cache"},
		{"/manifest.webmanifest", "", 200, "application/manifest+json", "", "{}", "no-cache"},
		// Viewer URLs and original post URLs get the app page.
		{"/2022/01/25/NW1.html", "", 200, "text/html; charset=utf-8", "", "<!doctype html>app", "no-cache"},
		{"/category/新闻/", "", 200, "text/html; charset=utf-8", "", "<!doctype html>app", "no-cache"},
		{"/archive/", "", 200, "text/html; charset=utf-8", "", "dir index", "no-cache"},
		{"/release/2013/05/06/jekyll-1.0", "", 200, "text/html; charset=utf-8", "", "<!doctype html>app", "no-cache"},
		// A folder-style permalink whose last segment looks like a file name is a page.
		{"/javascript/2014/11/03/use-console.js/", "", 200, "text/html; charset=utf-8", "", "<!doctype html>app", "no-cache"},
		// Missing assets and data are real 404s.
		{"/missing.js", "", 404, "", "", "", ""},
		{"/data/p/nope.json", "", 404, "", "", "", ""},
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s: status %d, want %d", c.path, rec.Code, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: type %q, want %q", c.path, got, c.ctype)
		}
		if got := rec.Header().Get("Content-Encoding"); got != c.encoding {
			t.Errorf("%s (%s): encoding %q, want %q", c.path, c.accept, got, c.encoding)
		}
		if got := rec.Body.String(); got != c.body {
			t.Errorf("%s: body %q, want %q", c.path, got, c.body)
		}
		if got := rec.Header().Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: cache %q, want %q", c.path, got, c.cache)
		}
		if strings.HasPrefix(c.ctype, "text/html") && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s: no CSP header", c.path)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	if rec.Code != 405 {
		t.Errorf("POST: %d", rec.Code)
	}
}

// TestCSPMatchesPage keeps the header and the page's meta tag the same policy.
func TestCSPMatchesPage(t *testing.T) {
	page, err := os.ReadFile("../../site/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `content="`+CSP+`"`) {
		t.Errorf("site/index.html's Content-Security-Policy differs from server.CSP:\n%s", CSP)
	}
}
