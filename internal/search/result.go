package search

import (
	"cmp"
	"slices"
	"time"

	"folio/internal/search/hits"
	"folio/internal/search/query"
)

// Result is the answer to a search.
type Result struct {
	Total  int    `json:"total"`
	Hits   []Hit  `json:"hits"`
	Facets Facets `json:"facets"`
	// Marks are the query's words and phrases as the engine matched them: what a viewer
	// marks in the posts (see Mark).
	Marks []Mark `json:"marks"`
	// Exact is false when some word was matched as its tokens anywhere in the field
	// rather than as an exact phrase (see Config.PhraseBytes): then a few hits may
	// contain the word's parts but not the word (and, for an excluded word, a few posts
	// with the parts but not the word may be missing), and Total may be a little off.
	// Asking again with ExactAlways fetches the positions.
	Exact bool `json:"exact"`
	// Damaged lists the data files of hits that could not be shown because the file is
	// damaged (see bundle.ErrDamaged); those hits are left out, the rest are shown.
	Damaged []string `json:"damaged,omitempty"`
	// Fetched counts the search files this search fetched (not the cached ones).
	Fetched Fetched `json:"-"`
	// Timing says where the time went, in milliseconds, for diagnostics.
	Timing Timing `json:"timing"`
}

// Mark is a word or phrase of a query to mark in a post (see query.Mark).
type Mark = query.Mark

// Marks returns what to mark for a query (prefix: as Options.Prefix), without searching;
// a query that cannot be read returns a *QueryError.
func Marks(q string, prefix bool) ([]Mark, error) {
	x, err := parse(q, prefix)
	if err != nil {
		return nil, err
	}
	return query.Marks(x), nil
}

// parse reads a query, still being typed when prefix is set.
func parse(q string, prefix bool) (query.Expr, error) {
	if prefix {
		return query.ParseTyping(q)
	}
	return query.Parse(q)
}

// Timing is the time of each phase of a search, in milliseconds: finding the query's
// chunks (and the metadata), fetching them, matching (bleve), and showing the hits (their
// shards and snippets).
type Timing struct {
	Route float64 `json:"route"`
	Fetch float64 `json:"fetch"`
	Match float64 `json:"match"`
	Hits  float64 `json:"hits"`
}

// since returns the milliseconds since *t and sets *t to now.
func since(t *time.Time) float64 {
	now := time.Now()
	d := now.Sub(*t)
	*t = now
	return float64(d.Microseconds()) / 1e3
}

// Fetched counts files fetched and their raw bytes.
type Fetched struct {
	Files int
	Bytes int64
}

// Hit is one post found: its list entry (without excerpt) and a snippet (see hits.Hit).
type Hit = hits.Hit

// Facets count the hits per category, tag and year (most first).
type Facets struct {
	Categories []FacetCount `json:"categories"`
	Tags       []FacetCount `json:"tags"`
	Years      []FacetCount `json:"years"`
}

// FacetCount is one facet value.
type FacetCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// counts lists the names with a count, most first.
func counts(names []string, n []int) []FacetCount {
	out := []FacetCount{}
	for i, c := range n {
		if c > 0 {
			out = append(out, FacetCount{Name: names[i], Count: c})
		}
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}
