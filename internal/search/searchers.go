package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// A compiled query is a tree of bleve searchers to make, built here as bleve's query types
// (search/query) would build them, without linking that package: its queries decode
// themselves from JSON, which reaches every query type bleve has, geometry included (s2,
// geojson), and its query-string parser; about 0.5 MB of the WebAssembly programs.
// Each node makes the searchers its bleve query would, with the same optimizations, so
// that scores and order stay the same.
type node interface {
	searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error)
}

// makeSearcher makes the searcher of a compiled query. A test makes it through bleve's
// query types instead, to check that both make the same searchers.
var makeSearcher = func(ctx context.Context, q node, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return q.searcher(ctx, r, o)
}

// termNode is a term of a field (bleve's TermQuery).
type termNode struct {
	term, field string
	boost       float64 // 0: 1
}

func newTerm(term, field string) *termNode { return &termNode{term: term, field: field} }

func (n *termNode) searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewTermSearcher(ctx, r, n.term, n.field, boostOf(n.boost), o)
}

// prefixNode is every term of a field that starts with prefix (bleve's PrefixQuery).
type prefixNode struct {
	prefix, field string
	boost         float64
}

func (n *prefixNode) searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewTermPrefixSearcher(ctx, r, n.prefix, n.field, boostOf(n.boost), o)
}

// phraseNode is a phrase whose every position has alternative terms (bleve's
// MultiPhraseQuery, without fuzziness).
type phraseNode struct {
	terms [][]string
	field string
	boost float64
}

func (n *phraseNode) searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewMultiPhraseSearcher(ctx, r, n.terms, 0, false, n.field, boostOf(n.boost), o)
}

func boostOf(b float64) float64 {
	if b == 0 {
		return 1
	}
	return b
}

// withBoost weighs a term, prefix or phrase node by b. Other nodes are left as they are:
// bleve's disjunction and conjunction queries take a boost but do not apply it.
func withBoost(n node, b float64) node {
	switch n := n.(type) {
	case *termNode:
		n.boost = b
	case *prefixNode:
		n.boost = b
	case *phraseNode:
		n.boost = b
	}
	return n
}

// matchNone matches nothing; matchAll every document.
type (
	matchNone struct{}
	matchAll  struct{}
)

func (matchNone) searcher(_ context.Context, r index.IndexReader, _ search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewMatchNoneSearcher(r)
}

func (matchAll) searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewMatchAllSearcher(ctx, r, 1, o)
}

// allOf matches the documents every node matches (bleve's ConjunctionQuery).
type allOf []node

func (n allOf) searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	ss, err := searchers(ctx, r, o, n)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewConjunctionSearcher(ctx, r, ss, o)
}

// anyOf matches the documents any node matches (bleve's DisjunctionQuery, no minimum).
type anyOf []node

func (n anyOf) searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	ss, err := searchers(ctx, r, o, n)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 0, o)
}

// searchers makes the searchers of nodes, closing those made when one fails.
func searchers(ctx context.Context, r index.IndexReader, o search.SearcherOptions, nodes []node) ([]search.Searcher, error) {
	ss := make([]search.Searcher, 0, len(nodes))
	for _, n := range nodes {
		s, err := n.searcher(ctx, r, o)
		if err != nil {
			for _, s := range ss {
				_ = s.Close() // the error that matters is err
			}
			return nil, err
		}
		ss = append(ss, s)
	}
	return ss, nil
}

// boolNode matches all of must and none of mustNot, among the documents filter matches
// (bleve's BooleanQuery with no should clause: NewBooleanQuery(must, nil, mustNot) and
// AddFilter). The filter narrows without scoring. Empty parts are left out.
type boolNode struct {
	must, mustNot []node
	filter        node // nil: none
}

func (n *boolNode) searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	var must, mustNot search.Searcher
	var err error
	// A part that matches nothing counts as absent, as in bleve.
	part := func(nodes []node, wrap func([]node) node) (search.Searcher, error) {
		if len(nodes) == 0 {
			return nil, nil
		}
		s, err := wrap(nodes).searcher(ctx, r, o)
		if _, none := s.(*searcher.MatchNoneSearcher); none {
			s = nil
		}
		return s, err
	}
	if mustNot, err = part(n.mustNot, func(ns []node) node { return anyOf(ns) }); err != nil {
		return nil, err
	}
	if must, err = part(n.must, func(ns []node) node { return allOf(ns) }); err != nil {
		return nil, err
	}
	var accept searcher.FilterFunc
	if n.filter != nil {
		f, err := n.filter.searcher(ctx, r, search.SearcherOptions{Score: "none"})
		if err != nil {
			return nil, err
		}
		accept = alsoIn(f)
	}
	switch {
	case must == nil && mustNot == nil && accept == nil:
		return searcher.NewMatchNoneSearcher(r)
	case mustNot == nil && accept == nil:
		return must, nil
	case must == nil && mustNot == nil:
		all, err := searcher.NewMatchAllSearcher(ctx, r, 1, o)
		if err != nil {
			return nil, err
		}
		return searcher.NewFilteringSearcher(ctx, all, accept), nil
	case must == nil:
		if must, err = searcher.NewMatchAllSearcher(ctx, r, 1, o); err != nil {
			return nil, err
		}
	}
	bs, err := searcher.NewBooleanSearcher(ctx, r, must, nil, mustNot, o)
	if err != nil {
		return nil, err
	}
	if accept == nil {
		return bs, nil
	}
	return searcher.NewFilteringSearcher(ctx, bs, accept), nil
}

// alsoIn accepts the documents that searcher f also finds. The documents come in index
// order, so f only moves forward: to its first match, then past the documents it has
// that were not asked about.
func alsoIn(f search.Searcher) searcher.FilterFunc {
	var at *search.DocumentMatch // f's current match; nil at its end
	started := false
	return func(sc *search.SearchContext, d *search.DocumentMatch) bool {
		var err error
		if !started {
			if at, err = f.Next(sc); err != nil {
				return false
			}
			started = true
		}
		if at == nil {
			return false
		}
		if at.IndexInternalID.Compare(d.IndexInternalID) < 0 {
			sc.DocumentMatchPool.Put(at)
			if at, err = f.Advance(sc, d.IndexInternalID); err != nil || at == nil {
				return false
			}
		}
		return at.IndexInternalID.Compare(d.IndexInternalID) == 0
	}
}
