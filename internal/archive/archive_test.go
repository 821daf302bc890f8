package archive

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/bundle"
	"folio/internal/demotest"
)

// demoBundle builds the repository's demo archive into a temporary bundle folder.
func demoBundle(t *testing.T) string {
	return demotest.Bundle(t, t.TempDir(), demotest.Options{Site: bundle.Site{Title: "Demo", BaseURL: "/"}})
}

func get(t *testing.T, h http.Handler, target string, v any) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: content type %q", target, ct)
	}
	if v != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("%s: %v: %s", target, err, rec.Body)
		}
	}
	return rec.Code
}

func TestAPI(t *testing.T) {
	h := New(bundle.FS(os.DirFS(demoBundle(t))))

	var site struct {
		Title string
		Posts int
	}
	if c := get(t, h, "/api/site", &site); c != 200 || site.Posts != 39 || site.Title != "Demo" {
		t.Fatalf("site: %d %+v", c, site)
	}

	var list ListResult
	get(t, h, "/api/list?limit=5", &list)
	if list.Total != 39 || len(list.Items) != 5 {
		t.Fatalf("list: total %d, %d items", list.Total, len(list.Items))
	}
	for i := 1; i < len(list.Items); i++ {
		if list.Items[i-1].Date < list.Items[i].Date {
			t.Errorf("list not newest first: %s before %s", list.Items[i-1].Date, list.Items[i].Date)
		}
	}
	var page2 ListResult
	get(t, h, "/api/list?limit=5&offset=5", &page2)
	if page2.Items[0].ID == list.Items[4].ID {
		t.Error("offset did not move")
	}

	// Every post is reachable, renders, and resolves from its original URL.
	var all ListResult
	get(t, h, "/api/list?limit=200", &all)
	if len(all.Items) != 39 {
		t.Fatalf("all: %d items", len(all.Items))
	}
	for _, e := range all.Items {
		var p PostView
		if c := get(t, h, "/api/post?id="+url.QueryEscape(e.ID), &p); c != 200 || p.HTML == "" || p.File != e.File {
			t.Errorf("post %s: %d, html %d bytes, file %q", e.ID, c, len(p.HTML), p.File)
		}
		var r struct{ ID string }
		if c := get(t, h, "/api/resolve?path="+url.QueryEscape(e.URL), &r); c != 200 || r.ID != e.ID {
			t.Errorf("resolve %s: %d %q", e.URL, c, r.ID)
		}
	}

	// Filters agree with the term counts.
	var terms struct{ Terms []TermCount }
	get(t, h, "/api/terms?kind=categories", &terms)
	if len(terms.Terms) == 0 {
		t.Fatal("no categories")
	}
	for _, term := range terms.Terms {
		var l ListResult
		get(t, h, "/api/list?limit=200&category="+url.QueryEscape(term.Name), &l)
		if l.Total != term.Count || len(l.Items) != term.Count {
			t.Errorf("category %s: count %d, list total %d, %d items", term.Name, term.Count, l.Total, len(l.Items))
		}
		for _, e := range l.Items {
			if !contains(e.Categories, term.Name) {
				t.Errorf("category %s lists %s", term.Name, e.ID)
			}
		}
	}
	var months struct{ Terms []TermCount }
	get(t, h, "/api/terms?kind=months", &months)
	sum := 0
	for _, m := range months.Terms {
		var l ListResult
		y, mo, _ := strings.Cut(m.Name, "-")
		get(t, h, "/api/list?limit=200&year="+y+"&month="+mo, &l)
		if l.Total != m.Count {
			t.Errorf("month %s: %d vs %d", m.Name, l.Total, m.Count)
		}
		sum += m.Count
	}
	if sum != 39 {
		t.Errorf("months add up to %d", sum)
	}

	// The XSS test post renders inert.
	var xss PostView
	get(t, h, "/api/post?id=2022-01-20-sanitizer-safety-test", &xss)
	for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe", "onclick"} {
		if strings.Contains(strings.ToLower(xss.HTML), bad) {
			t.Errorf("sanitized post still has %q", bad)
		}
	}

	for target, want := range map[string]int{
		"/api/post?id=nope":          404,
		"/api/post":                  400,
		"/api/resolve?path=/nope/":   404,
		"/api/list?category=nothing": 404,
		"/api/list?offset=-1":        400,
		"/api/list?month=3":          400,
		"/api/terms?kind=colours":    404,
		"/api/nothing":               404,
	} {
		var e struct{ Error, Code string }
		if c := get(t, h, target, &e); c != want || e.Error == "" || e.Code == "" {
			t.Errorf("%s: status %d (want %d), %+v", target, c, want, e)
		}
	}
}

func TestBadBundles(t *testing.T) {
	dir := demoBundle(t)
	// Another format version: a clear "version" error.
	m, _ := os.ReadFile(filepath.Join(dir, bundle.EntryFile))
	old := strings.Replace(string(m), fmt.Sprintf(`"version":%d`, bundle.Version), `"version":99`, 1)
	vdir := t.TempDir()
	if err := os.WriteFile(filepath.Join(vdir, bundle.EntryFile), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	var e struct{ Error, Code string }
	if c := get(t, New(bundle.FS(os.DirFS(vdir))), "/api/site", &e); c != 409 || e.Code != "version" || !strings.Contains(e.Error, "version 99") {
		t.Errorf("version: %d %+v", c, e)
	}
	// A missing manifest, then recovery once it is there.
	empty := t.TempDir()
	h := New(bundle.FS(os.DirFS(empty)))
	if c := get(t, h, "/api/site", &e); c != 502 || e.Code != "data" {
		t.Errorf("missing manifest: %d %+v", c, e)
	}
	if err := os.WriteFile(filepath.Join(empty, bundle.EntryFile), m, 0o644); err != nil {
		t.Fatal(err)
	}
	if c := get(t, h, "/api/site", nil); c != 200 {
		t.Errorf("no recovery after the manifest appeared: %d", c)
	}
	// A corrupt shard: that post fails with a "data" error naming the file; others work.
	shards, _ := filepath.Glob(filepath.Join(dir, "p", "*.json"))
	if err := os.WriteFile(shards[0], []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	h = New(bundle.FS(os.DirFS(dir)))
	var all ListResult
	get(t, h, "/api/list?limit=200", &all)
	bad, good := 0, 0
	for _, it := range all.Items {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/post?id="+url.QueryEscape(it.ID), nil))
		switch rec.Code {
		case 200:
			good++
		case 502:
			bad++
			if !strings.Contains(rec.Body.String(), "damaged") || !strings.Contains(rec.Body.String(), filepath.Base(shards[0])) {
				t.Errorf("corrupt shard message: %s", rec.Body)
			}
		default:
			t.Errorf("post %s: %d", it.ID, rec.Code)
		}
	}
	if bad == 0 || good == 0 {
		t.Errorf("corrupt shard: %d failed, %d worked", bad, good)
	}
}

// TestMemory checks that /api/memory reports the Go runtime's figures, without a bundle.
func TestMemory(t *testing.T) {
	h := New(bundle.FS(os.DirFS(t.TempDir())))
	var m Memory
	if c := get(t, h, "/api/memory", &m); c != 200 || m.SysBytes == 0 || m.HeapBytes == 0 || m.HeapBytes > m.SysBytes || m.LimitBytes <= 0 {
		t.Fatalf("memory: %d %+v", c, m)
	}
}
