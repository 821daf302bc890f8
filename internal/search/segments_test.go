package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/format"
	"folio/internal/search/index"
	"folio/internal/search/route"
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

	defer func(f, l, s int) { index.MergeFactor, index.LaterFanout, index.SmallSegment = f, l, s }(index.MergeFactor, index.LaterFanout, index.SmallSegment)
	// Leaves of the later route level of about 8 entries (many), and segments of 55 posts
	// or more written with position chunks of their own, smaller ones with term chunks
	// holding their positions: both kinds.
	index.MergeFactor, index.LaterFanout, index.SmallSegment = 3, 8, 55

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
		for k, seg := range sg.state.Segments[1:] {
			kinds := map[byte]int{}
			for _, f := range seg.Files {
				data, err := os.ReadFile(filepath.Join(sg.dir, filepath.FromSlash(f.Name)))
				if err != nil {
					t.Fatal(err)
				}
				kinds[data[0]]++
			}
			if termPos := len(seg.Docs) < index.SmallSegment; termPos != (kinds['C'] > 0) || kinds['C'] > 0 && kinds['D']+kinds['X'] > 0 {
				t.Errorf("%s: later segment %d of %d docs has files of kinds %v", r.name, k+1, len(seg.Docs), kinds)
			}
		}
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
		// Again with the route tables held, as after a first search.
		if got.segs != nil {
			if err := got.segs.later.LoadTables(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, q := range queries {
				if g, w := answer(t, got, q, Options{}), answer(t, want, q, Options{}); g != w {
					differ++
					t.Errorf("%s, route tables held: %q:\n got %.300s\nwant %.300s", r.name, q, g, w)
				}
			}
		}
		if differ > 0 {
			t.Errorf("%s: %d answers differ from a build from scratch", r.name, differ)
		}
		fmt.Fprintf(os.Stderr, "%s: %d docs, %+v\n", r.name, len(live), st)
	}
}

