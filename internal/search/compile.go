package search

import (
	blevequery "github.com/blevesearch/bleve/v2/search/query"

	"folio/internal/search/analysis"
	"folio/internal/search/format"
	"folio/internal/search/query"
	"folio/internal/search/reader"
)

// compiler turns a parsed query into a bleve query over the fetched chunks.
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
		filters = append(filters, c.expr(&query.Filter{Field: reader.FieldCategory, Value: o.Category}))
	}
	if o.Tag != "" {
		filters = append(filters, c.expr(&query.Filter{Field: reader.FieldTag, Value: o.Tag}))
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
		name := c.v.meta.Resolve(x.Field, x.Value)
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
	q := blevequery.NewTermQuery(reader.DaysTerm(from, to))
	q.SetField(reader.FieldDays)
	return q
}

// text compiles a word or phrase for one field: its trigram term when the index holds it;
// else a phrase of its slots (exact), or, when positions were not fetched, all its slots
// anywhere in the field; both are phrase terms of the index reader (see phraseTerm). The
// word being typed (Text.Prefix) may also be any of its completions in its last slot.
func (c *compiler) text(t *query.Text, f int) blevequery.Query {
	field := reader.FieldNames[f]
	if t.Whole {
		if c.blevePhrases {
			q := blevequery.NewPrefixQuery(t.Slots[0].Terms[0])
			q.SetField(field)
			return q
		}
		q := blevequery.NewTermQuery(reader.AnyPrefixTerm(t.Slots[0].Terms[0]))
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
	var more []string // the completions of the word being typed
	for i, sl := range t.Slots {
		alts[i] = c.p.alternatives(c.v, sl, f)
		if t.Prefix != "" && i == len(t.Slots)-1 {
			more = c.p.completions(c.v, t.Prefix, f, c.prefixTerms)
			alts[i] = append(alts[i], more...)
		}
		if len(alts[i]) == 0 {
			return blevequery.NewMatchNoneQuery()
		}
	}
	switch {
	case len(alts) == 1 && len(more) > 1 && !c.blevePhrases:
		// The completions are one term of the index reader (the docs with any of them,
		// merged once), not hundreds of bleve term searchers; the typed word stays a term
		// of its own, so that it scores as itself.
		own := alts[0][:len(alts[0])-len(more)]
		q := blevequery.NewTermQuery(reader.PhraseTerm([][]string{more}, false))
		q.SetField(field)
		if len(own) == 0 {
			return q
		}
		return blevequery.NewDisjunctionQuery([]blevequery.Query{anyTerm(own, field), q})
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
	q := blevequery.NewTermQuery(reader.PhraseTerm(alts, exact))
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
