package search

import (
	"context"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"folio/internal/post"
	"folio/internal/search/analysis"
	"folio/internal/search/index"
)

// TestTrigramTerms builds the demo with a gram term for every gram of three to
// analysis.MaxGram characters it has, and checks that every such word then finds exactly
// what the phrase finds, in the same order, fetching fewer files (no positions); longer
// words are phrases as before.
func TestTrigramTerms(t *testing.T) {
	posts := filepath.Join(repoDir(), "demo", "_posts")
	saved := [3]int{index.TrigramShare, index.TrigramMinDocs, index.LongGramShare}
	defer func() { index.TrigramShare, index.TrigramMinDocs, index.LongGramShare = saved[0], saved[1], saved[2] }()
	index.TrigramShare, index.TrigramMinDocs, index.LongGramShare = 1<<30, 1, 1<<30
	tri := build(t, posts)
	index.TrigramShare, index.TrigramMinDocs = saved[0], 1<<30
	plain := build(t, posts)

	// The words: Han stretches of the demo of three to six characters (six: still phrases,
	// whose position chunks now also list gram terms, without positions).
	seen := map[string]bool{}
	var words []string
	for _, n := range []int{3, 4, 5, 6} {
		count := 0
		for _, p := range plain.posts {
			rs := []rune(post.PlainText(p.Body, p.Format))
			for i := 0; i+n <= len(rs) && count < 150; i++ {
				w := string(rs[i : i+n])
				if analysis.IsHan(w) && utf8.RuneCountInString(w) == n && !seen[w] {
					seen[w] = true
					words = append(words, w)
					count++
				}
			}
		}
		if count < 50 {
			t.Fatalf("only %d %d-character words in the demo", count, n)
		}
	}
	used := map[int]int{} // by characters
	for _, w := range words {
		for _, o := range []Options{{}, {Sort: SortNewest}} {
			got, err := tri.open(t).Search(context.Background(), w, o)
			if err != nil {
				t.Fatal(err)
			}
			want, err := plain.open(t).Search(context.Background(), w, o)
			if err != nil {
				t.Fatal(err)
			}
			if g, wa := hitIDs(got), hitIDs(want); g != wa || got.Total != want.Total || !got.Exact {
				t.Errorf("%s %+v: trigram term finds %d [%s], the phrase %d [%s]", w, o, got.Total, g, want.Total, wa)
			}
			if got.Fetched.Files < want.Fetched.Files {
				used[utf8.RuneCountInString(w)]++
			}
		}
	}
	for n := 3; n <= analysis.MaxGram; n++ {
		if used[n] == 0 {
			t.Errorf("no %d-character word fetched fewer files with gram terms", n)
		}
	}
	t.Logf("%d words; searches that fetched fewer files, by characters: %v", len(words), used)
}
