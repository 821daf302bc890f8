package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"

	"folio/internal/bundle"
	"folio/internal/search/analysis"
	"folio/internal/search/fetch"
	"folio/internal/search/format"
	"folio/internal/search/hits"
	"folio/internal/search/query"
	"folio/internal/search/reader"
	"folio/internal/search/route"
	"folio/internal/search/searchers"
	"folio/internal/search/snippet"
)

// ErrNoSearch says the bundle has no search data (it wraps bundle.ErrNotFound).
var ErrNoSearch = fmt.Errorf("this archive has no search data: %w", bundle.ErrNotFound)

// QueryError says why a query cannot be run, in words for the person who typed it.
type QueryError = query.Error

// Config configures a Searcher. The zero value is not valid; start from DefaultConfig.
type Config struct {
	// CacheBytes bounds the memory of decoded search files kept between queries. Phrase
	// postings computed from them are kept apart, within a sixth of it more.
	CacheBytes int64
	// PhraseBytes is how many raw bytes of positions a query may fetch to match its
	// phrases (words of several tokens) exactly (ExactAuto): excluded phrases first, then
	// the cheapest. A phrase that does not fit matches as all its tokens anywhere in the
	// field, and the result says Exact: false. Positions already cached are free. At 100k
	// generated posts, every query of the benchmark list is exact within 4 MB (the most
	// it needs is 3.0 MB raw, for 营业收入 同比增长), and half of the list fetches under
	// 600 kB in all; 512 kB left 6 of its 20 queries inexact.
	PhraseBytes int
	// PrefixBytes bounds the raw bytes of term chunks type-ahead (Options.Prefix) reads to
	// complete the word being typed, beyond the word's own chunk: the biggest chunks of the
	// range of terms starting with it, which hold its commonest completions. PrefixTerms
	// bounds the completions it matches, the commonest first. A completed word always
	// matches itself, whatever they leave out.
	PrefixBytes int
	PrefixTerms int
}

// DefaultConfig is the configuration Open starts from.
var DefaultConfig = Config{CacheBytes: 96 << 20, PhraseBytes: 4 << 20, PrefixBytes: 256 << 10, PrefixTerms: 4096}

// Option changes the Config.
type Option func(*Config)

// WithCacheBytes sets Config.CacheBytes.
func WithCacheBytes(n int64) Option { return func(c *Config) { c.CacheBytes = n } }

// WithPhraseBytes sets Config.PhraseBytes.
func WithPhraseBytes(n int) Option { return func(c *Config) { c.PhraseBytes = n } }

// WithPrefix sets Config.PrefixBytes and Config.PrefixTerms.
func WithPrefix(bytes, terms int) Option {
	return func(c *Config) { c.PrefixBytes, c.PrefixTerms = bytes, terms }
}

// Sort orders of results.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortOldest    = "oldest"
)

// Exactness says how phrases (words of several tokens) are matched.
type Exactness int

const (
	// ExactAuto matches phrases exactly while their positions fit Config.PhraseBytes.
	ExactAuto Exactness = iota
	// ExactAlways always fetches positions.
	ExactAlways
	// ExactNever matches each word as all its tokens anywhere in the field (excluded
	// words stay exact while they fit Config.PhraseBytes).
	ExactNever
)

// Options shape one search.
type Options struct {
	// Sort is SortRelevance (default), SortNewest or SortOldest.
	Sort string
	// Category, Tag and Year (0: any) narrow the results, as facet clicks do.
	Category, Tag string
	Year          int
	// Offset and Limit page through the hits (Limit 0: 10).
	Offset, Limit int
	Exact         Exactness
	// Prefix says the query is being typed: its last word, when a Latin word or a number,
	// also matches as the start of longer words (query.ParseTyping).
	Prefix bool

	blevePhrases bool // tests: match phrases with bleve's MultiPhraseQuery
}

// MaxLimit is the most hits one search returns.
const MaxLimit = 100

// Searcher answers queries over one bundle's search data, fetching only the files each
// query needs and keeping them in a bounded cache. It is safe for concurrent use; bleve's
// part of each search runs one at a time.
type Searcher struct {
	cfg     Config
	root    *format.Root
	files   *fetch.Fetcher
	routes  *route.Trees
	shown   *hits.Maker  // the hits' posts
	segs    *segments    // nil: one segment
	phrases *fetch.Cache // computed phrase postings (see phraseMatcher), apart so as not to push files out

	metaMu sync.Mutex
	meta   *reader.Meta
}

