package search

import (
	"context"
	"path/filepath"
	"testing"

	"folio/internal/search/index"
)

// TestSpill checks that postings spilled to sorted runs and merged give the same index as
// postings kept in memory.
func TestSpill(t *testing.T) {
	posts := filepath.Join(repoDir(), "demo", "_posts")
	whole := build(t, posts)
	old := index.SpillBytes
	index.SpillBytes = 2 << 10
	defer func() { index.SpillBytes = old }()
	spilled := build(t, posts)
	if whole.root != spilled.root { // content-addressed: same root, same files
		t.Errorf("spilled index differs: %+v vs %+v", spilled.stats, whole.stats)
	}
	for _, q := range []string{"茶", "龙井 OR 5G", `"A股"`, "title:茶"} {
		a, _ := whole.s.Search(context.Background(), q, Options{Limit: 100})
		b, _ := spilled.s.Search(context.Background(), q, Options{Limit: 100})
		if a.Total != b.Total || len(a.Hits) != len(b.Hits) {
			t.Errorf("%s: %d hits spilled, %d in memory", q, b.Total, a.Total)
		}
	}
}
