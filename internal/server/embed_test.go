package server

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestWidgetFramePolicy: only the widget's engine page may be framed by other sites; the
// embed page may frame it; every other page keeps frame-ancestors 'self'.
func TestWidgetFramePolicy(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":             {Data: []byte("app")},
		"embed/frame/index.html": {Data: []byte("frame")},
		"embed/index.html":       {Data: []byte("embed")},
	}
	h := Handler(fsys)
	for path, want := range map[string][]string{
		"/":                       {"frame-ancestors 'self'", "frame-src 'none'"},
		"/some/post.html":         {"frame-ancestors 'self'", "frame-src 'none'"},
		"/embed/frame/":           {"frame-ancestors *", "frame-src 'none'"},
		"/embed/frame/index.html": {"frame-ancestors *", "frame-src 'none'"},
		"/embed/":                 {"frame-ancestors 'self'", "frame-src 'self'"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		csp := w.Header().Get("Content-Security-Policy")
		for _, s := range want {
			if !strings.Contains(csp, s) {
				t.Errorf("%s: policy %q lacks %q", path, csp, s)
			}
		}
		if strings.Count(csp, "frame-ancestors") != 1 || strings.Count(csp, "frame-src") != 1 {
			t.Errorf("%s: policy %q", path, csp)
		}
	}
}

// TestWidgetPagesCSP keeps the widget pages' meta policies as strict as the viewer's: no
// inline script, and frames only where the page needs them.
func TestWidgetPagesCSP(t *testing.T) {
	for name, want := range map[string]string{
		"../../site/embed/frame/index.html": "frame-src 'none'",
		"../../site/embed/index.html":       "frame-src 'self'",
	} {
		page, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		p := string(page)
		if !strings.Contains(p, want) || strings.Contains(p, "unsafe-inline") || !strings.Contains(p, "default-src 'self'") {
			t.Errorf("%s: meta policy is not the expected one", name)
		}
	}
}
