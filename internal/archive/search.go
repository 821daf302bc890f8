package archive

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"folio/internal/bundle"
	"folio/internal/search"
)

// SearchExtension returns the extension that serves search:
//
//	GET /api/search?q=&sort=relevance|newest|oldest&category=&tag=&year=&offset=&limit=&prefix=1
//	GET /api/search?q=&prefix=1&marks=only
//
// It answers a search.Result as JSON: {total, exact, hits: [{id, file, url, title, date,
// categories, tags, snippet}], facets: {categories, tags, years: [{name, count}]}, marks:
// [{words, title, prefix}]}; prefix=1 matches the last Latin word as typed so far
// (search.Options.Prefix). With marks=only it answers {marks} alone, searching nothing. A query
// it cannot read is a 400 {"error": message, "code": "bad_query"}; a bundle without search
// data is a 404 with code "not_found". The Searcher is opened on the first search (per
// bundle) and keeps its cache between searches.
func SearchExtension(opts ...search.Option) Extension { return &searchExtension{opts: opts} }

type searchExtension struct {
	opts []search.Option

	mu     sync.Mutex
	bundle *bundle.Reader
	s      *search.Searcher
}

// Routes implements Extension.
func (e *searchExtension) Routes(mux *http.ServeMux, reader func(context.Context) (*bundle.Reader, error)) {
	mux.HandleFunc("GET /api/search", func(w http.ResponseWriter, r *http.Request) {
		rd, err := reader(r.Context())
		if err != nil {
			Fail(w, err)
			return
		}
		s, err := e.searcher(r.Context(), rd)
		if err != nil {
			Fail(w, err)
			return
		}
		e.search(w, r, s)
	})
}

// Searcher returns the Searcher of the search extension e for the bundle rd, the one
// /api/search uses, so other extensions (the pages) search with the same engine and
// cache. Without search data, or when e is not SearchExtension's, it fails with
// bundle.ErrNotFound.
func Searcher(ctx context.Context, e Extension, rd *bundle.Reader) (*search.Searcher, error) {
	se, ok := e.(*searchExtension)
	if !ok {
		return nil, fmt.Errorf("no search: %w", bundle.ErrNotFound)
	}
	return se.searcher(ctx, rd)
}

// searcher returns the Searcher of the open bundle, opening it on first use.
func (e *searchExtension) searcher(ctx context.Context, rd *bundle.Reader) (*search.Searcher, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.s != nil && e.bundle == rd {
		return e.s, nil
	}
	s, err := search.Open(ctx, rd, e.opts...)
	if err != nil {
		return nil, err
	}
	if e.s != nil {
		_ = e.s.Close() // the old bundle's searcher only frees memory; nothing to report
	}
	e.s, e.bundle = s, rd
	return s, nil
}

func (e *searchExtension) search(w http.ResponseWriter, r *http.Request, s *search.Searcher) {
	q := r.URL.Query()
	o, err := SearchOptions(q)
	if err != nil {
		Error(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	if q.Get("marks") == "only" {
		marks, err := search.Marks(q.Get("q"), o.Prefix)
		var qe *search.QueryError
		switch {
		case errors.As(err, &qe):
			Error(w, http.StatusBadRequest, "bad_query", qe.Msg)
		case err != nil:
			Fail(w, err)
		default:
			JSON(w, struct {
				Marks []search.Mark `json:"marks"`
			}{marks})
		}
		return
	}
	res, err := s.Search(r.Context(), q.Get("q"), o)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		Error(w, http.StatusBadRequest, "bad_query", qe.Msg)
	case err != nil:
		Fail(w, err)
	default:
		JSON(w, res)
	}
}

// SearchOptions reads the options of /api/search (all but q).
func SearchOptions(q url.Values) (search.Options, error) {
	o := search.Options{Sort: q.Get("sort"), Category: q.Get("category"), Tag: q.Get("tag")}
	var ok bool
	for _, p := range []struct {
		name string
		dst  *int
		def  int
		max  int
	}{{"offset", &o.Offset, 0, 1 << 30}, {"limit", &o.Limit, 10, search.MaxLimit}, {"year", &o.Year, 0, 9999}} {
		if *p.dst, ok = IntParam(q.Get(p.name), p.def, p.max); !ok {
			return o, errors.New(p.name + " must be a whole number ≥ 0")
		}
	}
	o.Prefix = q.Get("prefix") == "1" || q.Get("prefix") == "true"
	switch q.Get("exact") {
	case "1", "true", "always":
		o.Exact = search.ExactAlways
	case "0", "false", "never":
		o.Exact = search.ExactNever
	}
	return o, nil
}
