package search

import (
	"strings"
	"testing"
	"time"

	"folio/internal/post"
	"folio/internal/search/index"
)

// TestLongPostIsCut: only the first MaxIndexedRunes characters of a post are indexed, so a
// hostile post costs bounded work; the build names it.
func TestLongPostIsCut(t *testing.T) {
	filler := strings.Repeat("甲乙", index.MaxIndexedRunes/2)
	long := &post.Post{ID: "long", File: "2020-01-01-long.md", URL: "/long", Title: "Long", Format: "markdown",
		Date: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Body: "开头龙井 " + filler + " 结尾碧螺春"}
	short := &post.Post{ID: "short", File: "2020-01-02-short.md", URL: "/short", Title: "Short", Format: "markdown",
		Date: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), Body: "龙井 碧螺春"}
	b := buildPosts(t, []*post.Post{long, short})
	if len(b.stats.Cut) != 1 || b.stats.Cut[0] != long.File {
		t.Errorf("Cut = %v, want [%s]", b.stats.Cut, long.File)
	}
	if got := joinIDs(b.all(t, "龙井", Options{Sort: SortOldest})); got != "long short" {
		t.Errorf("龙井 (in the long post's head): %q", got)
	}
	if got := joinIDs(b.all(t, "碧螺春", Options{Sort: SortOldest})); got != "short" {
		t.Errorf("碧螺春 (past the long post's limit): %q, want only short", got)
	}
}
