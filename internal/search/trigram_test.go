package search

import (
	"slices"
	"testing"
)

// TestTrigramsInARow: a trigram term stands for three Han characters in a row, never for
// two bigrams that only follow each other in positions (across punctuation or a run's end).
func TestTrigramsInARow(t *testing.T) {
	var got []string
	toks, _ := analyze([]byte("净利润，净利，润色 利润A股票"))
	trigrams(toks, func(term string, pos int) { got = append(got, term) })
	want := []string{"净利" + TrigramMark + "润"} // 净利，润色: not in a row; 股票: two characters
	if !slices.Equal(got, want) {
		t.Errorf("trigrams: %q, want %q", got, want)
	}
}
