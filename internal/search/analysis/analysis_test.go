package analysis

import (
	"slices"
	"testing"
)

// TestTrigramsInARow: a gram term stands for three to MaxGram Han characters in a row,
// never for bigrams that only follow each other in positions (across punctuation or a
// run's end).
func TestTrigramsInARow(t *testing.T) {
	grams := func(text string, maxN int) []string {
		var got []string
		toks, _ := Analyze([]byte(text))
		Grams(toks, maxN, func(term []byte, pos, n int) { got = append(got, string(term)) })
		return got
	}
	if got, want := grams("净利润，净利，润色 利润A股票", 3), []string{"净利" + GramMark + "润"}; !slices.Equal(got, want) {
		t.Errorf("trigrams: %q, want %q", got, want) // 净利，润色: not in a row; 股票: two characters
	}
	m := GramMark
	want := []string{"新能" + m + "源", "能源" + m + "汽", "新能" + m + "源汽", "源汽" + m + "车", "能源" + m + "汽车", "新能" + m + "源汽车",
		"汽车" + m + "板", "源汽" + m + "车板", "能源" + m + "汽车板"}
	if got := grams("新能源汽车板，块", 5); !slices.Equal(got, want) {
		t.Errorf("grams of 新能源汽车板: %q, want %q", got, want)
	}
	if got := GramTerm([]string{"新能", "能源", "源汽", "汽车"}); got != "新能"+m+"源汽车" {
		t.Errorf("GramTerm: %q", got)
	}
}

// TestPhraseSlots checks the query side of analysis: what each word must match.
func TestPhraseSlots(t *testing.T) {
	cases := []struct {
		q     string
		want  string
		whole bool
	}{
		{"龙井", "[龙井]", false},
		{"新能源汽车", "[新能][能源][源汽][汽车]", false},
		{"茶", "[茶 茶·]+茶*", true},
		{"A股", "[a][股]+股*", false},
		{"股A", "[股 股·][a]", false},
		{"A股B", "[a][股][b]", false},
		{"5G网络", "[5g][网络]", false},
		{"沪深300", "[沪深][300]", false},
		{"12.3%", "[12.3]", false},
		{"ＱＸ7z9", "[qx7z9]", false},
		{"茶，龙井", "[茶 茶·][龙井]", false},
	}
	for _, c := range cases {
		slots, whole := PhraseSlots(c.q)
		got := ""
		for _, s := range slots {
			got += "["
			for i, t := range s.Terms {
				if i > 0 {
					got += " "
				}
				got += markString(t)
			}
			got += "]"
			if s.Prefix != "" {
				got += "+" + s.Prefix + "*"
			}
		}
		if got != c.want || whole != c.whole {
			t.Errorf("phraseSlots(%q) = %s (whole %v), want %s (whole %v)", c.q, got, whole, c.want, c.whole)
		}
	}
}

// markString shows the end mark as "·".
func markString(t string) string {
	if len(t) > 0 && t[len(t)-1] == EndMark[0] {
		return t[:len(t)-1] + "·"
	}
	return t
}
