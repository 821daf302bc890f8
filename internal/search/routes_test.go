package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestDeepRoutes builds the demo with tiny chunks and route nodes and no shard table, so
// that both route trees (terms, shards) have several levels below the root and hits find
// their shards through the tree, and checks that every query finds what the default build
// (all routes in the root, hits through the shard table) finds.
func TestDeepRoutes(t *testing.T) {
	posts := filepath.Join(repoDir(), "demo", "_posts")
	flat := build(t, posts)
	if flat.s.root.ShardTable == "" {
		t.Error("default build of the demo has no shard table")
	}
	if flat.stats.Nodes != 0 {
		t.Errorf("default build of the demo wrote %d route nodes; want every route in the root", flat.stats.Nodes)
	}
	saved := [5]int{ChunkBytes, PosChunkBytes, Fanout, TopFanout, MaxTableShards}
	ChunkBytes, PosChunkBytes, Fanout, TopFanout, MaxTableShards = 256, 256, 3, 4, 0
	defer func() {
		ChunkBytes, PosChunkBytes, Fanout, TopFanout, MaxTableShards = saved[0], saved[1], saved[2], saved[3], saved[4]
	}()
	deep := build(t, posts)
	if deep.s.root.ShardTable != "" {
		t.Error("deep build wrote a shard table")
	}
	top, err := decodeNode(deep.s.root.Terms)
	if err != nil {
		t.Fatal(err)
	}
	if top.Leaf || len(top.Entries) > TopFanout || deep.stats.Nodes < 10 {
		t.Errorf("deep build: top node leaf=%v with %d entries, %d nodes; want an inner top of ≤ %d and many nodes", top.Leaf, len(top.Entries), deep.stats.Nodes, TopFanout)
	}
	for _, q := range []string{"茶", "龙井 OR 5G", `"A股"`, "title:茶", "沪深300", "12.3%", "茶 -5G", "tag:沪深300"} {
		for _, o := range []Options{{}, {Sort: SortOldest}} {
			want, got := flat.all(t, q, o), deep.all(t, q, o)
			if !slices.Equal(want, got) {
				t.Errorf("%s %+v: deep routes found %v, flat %v", q, o, got, want)
			}
		}
	}
	// Every post, found through the table and through the tree, is the bundle's post n.
	for n, p := range flat.posts {
		a, err1 := flat.s.hitPost(context.Background(), n)
		b, err2 := deep.s.hitPost(context.Background(), n)
		if err1 != nil || err2 != nil || a.ID != p.ID || b.ID != p.ID {
			t.Fatalf("doc %d (%s): table %v %v, tree %v %v", n, p.ID, a, err1, b, err2)
		}
	}
	// Hits come through the deep shard route too.
	res, err := deep.s.Search(context.Background(), "茶", Options{Limit: 100})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].Title == "" {
		t.Fatalf("deep build: %+v, %v", res, err)
	}
}
