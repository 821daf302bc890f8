// Package searchers is a compiled query: a tree of bleve searchers to make, built as
// bleve's query types (search/query) would build them, without linking that package: its
// queries decode themselves from JSON, which reaches every query type bleve has, geometry
// included (s2, geojson), and its query-string parser; about 0.5 MB of the WebAssembly
// programs. Each node makes the searchers its bleve query would, with the same
// optimizations, so that scores and order stay the same.
package searchers

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Node is a node of a compiled query.
type Node interface {
	Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error)
}

// Term is a term of a field (bleve's TermQuery).
type Term struct {
	Term, Field string
	Boost       float64 // 0: 1
}

// NewTerm is the node of a term of a field.
func NewTerm(term, field string) *Term { return &Term{Term: term, Field: field} }

// Searcher implements Node.
func (n *Term) Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewTermSearcher(ctx, r, n.Term, n.Field, BoostOf(n.Boost), o)
}

// Prefix is every term of a field that starts with Prefix (bleve's PrefixQuery).
type Prefix struct {
	Prefix, Field string
	Boost         float64
}

// Searcher implements Node.
func (n *Prefix) Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewTermPrefixSearcher(ctx, r, n.Prefix, n.Field, BoostOf(n.Boost), o)
}

// Phrase is a phrase whose every position has alternative terms (bleve's
// MultiPhraseQuery, without fuzziness).
type Phrase struct {
	Terms [][]string
	Field string
	Boost float64
}

// Searcher implements Node.
func (n *Phrase) Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewMultiPhraseSearcher(ctx, r, n.Terms, 0, false, n.Field, BoostOf(n.Boost), o)
}

// BoostOf is the weight a node's Boost stands for (0: 1).
func BoostOf(b float64) float64 {
	if b == 0 {
		return 1
	}
	return b
}

// WithBoost weighs a term, prefix or phrase node by b. Other nodes are left as they are:
// bleve's disjunction and conjunction queries take a boost but do not apply it.
func WithBoost(n Node, b float64) Node {
	switch n := n.(type) {
	case *Term:
		n.Boost = b
	case *Prefix:
		n.Boost = b
	case *Phrase:
		n.Boost = b
	}
	return n
}

// MatchNone matches nothing; MatchAll every document.
type (
	MatchNone struct{}
	MatchAll  struct{}
)

// Searcher implements Node.
func (MatchNone) Searcher(_ context.Context, r index.IndexReader, _ search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewMatchNoneSearcher(r)
}

// Searcher implements Node.
func (MatchAll) Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewMatchAllSearcher(ctx, r, 1, o)
}

// AllOf matches the documents every node matches (bleve's ConjunctionQuery).
type AllOf []Node

// Searcher implements Node.
func (n AllOf) Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	ss, err := searchers(ctx, r, o, n)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	if _, none := ss[0].(*searcher.MatchNoneSearcher); len(ss) == 1 && !none {
		// bleve's conjunction of one searcher scores each match as that searcher does,
		// after setting its query norm from its own weight: the same here, without the
		// conjunction's work per match (a fifth of a one-word search's matching). (A
		// conjunction of nothing-matched is kept: Bool treats a bare MatchNone as an
		// absent part, not as one that matches nothing.)
		ss[0].SetQueryNorm(1 / math.Sqrt(ss[0].Weight()))
		return ss[0], nil
	}
	return searcher.NewConjunctionSearcher(ctx, r, ss, o)
}

// AnyOf matches the documents any node matches (bleve's DisjunctionQuery, no minimum).
type AnyOf []Node

// Searcher implements Node.
func (n AnyOf) Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
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
func searchers(ctx context.Context, r index.IndexReader, o search.SearcherOptions, nodes []Node) ([]search.Searcher, error) {
	ss := make([]search.Searcher, 0, len(nodes))
	for _, n := range nodes {
		s, err := n.Searcher(ctx, r, o)
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

// Bool matches all of Must and none of MustNot, among the documents Filter matches
// (bleve's BooleanQuery with no should clause: NewBooleanQuery(must, nil, mustNot) and
// AddFilter). The filter narrows without scoring. Empty parts are left out.
type Bool struct {
	Must, MustNot []Node
	Filter        Node // nil: none
}

// Searcher implements Node.
func (n *Bool) Searcher(ctx context.Context, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	var must, mustNot search.Searcher
	var err error
	// A part that matches nothing counts as absent, as in bleve.
	part := func(nodes []Node, wrap func([]Node) Node) (search.Searcher, error) {
		if len(nodes) == 0 {
			return nil, nil
		}
		s, err := wrap(nodes).Searcher(ctx, r, o)
		if _, none := s.(*searcher.MatchNoneSearcher); none {
			s = nil
		}
		return s, err
	}
	if mustNot, err = part(n.MustNot, func(ns []Node) Node { return AnyOf(ns) }); err != nil {
		return nil, err
	}
	if must, err = part(n.Must, func(ns []Node) Node { return AllOf(ns) }); err != nil {
		return nil, err
	}
	var accept searcher.FilterFunc
	if n.Filter != nil {
		f, err := n.Filter.Searcher(ctx, r, search.SearcherOptions{Score: "none"})
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
