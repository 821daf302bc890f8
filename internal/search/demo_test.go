package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// The demo archive (demo/_posts) has 39 posts; each case lists exactly the posts a query
// finds, by ID.
func TestDemo(t *testing.T) {
	b := build(t, filepath.Join(repoDir(), "demo", "_posts"))
	cases := []struct {
		q    string
		o    Options
		want string // IDs, space-separated, in result order
	}{
		// A Chinese word is an exact substring, in the title or the text.
		{q: "龙井", want: "2019-04-12-first-flush-longjing"},
		// Latin words and numbers next to Chinese, as typed.
		{q: "A股", o: Options{Sort: SortOldest}, want: "2020-01-08-a-share-small-talk 2023-07-30-midyear-market-talk"},
		{q: `"A股"`, o: Options{Sort: SortOldest}, want: "2020-01-08-a-share-small-talk 2023-07-30-midyear-market-talk"},
		{q: "5g", o: Options{Sort: SortOldest}, want: "2020-01-03-shop-wifi-upgrade 2023-05-20-5g-on-the-hill 2023-07-30-midyear-market-talk news/2024-04-18-third-tea-festival"},
		{q: "沪深300", o: Options{Sort: SortOldest}, want: "2020-01-08-a-share-small-talk 2023-07-30-midyear-market-talk"},
		{q: "12.3%", o: Options{Sort: SortOldest}, want: "2020-01-08-a-share-small-talk 2021-10-08-national-day-tourism news/2024-04-18-third-tea-festival"},
		// Fields and filters.
		{q: "title:龙井", want: "2019-04-12-first-flush-longjing"},
		{q: "title:茶 category:market", o: Options{Sort: SortOldest}, want: "2020-01-08-a-share-small-talk 2023-07-30-midyear-market-talk"},
		{q: "tag:沪深300", o: Options{Sort: SortNewest}, want: "2023-07-30-midyear-market-talk 2020-01-08-a-share-small-talk"},
		{q: "date:2020-01", o: Options{Sort: SortOldest}, want: "2020-01-03-shop-wifi-upgrade 2020-01-08-a-share-small-talk"},
		{q: "茶 date:2020-01", want: "2020-01-08-a-share-small-talk"},
		{q: "茶 date:..2019-03", o: Options{Sort: SortOldest}, want: "2019-01-12-hello-willow-creek 2019-02-05-spring-festival-tea-party"},
		{q: "A股", o: Options{Year: 2023}, want: "2023-07-30-midyear-market-talk"},
		{q: "A股", o: Options{Category: "MARKET", Sort: SortNewest}, want: "2023-07-30-midyear-market-talk 2020-01-08-a-share-small-talk"},
		// Operators.
		{q: "A股 -5G", want: "2020-01-08-a-share-small-talk"},
		{q: "龙井 OR 5G", o: Options{Sort: SortOldest}, want: "2019-04-12-first-flush-longjing 2020-01-03-shop-wifi-upgrade 2023-05-20-5g-on-the-hill 2023-07-30-midyear-market-talk news/2024-04-18-third-tea-festival"},
		{q: "category:nosuch", want: ""},
	}
	for _, c := range cases {
		c.o.Limit = MaxLimit
		res, err := b.s.Search(context.Background(), c.q, c.o)
		if err != nil {
			t.Errorf("%q: %v", c.q, err)
			continue
		}
		if got := hitIDs(res); got != c.want {
			t.Errorf("%q %+v:\n got %s\nwant %s", c.q, c.o, got, c.want)
		}
		if res.Total != len(res.Hits) {
			t.Errorf("%q: total %d, %d hits", c.q, res.Total, len(res.Hits))
		}
		c.o.blevePhrases = true
		if oracle, err := b.s.Search(context.Background(), c.q, c.o); err != nil || oracle.Total != res.Total {
			t.Errorf("%q: bleve's MultiPhraseQuery finds %v, the phrase terms %d", c.q, oracle, res.Total)
		}
	}
}

// TestSingleCharacter checks that one Han character finds every post that has it,
// wherever it stands in a run of Chinese text.
func TestSingleCharacter(t *testing.T) {
	b := build(t, filepath.Join(repoDir(), "demo", "_posts"))
	for _, c := range []string{"茶", "井", "股", "节", "雨"} {
		want := substringTruth(b.posts, []string{c})
		got, _ := b.files(t, c, Options{})
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d posts, want %d: %s", c, len(got), len(want), diff(got, want))
		}
	}
}

// TestSortsAndFacets checks that every sort finds the same posts, that newest and oldest
// are date orders, and that facets count every hit.
func TestSortsAndFacets(t *testing.T) {
	b := build(t, filepath.Join(repoDir(), "demo", "_posts"))
	all := func(sort string) []Hit {
		res, err := b.s.Search(context.Background(), "茶", Options{Sort: sort, Limit: MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, f := range res.Facets.Years {
			sum += f.Count
		}
		if sum != res.Total || len(res.Hits) != res.Total {
			t.Errorf("%s: total %d, %d hits, years count %d", sort, res.Total, len(res.Hits), sum)
		}
		return res.Hits
	}
	rel, newest, oldest := all(SortRelevance), all(SortNewest), all(SortOldest)
	ids := func(hs []Hit) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	if !slices.Equal(slices.Sorted(slices.Values(ids(rel))), slices.Sorted(slices.Values(ids(newest)))) {
		t.Error("relevance and newest find different posts")
	}
	for i := 1; i < len(oldest); i++ {
		if oldest[i].Doc <= oldest[i-1].Doc || newest[i].Doc >= newest[i-1].Doc {
			t.Fatalf("not in date order at %d", i)
		}
	}
	if oldest[0].Doc != newest[len(newest)-1].Doc {
		t.Error("oldest is not newest reversed")
	}
	// Doc n is entry n of the bundle's list of all posts.
	for _, h := range oldest {
		if b.posts[h.Doc].ID != h.ID {
			t.Errorf("doc %d is %s, list entry %d is %s", h.Doc, h.ID, h.Doc, b.posts[h.Doc].ID)
		}
	}
}

// TestPhraseCache: phrase postings kept from earlier searches (paging, other sorts and
// filters, the same word in another query) give exactly what a fresh Searcher computes.
func TestPhraseCache(t *testing.T) {
	b := build(t, filepath.Join(repoDir(), "demo", "_posts"))
	opts := []Options{{}, {Sort: SortNewest}, {Offset: 1, Limit: 2}, {Year: 2023}, {Sort: SortOldest, Category: "market"}}
	queries := []string{"明前龙井", "沪深300", "茶", "茶 -5G", `"明前 龙井"`, "茶叶 春天", "沪深300 OR 明前龙井", "title:茶"}
	for _, q := range queries {
		for _, o := range opts {
			got, err := b.s.Search(context.Background(), q, o)
			if err != nil {
				t.Fatal(err)
			}
			want, err := b.open(t).Search(context.Background(), q, o)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := hitIDs(got), hitIDs(want); g != w || got.Total != want.Total || !slices.Equal(got.Facets.Years, want.Facets.Years) {
				t.Errorf("%s %+v: kept postings gave %d [%s] %v, fresh %d [%s] %v", q, o, got.Total, g, got.Facets.Years, want.Total, w, want.Facets.Years)
			}
		}
	}
	if b.s.phrases.Len() == 0 {
		t.Fatal("no phrase postings kept")
	}
}

// hitIDs lists the IDs of a result's hits, space-separated, in order.
func hitIDs(r *Result) string {
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return joinIDs(ids)
}
