package query

import (
	"slices"

	"folio/internal/search/analysis"
)

// Mark is a word or quoted phrase of a query as the engine matches it, for a viewer to mark
// in a post: Words in this order, with nothing but spaces or punctuation between two of
// them (or nothing at all: "沪深300" is 沪深 then 300). A Han word matches as an exact
// substring; a Latin word or number as a whole word, except the last of a Prefix mark,
// which is the start of a word (type-ahead). Field names, operators, parentheses and
// quotes are gone; excluded words and filters (category:, tag:, date:) are not marks.
type Mark struct {
	Words  []string `json:"words"`
	Title  bool     `json:"title,omitempty"`  // title: (标题:), matched in titles only
	Prefix bool     `json:"prefix,omitempty"` // the last word may be the start of a longer one
}

// Marks lists what to mark for a parsed query: its words and phrases that are not
// excluded, once each, in the order of the query.
func Marks(x Expr) []Mark {
	out := []Mark{}
	var walk func(Expr)
	walk = func(x Expr) {
		switch x := x.(type) {
		case And:
			for _, it := range x {
				walk(it)
			}
		case Or:
			for _, it := range x {
				walk(it)
			}
		case *Text:
			m := Mark{Words: markWords(x.Text), Title: x.TitleOnly, Prefix: x.Prefix != ""}
			if len(m.Words) > 0 && !slices.ContainsFunc(out, m.equal) {
				out = append(out, m)
			}
		}
	}
	walk(x)
	return out
}

func (m Mark) equal(o Mark) bool {
	return m.Title == o.Title && m.Prefix == o.Prefix && slices.Equal(m.Words, o.Words)
}

// markWords cuts a word or phrase as typed into the stretches the analyzer reads as one
// piece: a Han run (its overlapping bigrams), a Latin word, a number. Whatever the
// analyzer drops (spaces, punctuation, "%") falls between them.
func markWords(text string) []string {
	toks, _ := analysis.Analyze([]byte(text))
	var words []string
	start, end := -1, -1
	for _, t := range toks {
		if t.Mark {
			continue
		}
		if start >= 0 && t.Start < end { // the next bigram of a Han run
			end = max(end, t.End)
			continue
		}
		if start >= 0 {
			words = append(words, text[start:end])
		}
		start, end = t.Start, t.End
	}
	if start >= 0 {
		words = append(words, text[start:end])
	}
	return words
}
