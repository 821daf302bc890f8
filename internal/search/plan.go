package search

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"folio/internal/search/analysis"
	"folio/internal/search/fetch"
	"folio/internal/search/format"
	"folio/internal/search/query"
	"folio/internal/search/reader"
)

// plan lists what a query reads: terms, prefix ranges (all terms starting with a Han
// character), and the phrases (words of several tokens), which need positions to match
// exactly. Route finds their chunks; decide picks the phrases that get positions; fetch
// gets every chunk, in parallel, before bleve runs.
type plan struct {
	terms, prefixes map[string]bool
	wordPrefixes    map[string]bool // type-ahead: Text.Prefix of the word being typed
	phrases         []*phrase
	phraseOf        map[*query.Text]*phrase

	leafOf  map[string]format.Route   // term → the leaf entry of its chunk
	rangeOf map[string][]format.Route // prefix → leaf entries of its range
	wordOf  map[string][]format.Route // word prefix → the chunks of its range it reads (see pickWordChunks)
	posFile map[string]bool           // position chunks to fetch

	more []*plan // the plans of the segments after the first (segments.go)
}

// phrase is a query word of several tokens; neg when it is excluded. Exact says it is
// matched as a phrase, with positions; tri is the trigram term of a word of three Han
// characters, and useTri says the index holds it and the word is matched as that term
// (exact and useTri are set by decide).
type phrase struct {
	t      *query.Text
	neg    bool
	exact  bool
	tri    string
	useTri bool
}

func newPlan(x query.Expr) *plan {
	p := &plan{terms: map[string]bool{}, prefixes: map[string]bool{}, wordPrefixes: map[string]bool{}, phraseOf: map[*query.Text]*phrase{},
		leafOf: map[string]format.Route{}, rangeOf: map[string][]format.Route{}, wordOf: map[string][]format.Route{}, posFile: map[string]bool{}}
	p.walk(x, false)
	return p
}

func (p *plan) walk(x query.Expr, neg bool) {
	switch x := x.(type) {
	case query.And:
		for _, it := range x {
			p.walk(it, neg)
		}
	case query.Or:
		for _, it := range x {
			p.walk(it, neg)
		}
	case query.Not:
		p.walk(x.X, !neg)
	case *query.Text:
		if x.Whole {
			p.prefixes[x.Slots[0].Terms[0]] = true
			return
		}
		for _, sl := range x.Slots {
			for _, t := range sl.Terms {
				p.terms[t] = true
			}
			if sl.Prefix != "" {
				p.prefixes[sl.Prefix] = true
			}
		}
		if x.Prefix != "" {
			p.wordPrefixes[x.Prefix] = true
		}
		if len(x.Slots) > 1 {
			ph := &phrase{t: x, neg: neg, tri: wordGram(x)}
			p.phrases = append(p.phrases, ph)
			p.phraseOf[x] = ph
			if ph.tri != "" {
				p.terms[ph.tri] = true // routed and fetched with the rest (its first bigram's chunk, as a rule)
			}
		}
	}
}

// route finds the leaf entries of every term and prefix range, in parallel; of a word
// prefix's range it keeps the chunks pickWordChunks picks within prefixBytes.
func (p *plan) route(ctx context.Context, rt router, searchBegan time.Time, prefixBytes int) error {
	var mu sync.Mutex
	var keys []string
	for t := range p.terms {
		keys = append(keys, "t"+t)
	}
	for pr := range p.prefixes {
		keys = append(keys, "p"+pr)
	}
	for pr := range p.wordPrefixes {
		keys = append(keys, "w"+pr)
	}
	if len(keys) == 0 {
		return nil
	}
	top := rt.AwaitTerms(ctx, searchBegan)
	err := fetch.All(ctx, keys, func(ctx context.Context, key string) error {
		k := key[1:]
		if key[0] == 't' {
			r, ok, err := rt.Leaf(ctx, top, []byte(k))
			if err != nil || !ok {
				return err
			}
			mu.Lock()
			p.leafOf[k] = r
			mu.Unlock()
			return nil
		}
		rs, err := rt.Leaves(ctx, top, []byte(k), format.PrefixEnd([]byte(k)))
		mu.Lock()
		if key[0] == 'w' {
			p.wordOf[k] = rs
		} else {
			p.rangeOf[k] = rs
		}
		mu.Unlock()
		return err
	})
	for pr, rs := range p.wordOf {
		own := p.leafOf[pr]
		p.wordOf[pr] = pickWordChunks(rs, own.File, prefixBytes)
	}
	return err
}