// laterArchive appends three days of 30 posts to 850 generated posts, with leaves of
// the later route level of about 4 entries (so that it has many), and opens it.
func laterArchive(t *testing.T) (*segmented, *Searcher) {
	t.Helper()
	dir := gencorpus(t, 1000)
	res, err := post.ReadAll(os.DirFS(filepath.Join(dir, "_posts")), post.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := bundle.Sorted(res.Posts)
	defer func(f int) { index.LaterFanout = f }(index.LaterFanout)
	index.LaterFanout = 4
	sg := &segmented{dir: t.TempDir()}
	for _, n := range []int{850, 880, 910, 940} {
		sg.update(t, all[:n])
	}
	s := (&built{dir: sg.dir}).open(t)
	if len(s.root.More) != 3 || s.root.LaterTable == "" {
		t.Fatalf("%d later segments, later table %q; want 3 and a table", len(s.root.More), s.root.LaterTable)
	}
	return sg, s
}

// TestLaterRouteLevel checks the later route level against each later segment's own
// chunk entries: every key finds the chunk whose range holds it, and every range the
// chunks that meet it, through the leaves (cold) and through the table; and a word costs
// one route file for all the later segments.
func TestLaterRouteLevel(t *testing.T) {
	sg, s := laterArchive(t)
	ctx := context.Background()
	tree := s.segs.later.TermTree()
	if len(tree.Entries) < 10 {
		t.Fatalf("the later route level has %d leaves; want many", len(tree.Entries))
	}
	_, before := s.files.Counters()
	for k := range s.segs.count {
		if _, ok, err := s.segs.later.LaterLeaf(ctx, tree, k, []byte("经济")); err != nil || !ok {
			t.Fatalf("segment %d: 经济: %v %v", k, ok, err)
		}
	}
	if _, after := s.files.Counters(); after-before != 1 {
		t.Errorf("a word's routes in %d later segments fetched %d files; want 1", s.segs.count, after-before)
	}
	table, err := s.files.Node(ctx, s.root.LaterTable)
	if err != nil {
		t.Fatal(err)
	}
	for k := range s.segs.count {
		own, err := format.DecodeNode(sg.state.Segments[k+1].Routes)
		if err != nil {
			t.Fatal(err)
		}
		keys := [][]byte{{}, {0xff, 0xff}}
		for _, e := range own.Entries {
			keys = append(keys, e.Key, append(slices.Clone(e.Key), 0), e.Key[:len(e.Key)-1])
		}
		for _, key := range keys {
			i := own.Find(key)
			for name, top := range map[string]*format.RouteNode{"leaves": tree, "table": table} {
				got, ok, err := s.segs.later.LaterLeaf(ctx, top, k, key)
				if err != nil {
					t.Fatal(err)
				}
				if ok != (i >= 0) || ok && (!bytes.Equal(got.Key, own.Entries[i].Key) || got.File != own.Entries[i].File || got.Pos != own.Entries[i].Pos) {
					t.Errorf("segment %d, key %q through the %s: %v %+v; want entry %d", k, key, name, ok, got, i)
				}
				lo, hi := key[:min(3, len(key))], format.PrefixEnd(key[:min(3, len(key))])
				var want []string
				for j := max(0, own.Find(lo)); j < len(own.Entries) && (hi == nil || bytes.Compare(own.Entries[j].Key, hi) < 0); j++ {
					want = append(want, own.Entries[j].File)
				}
				rs, err := s.segs.later.LaterLeaves(ctx, top, k, lo, hi)
				if err != nil {
					t.Fatal(err)
				}
				var files []string
				for _, r := range rs {
					files = append(files, r.File)
				}
				if !slices.Equal(files, want) {
					t.Errorf("segment %d, range %q through the %s: %d chunks; want %d", k, lo, name, len(files), len(want))
				}
			}
		}
	}
}

// TestLaterRouteLevelMissing: a later route leaf missing on the host fails the searches
// that need it with an error that names it, and a root of later segments without the
// level does not open.
func TestLaterRouteLevelMissing(t *testing.T) {
	sg, s := laterArchive(t)
	leaf := s.segs.later.TermTree().Entries[s.segs.later.TermTree().Find([]byte("经济"))].File
	for _, suffix := range []string{"", ".br", ".gz"} {
		_ = os.Remove(filepath.Join(sg.dir, filepath.FromSlash(leaf)+suffix)) // the copies may not exist
	}
	// Another leaf damaged in place: bytes that do not decode, or an inner node.
	tree := s.segs.later.TermTree()
	damaged := map[string][]byte{
		tree.Entries[tree.Find([]byte("公司"))].File: []byte("N\x01damaged"),
		tree.Entries[tree.Find([]byte("市场"))].File: format.EncodeNode(&format.RouteNode{Entries: tree.Entries[:1]}),
	}
	for name, data := range damaged {
		if name == leaf {
			t.Fatal("the test words share a leaf")
		}
		if err := os.WriteFile(filepath.Join(sg.dir, filepath.FromSlash(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for word, name := range map[string]string{"经济": leaf, "公司": tree.Entries[tree.Find([]byte("公司"))].File, "市场": tree.Entries[tree.Find([]byte("市场"))].File} {
		cold := (&built{dir: sg.dir}).open(t)
		_, err := cold.Search(context.Background(), word, Options{})
		var de *bundle.DataError
		if !errors.As(err, &de) || de.File != name || !strings.Contains(err.Error(), name) {
			t.Errorf("a search of %s through a missing or damaged later route leaf: %v; want an error naming %s", word, err, name)
		}
	}
	root := *s.root
	root.Later = nil
	if _, err := route.NewLater(nil, &root); !errors.Is(err, bundle.ErrDamaged) {
		t.Errorf("later segments without a later route level: %v", err)
	}
	root.Later = format.EncodeNode(&format.RouteNode{Leaf: true})
	if _, err := route.NewLater(nil, &root); !errors.Is(err, bundle.ErrDamaged) {
		t.Errorf("a later route level whose top is a leaf: %v", err)
	}
}

// TestLaterTermPos: a later segment's term chunks hold their positions (one file each),
// so that a cold phrase query fetches no position chunk of a later segment; such a file
// missing or damaged fails the searches that need it with an error that names it.
func TestLaterTermPos(t *testing.T) {
	sg, s := laterArchive(t)
	ctx := context.Background()
	first := map[string]bool{}
	for _, f := range sg.state.Segments[0].Files {
		first[f.Name] = true
	}
	for k := range s.segs.count {
		own, err := format.DecodeNode(sg.state.Segments[k+1].Routes)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range own.Entries {
			data, err := os.ReadFile(filepath.Join(sg.dir, filepath.FromSlash(e.File)))
			if err != nil {
				t.Fatal(err)
			}
			if e.File != e.Pos || !format.IsTermPos(data) {
				t.Fatalf("segment %d: chunk %s, positions %s: want one file of both", k+1, e.File, e.Pos)
			}
		}
	}
	var mu sync.Mutex
	var fetched []string
	dir := os.DirFS(sg.dir)
	counting := bundle.FetchFunc(func(_ context.Context, name string) ([]byte, error) {
		mu.Lock()
		fetched = append(fetched, name)
		mu.Unlock()
		return fs.ReadFile(dir, name)
	})
	cold := openFetcher(t, counting)
	fetched = nil
	if _, err := cold.Search(ctx, "营业收入 同比增长", Options{Exact: ExactAlways}); err != nil {
		t.Fatal(err)
	}
	later := 0
	for _, name := range fetched {
		data, err := fs.ReadFile(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		if format.IsTermPos(data) {
			later++
		}
		if len(data) > 0 && data[0] == 'X' && !first[name] {
			t.Errorf("a phrase fetched %s, a position chunk not of the first segment", name)
		}
	}
	if later < s.segs.count {
		t.Errorf("a phrase fetched %d term chunks with positions; want one or more a later segment", later)
	}
	// Damage the file of 经济 in the last segment.
	r, ok, err := s.segs.later.LaterLeaf(ctx, s.segs.later.TermTree(), s.segs.count-1, []byte("经济"))
	if err != nil || !ok {
		t.Fatalf("经济 in the last segment: %v %v", ok, err)
	}
	path := filepath.Join(sg.dir, filepath.FromSlash(r.File))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = (&built{dir: sg.dir}).open(t).Search(ctx, "经济", Options{})
	var de *bundle.DataError
	if !errors.As(err, &de) || de.File != r.File || !errors.Is(err, bundle.ErrDamaged) {
		t.Errorf("a search through a damaged term chunk with positions: %v; want an error naming %s", err, r.File)
	}
}
