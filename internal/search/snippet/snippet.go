// Package snippet makes the passage shown with a search hit: the stretch of the post's
// text with the most query words, HTML-escaped, its matches marked the way the index
// matches them (the same analysis, the same slots).
package snippet

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"folio/internal/search/analysis"
	"folio/internal/search/query"
)

// Snippet sizes, in runes.
const (
	snippetRunes  = 110 // the passage shown
	snippetBefore = 24  // context kept before the first match
	maxSpans      = 400 // matches looked at per post
)

// Phrase is a word or phrase a snippet marks.
type Phrase struct {
	text  string // the word as typed
	slots []analysis.Slot
	whole bool
	// prefix is the word being typed (query.Text.Prefix): the last slot also matches
	// tokens that start with it, marked whole.
	prefix string
}

// Phrases lists the query's words and phrases that are not excluded and not only about
// titles: what a snippet marks.
func Phrases(x query.Expr) []Phrase {
	var out []Phrase
	var walk func(query.Expr)
	walk = func(x query.Expr) {
		switch x := x.(type) {
		case query.And:
			for _, it := range x {
				walk(it)
			}
		case query.Or:
			for _, it := range x {
				walk(it)
			}
		case *query.Text:
			if !x.TitleOnly {
				out = append(out, Phrase{text: x.Text, slots: x.Slots, whole: x.Whole, prefix: x.Prefix})
			}
		}
	}
	walk(x)
	return out
}

// span is a matched stretch of text (bytes) and the phrase it matches.
type span struct{ start, end, phrase int }

// Make returns the best passage of text for the phrases, HTML-escaped, with matches in
// <mark>. Matches are found the way the index finds them: the text is analyzed with the
// same analyzer and each phrase's slots are matched against tokens at consecutive
// positions.
func Make(text string, phrases []Phrase) string {
	if text == "" {
		return ""
	}
	spans := findSpans(text, phrases)
	if len(spans) == 0 {
		return render(text, 0, cutRunes(text, 0, snippetRunes), nil)
	}
	best := bestWindow(text, spans)
	ws := backRunes(text, spans[best].start, snippetBefore)
	we := cutRunes(text, ws, snippetRunes)
	if we == len(text) { // near the end: show a full passage anyway
		ws = backRunes(text, len(text), snippetRunes)
	}
	return render(text, ws, we, spans)
}

// findSpans matches phrases against the text's tokens. A long post is not analyzed
// whole: the passage with the most different phrases is found by plain string search, and
// only it (with a margin) is analyzed. A word with Latin letters or digits is looked for
// as typed (ASCII case folded), which is how it almost always stands; otherwise, and for
// Han text, the search is for its first Han bigram or character, which stands as it is
// wherever the word matches. A phrase with no such text, or a passage that turns out to
// hold no match, makes it analyze everything.
//
// When every phrase is Han text alone, its matches are exactly its literal occurrences
// (the index matches Han text as a substring), so nothing is analyzed at all.
func findSpans(text string, phrases []Phrase) []span {
	if spans, ok := literalSpans(text, phrases); ok {
		return spans
	}
	const margin = 120 // bytes analyzed beyond the passage
	if len(text) <= 9*snippetRunes {
		return spansIn(text, 0, phrases)
	}
	keys := make([]string, len(phrases))
	hays := make([]string, len(phrases)) // where each key is looked for
	var folded string                    // text with ASCII letters lower-cased: the same byte offsets
	for i, ph := range phrases {
		keys[i], hays[i] = literalKey(ph), text
		if !analysis.IsHan(ph.text) {
			if folded == "" {
				folded = asciiLower(text)
			}
			if typed := asciiLower(ph.text); strings.Contains(folded, typed) {
				keys[i], hays[i] = typed, folded
			}
		}
		if keys[i] == "" {
			return spansIn(text, 0, phrases)
		}
	}
	var occ []span // literal occurrences: start, end, phrase
	for pi, k := range keys {
		hay := hays[pi]
		for i, n := 0, 0; n < 32; n++ {
			j := strings.Index(hay[i:], k)
			if j < 0 {
				break
			}
			occ = append(occ, span{i + j, i + j + len(k), pi})
			i += j + len(k)
		}
	}
	if len(occ) == 0 {
		return nil
	}
	sort.Slice(occ, func(i, j int) bool { return occ[i].start < occ[j].start })
	first := occ[bestWindow(text, occ)].start
	start := snapBack(text, max(0, backRunes(text, first, snippetBefore)-margin))
	end := snapBack(text, min(len(text), cutRunes(text, first, snippetRunes)+margin))
	if spans := spansIn(text[start:end], start, phrases); len(spans) > 0 {
		return spans
	}
	return spansIn(text, 0, phrases)
}

