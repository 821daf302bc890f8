// Package analysis is how search cuts text into terms, the same in the build (native) and
// in the browser (wasm): bleve's "cjk" analyzer (unicode tokenizer, CJK width folding,
// lower case, CJK bigrams), plus Folio's own terms. Every run of two or more Han
// characters also gets an end mark (see EndMark), so that a lone character can be found
// wherever it stands; common three-character words may be trigram terms (see
// GramMark). Query words are analyzed by the same analyzer; PhraseSlots turns them into
// the terms each position may hold, so that a word matches exactly where the text contains
// it: Han text as an exact substring, Latin words and numbers as whole tokens ("5G",
// "QX7Z9", "沪深300" = 沪深+300, "12.3%" = 12.3, "A股" = a followed by a run starting with
// 股).
package analysis

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	bleve "github.com/blevesearch/bleve/v2/analysis"
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

// GramMark joins a Han bigram and the characters after it into a gram term: "净利"+mark+"润"
// for 净利润 (three characters in a row, in one run), "新能"+mark+"源汽车" for 新能源汽车. The
// build indexes the grams found in many posts (see index.TrigramShare, index.LongGramShare)
// as terms of their own, so that a common word of three to MaxGram characters is one
// term's doc list, exact, rather than a phrase whose positions must be fetched and merged.
// The term sorts right after its first bigram, in the same chunk as a rule.
const GramMark = "\x07"

// MaxGram is the most characters of a gram term.
const MaxGram = 5

// TrigramTerm returns the trigram term of two bigrams that follow each other in a run.
func TrigramTerm(first, second string) string { return GramTerm([]string{first, second}) }

// GramTerm returns the gram term of the bigrams of a word, in order, each overlapping the
// next by a character: the first bigram, GramMark, and the last character of each of
// the others.
func GramTerm(bigrams []string) string {
	var b strings.Builder
	b.WriteString(bigrams[0])
	b.WriteString(GramMark)
	for _, g := range bigrams[1:] {
		_, size := utf8.DecodeRuneInString(g)
		b.WriteString(g[size:])
	}
	return b.String()
}

// IsGramTerm reports whether term is a gram term (of any length).
func IsGramTerm(term string) bool { return strings.Contains(term, GramMark) }

// Grams yields the gram term, position and length in characters (3 to maxN) of every
// stretch of toks' bigrams that stands for that many characters in a row. The term's bytes
// are valid only during the call.
func Grams(toks []Token, maxN int, yield func(term []byte, pos, n int)) {
	var chain []int // the bigrams in a row that end at the current one, oldest first
	var buf []byte
	for i, t := range toks {
		if !t.Double {
			if !t.Mark {
				chain = chain[:0]
			}
			continue
		}
		if len(chain) > 0 {
			p := toks[chain[len(chain)-1]]
			_, size := utf8.DecodeRune(p.Term)
			if t.Pos != p.Pos+1 || t.Start != p.Start+size {
				chain = chain[:0]
			}
		}
		chain = append(chain, i)
		for k := 2; k <= maxN-1 && k <= len(chain); k++ { // k bigrams: k+1 characters
			first := toks[chain[len(chain)-k]]
			buf = append(append(buf[:0], first.Term...), GramMark...)
			for _, j := range chain[len(chain)-k+1:] {
				_, size := utf8.DecodeRune(toks[j].Term)
				buf = append(buf, toks[j].Term[size:]...)
			}
			yield(buf, first.Pos, k+1)
		}
	}
}

// analyzer is the one bleve analyzer, from bleve's registry, shared by the build (native)
// and the browser (wasm) so both sides see exactly the same tokens.
var analyzer = sync.OnceValue(func() bleve.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(AnalyzerName)
	if err != nil {
		panic("search: bleve analyzer " + AnalyzerName + ": " + err.Error()) // registered by the import
	}
	return a
})

// Token is one indexed term occurrence.
type Token struct {
	Term       []byte
	Pos        int // bleve position, from 1
	Start, End int // byte offsets in the text
	Mark       bool
	Single     bool // a lone Han character (unigram)
	Double     bool // a Han bigram
}

// Analyze returns the index tokens of text: bleve's, plus the end mark of every Han run
// (after the run's last bigram, at the same position). n counts bleve's tokens alone.
func Analyze(text []byte) (toks []Token, n int) {
	ts := analyzer().Analyze(text)
	toks = make([]Token, 0, len(ts)+len(ts)/8)
	for i, t := range ts {
		tk := Token{Term: t.Term, Pos: t.Position, Start: t.Start, End: t.End,
			Single: t.Type == bleve.Single, Double: t.Type == bleve.Double}
		toks = append(toks, tk)
		if tk.Double && !continuesRun(t, ts, i) {
			_, size := utf8.DecodeRune(t.Term)
			last := t.Term[size:]
			m := make([]byte, 0, len(last)+len(EndMark))
			m = append(append(m, last...), EndMark...)
			toks = append(toks, Token{Term: m, Pos: t.Position, Start: t.End - len(last), End: t.End, Mark: true})
		}
	}
	return toks, len(ts)
}

// continuesRun reports whether the bigram ts[i] is followed by the next bigram of its run.
func continuesRun(t *bleve.Token, ts bleve.TokenStream, i int) bool {
	if i+1 >= len(ts) || ts[i+1].Type != bleve.Double {
		return false
	}
	_, size := utf8.DecodeRune(t.Term)
	return ts[i+1].Start == t.Start+size
}

// Slot is one position of a query phrase: the terms that may stand there. Prefix, when
// set, adds every bigram starting with that character.
type Slot struct {
	Terms  []string
	Prefix string
}

// PhraseSlots analyzes the text of one query word or quoted phrase into slots, so that the
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
func PhraseSlots(text string) (slots []Slot, whole bool) {
	ts := analyzer().Analyze([]byte(text))
	for i, t := range ts {
		term := string(t.Term)
		if t.Type != bleve.Single {
			slots = append(slots, Slot{Terms: []string{term}})
			continue
		}
		first, last := i == 0, i == len(ts)-1
		s := Slot{Terms: []string{term}}
		if first {
			s.Terms = append(s.Terms, term+EndMark)
		}
		if last {
			s.Prefix = term
		}
		whole = first && last
		slots = append(slots, s)
	}
	return slots, whole
}

// IsHan reports whether s is Han characters only (and not empty).
func IsHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// PrefixTerm returns the term of the last word of text when it is a Latin word or a
// number that ends the text (nothing dropped after it, as "%" is), which type-ahead
// matches as the start of longer terms too ("goo" of "Goo" finds google, "5g" finds
// 5gb); "" otherwise (a Han word stays an exact substring).
func PrefixTerm(text string) string {
	ts := analyzer().Analyze([]byte(text))
	if len(ts) == 0 {
		return ""
	}
	t := ts[len(ts)-1]
	if t.Type != bleve.AlphaNumeric && t.Type != bleve.Numeric || t.End != len(text) {
		return ""
	}
	return string(t.Term)
}