// pickWordChunks bounds what type-ahead reads of a word prefix's range (the chunks of the
// terms starting with it): the biggest chunks first, while they fit in budget raw bytes.
// A chunk's size is mostly its doc lists, so the biggest hold the commonest terms (a term
// of more than index.ChunkBytes has a chunk of its own): the completions most worth
// offering. The chunk of the typed word itself (own) is fetched as its term, whatever the
// budget (a completed word keeps every hit), and is not counted.
func pickWordChunks(rs []format.Route, own string, budget int) []format.Route {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b format.Route) int { return cmp.Compare(b.Size, a.Size) })
	var out []format.Route
	spent := 0
	for _, r := range rs {
		if r.File != own && spent+r.Size <= budget {
			out = append(out, r)
			spent += r.Size
		}
	}
	return out
}

// wordGram returns the gram term of a word of three to analysis.MaxGram Han characters
// in a row (its slots one bigram each, every one overlapping the next by a character), or "".
func wordGram(x *query.Text) string {
	if len(x.Slots) < 2 || len(x.Slots) > analysis.MaxGram-1 {
		return ""
	}
	bigrams := make([]string, len(x.Slots))
	for i, sl := range x.Slots {
		if len(sl.Terms) != 1 || sl.Prefix != "" || !analysis.IsHan(sl.Terms[0]) || utf8.RuneCountInString(sl.Terms[0]) != 2 {
			return ""
		}
		bigrams[i] = sl.Terms[0]
		if i > 0 {
			_, size := utf8.DecodeRuneInString(bigrams[i-1])
			if !strings.HasPrefix(bigrams[i], bigrams[i-1][size:]) {
				return ""
			}
		}
	}
	return analysis.GramTerm(bigrams)
}

// posFiles returns the position chunks a phrase needs, with their sizes.
func (p *plan) posFiles(t *query.Text) map[string]int {
	files := map[string]int{}
	for _, sl := range t.Slots {
		for _, term := range sl.Terms {
			if r, ok := p.leafOf[term]; ok {
				files[r.Pos] = r.PosSize
			}
		}
		if sl.Prefix != "" {
			for _, r := range p.rangeOf[sl.Prefix] {
				files[r.Pos] = r.PosSize
			}
		}
	}
	for _, r := range p.wordOf[t.Prefix] {
		files[r.Pos] = r.PosSize
	}
	return files
}

// decide chooses the phrases matched exactly, with positions, and reports whether all
// are: cheapest first, while the position chunks not yet cached fit in budget raw bytes
// (ExactAuto), always (ExactAlways) or never (ExactNever). Excluded phrases come first
// (excluding a word's tokens found anywhere may also drop posts that have the tokens apart
// but not the word) and are exact under ExactNever too, as long as they fit.
//
// A word whose gram term the index holds (see meta.Grams) needs no positions: it is
// matched as that term, exactly, unless trigrams is false (ExactNever, which asks for the
// looser match, and tests of bleve's phrases).
func (p *plan) decide(files *fetch.Fetcher, m *reader.Meta, mode Exactness, budget int, trigrams bool) bool {
	cost := func(t *query.Text) int {
		n := 0
		for f, size := range p.allPosFiles(t) {
			if _, cached := files.Peek(f); !cached && !p.posFile[f] {
				n += size
			}
		}
		return n
	}
	var order []*phrase
	for _, ph := range p.phrases {
		if ph.tri != "" {
			if trigrams && m.HasGram(ph.tri) {
				ph.useTri, ph.exact = true, true
				continue
			}
			for _, q := range p.all() {
				delete(q.leafOf, ph.tri) // not held (or not wanted): its chunk need not be fetched
			}
		}
		order = append(order, ph)
	}
	slices.SortStableFunc(order, func(a, b *phrase) int {
		if a.neg != b.neg {
			if a.neg {
				return -1
			}
			return 1
		}
		return cmp.Compare(cost(a.t), cost(b.t))
	})
	all, spent := true, 0
	for _, ph := range order {
		c := cost(ph.t)
		ph.exact = mode == ExactAlways || (mode == ExactAuto || ph.neg) && spent+c <= budget
		if !ph.exact {
			all = false
			continue
		}
		spent += c
		for f := range p.allPosFiles(ph.t) {
			p.posFile[f] = true
		}
	}
	return all
}

