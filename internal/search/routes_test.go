package search

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"folio/internal/bundle"
	"folio/internal/search/format"
	"folio/internal/search/hits"
	"folio/internal/search/index"
)

// TestDeepRoutes builds the demo three ways: as usual (every route in the root); with tiny
// chunks and route nodes, so that both route trees (terms, shards) have several levels
// below the root; and that again with route tables (the trees' leaf levels in one file
// each), loaded. Every query must find the same in all three.
func TestDeepRoutes(t *testing.T) {
	posts := filepath.Join(repoDir(), "demo", "_posts")
	flat := build(t, posts)
	if flat.stats.Nodes != 0 || flat.s.root.TermTable != "" || flat.s.root.ShardTable != "" {
		t.Errorf("default build of the demo wrote %d route nodes, tables %q %q; want every route in the root",
			flat.stats.Nodes, flat.s.root.TermTable, flat.s.root.ShardTable)
	}
	saved := [6]int{index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, index.MaxTableEntries, bundle.ShardBytes}
	index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, index.MaxTableEntries, bundle.ShardBytes = 256, 256, 2, 2, 0, 1024
	defer func() {
		index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, index.MaxTableEntries, bundle.ShardBytes = saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]
	}()
	deep := build(t, posts)
	if deep.s.root.TermTable != "" || deep.s.root.ShardTable != "" {
		t.Error("deep build wrote route tables")
	}
	for name, data := range map[string][]byte{"terms": deep.s.root.Terms, "shards": deep.s.root.Shards} {
		top, err := format.DecodeNode(data)
		if err != nil {
			t.Fatal(err)
		}
		if top.Leaf || len(top.Entries) > index.TopFanout {
			t.Errorf("deep build: %s top node leaf=%v with %d entries; want an inner node of ≤ %d", name, top.Leaf, len(top.Entries), index.TopFanout)
		}
	}
	index.MaxTableEntries = saved[4]
	tabled := build(t, posts)
	if tabled.s.root.TermTable == "" || tabled.s.root.ShardTable == "" {
		t.Fatalf("tabled build wrote no route tables: %q %q", tabled.s.root.TermTable, tabled.s.root.ShardTable)
	}
	if err := tabled.s.routes.LoadTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tabled.s.routes.Terms() == tabled.s.routes.TermTree() || !tabled.s.routes.Terms().Leaf {
		t.Fatal("the term table is not in use once loaded")
	}
	for _, q := range []string{"茶", "龙井 OR 5G", `"A股"`, "title:茶", "沪深300", "12.3%", "茶 -5G", "tag:沪深300", "茶 date:2020", "t", "Ras", "沪深3"} {
		for _, o := range []Options{{}, {Sort: SortOldest}, {Sort: SortOldest, Prefix: true}} {
			want := flat.all(t, q, o)
			for name, b := range map[string]*built{"deep": deep, "tabled": tabled} {
				if got := b.all(t, q, o); !slices.Equal(want, got) {
					t.Errorf("%s %+v: %s routes found %v, flat %v", q, o, name, got, want)
				}
			}
		}
	}
	// Every post, found through each shard route, is the bundle's post n.
	for n, p := range flat.posts {
		for name, b := range map[string]*built{"flat": flat, "deep": deep, "tabled": tabled} {
			got, err := b.s.shown.Doc(context.Background(), time.Now(), n)
			if err != nil || got.Entry.ID != p.ID {
				t.Fatalf("%s: doc %d (%s): %v %v", name, n, p.ID, got, err)
			}
		}
	}
}

