package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"folio/internal/bundle"
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
	saved := [6]int{ChunkBytes, PosChunkBytes, Fanout, TopFanout, MaxTableEntries, bundle.ShardBytes}
	ChunkBytes, PosChunkBytes, Fanout, TopFanout, MaxTableEntries, bundle.ShardBytes = 256, 256, 2, 2, 0, 1024
	defer func() {
		ChunkBytes, PosChunkBytes, Fanout, TopFanout, MaxTableEntries, bundle.ShardBytes = saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]
	}()
	deep := build(t, posts)
	if deep.s.root.TermTable != "" || deep.s.root.ShardTable != "" {
		t.Error("deep build wrote route tables")
	}
	for name, data := range map[string][]byte{"terms": deep.s.root.Terms, "shards": deep.s.root.Shards} {
		top, err := decodeNode(data)
		if err != nil {
			t.Fatal(err)
		}
		if top.Leaf || len(top.Entries) > TopFanout {
			t.Errorf("deep build: %s top node leaf=%v with %d entries; want an inner node of ≤ %d", name, top.Leaf, len(top.Entries), TopFanout)
		}
	}
	MaxTableEntries = saved[4]
	tabled := build(t, posts)
	if tabled.s.root.TermTable == "" || tabled.s.root.ShardTable == "" {
		t.Fatalf("tabled build wrote no route tables: %q %q", tabled.s.root.TermTable, tabled.s.root.ShardTable)
	}
	if err := tabled.s.loadTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tabled.s.termsTop() == tabled.s.termTop || !tabled.s.termsTop().Leaf {
		t.Fatal("the term table is not in use once loaded")
	}
	for _, q := range []string{"茶", "龙井 OR 5G", `"A股"`, "title:茶", "沪深300", "12.3%", "茶 -5G", "tag:沪深300", "茶 date:2020"} {
		for _, o := range []Options{{}, {Sort: SortOldest}} {
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
			got, err := b.s.hitPost(context.Background(), n)
			if err != nil || got.ID != p.ID {
				t.Fatalf("%s: doc %d (%s): %v %v", name, n, p.ID, got, err)
			}
		}
	}
}
