package bundle

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"folio/internal/post"
)

// encodedFor builds a bundle of a few posts and one with n tags and n categories, and
// returns the bytes encoded in all (duplicates included).
func encodedFor(t *testing.T, n int) int64 {
	t.Helper()
	w, err := NewWriter(t.TempDir(), false, 2)
	if err != nil {
		t.Fatal(err)
	}
	many := &post.Post{ID: "many", File: "2020-01-01-many.md", URL: "/many", Title: "Many",
		Date: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Format: "markdown", Body: "body"}
	for i := range n {
		many.Tags = append(many.Tags, fmt.Sprintf("tag%d", i))
		many.Categories = append(many.Categories, fmt.Sprintf("cat%d", i))
	}
	posts := []*post.Post{many}
	for i := range 5 {
		posts = append(posts, &post.Post{ID: fmt.Sprint(i), File: fmt.Sprintf("2020-02-0%d-p.md", i+1), URL: fmt.Sprintf("/p%d", i),
			Title: "P", Date: time.Date(2020, 2, i+1, 0, 0, 0, 0, time.UTC), Tags: []string{"a"}, Format: "markdown", Body: "b"})
	}
	if _, err := w.Finish(Build(w, posts, Site{})); err != nil {
		t.Fatal(err)
	}
	return w.encoded.Load()
}

// TestLinearInTerms: a post with thousands of tags costs work in proportion to them. It
// was quadratic: each of its N tag lists held the post with all N tags (100,000 tags took
// 365 s to build).
func TestLinearInTerms(t *testing.T) {
	small, big := encodedFor(t, 2000), encodedFor(t, 8000)
	if ratio := float64(big) / float64(small); ratio > 5 {
		t.Errorf("4x the tags encoded %.1fx the bytes (%d → %d): not linear", ratio, small, big)
	}
	// The post itself keeps every tag; a list page only the first ListTerms.
	e := listEntry(Entry{Tags: strings.Fields(strings.Repeat("x ", 25)), Categories: []string{"a"}})
	if len(e.Tags) != ListTerms || e.MoreTags != 25-ListTerms || len(e.Categories) != 1 || e.MoreCategories != 0 {
		t.Errorf("listEntry: %d tags (+%d), %d categories (+%d)", len(e.Tags), e.MoreTags, len(e.Categories), e.MoreCategories)
	}
}
