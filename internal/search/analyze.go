package search

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/registry"
)

// AnalyzerName is the bleve analyzer of the text fields: the unicode tokenizer, CJK width
// folding, lower case, and CJK bigrams (a Han run of two or more characters becomes its
// overlapping bigrams at consecutive positions; a lone Han character stays a unigram).
// Latin words and numbers are single tokens: "A股" is "a" + "股", "5G网络" is "5g" +
// "网络", "沪深300" is "沪深" + "300", "12.3%" is "12.3".
const AnalyzerName = cjk.AnalyzerName

// EndMark follows a character to make the end-mark term of a Han run: every run of two
// or more Han characters also gets the term "<last character>"+EndMark at the position of
// its last bigram. Bigrams alone cannot say that a run ends with a character (the last
// character starts no bigram), and a query needs exactly that for a lone character at its
// start ("股A" must find "…股A") or as the whole query ("场" must find "市场"). The mark
// sorts right after the unigram and before every bigram of the character, so the terms of
// one character — unigram, end mark, bigrams — form one contiguous range of the term
// dictionary (one prefix query, usually one chunk).
const EndMark = "\x00"

// TrigramMark joins a Han bigram and the next character into a trigram term: "净利"+mark+"润"
// for 净利润 (three characters in a row, in one run). The build indexes the trigrams found
// in many posts (see TrigramShare) as terms of their own, so that a common three-character
// word is one term's doc list, exact, rather than a phrase whose positions must be fetched
// and merged. The term sorts right after its first bigram, in the same chunk as a rule.
const TrigramMark = "\x07"

// trigramTerm returns the trigram term of two bigrams that follow each other in a run.
func trigramTerm(first, second string) string {
	_, size := utf8.DecodeRuneInString(second)
	return first + TrigramMark + second[size:]
}

// isTrigramTerm reports whether term is a trigram term.
func isTrigramTerm(term string) bool { return strings.Contains(term, TrigramMark) }

// trigrams yields the trigram term and position of every pair of bigrams of toks that
// stand for three characters in a row.
func trigrams(toks []token, yield func(term string, pos int)) {
	prev := -1 // the last bigram seen
	for i, t := range toks {
		if !t.double {
			if !t.mark {
				prev = -1
			}
			continue
		}
		if prev >= 0 {
			p := toks[prev]
			_, size := utf8.DecodeRune(p.term)
			if t.pos == p.pos+1 && t.start == p.start+size {
				yield(trigramTerm(string(p.term), string(t.term)), p.pos)
			}
		}
		prev = i
	}
}

// analyzer is the one bleve analyzer, from bleve's registry, shared by the build (native)
// and the browser (wasm) so both sides see exactly the same tokens.
var analyzer = sync.OnceValue(func() analysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(AnalyzerName)
	if err != nil {
		panic("search: bleve analyzer " + AnalyzerName + ": " + err.Error()) // registered by the import
	}
	return a
})

// token is one indexed term occurrence.
type token struct {
	term       []byte
	pos        int // bleve position, from 1
	start, end int // byte offsets in the text
	mark       bool
	single     bool // a lone Han character (unigram)
	double     bool // a Han bigram
}

// analyze returns the index tokens of text: bleve's, plus the end mark of every Han run
// (after the run's last bigram, at the same position). n counts bleve's tokens alone.
func analyze(text []byte) (toks []token, n int) {
	ts := analyzer().Analyze(text)
	toks = make([]token, 0, len(ts)+len(ts)/8)
	for i, t := range ts {
		tk := token{term: t.Term, pos: t.Position, start: t.Start, end: t.End,
			single: t.Type == analysis.Single, double: t.Type == analysis.Double}
		toks = append(toks, tk)
		if tk.double && !continuesRun(t, ts, i) {
			_, size := utf8.DecodeRune(t.Term)
			last := t.Term[size:]
			m := make([]byte, 0, len(last)+len(EndMark))
			m = append(append(m, last...), EndMark...)
			toks = append(toks, token{term: m, pos: t.Position, start: t.End - len(last), end: t.End, mark: true})
		}
	}
	return toks, len(ts)
}

// continuesRun reports whether the bigram ts[i] is followed by the next bigram of its run.
func continuesRun(t *analysis.Token, ts analysis.TokenStream, i int) bool {
	if i+1 >= len(ts) || ts[i+1].Type != analysis.Double {
		return false
	}
	_, size := utf8.DecodeRune(t.Term)
	return ts[i+1].Start == t.Start+size
}

// slot is one position of a query phrase: the terms that may stand there. Prefix, when
// set, adds every bigram starting with that character.
type slot struct {
	terms  []string
	prefix string
}

// phraseSlots analyzes the text of one query word or quoted phrase into slots, so that the
// phrase of the slots matches a field exactly when the field's text contains the query
// text (Han characters exactly; Latin words and numbers as whole tokens; punctuation and
// spaces between tokens are not compared). A run of two or more Han characters is its
// bigrams, which works at any edge. A lone Han character c depends on what is beside it in
// the query:
//
//	between other tokens   "A股B"  c
//	last, after a token    "A股"   c, or a bigram starting with c (a run starting with c)
//	first, before a token  "股A"   c, or c's end mark (a run ending with c)
//	alone                  "股"    c, its end mark, or any bigram starting with c: every
//	                              occurrence of the character
//
// whole reports the last case (the slot is the whole prefix range of c).
func phraseSlots(text string) (slots []slot, whole bool) {
	ts := analyzer().Analyze([]byte(text))
	for i, t := range ts {
		term := string(t.Term)
		if t.Type != analysis.Single {
			slots = append(slots, slot{terms: []string{term}})
			continue
		}
		first, last := i == 0, i == len(ts)-1
		s := slot{terms: []string{term}}
		if first {
			s.terms = append(s.terms, term+EndMark)
		}
		if last {
			s.prefix = term
		}
		whole = first && last
		slots = append(slots, s)
	}
	return slots, whole
}