// literalSpans finds the occurrences of phrases that are all Han text; ok is false when
// one is not.
func literalSpans(text string, phrases []Phrase) (spans []span, ok bool) {
	for _, ph := range phrases {
		if !analysis.IsHan(ph.text) {
			return nil, false
		}
	}
	for pi, ph := range phrases {
		for i := 0; len(spans) < maxSpans; {
			j := strings.Index(text[i:], ph.text)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(ph.text), pi})
			i += j + len(ph.text)
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	return spans, true
}

// bestWindow returns the index of the span that starts the passage holding the most
// different phrases, then the most spans; the earliest wins ties.
func bestWindow(text string, spans []span) int {
	best, bestScore := 0, -1
	for i, sp := range spans {
		we := cutRunes(text, backRunes(text, sp.start, snippetBefore), snippetRunes)
		seen := map[int]bool{}
		n := 0
		for _, o := range spans[i:] {
			if o.start >= we {
				break
			}
			if o.end <= we {
				seen[o.phrase] = true
				n++
			}
		}
		if score := len(seen)*1000 + n; score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// asciiLower lower-cases ASCII letters only, so that byte offsets stay those of s.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// literalKey returns text that occurs literally wherever the phrase matches: the term of
// its first slot that is one Han bigram, or its lone character; "" when there is none.
func literalKey(ph Phrase) string {
	for _, sl := range ph.slots {
		if ph.whole || len(sl.Terms) == 1 && sl.Prefix == "" && analysis.IsHan(sl.Terms[0]) {
			return sl.Terms[0]
		}
	}
	return ""
}

// snapBack moves a byte offset back to the start of its rune.
func snapBack(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// spansIn matches the phrases in one piece of text that starts at byte offset base.
func spansIn(text string, base int, phrases []Phrase) []span {
	toks, _ := analysis.Analyze([]byte(text))
	if len(toks) == 0 {
		return nil
	}
	maxPos := toks[len(toks)-1].Pos
	at := make([][]int, maxPos+2) // position → token indexes
	for i, t := range toks {
		at[t.Pos] = append(at[t.Pos], i)
	}
	var spans []span
	for pi, ph := range phrases {
		for p := 1; p+len(ph.slots)-1 <= maxPos && len(spans) < maxSpans; p++ {
			start, end, ok := -1, -1, true
			for k, sl := range ph.slots {
				prefix := ""
				if k == len(ph.slots)-1 {
					prefix = ph.prefix
				}
				s, e, found := matchSlot(toks, at[p+k], sl, ph.whole, prefix)
				if !found {
					ok = false
					break
				}
				if k == 0 {
					start = s
				}
				end = e
			}
			if ok && end > start {
				spans = append(spans, span{base + start, base + end, pi})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	return spans
}

// matchSlot looks for a token at one position that the slot accepts (or, with prefix,
// that starts with prefix), and returns the text it stands for: a bigram accepted for its
// first character stands for that character alone.
func matchSlot(toks []analysis.Token, idx []int, sl analysis.Slot, whole bool, prefix string) (start, end int, ok bool) {
	for _, i := range idx {
		t := toks[i]
		term := string(t.Term)
		if whole {
			c := sl.Terms[0]
			if strings.HasPrefix(term, c) {
				if t.Double {
					return t.Start, t.Start + len(c), true
				}
				return t.Start, t.End, true
			}
			continue
		}
		for _, want := range sl.Terms {
			if term == want {
				return t.Start, t.End, true
			}
		}
		if sl.Prefix != "" && t.Double && strings.HasPrefix(term, sl.Prefix) {
			return t.Start, t.Start + len(sl.Prefix), true
		}
		if prefix != "" && !t.Double && !t.Single && !t.Mark && strings.HasPrefix(term, prefix) {
			return t.Start, t.End, true
		}
	}
	return 0, 0, false
}

// cutRunes returns the byte offset n runes after from (or the end).
func cutRunes(s string, from, n int) int {
	i := from
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// backRunes returns the byte offset n runes before at (or 0).
func backRunes(s string, at, n int) int {
	i := at
	for k := 0; k < n && i > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// render escapes text[ws:we], marks the spans inside it, and adds ellipses where it cuts.
func render(text string, ws, we int, spans []span) string {
	var b strings.Builder
	if ws > 0 {
		b.WriteString("…")
	}
	pos := ws
	for i := 0; i < len(spans); i++ {
		s, e := max(spans[i].start, pos), min(spans[i].end, we)
		for i+1 < len(spans) && spans[i+1].start <= e { // merge overlapping matches
			i++
			e = max(e, min(spans[i].end, we))
		}
		if s >= e {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		pos = e
	}
	b.WriteString(html.EscapeString(text[pos:we]))
	if we < len(text) {
		b.WriteString("…")
	}
	return b.String()
}