// Open reads the search root of an open bundle. It returns ErrNoSearch when the bundle has
// none.
func Open(ctx context.Context, r *bundle.Reader, opts ...Option) (*Searcher, error) {
	name, ok := r.Manifest().Extra["search"]
	if !ok || name == "" {
		return nil, ErrNoSearch
	}
	cfg := DefaultConfig
	for _, o := range opts {
		o(&cfg)
	}
	s := &Searcher{cfg: cfg, files: fetch.New(r.Fetcher(), cfg.CacheBytes), phrases: fetch.NewCache(cfg.CacheBytes / 6)}
	data, err := r.Fetcher().Fetch(ctx, name)
	if err != nil {
		return nil, &bundle.DataError{File: name, Err: err}
	}
	var root format.Root
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, &bundle.DataError{File: name, Err: fmt.Errorf("damaged: %w", err)}
	}
	if root.Format != format.Format || root.Version != format.Version {
		return nil, &bundle.DataError{File: name, Err: fmt.Errorf("search data %s version %d, but this viewer reads %s version %d: rebuild the site with the same folio version", root.Format, root.Version, format.Format, format.Version)}
	}
	if root.Analyzer != analysis.AnalyzerName {
		return nil, &bundle.DataError{File: name, Err: fmt.Errorf("search data made with analyzer %q, this viewer uses %q", root.Analyzer, analysis.AnalyzerName)}
	}
	s.root = &root
	if s.routes, err = route.New(s.files, &root); err != nil {
		return nil, &bundle.DataError{File: name, Err: err}
	}
	if s.segs, err = openSegments(s.files, &root); err != nil {
		return nil, &bundle.DataError{File: name, Err: err}
	}
	s.shown = hits.New(s.files, r, s.routes)
	return s, nil
}

// Close releases the Searcher (it holds nothing that needs closing yet).
func (s *Searcher) Close() error { return nil }

// Docs is the number of searchable posts.
func (s *Searcher) Docs() int { return s.root.Docs }

// loadMeta returns the metadata, fetching it once.
func (s *Searcher) loadMeta(ctx context.Context) (*reader.Meta, error) {
	s.metaMu.Lock()
	m := s.meta
	s.metaMu.Unlock()
	if m != nil {
		return m, nil
	}
	m, err := s.files.Meta(ctx, s.root.Meta)
	if err != nil {
		return nil, err
	}
	if m.Docs != s.root.Docs {
		return nil, &bundle.DataError{File: s.root.Meta, Err: format.ErrDamaged}
	}
	s.metaMu.Lock()
	s.meta = m
	s.metaMu.Unlock()
	return m, nil
}

