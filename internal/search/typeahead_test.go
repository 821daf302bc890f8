package search

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"folio/internal/post"
)

// typeaheadPosts are posts with Latin words that share beginnings, numbers and Han text.
func typeaheadPosts() []*post.Post {
	bodies := []string{
		"goo", "Google maps", "a good tea", "goodness", "5G network", "a 5GB plan", "增长12.3%",
		"增长12.35", "沪深300", "沪深30", "龙井绿茶", "go home", "Good good good",
	}
	var ps []*post.Post
	for i, b := range bodies {
		ps = append(ps, &post.Post{ID: fmt.Sprintf("p%02d", i), File: fmt.Sprintf("2020-01-%02d-p%02d.md", i+1, i), URL: fmt.Sprintf("/p%02d", i),
			Title: "Post", Format: "markdown", Date: time.Date(2020, 1, i+1, 0, 0, 0, 0, time.UTC), Body: b})
	}
	return ps
}

// TestTypeahead: with Options.Prefix the last Latin word or number also matches as the
// start of longer words, words before it and Han text stay exact, and without it nothing
// changes.
func TestTypeahead(t *testing.T) {
	b := buildPosts(t, typeaheadPosts())
	cases := []struct {
		q             string
		prefix, exact string // hits, oldest first, with and without Options.Prefix
	}{
		{"goo", "p00 p01 p02 p03 p12", "p00"},
		{"Goo", "p00 p01 p02 p03 p12", "p00"},
		{"good", "p02 p03 p12", "p02 p12"},
		{"5G", "p04 p05", "p04"},
		{"12.3%", "p06", "p06"},
		{"12.3", "p06 p07", "p06"},
		{"沪深30", "p08 p09", "p09"},
		{"龙井", "p10", "p10"},
		{"good te", "p02", ""},
		{"goo tea", "", ""},
		{"-go goo", "p00 p01 p02 p03 p12", "p00"},
		{"title:pos", "p00 p01 p02 p03 p04 p05 p06 p07 p08 p09 p10 p11 p12", ""},
		{`"a goo"`, "", ""},
	}
	for _, c := range cases {
		if got := joinIDs(b.all(t, c.q, Options{Sort: SortOldest, Prefix: true})); got != c.prefix {
			t.Errorf("%q typed: %q, want %q", c.q, got, c.prefix)
		}
		if got := joinIDs(b.all(t, c.q, Options{Sort: SortOldest})); got != c.exact {
			t.Errorf("%q: %q, want %q", c.q, got, c.exact)
		}
	}
	res, err := b.s.Search(context.Background(), "Goo", Options{Sort: SortOldest, Prefix: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) < 2 || res.Hits[1].Snippet != "<mark>Google</mark> maps" {
		t.Errorf("the snippet of a completion does not mark it whole: %+v", res.Hits)
	}
	if m := res.Marks; len(m) != 1 || !m[0].Prefix {
		t.Errorf("marks %+v, want one prefix mark", m)
	}
}

// TestTypeaheadBounded: the completions are bounded (Config.PrefixTerms: the commonest
// first; Config.PrefixBytes: the biggest chunks), and the typed word always finds itself.
func TestTypeaheadBounded(t *testing.T) {
	b := buildPosts(t, typeaheadPosts())
	one := b.open(t, WithPrefix(256<<10, 1)) // good (3 posts) beats google and goodness (1 each)
	res, err := one.Search(context.Background(), "goo", Options{Sort: SortOldest, Prefix: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	if got := strings.Join(ids, " "); got != "p00 p02 p12" {
		t.Errorf("goo with one completion: %q, want goo and good", got)
	}
	none := b.open(t, WithPrefix(0, 64)) // no chunk but the word's own
	res, err = none.Search(context.Background(), "good", Options{Sort: SortOldest, Prefix: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total < 2 {
		t.Errorf("good with no prefix budget: %d hits, want at least the 2 with good", res.Total)
	}
}
