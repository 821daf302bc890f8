package search

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	blevequery "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"folio/internal/search/analysis"
	"folio/internal/search/searchers"
	"folio/internal/sharedtest"
)

// asBleveQuery is the bleve query a compiled node stands for (see package searchers).
func asBleveQuery(t *testing.T, n searchers.Node) blevequery.Query {
	t.Helper()
	each := func(nodes []searchers.Node) []blevequery.Query {
		qs := make([]blevequery.Query, len(nodes))
		for i, c := range nodes {
			qs[i] = asBleveQuery(t, c)
		}
		return qs
	}
	switch n := n.(type) {
	case *searchers.Term:
		q := blevequery.NewTermQuery(n.Term)
		q.SetField(n.Field)
		q.SetBoost(searchers.BoostOf(n.Boost))
		return q
	case *searchers.Prefix:
		q := blevequery.NewPrefixQuery(n.Prefix)
		q.SetField(n.Field)
		q.SetBoost(searchers.BoostOf(n.Boost))
		return q
	case *searchers.Phrase:
		q := blevequery.NewMultiPhraseQuery(n.Terms, n.Field)
		q.SetBoost(searchers.BoostOf(n.Boost))
		return q
	case searchers.MatchNone:
		return blevequery.NewMatchNoneQuery()
	case searchers.MatchAll:
		return blevequery.NewMatchAllQuery()
	case searchers.AllOf:
		return blevequery.NewConjunctionQuery(each(n))
	case searchers.AnyOf:
		return blevequery.NewDisjunctionQuery(each(n))
	case *searchers.Bool:
		q := blevequery.NewBooleanQuery(each(n.Must), nil, each(n.MustNot))
		if n.Filter != nil {
			q.AddFilter(asBleveQuery(t, n.Filter))
		}
		return q
	}
	t.Fatalf("no bleve query for %T", n)
	return nil
}

// TestSearchersAsBleveQueries: the searchers made from compiled queries directly are the
// ones bleve's query types make (which the WebAssembly programs do not link, for their
// size): over the demo and 1,000 generated posts, every benchmark query and needle and the
// query language's forms, in each sort order, paged, filtered, typed so far and with
// bleve's phrase searcher, both give the same answer (hits, order, scores' order, totals,
// facets, snippets).
func TestSearchersAsBleveQueries(t *testing.T) {
	m := mapping.NewIndexMapping()
	m.DefaultAnalyzer = analysis.AnalyzerName
	viaBleve := func(ctx context.Context, q searchers.Node, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
		return asBleveQuery(t, q).Searcher(ctx, r, m, o)
	}
	direct := makeSearcher
	defer func() { makeSearcher = direct }()

	forms := []string{"龙井", "A股", `"A股"`, "5g", "沪深300", "12.3%", "title:龙井", "title:茶 category:market",
		"tag:沪深300", "date:2020-01", "茶 date:..2019-03", "A股 -5G", "龙井 OR 5G", "(龙井 OR 碧螺春) 春茶", "龙井|碧螺春",
		"-茶", "title:市场", "-公司 增长", "数字 OR 金融", "date:2022", "category:nosuch", "Goo", "tea"}
	options := []Options{{}, {Sort: SortNewest}, {Sort: SortOldest, Offset: 10, Limit: 20}, {Limit: 50, blevePhrases: true},
		{Prefix: true}, {Year: 2023}, {Category: "market"}}

	compare := func(name string, s *Searcher, queries []string) {
		asked, differ, hits := 0, 0, 0
		for _, q := range queries {
			for _, o := range options {
				makeSearcher = direct
				got := answer(t, s, q, o)
				makeSearcher = viaBleve
				want := answer(t, s, q, o)
				asked++
				if got != want {
					differ++
					if differ <= 5 {
						t.Errorf("%s: %q %+v:\n direct %.300s\n  bleve %.300s", name, q, o, got, want)
					}
				}
				var res struct{ Total int }
				if err := json.Unmarshal([]byte(got), &res); err == nil {
					hits += res.Total
				}
			}
		}
		if differ > 0 {
			t.Errorf("%s: %d of %d answers differ", name, differ, asked)
		}
		if hits == 0 {
			t.Errorf("%s: no query found anything: the comparison proves nothing", name)
		}
		t.Logf("%s: %d answers the same, %d hits in all", name, asked, hits)
	}
	compare("demo", build(t, filepath.Join(repoDir(), "demo", "_posts")).s, forms)

	dir := gencorpus(t, 1000) // skips without ../shared (fails in CI)
	queries := append(readQueries(t, filepath.Join(sharedtest.Dir(t), "bench", "peers", "queries.json")), forms...)
	for _, n := range readNeedles(t, dir) {
		queries = append(queries, n.Query)
	}
	compare("gencorpus-1k", build(t, filepath.Join(dir, "_posts")).s, queries)
}