// Search runs a query (see query.Parse for the language). A query that cannot be read
// returns a *QueryError.
func (s *Searcher) Search(ctx context.Context, q string, o Options) (*Result, error) {
	x, err := parse(q, o.Prefix)
	if err != nil {
		return nil, err
	}
	if a, ok := x.(query.And); ok && len(a) == 0 && o.Category == "" && o.Tag == "" && o.Year == 0 {
		return nil, &QueryError{Msg: "Type a word to search for."}
	}
	if o.Limit <= 0 {
		o.Limit = 10
	}
	o.Limit = min(o.Limit, MaxLimit)
	o.Offset = max(0, o.Offset)
	// Bleve's natural order (internal IDs) is newest first: it breaks score ties, and a
	// search without scores comes out in it.
	var order []string
	scored := true
	switch o.Sort {
	case "", SortRelevance:
		order = []string{"-_score"}
	case SortNewest:
		// Unscored, every score ties. (Two sort keys: with one, bleve would stop at the
		// first page, leaving Total and the facets short.)
		order, scored = []string{"-_score", "-_score"}, false
	case SortOldest:
		order, scored = []string{"_id"}, false
	default:
		return nil, &QueryError{Msg: "Sort by relevance, newest or oldest."}
	}
	bytes0, files0 := s.files.Counters()

	// Plan: the terms and prefix ranges the query reads, found in the route tree while the
	// metadata is fetched.
	var tm Timing
	began := time.Now()
	t := began
	p := newPlan(x)
	p.morePlans(x, s.segs)
	var m *reader.Meta
	var metaErr error
	var wg sync.WaitGroup
	wg.Go(func() { m, metaErr = s.loadMeta(ctx) })
	routeErr := p.routeAll(ctx, s.routes, s.segs, began, s.cfg.PrefixBytes)
	wg.Wait()
	if metaErr != nil {
		return nil, metaErr
	}
	if routeErr != nil {
		return nil, routeErr
	}
	exact := p.decide(s.files, m, o.Exact, s.cfg.PhraseBytes, !o.blevePhrases && o.Exact != ExactNever)
	tm.Route = since(&t)
	v := &view{ctx: ctx, meta: m, routes: s.routes, segs: s.segs, files: s.files, chunks: map[string]*reader.TermChunk{}, pos: map[string]*reader.PosChunk{}}
	if err := p.fetch(ctx, v); err != nil {
		return nil, err
	}
	tm.Fetch = since(&t)

	c := &compiler{v: v, p: p, blevePhrases: o.blevePhrases, prefixTerms: s.cfg.PrefixTerms}
	docs, total, facets, err := s.run(ctx, v, c.top(x, o), order, scored, o)
	if err != nil {
		var de *bundle.DataError
		if errors.As(err, &de) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	tm.Match = since(&t)
	out := &Result{Total: total, Hits: []Hit{}, Exact: exact, Facets: facets, Marks: query.Marks(x)}
	hits, damaged, err := s.shown.Make(ctx, began, docs, snippet.Phrases(x))
	if err != nil {
		return nil, err
	}
	out.Hits, out.Damaged = hits, damaged
	bytes1, files1 := s.files.Counters()
	out.Fetched = Fetched{Files: files1 - files0, Bytes: bytes1 - bytes0}
	tm.Hits = since(&t)
	out.Timing = tm
	// The route tables spare later searches their route nodes. Fetch them a moment after
	// the first search has returned its results (failures only leave the trees in use).
	s.routes.ScheduleTables()
	s.segs.scheduleTables()
	return out, nil
}

// makeSearcher makes the searcher of a compiled query. A test makes it through bleve's
// query types instead, to check that both make the same searchers.
var makeSearcher = func(ctx context.Context, q searchers.Node, r index.IndexReader, o search.SearcherOptions) (search.Searcher, error) {
	return q.Searcher(ctx, r, o)
}

// run executes the compiled query with bleve's searchers and top-N collector over the
// view, as a bleve index would (scoring, sorting, paging), and returns the doc numbers of
// the page of hits, the total, and the facets of every hit.
func (s *Searcher) run(ctx context.Context, v *view, q searchers.Node, order []string, scored bool, o Options) (docs []int, total int, f Facets, err error) {
	rd := s.newReader(v)
	opts := search.SearcherOptions{}
	if !scored {
		opts.Score = "none"
	}
	sr, err := makeSearcher(ctx, q, rd, opts)
	if err != nil {
		return nil, 0, f, err
	}
	defer sr.Close() //nolint:errcheck // closing a searcher over fetched chunks frees, it cannot fail in a way that matters
	// Facets are counted from every hit the collector sees, through its document-match
	// handler hook: a profile and a year per hit, from the metadata columns. (Bleve's
	// terms facets would visit each hit's values as strings, which costs more than the
	// rest of a large search together.)
	fc := newFacetCounter(v.meta)
	ctx = context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(
		func(sc *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
			next, loadID, err := collector.MakeTopNDocumentMatchHandler(sc)
			return func(d *search.DocumentMatch) error {
				if d != nil {
					if n, ok := reader.DocOf(d.IndexInternalID, v.meta.Docs); ok {
						fc.add(n)
					}
				}
				return next(d)
			}, loadID, err
		}))
	coll := collector.NewTopNCollector(o.Limit, o.Offset, search.ParseSortOrderStrings(order))
	if err := coll.Collect(ctx, sr, rd); err != nil {
		return nil, 0, f, err
	}
	for _, h := range coll.Results() {
		n, ok := reader.DocOf(h.IndexInternalID, v.meta.Docs)
		if !ok {
			return nil, 0, f, format.ErrDamaged
		}
		docs = append(docs, int(n))
	}
	return docs, int(coll.Total()), fc.facets(), nil
}
