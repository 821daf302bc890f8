package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	blevequery "github.com/blevesearch/bleve/v2/search/query"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/analysis"
	"folio/internal/search/format"
	"folio/internal/search/query"
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
}

// DefaultConfig is the configuration Open starts from.
var DefaultConfig = Config{CacheBytes: 96 << 20, PhraseBytes: 4 << 20}

// Option changes the Config.
type Option func(*Config)

// WithCacheBytes sets Config.CacheBytes.
func WithCacheBytes(n int64) Option { return func(c *Config) { c.CacheBytes = n } }

// WithPhraseBytes sets Config.PhraseBytes.
func WithPhraseBytes(n int) Option { return func(c *Config) { c.PhraseBytes = n } }

// Searcher answers queries over one bundle's search data, fetching only the files each
// query needs and keeping them in a bounded cache. It is safe for concurrent use; bleve's
// part of each search runs one at a time.
type Searcher struct {
	cfg               Config
	rd                *bundle.Reader
	root              *format.Root
	termTop, shardTop *format.RouteNode
	cache             *cache
	phrases           *cache // computed phrase postings (see reader.phrasePostings), apart so as not to push files out
	mapping           mapping.IndexMapping

	metaMu sync.Mutex
	meta   *meta

	// tables is the route tables' background load: nil until it starts (and again after
	// it failed, so that the next search tries again).
	tablesMu        sync.Mutex
	tables          *tablesLoad
	tablesScheduled atomic.Bool // a load is scheduled or under way
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
	s := &Searcher{cfg: cfg, rd: r, cache: newCache(r.Fetcher(), cfg.CacheBytes), phrases: newCache(nil, cfg.CacheBytes/6)}
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
	if s.termTop, err = format.DecodeNode(root.Terms); err != nil {
		return nil, &bundle.DataError{File: name, Err: err}
	}
	if s.shardTop, err = format.DecodeNode(root.Shards); err != nil {
		return nil, &bundle.DataError{File: name, Err: err}
	}
	m := mapping.NewIndexMapping()
	m.DefaultAnalyzer = analysis.AnalyzerName
	s.mapping = m
	return s, nil
}

// Close releases the Searcher (it holds nothing that needs closing yet).
func (s *Searcher) Close() error { return nil }

// Docs is the number of searchable posts.
func (s *Searcher) Docs() int { return s.root.Docs }

// loadMeta returns the metadata, fetching it once.
func (s *Searcher) loadMeta(ctx context.Context) (*meta, error) {
	s.metaMu.Lock()
	m := s.meta
	s.metaMu.Unlock()
	if m != nil {
		return m, nil
	}
	v, err := s.cache.get(ctx, s.root.Meta, decodeMetaFile)
	if err != nil {
		return nil, err
	}
	m = v.(*meta)
	if m.Docs != s.root.Docs {
		return nil, &bundle.DataError{File: s.root.Meta, Err: format.ErrDamaged}
	}
	s.metaMu.Lock()
	s.meta = m
	s.metaMu.Unlock()
	return m, nil
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

	blevePhrases bool // tests: match phrases with bleve's MultiPhraseQuery
}

// tablesDelay is how long after a Searcher's first search its route tables are fetched:
// long enough for the results to reach the page first, short enough for the tables to be
// there when a search typed right after it shows its hits.
const tablesDelay = 50 * time.Millisecond

// MaxLimit is the most hits one search returns.
const MaxLimit = 100

