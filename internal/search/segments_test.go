package search

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/index"
	"folio/internal/sharedtest"
)

// segmented is an output folder whose search data a series of builds appends to.
type segmented struct {
	dir   string
	state *index.State
}

// update builds posts into the folder, appending to its search data.
func (sg *segmented) update(t *testing.T, posts []*post.Post) index.WriteStats {
	t.Helper()
	w, err := bundle.NewWriter(sg.dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, lay := bundle.BuildLayout(w, posts, bundle.Site{Title: "test"})
	root, stats, next, err := index.Update(w, posts, func() bundle.Layout { return lay }, nil, index.DefaultSizes(), sg.state)
	if err != nil {
		t.Fatal(err)
	}
	m.Extra = map[string]string{"search": root}
	if _, err := w.Finish(m); err != nil {
		t.Fatal(err)
	}
	sg.state = next
	return stats
}

// answer is a search's result as JSON, without the timings.
func answer(t *testing.T, s *Searcher, q string, o Options) string {
	t.Helper()
	res, err := s.Search(context.Background(), q, o)
	if err != nil {
		return "error: " + err.Error()
	}
	res.Timing = Timing{}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSegmentsAnswerAsFromScratch appends to the search data of 1,000 generated posts in
// rounds (add, edit, delete, add, add with a merge) and checks every benchmark query and
// needle, in each sort order, paged, against a build of the same posts from scratch:
// totals, hits and their order, snippets, facets and exactness are the same.
func TestSegmentsAnswerAsFromScratch(t *testing.T) {
	dir := gencorpus(t, 1000)
	shared := sharedtest.Dir(t)
	res, err := post.ReadAll(os.DirFS(filepath.Join(dir, "_posts")), post.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := bundle.Sorted(res.Posts)
	queries := readQueries(t, filepath.Join(shared, "bench", "peers", "queries.json"))
	for _, n := range readNeedles(t, dir) {
		queries = append(queries, n.Query)
	}
	queries = append(queries, "title:市场", "-公司 增长", "数字 OR 金融", "date:2022")

	defer func(f int) { index.MergeFactor = f }(index.MergeFactor)
	index.MergeFactor = 3

	live := append([]*post.Post(nil), all[:850]...)
	edit := func(p *post.Post) *post.Post {
		c := *p
		c.Body += "\n\n更正：本文数据有误，营业收入同比增长已更正。Correction QX7Z9."
		return &c
	}
	rounds := []struct {
		name    string
		change  func()
		rebuilt bool
		segs    int
		merged  int
	}{
		{"first", func() {}, true, 1, 0},
		{"add", func() { live = append(live, all[850:900]...) }, false, 2, 0},
		{"edit", func() {
			for _, i := range []int{3, 200, 410, 777, 860} {
				live[i] = edit(live[i])
			}
		}, false, 3, 0},
		{"delete", func() {
			for _, i := range []int{880, 500, 100, 7} {
				live = append(live[:i], live[i+1:]...)
			}
		}, false, 3, 0},
		{"add again", func() { live = append(live, all[900:960]...) }, false, 4, 0},
		{"add and merge", func() { live = append(live, all[960:]...) }, false, 3, 2},
	}
	sg := &segmented{dir: t.TempDir()}
	for _, r := range rounds {
		r.change()
		st := sg.update(t, live)
		if st.Rebuilt != r.rebuilt || st.Segments != r.segs || st.Merged != r.merged {
			t.Errorf("%s: rebuilt %v, %d segments, %d merged; want %v, %d, %d", r.name, st.Rebuilt, st.Segments, st.Merged, r.rebuilt, r.segs, r.merged)
		}
		got := (&built{dir: sg.dir}).open(t)
		want := buildPosts(t, live).s
		if got.Docs() != want.Docs() {
			t.Fatalf("%s: %d docs, from scratch %d", r.name, got.Docs(), want.Docs())
		}
		differ := 0
		for _, q := range queries {
			// blevePhrases: bleve's phrase searcher, which reads term vectors (positions).
			for _, o := range []Options{{}, {Sort: SortNewest}, {Sort: SortOldest, Offset: 10, Limit: 20}, {Limit: 50, blevePhrases: true}} {
				if g, w := answer(t, got, q, o), answer(t, want, q, o); g != w {
					differ++
					if differ <= 5 {
						t.Errorf("%s: %q %+v:\n got %.300s\nwant %.300s", r.name, q, o, g, w)
					}
				}
			}
		}
		if differ > 0 {
			t.Errorf("%s: %d answers differ from a build from scratch", r.name, differ)
		}
		fmt.Fprintf(os.Stderr, "%s: %d docs, %+v\n", r.name, len(live), st)
	}
}
