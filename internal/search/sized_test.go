package search

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/index"
)

// TestSizes builds the demo archive with small files and with files several times bigger
// (as -host cloudflare does, see index.FewerFiles): the bigger build has fewer term
// chunks, position chunks and shards, and every query, phrases and type-ahead included,
// finds the same posts in the same order.
func TestSizes(t *testing.T) {
	res, err := post.ReadAll(os.DirFS(filepath.Join(repoDir(), "demo", "_posts")), post.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	small := buildSized(t, res.Posts, bundle.Sizes{ShardBytes: 2048, BucketPosts: 4}, index.Sizes{ChunkBytes: 512, PosChunkBytes: 512})
	big := buildSized(t, res.Posts, bundle.Sizes{ShardBytes: 8192, BucketPosts: 16}, index.Sizes{ChunkBytes: 2048, PosChunkBytes: 4096})
	if big.stats.Chunks*2 > small.stats.Chunks || big.stats.PosChunks*3 > small.stats.PosChunks {
		t.Errorf("bigger sizes: %d term and %d position chunks; smaller: %d and %d (want under a half and a third)",
			big.stats.Chunks, big.stats.PosChunks, small.stats.Chunks, small.stats.PosChunks)
	}
	t.Logf("term chunks %d → %d, position chunks %d → %d", small.stats.Chunks, big.stats.Chunks, small.stats.PosChunks, big.stats.PosChunks)
	count := func(b *built, kind string) int {
		entries, err := os.ReadDir(filepath.Join(b.dir, kind))
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	if count(big, "p")*2 > count(small, "p") {
		t.Errorf("bigger sizes: %d shards, smaller: %d", count(big, "p"), count(small, "p"))
	}
	queries := []string{"龙井", "茶", "A股", "5g", "沪深300", `"柳溪日报"`, `"中学美术"`, "万人次", "title:茶 category:market", "A股 -5G", "龙井 OR 5G", "茶 date:..2019-03"}
	for _, q := range queries {
		for _, o := range []Options{{}, {Sort: SortOldest}, {Prefix: true}} {
			want, got := joinIDs(small.all(t, q, o)), joinIDs(big.all(t, q, o))
			if want == "" && q != "A股 -5G" {
				t.Errorf("%q %+v finds nothing: the test needs hits", q, o)
			}
			if got != want {
				t.Errorf("%q %+v:\n bigger files find %s\nsmaller files find %s", q, o, got, want)
			}
		}
	}
	// Hits show their post from the bigger shards.
	res2, err := big.s.Search(context.Background(), "茶", Options{Limit: MaxLimit})
	if err != nil || len(res2.Hits) < 5 {
		t.Fatalf("茶: %v, %d hits", err, len(res2.Hits))
	}
	for _, h := range res2.Hits {
		if h.Title == "" || h.URL == "" {
			t.Errorf("hit %s shows no title or URL", h.ID)
		}
	}
}
