package edge

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"folio/internal/archive"
	"folio/internal/bundle"
	"folio/internal/demotest"
)

// demoBundle builds the repository's demo archive into a temporary bundle folder.
func demoBundle(t *testing.T) string {
	return demotest.Bundle(t, t.TempDir(), demotest.Options{Site: bundle.Site{Title: "Demo", BaseURL: "/"}})
}

// apiGet runs one request through h and decodes its JSON answer into v.
func apiGet(t *testing.T, h http.Handler, target string, v any) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("%s: %v: %s", target, err, rec.Body)
	}
	return rec.Code
}

type listAnswer struct {
	Total int
	Items []struct{ ID, Title string }
}

// TestFetcherServesTheSameArchive: the handler over HTTP answers as it does over the files.
func TestFetcherServesTheSameArchive(t *testing.T) {
	dir := demoBundle(t)
	srv := httptest.NewServer(http.StripPrefix("/data/", http.FileServer(http.Dir(dir))))
	defer srv.Close()

	overHTTP := archive.New(Fetcher(srv.Client().Transport, srv.URL+"/data/"))
	overFS := archive.New(bundle.FS(os.DirFS(dir)))
	var a, b listAnswer
	if code := apiGet(t, overHTTP, "/api/list?limit=100", &a); code != 200 {
		t.Fatalf("over HTTP: status %d", code)
	}
	apiGet(t, overFS, "/api/list?limit=100", &b)
	if a.Total != b.Total || len(a.Items) != len(b.Items) || a.Total == 0 {
		t.Fatalf("over HTTP %d posts (%d items), over files %d (%d)", a.Total, len(a.Items), b.Total, len(b.Items))
	}
	for _, it := range b.Items {
		var p struct{ Title string }
		if code := apiGet(t, overHTTP, "/api/post?id="+url.QueryEscape(it.ID), &p); code != 200 || p.Title != it.Title {
			t.Errorf("post %s over HTTP: status %d, title %q, want %q", it.ID, code, p.Title, it.Title)
		}
	}
}

// TestFetcherChecksContent: a host that answers every data file with an HTML page and
// status 200 (a single-page-application fallback) gives a data error, not a post.
func TestFetcherChecksContent(t *testing.T) {
	dir := demoBundle(t)
	files := http.StripPrefix("/data/", http.FileServer(http.Dir(dir)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/folio.json") {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>Folio</title>"))
	}))
	defer srv.Close()

	var e struct{ Code, Error string }
	code := apiGet(t, archive.New(Fetcher(srv.Client().Transport, srv.URL+"/data/")), "/api/list", &e)
	if code != http.StatusBadGateway || e.Code != "data" || !strings.Contains(e.Error, "HTML page") {
		t.Fatalf("status %d %+v, want 502 data error naming the HTML page", code, e)
	}
}

// TestFetcherStatusAndOffline: a missing file is an HTTP error; a host that cannot be
// reached is reported as the network.
func TestFetcherStatusAndOffline(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	var e struct{ Code, Error string }
	if code := apiGet(t, archive.New(Fetcher(srv.Client().Transport, srv.URL+"/data/")), "/api/list", &e); code != http.StatusBadGateway || !strings.Contains(e.Error, "HTTP 404") {
		t.Errorf("missing entry file: status %d %+v, want 502 naming HTTP 404", code, e)
	}
	srv.Close()
	if code := apiGet(t, archive.New(Fetcher(srv.Client().Transport, srv.URL+"/data/")), "/api/list", &e); code != http.StatusServiceUnavailable || e.Code != "network" {
		t.Errorf("host gone: status %d %+v, want 503 network", code, e)
	}
}
