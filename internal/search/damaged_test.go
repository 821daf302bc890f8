package search

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/bundle"
)

// TestDamagedShardDropsItsHits: a post shard changed on the host (still valid JSON, same
// name) costs the search only the hits in that shard, which it names; the others show.
func TestDamagedShardDropsItsHits(t *testing.T) {
	b := build(t, filepath.Join(repoDir(), "demo", "_posts"))
	o := Options{Limit: MaxLimit, Sort: SortOldest}
	want := b.all(t, "茶", o)
	if len(want) < 3 {
		t.Fatalf("too few hits to test: %v", want)
	}
	shards, _ := filepath.Glob(filepath.Join(b.dir, "p", "*.json"))
	if len(shards) < 2 {
		t.Fatalf("want several post shards, have %d", len(shards))
	}
	// Change a title inside the first shard: the JSON stays valid.
	victim := shards[0]
	data, _ := os.ReadFile(victim)
	changed := bytes.Replace(data, []byte(`"title":"`), []byte(`"title":"FORGED `), 1)
	if bytes.Equal(changed, data) {
		t.Fatal("no title to change")
	}
	if err := os.WriteFile(victim, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	s := openFetcher(t, bundle.FS(os.DirFS(b.dir)))
	res, err := s.Search(context.Background(), "茶", o)
	if err != nil {
		t.Fatalf("one damaged shard failed the whole search: %v", err)
	}
	name := "p/" + filepath.Base(victim)
	if len(res.Damaged) != 1 || res.Damaged[0] != name {
		t.Errorf("Damaged = %v, want [%s]", res.Damaged, name)
	}
	if len(res.Hits) == 0 || len(res.Hits) >= len(want) {
		t.Errorf("%d hits of %d shown; want the others shown and the damaged shard's left out", len(res.Hits), len(want))
	}
	for _, h := range res.Hits {
		if strings.Contains(h.Title, "FORGED") {
			t.Errorf("a forged title was shown: %q", h.Title)
		}
	}
}