// TestTablesAwaited: searches that begin while the route tables are on their way wait for
// them instead of fetching route nodes (a request each); one that began before goes on
// with the trees.
func TestTablesAwaited(t *testing.T) {
	posts := filepath.Join(repoDir(), "demo", "_posts")
	saved := [5]int{index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, bundle.ShardBytes}
	index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, bundle.ShardBytes = 256, 256, 2, 2, 1024
	defer func() {
		index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, bundle.ShardBytes = saved[0], saved[1], saved[2], saved[3], saved[4]
	}()
	b := build(t, posts)
	root := b.s.root
	if root.TermTable == "" || root.ShardTable == "" {
		t.Fatal("no route tables written")
	}
	nodes := routeNodeFiles(t, b.dir, root.Terms, root.Shards)
	if len(nodes) == 0 {
		t.Fatal("the trees have no route nodes below the root")
	}

	// The tables' fetches wait for release; every fetch is recorded.
	var mu sync.Mutex
	var fetched []string
	started := make(chan string, 2)
	release := make(chan struct{})
	fsys := bundle.FS(os.DirFS(b.dir))
	fetch := bundle.FetchFunc(func(ctx context.Context, name string) ([]byte, error) {
		mu.Lock()
		fetched = append(fetched, name)
		mu.Unlock()
		if name == root.TermTable || name == root.ShardTable {
			started <- name
			<-release
		}
		return fsys.Fetch(ctx, name)
	})
	s := openFetcher(t, fetch)

	before := time.Now()
	s.routes.StartTables()
	first := s.routes.TablesLoad()
	<-started
	<-started
	if _, err := s.shown.Doc(context.Background(), before, 0); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	early := slices.ContainsFunc(fetched, func(name string) bool { return nodes[name] })
	fetched = nil
	mu.Unlock()
	if !early {
		t.Error("a search begun before the tables' load waited for them instead of using the tree")
	}
	results := make(chan error, 1)
	go func() {
		if _, err := s.Search(context.Background(), "茶 OR 5G", Options{}); err != nil {
			results <- err
			return
		}
		for n := range b.posts {
			if p, err := s.shown.Doc(context.Background(), time.Now(), n); err != nil || p.Entry.ID != b.posts[n].ID {
				results <- fmt.Errorf("doc %d: %v %v", n, p, err)
				return
			}
		}
		results <- nil
	}()
	// The search fetches its metadata while it routes: once that has been asked for, its
	// route lookups are waiting (or fetching nodes); a moment more for good measure.
	for fetchedYet := false; !fetchedYet; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		fetchedYet = slices.Contains(fetched, root.Meta)
		mu.Unlock()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	if err := <-results; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	for _, name := range fetched {
		if nodes[name] {
			t.Errorf("fetched route node %s while the tables were on their way", name)
		}
	}
	mu.Unlock()

	// A table the cache has pushed out is fetched again after the next search. (First the
	// load that the search above scheduled must have run.)
	deadline := time.Now().Add(5 * time.Second)
	for {
		load := s.routes.TablesLoad()
		if load != first && load != nil {
			<-load.Done()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the search scheduled no load of the tables")
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.files.Cache.Drop(root.ShardTable)
	for n := range b.posts { // and the hits shown, which need no shard routes when kept
		s.files.Cache.Drop(hits.Key(n))
	}
	if _, err := s.Search(context.Background(), "茶", Options{}); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for {
		if _, ok := s.files.Peek(root.ShardTable); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shard table, pushed out of the cache, was not fetched again")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// routeNodeFiles returns the files of the route nodes below the given top nodes.
func routeNodeFiles(t *testing.T, dir string, tops ...[]byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	var walk func(n *format.RouteNode)
	walk = func(n *format.RouteNode) {
		if n.Leaf {
			return
		}
		for _, e := range n.Entries {
			out[e.File] = true
			data, err := os.ReadFile(filepath.Join(dir, e.File))
			if err != nil {
				t.Fatal(err)
			}
			child, err := format.DecodeNode(data)
			if err != nil {
				t.Fatal(err)
			}
			walk(child)
		}
	}
	for _, data := range tops {
		top, err := format.DecodeNode(data)
		if err != nil {
			t.Fatal(err)
		}
		walk(top)
	}
	return out
}

// TestWideRangeNodesAtOnce: a range that spans several route nodes (a short prefix) fetches
// them at once, not one after the other, and still lists every chunk in order.
func TestWideRangeNodesAtOnce(t *testing.T) {
	saved := [5]int{index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, index.MaxTableEntries}
	index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, index.MaxTableEntries = 256, 256, 2, 2, 0
	defer func() {
		index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, index.MaxTableEntries = saved[0], saved[1], saved[2], saved[3], saved[4]
	}()
	b := build(t, filepath.Join(repoDir(), "demo", "_posts"))
	nodes := routeNodeFiles(t, b.dir, b.s.root.Terms, b.s.root.Shards)

	// A route node's fetch waits (up to a second) until another is under way.
	var mu sync.Mutex
	inFlight := 0
	together := make(chan struct{})
	var once sync.Once
	fsys := bundle.FS(os.DirFS(b.dir))
	s := openFetcher(t, bundle.FetchFunc(func(ctx context.Context, name string) ([]byte, error) {
		if nodes[name] {
			mu.Lock()
			inFlight++
			if inFlight >= 2 {
				once.Do(func() { close(together) })
			}
			mu.Unlock()
			select {
			case <-together:
			case <-time.After(time.Second):
			}
			mu.Lock()
			inFlight--
			mu.Unlock()
		}
		return fsys.Fetch(ctx, name)
	}))
	leaves, err := s.routes.Leaves(context.Background(), s.routes.TermTree(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-together:
	default:
		t.Error("the route nodes of a wide range were fetched one after the other")
	}
	if len(leaves) != b.s.root.Chunks || !slices.IsSortedFunc(leaves, func(a, b format.Route) int { return bytes.Compare(a.Key, b.Key) }) {
		t.Errorf("%d leaves (sorted: %v), want the %d chunks in order", len(leaves), slices.IsSortedFunc(leaves, func(a, b format.Route) int { return bytes.Compare(a.Key, b.Key) }), b.s.root.Chunks)
	}
}
