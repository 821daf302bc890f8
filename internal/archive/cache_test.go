package archive

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"folio/internal/bundle"
)

// do runs one request through h.
func do(h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestPublicCaching: list, post and search answers carry an ETag from the bundle's id and
// Cache-Control; asked again with that ETag they are 304 with no body; errors are never
// cached; every answer allows any origin.
func TestPublicCaching(t *testing.T) {
	dir := demoSearchBundle(t)
	h := New(bundle.FS(os.DirFS(dir)), SearchExtension())
	rd, err := h.open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	etag := `"` + rd.Manifest().ID + `"`
	api := h.Public()
	var listed ListResult
	get(t, h, "/api/list?limit=1", &listed)
	if len(listed.Items) != 1 {
		t.Fatal("the demo lists nothing")
	}
	for _, target := range []string{"/api/list", "/api/post?id=" + listed.Items[0].ID, "/api/search?q=%E8%8C%B6", "/api/site", "/api/terms?kind=tags"} {
		rec := do(api, "GET", target, nil)
		if rec.Code != 200 || rec.Header().Get("ETag") != etag || rec.Header().Get("Cache-Control") != CacheControl ||
			rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Body.Len() == 0 {
			t.Errorf("%s: %d %v", target, rec.Code, rec.Header())
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			again := do(api, "GET", target, map[string]string{"If-None-Match": inm})
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != etag ||
				again.Header().Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("%s with If-None-Match %s: %d, %d bytes, %v", target, inm, again.Code, again.Body.Len(), again.Header())
			}
		}
		if other := do(api, "GET", target, map[string]string{"If-None-Match": `"0123456789abcdef"`}); other.Code != 200 {
			t.Errorf("%s with another bundle's ETag: %d", target, other.Code)
		}
	}
	for _, target := range []string{"/api/post?id=no-such-post", "/api/search?q=%22", "/api/nothing", "/api/memory"} {
		rec := do(api, "GET", target, nil)
		if rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s (%d): %v, want no ETag, no-store, any origin", target, rec.Code, rec.Header())
		}
	}
}

// TestPublicCORS: the preflight is answered for any origin; writing methods are refused.
func TestPublicCORS(t *testing.T) {
	api := New(bundle.FS(os.DirFS(demoBundle(t)))).Public()
	rec := do(api, "OPTIONS", "/api/search?q=x", map[string]string{"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})
	h := rec.Header()
	if rec.Code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Access-Control-Allow-Methods") == "" ||
		h.Get("Access-Control-Allow-Headers") != "If-None-Match" {
		t.Errorf("preflight: %d %v", rec.Code, h)
	}
	if rec := do(api, "POST", "/api/list", nil); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") == "" {
		t.Errorf("POST: %d %v", rec.Code, rec.Header())
	}
}

// TestPublicWithoutBundle: a missing bundle is the handler's error, not cached.
func TestPublicWithoutBundle(t *testing.T) {
	api := New(bundle.FS(os.DirFS(filepath.Join(t.TempDir(), "none")))).Public()
	rec := do(api, "GET", "/api/list", nil)
	if rec.Code < 400 || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("ETag") != "" {
		t.Errorf("no bundle: %d %v", rec.Code, rec.Header())
	}
}
