package archive

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/bundle"
	"folio/internal/demotest"
	"folio/internal/post"
)

// demoSearchBundle builds the demo archive with search data into a temporary bundle
// folder.
func demoSearchBundle(t *testing.T) string {
	return demotest.Bundle(t, t.TempDir(), demotest.Options{Site: bundle.Site{Title: "test"}, Search: true})
}

func TestSearchAPI(t *testing.T) {
	h := New(bundle.FS(os.DirFS(demoSearchBundle(t))), SearchExtension())

	var res struct {
		Total  int
		Exact  bool
		Hits   []map[string]any
		Facets struct {
			Categories, Tags, Years []struct {
				Name  string
				Count int
			}
		}
	}
	if code := get(t, h, "/api/search?q="+url.QueryEscape("A股")+"&sort=oldest&limit=1", &res); code != 200 {
		t.Fatalf("status %d", code)
	}
	if res.Total != 2 || len(res.Hits) != 1 || !res.Exact || len(res.Facets.Years) != 2 {
		t.Errorf("A股: %+v", res)
	}
	hit := res.Hits[0]
	for _, k := range []string{"id", "file", "url", "title", "date", "categories", "tags", "snippet"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit has no %q: %v", k, hit)
		}
	}
	if hit["id"] != "2020-01-08-a-share-small-talk" || !strings.Contains(hit["snippet"].(string), "<mark>A股</mark>") {
		t.Errorf("hit %v", hit)
	}
	if code := get(t, h, "/api/search?q=%E8%8C%B6&category=market&year=2020&offset=0", &res); code != 200 || res.Total != 1 {
		t.Errorf("filters: %d %+v", code, res)
	}

	var e struct{ Error, Code string }
	for target, want := range map[string]string{
		"/api/search?q=OR":              "bad_query",
		"/api/search?q=":                "bad_query",
		"/api/search?q=date:2022-13":    "bad_query",
		"/api/search?q=a&sort=random":   "bad_query",
		"/api/search?q=a&limit=-1":      "bad_request",
		"/api/search?q=a&year=twenty20": "bad_request",
	} {
		if code := get(t, h, target, &e); code != 400 || e.Code != want || e.Error == "" {
			t.Errorf("%s: %d %+v, want 400 %s", target, code, e, want)
		}
	}
}

// TestSearchAPINoSearch checks a bundle built without search data.
func TestSearchAPINoSearch(t *testing.T) {
	res, err := post.ReadAll(os.DirFS(filepath.Join("..", "..", "demo", "_posts")), post.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, err := bundle.NewWriter(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(bundle.Build(w, res.Posts, bundle.Site{})); err != nil {
		t.Fatal(err)
	}
	h := New(bundle.FS(os.DirFS(dir)), SearchExtension())
	var e struct{ Error, Code string }
	if code := get(t, h, "/api/search?q=a", &e); code != 404 || e.Code != "not_found" {
		t.Errorf("%d %+v, want 404 not_found", code, e)
	}
}

// TestSearchAPIMarks: every answer carries the query's marks as the engine read it, and
// marks=only answers them alone.
func TestSearchAPIMarks(t *testing.T) {
	h := New(bundle.FS(os.DirFS(demoSearchBundle(t))), SearchExtension())
	type mark struct {
		Words  []string
		Title  bool
		Prefix bool
	}
	var res struct {
		Total int
		Hits  []map[string]any
		Marks []mark
	}
	if code := get(t, h, "/api/search?q="+url.QueryEscape("(龙井 OR 碧螺春) 春茶 -咖啡"), &res); code != 200 {
		t.Fatalf("status %d", code)
	}
	if got := fmt.Sprint(res.Marks); got != "[{[龙井] false false} {[碧螺春] false false} {[春茶] false false}]" {
		t.Errorf("marks %s", got)
	}
	var only map[string][]mark
	if code := get(t, h, "/api/search?marks=only&prefix=1&q="+url.QueryEscape("标题:龙井 Goo"), &only); code != 200 {
		t.Fatalf("marks=only: status %d", code)
	}
	if got := fmt.Sprint(only); got != "map[marks:[{[龙井] true false} {[Goo] false true}]]" {
		t.Errorf("marks=only: %s", got)
	}
	var e struct{ Error, Code string }
	if code := get(t, h, "/api/search?marks=only&q=OR", &e); code != 400 || e.Code != "bad_query" {
		t.Errorf("marks=only of a bad query: %d %+v", code, e)
	}
}
