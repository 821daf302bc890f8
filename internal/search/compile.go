package search

import (
	"folio/internal/search/analysis"
	"folio/internal/search/format"
	"folio/internal/search/query"
	"folio/internal/search/reader"
	"folio/internal/search/searchers"
)

// compiler turns a parsed query into bleve searchers to make over the fetched chunks
// (package searchers).
type compiler struct {
	v            *view
	p            *plan
	blevePhrases bool
	prefixTerms  int // Config.PrefixTerms
}

// titleBoost weighs a match in the title against one in the body.
const titleBoost = 2

// top compiles the whole query: filters (and the options' facet filters) narrow without
// scoring; excluded items go into MustNot.
func (c *compiler) top(x query.Expr, o Options) searchers.Node {
	var must, mustNot, filters []searchers.Node
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
		filters = append(filters, c.expr(&query.Filter{Field: reader.FieldCategory, Value: o.Category}))
	}
	if o.Tag != "" {
		filters = append(filters, c.expr(&query.Filter{Field: reader.FieldTag, Value: o.Tag}))
	}
	if o.Year != 0 {
		filters = append(filters, c.days(query.DayNumber(o.Year, 1, 1), query.DayNumber(o.Year+1, 1, 1)-1))
	}
	if len(must) == 0 && len(mustNot) == 0 && len(filters) == 0 {
		return searchers.MatchAll{}
	}
	bq := &searchers.Bool{Must: must, MustNot: mustNot}
	if len(filters) > 0 {
		bq.Filter = searchers.AllOf(filters)
	}
	return bq
}

func (c *compiler) expr(x query.Expr) searchers.Node {
	switch x := x.(type) {
	case query.And:
		var must, mustNot []searchers.Node
		for _, it := range x {
			if n, ok := it.(query.Not); ok {
				mustNot = append(mustNot, c.expr(n.X))
			} else {
				must = append(must, c.expr(it))
			}
		}
		if len(mustNot) == 0 {
			return searchers.AllOf(must)
		}
		return &searchers.Bool{Must: must, MustNot: mustNot}
	case query.Or:
		alts := make(searchers.AnyOf, len(x))
		for i, it := range x {
			alts[i] = c.expr(it)
		}
		return alts
	case query.Not:
		return &searchers.Bool{MustNot: []searchers.Node{c.expr(x.X)}}
	case *query.Filter:
		name := c.v.meta.Resolve(x.Field, x.Value)
		if name == "" {
			return searchers.MatchNone{}
		}
		return searchers.NewTerm(name, x.Field)
	case *query.Date:
		return c.days(x.From, x.To)
	case *query.Text:
		if x.TitleOnly {
			return c.text(x, format.FieldTitle)
		}
		title, body := c.text(x, format.FieldTitle), c.text(x, format.FieldBody)
		return searchers.AnyOf{searchers.WithBoost(title, titleBoost), body}
	}
	return searchers.MatchNone{}
}

func (c *compiler) days(from, to int32) searchers.Node {
	return searchers.NewTerm(reader.DaysTerm(from, to), reader.FieldDays)
}

// text compiles a word or phrase for one field: its trigram term when the index holds it;
// else a phrase of its slots (exact), or, when positions were not fetched, all its slots
// anywhere in the field; both are phrase terms of the index reader (see phraseTerm). The
// word being typed (Text.Prefix) may also be any of its completions in its last slot.
func (c *compiler) text(t *query.Text, f int) searchers.Node {
	field := reader.FieldNames[f]
	if t.Whole {
		if c.blevePhrases {
			return &searchers.Prefix{Prefix: t.Slots[0].Terms[0], Field: field}
		}
		return searchers.NewTerm(reader.AnyPrefixTerm(t.Slots[0].Terms[0]), field)
	}
	ph := c.p.phraseOf[t] // nil for a word of one token
	if ph != nil && ph.useTri {
		if len(c.p.alternatives(c.v, analysis.Slot{Terms: []string{ph.tri}}, f)) == 0 {
			return searchers.MatchNone{}
		}
		return searchers.NewTerm(ph.tri, field)
	}
	exact := ph != nil && ph.exact
	alts := make([][]string, len(t.Slots))
	var more []string // the completions of the word being typed
	for i, sl := range t.Slots {
		alts[i] = c.p.alternatives(c.v, sl, f)
		if t.Prefix != "" && i == len(t.Slots)-1 {
			more = c.p.completions(c.v, t.Prefix, f, c.prefixTerms)
			alts[i] = append(alts[i], more...)
		}
		if len(alts[i]) == 0 {
			return searchers.MatchNone{}
		}
	}
	switch {
	case len(alts) == 1 && len(more) > 1 && !c.blevePhrases:
		// The completions are one term of the index reader (the docs with any of them,
		// merged once), not hundreds of bleve term searchers; the typed word stays a term
		// of its own, so that it scores as itself.
		own := alts[0][:len(alts[0])-len(more)]
		q := searchers.NewTerm(reader.PhraseTerm([][]string{more}, false), field)
		if len(own) == 0 {
			return q
		}
		return searchers.AnyOf{anyTerm(own, field), q}
	case len(alts) == 1:
		return anyTerm(alts[0], field)
	case c.blevePhrases && exact:
		return &searchers.Phrase{Terms: alts, Field: field}
	case c.blevePhrases:
		conj := make(searchers.AllOf, len(alts))
		for i, terms := range alts {
			conj[i] = anyTerm(terms, field)
		}
		return conj
	}
	return searchers.NewTerm(reader.PhraseTerm(alts, exact), field)
}

func anyTerm(terms []string, field string) searchers.Node {
	qs := make(searchers.AnyOf, len(terms))
	for i, t := range terms {
		qs[i] = searchers.NewTerm(t, field)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return qs
}