// Result is the answer to a search.
type Result struct {
	Total  int    `json:"total"`
	Hits   []Hit  `json:"hits"`
	Facets Facets `json:"facets"`
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

// Hit is one post found: its list entry (without excerpt) and a snippet.
type Hit struct {
	bundle.Entry
	// Snippet is the best passage of the post's text around the matches, HTML-escaped,
	// with the matched words in <mark>.
	Snippet string `json:"snippet"`
	// Doc is the hit's doc number (its place in the list of all posts, oldest first).
	Doc int `json:"-"`
}

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

// Search runs a query (see query.Parse for the language). A query that cannot be read
// returns a *QueryError.
func (s *Searcher) Search(ctx context.Context, q string, o Options) (*Result, error) {
	x, err := query.Parse(q)
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
	bytes0, files0 := s.cache.counters()

	// Plan: the terms and prefix ranges the query reads, found in the route tree while the
	// metadata is fetched.
	var tm Timing
	began := time.Now()
	t := began
	p := newPlan(x)
	var m *meta
	var metaErr error
	var wg sync.WaitGroup
	wg.Go(func() { m, metaErr = s.loadMeta(ctx) })
	routeErr := p.route(ctx, s, began)
	wg.Wait()
	if metaErr != nil {
		return nil, metaErr
	}
	if routeErr != nil {
		return nil, routeErr
	}
	exact := p.decide(s, m, o.Exact, s.cfg.PhraseBytes, !o.blevePhrases && o.Exact != ExactNever)
	tm.Route = since(&t)
	v := &view{ctx: ctx, meta: m, chunks: map[string]*termChunk{}, pos: map[string]*posChunk{}, phrases: map[string][2][]uint32{}}
	if err := p.fetch(ctx, s, v); err != nil {
		return nil, err
	}
	tm.Fetch = since(&t)

	c := &compiler{v: v, p: p, blevePhrases: o.blevePhrases}
	docs, total, facets, err := s.run(ctx, v, c.top(x, o), order, scored, o)
	if err != nil {
		var de *bundle.DataError
		if errors.As(err, &de) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	tm.Match = since(&t)
	out := &Result{Total: total, Hits: []Hit{}, Exact: exact, Facets: facets}
	hits, damaged, err := s.hits(ctx, began, docs, snippetPhrases(x))
	if err != nil {
		return nil, err
	}
	out.Hits, out.Damaged = hits, damaged
	bytes1, files1 := s.cache.counters()
	out.Fetched = Fetched{Files: files1 - files0, Bytes: bytes1 - bytes0}
	tm.Hits = since(&t)
	out.Timing = tm
	// The route tables spare later searches their route nodes. Fetch them a moment after
	// the first search has returned its results (failures only leave the trees in use).
	if s.tablesScheduled.CompareAndSwap(false, true) {
		time.AfterFunc(tablesDelay, s.startTables)
	}
	return out, nil
}

// run executes the compiled query with bleve's searchers and top-N collector over the
// view, as a bleve index would (scoring, sorting, paging), and returns the doc numbers of
// the page of hits, the total, and the facets of every hit.
func (s *Searcher) run(ctx context.Context, v *view, q blevequery.Query, order []string, scored bool, o Options) (docs []int, total int, f Facets, err error) {
	rd := &reader{s: s, v: v}
	opts := search.SearcherOptions{}
	if !scored {
		opts.Score = "none"
	}
	sr, err := q.Searcher(ctx, rd, s.mapping, opts)
	if err != nil {
		return nil, 0, f, err
	}
	defer sr.Close()
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
					if n, ok := docOf(d.IndexInternalID, v.meta.Docs); ok {
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
		n, ok := docOf(h.IndexInternalID, v.meta.Docs)
		if !ok {
			return nil, 0, f, format.ErrDamaged
		}
		docs = append(docs, int(n))
	}
	return docs, int(coll.Total()), fc.facets(), nil
}

// hits fetches the posts of docs (shards in parallel) and makes each hit with its
// snippet as soon as its post arrives, so that the snippets' work overlaps the other
// fetches. A hit whose post shard is damaged is left out and its file listed in damaged;
// any other failure fails the search.
func (s *Searcher) hits(ctx context.Context, began time.Time, docs []int, phrases []snippetPhrase) (hits []Hit, damaged []string, err error) {
	out := make([]Hit, len(docs))
	errs := make([]error, len(docs))
	var wg sync.WaitGroup
	for i, n := range docs {
		wg.Go(func() {
			p, err := s.hitPost(ctx, began, n)
			if err != nil {
				errs[i] = err
				return
			}
			e := p.Entry
			e.Excerpt = ""
			out[i] = Hit{Entry: e, Doc: n, Snippet: snippet(post.PlainText(p.Body, p.Format), phrases)}
		})
	}
	wg.Wait()
	hits = out[:0]
	for i, err := range errs {
		var de *bundle.DataError
		switch {
		case err == nil:
			hits = append(hits, out[i])
		case errors.Is(err, bundle.ErrDamaged) && errors.As(err, &de):
			if !slices.Contains(damaged, de.File) {
				damaged = append(damaged, de.File)
			}
		default:
			return nil, nil, err
		}
	}
	return hits, damaged, nil
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

// compiler turns a parsed query into a bleve query over the fetched chunks.
type compiler struct {
	v            *view
	p            *plan
	blevePhrases bool
}

// titleBoost weighs a match in the title against one in the body.
const titleBoost = 2

// top compiles the whole query: filters (and the options' facet filters) narrow without
// scoring; excluded items go into MustNot.
func (c *compiler) top(x query.Expr, o Options) blevequery.Query {
	var must, mustNot, filters []blevequery.Query
	items, ok := x.(query.And)
	if !ok {
		items = query.And{x}
	}
	for _, it := range items {
		switch it := it.(type) {
		case *query.Filter, *query.Date:
			filters = append(filters, c.expr(it))
		case query.Not:
			mustNot = append(mustNot, c.expr(it.X))
		default:
			must = append(must, c.expr(it))
		}
	}
	if o.Category != "" {
		filters = append(filters, c.expr(&query.Filter{Field: FieldCategory, Value: o.Category}))
	}
	if o.Tag != "" {
		filters = append(filters, c.expr(&query.Filter{Field: FieldTag, Value: o.Tag}))
	}
	if o.Year != 0 {
		filters = append(filters, c.days(query.DayNumber(o.Year, 1, 1), query.DayNumber(o.Year+1, 1, 1)-1))
	}
	if len(must) == 0 && len(mustNot) == 0 && len(filters) == 0 {
		return blevequery.NewMatchAllQuery()
	}
	bq := blevequery.NewBooleanQuery(must, nil, mustNot)
	if len(filters) > 0 {
		bq.AddFilter(blevequery.NewConjunctionQuery(filters))
	}
	return bq
}

func (c *compiler) expr(x query.Expr) blevequery.Query {
	switch x := x.(type) {
	case query.And:
		var must, mustNot []blevequery.Query
		for _, it := range x {
			if n, ok := it.(query.Not); ok {
				mustNot = append(mustNot, c.expr(n.X))
			} else {
				must = append(must, c.expr(it))
			}
		}
		if len(mustNot) == 0 {
			return blevequery.NewConjunctionQuery(must)
		}
		return blevequery.NewBooleanQuery(must, nil, mustNot)
	case query.Or:
		alts := make([]blevequery.Query, len(x))
		for i, it := range x {
			alts[i] = c.expr(it)
		}
		return blevequery.NewDisjunctionQuery(alts)
	case query.Not:
		return blevequery.NewBooleanQuery(nil, nil, []blevequery.Query{c.expr(x.X)})
	case *query.Filter:
		name := c.v.meta.resolve(x.Field, x.Value)
		if name == "" {
			return blevequery.NewMatchNoneQuery()
		}
		q := blevequery.NewTermQuery(name)
		q.SetField(x.Field)
		return q
	case *query.Date:
		return c.days(x.From, x.To)
	case *query.Text:
		if x.TitleOnly {
			return c.text(x, format.FieldTitle)
		}
		title, body := c.text(x, format.FieldTitle), c.text(x, format.FieldBody)
		if b, ok := title.(blevequery.BoostableQuery); ok {
			b.SetBoost(titleBoost)
		}
		return blevequery.NewDisjunctionQuery([]blevequery.Query{title, body})
	}
	return blevequery.NewMatchNoneQuery()
}

func (c *compiler) days(from, to int32) blevequery.Query {
	q := blevequery.NewTermQuery(daysTerm(from, to))
	q.SetField(fieldDays)
	return q
}

// text compiles a word or phrase for one field: its trigram term when the index holds it;
// else a phrase of its slots (exact), or, when positions were not fetched, all its slots
// anywhere in the field; both are phrase terms of the index reader (see phraseTerm).
func (c *compiler) text(t *query.Text, f int) blevequery.Query {
	field := FieldNames[f]
	if t.Whole {
		if c.blevePhrases {
			q := blevequery.NewPrefixQuery(t.Slots[0].Terms[0])
			q.SetField(field)
			return q
		}
		q := blevequery.NewTermQuery(anyPrefixTerm(t.Slots[0].Terms[0]))
		q.SetField(field)
		return q
	}
	ph := c.p.phraseOf[t] // nil for a word of one token
	if ph != nil && ph.useTri {
		if len(c.p.alternatives(c.v, analysis.Slot{Terms: []string{ph.tri}}, f)) == 0 {
			return blevequery.NewMatchNoneQuery()
		}
		q := blevequery.NewTermQuery(ph.tri)
		q.SetField(field)
		return q
	}
	exact := ph != nil && ph.exact
	alts := make([][]string, len(t.Slots))
	for i, sl := range t.Slots {
		alts[i] = c.p.alternatives(c.v, sl, f)
		if len(alts[i]) == 0 {
			return blevequery.NewMatchNoneQuery()
		}
	}
	switch {
	case len(alts) == 1:
		return anyTerm(alts[0], field)
	case c.blevePhrases && exact:
		return blevequery.NewMultiPhraseQuery(alts, field)
	case c.blevePhrases:
		conj := make([]blevequery.Query, len(alts))
		for i, terms := range alts {
			conj[i] = anyTerm(terms, field)
		}
		return blevequery.NewConjunctionQuery(conj)
	}
	q := blevequery.NewTermQuery(phraseTerm(alts, exact))
	q.SetField(field)
	return q
}

func anyTerm(terms []string, field string) blevequery.Query {
	qs := make([]blevequery.Query, len(terms))
	for i, t := range terms {
		q := blevequery.NewTermQuery(t)
		q.SetField(field)
		qs[i] = q
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return blevequery.NewDisjunctionQuery(qs)
}
