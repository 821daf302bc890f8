package index

import (
	"fmt"
	"testing"
	"time"

	"folio/internal/bundle"
	"folio/internal/post"
)

func policyPost(i int) *post.Post {
	return &post.Post{ID: fmt.Sprint("p", i), File: fmt.Sprintf("p%04d.md", i), Title: fmt.Sprintf("第%d条 market", i),
		Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour), Format: "markdown",
		Body: fmt.Sprintf("新能源汽车板块上涨%d，成交额放大。Shares of company %d rose.", i%7, i)}
}

// update builds posts into dir, appending to st, and returns the stats and new state.
func updateInto(t *testing.T, dir string, posts []*post.Post, st *State) (WriteStats, *State) {
	t.Helper()
	w, err := bundle.NewWriter(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, lay := bundle.BuildLayout(w, posts, bundle.Site{Title: "t"})
	root, stats, next, err := Update(w, posts, func() bundle.Layout { return lay }, nil, DefaultSizes(), st)
	if err != nil {
		t.Fatal(err)
	}
	m.Extra = map[string]string{"search": root}
	if _, err := w.Finish(m); err != nil {
		t.Fatal(err)
	}
	return stats, next
}

// TestMergePolicy adds posts day by day: daily segments merge when a tier holds
// MergeFactor of them, and the index is written afresh once the later segments hold more
// than RebuildShare of the first's posts, or tombstones are more than RebuildShare of all.
func TestMergePolicy(t *testing.T) {
	dir := t.TempDir()
	var posts []*post.Post
	for i := range 400 {
		posts = append(posts, policyPost(i))
	}
	st, state := updateInto(t, dir, posts, nil)
	if !st.Rebuilt || st.Segments != 1 {
		t.Fatalf("first build: %+v", st)
	}
	type want struct {
		segs, merged int
		rebuilt      bool
	}
	// Days of 6 posts (tier 1 of 4–15 with MergeFactor 4): every 4th day the new segment
	// takes in the 3 daily ones (24 posts, tier 2 of 16–63); on day 16 the fourth of tier
	// 2 cascades into one of 96; on day 17 the later segments hold 102 posts, more than a
	// quarter of 400, and the index is written afresh.
	days := []want{{2, 0, false}, {3, 0, false}, {4, 0, false}, {2, 3, false}, {3, 0, false}, {4, 0, false}, {5, 0, false},
		{3, 3, false}, {4, 0, false}, {5, 0, false}, {6, 0, false}, {4, 3, false}, {5, 0, false}, {6, 0, false}, {7, 0, false},
		{2, 6, false}, {1, 0, true}, {2, 0, false}}
	next := 400
	for d, w := range days {
		for range 6 {
			posts = append(posts, policyPost(next))
			next++
		}
		st, state = updateInto(t, dir, posts, state)
		if st.Segments != w.segs || st.Merged != w.merged || st.Rebuilt != w.rebuilt {
			t.Errorf("day %d: %d segments, %d merged, rebuilt %v; want %+v", d+1, st.Segments, st.Merged, st.Rebuilt, w)
		}
	}
	// Deleting more than a quarter writes afresh.
	posts = posts[:len(posts)/2]
	if st, _ = updateInto(t, dir, posts, state); !st.Rebuilt || st.Segments != 1 {
		t.Errorf("after deleting half: %+v", st)
	}
}