// fetch gets the term chunks and the chosen position chunks into the view. The position
// chunks of the segments after the first are taken in a second step, and only for the
// phrases that may match there (laterPosFiles): a day's segment holds most query words
// in no doc or in too few docs together. (Where they are in their term chunks' files, as
// a later segment writes them, that step fetches nothing.)
func (p *plan) fetch(ctx context.Context, v *view) error {
	later := p.laterPos()
	if err := p.fetchFiles(ctx, v, later); err != nil {
		return err
	}
	if len(later) == 0 {
		return nil
	}
	names := p.laterPosFiles(v)
	if len(names) == 0 {
		return nil
	}
	return fetchInto(ctx, v, names, func(string) byte { return 'X' })
}

// fetchFiles gets the term chunks and the chosen position chunks, but those in skip.
func (p *plan) fetchFiles(ctx context.Context, v *view, skip map[string]bool) error {
	files := map[string]byte{}
	for _, q := range p.all() {
		for _, r := range q.leafOf {
			files[r.File] = 'D'
		}
		for _, rs := range q.rangeOf {
			for _, r := range rs {
				files[r.File] = 'D'
			}
		}
		for _, rs := range q.wordOf {
			for _, r := range rs {
				files[r.File] = 'D'
			}
		}
	}
	for f := range p.posFile {
		if skip[f] {
			continue
		}
		if files[f] == 'D' {
			files[f] = 'B' // a term chunk with its positions (format.EncodeTermPos)
		} else {
			files[f] = 'X'
		}
	}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	return fetchInto(ctx, v, names, func(name string) byte { return files[name] })
}

// fetchInto fetches files into the view, in parallel; kind says whether a file is a term
// chunk ('D'), a position chunk ('X') or both ('B').
func fetchInto(ctx context.Context, v *view, names []string, kind func(string) byte) error {
	var mu sync.Mutex
	return fetch.All(ctx, names, func(ctx context.Context, name string) error {
		k := kind(name)
		if k == 'B' {
			pc, err := v.files.PosChunk(ctx, name)
			if err != nil {
				return err
			}
			mu.Lock()
			v.pos[name] = pc
			mu.Unlock()
			k = 'D' // the same file, now cached
		}
		if k == 'X' {
			pc, err := v.files.PosChunk(ctx, name)
			if err == nil {
				mu.Lock()
				v.pos[name] = pc
				mu.Unlock()
			}
			return err
		}
		c, err := v.files.Chunk(ctx, name)
		if err == nil {
			mu.Lock()
			v.chunks[name] = c
			mu.Unlock()
		}
		return err
	})
}

// alternatives lists the terms a slot may match in field f: its terms that occur in the
// field, and with a prefix, the field's bigrams starting with it.
func (p *plan) alternatives(v *view, sl analysis.Slot, f int) []string {
	if v.segs != nil {
		return p.segAlternatives(v, sl, f)
	}
	var out []string
	for _, t := range sl.Terms {
		if r, ok := p.leafOf[t]; ok {
			if c := v.chunks[r.File]; c != nil {
				if e := c.Find(t); e != nil && e.Has(f) {
					out = append(out, t)
				}
			}
		}
	}
	if sl.Prefix != "" {
		for _, r := range p.rangeOf[sl.Prefix] {
			c := v.chunks[r.File]
			if c == nil {
				continue
			}
			for i := range c.Terms {
				e := &c.Terms[i]
				if strings.HasPrefix(e.Term, sl.Prefix) && e.Term != sl.Prefix && e.Term != sl.Prefix+analysis.EndMark && e.Has(f) {
					out = append(out, e.Term)
				}
			}
		}
	}
	return out
}

// completions lists the terms of field f that type-ahead adds for a word prefix: the
// terms starting with it, longer than it, in the chunks pickWordChunks kept (of every
// segment: a term's doc count is the sum of the segments'); at most max, the commonest in
// the field first (ties in term order).
func (p *plan) completions(v *view, prefix string, f, max int) []string {
	df := map[string]int{}
	for _, q := range p.all() {
		rs := q.wordOf[prefix]
		if r, ok := q.leafOf[prefix]; ok {
			rs = append([]format.Route{r}, rs...) // the typed word's own chunk holds completions too
		}
		seen := map[string]bool{}
		for _, r := range rs {
			c := v.chunks[r.File]
			if c == nil || seen[r.File] {
				continue
			}
			seen[r.File] = true
			for i := range c.Terms {
				e := &c.Terms[i]
				if len(e.Term) > len(prefix) && strings.HasPrefix(e.Term, prefix) && e.Has(f) {
					df[e.Term] += e.DF(f)
				}
			}
		}
	}
	terms := make([]string, 0, len(df))
	for t := range df {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, func(a, b string) int {
		if df[a] != df[b] {
			return cmp.Compare(df[b], df[a])
		}
		return strings.Compare(a, b)
	})
	return terms[:min(max, len(terms))]
}
