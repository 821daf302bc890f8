package memo

import (
	"bytes"
	"testing"

	"folio/internal/search/analysis"
)

// TestAnalysisCacheRoundTrip checks that a cached analysis gives back exactly what
// analysis.Analyze gives, for texts whose terms the text spells and texts where the
// analyzer changes them (case, full-width forms).
func TestAnalysisCacheRoundTrip(t *testing.T) {
	for _, text := range []string{
		"", "新能源汽车板块今日上涨", "Analysts SAID shares rose 12.5% today",
		"ＡＢＣ全角１２３和ｶﾀｶﾅ混排", "数字金融 Digital-Finance 持续发展，项目总投资100万元。科创50上涨0.19%",
		"한국어 텍스트와 日本語のテキスト", "e\u0301 café Straße",
	} {
		want, wantN := analysis.Analyze([]byte(text))
		got, n, err := decodeTokens(text, encodeTokens(text, want, wantN))
		if err != nil || n != wantN || len(got) != len(want) {
			t.Errorf("%q: decoded %d tokens (n %d, err %v), want %d (n %d)", text, len(got), n, err, len(want), wantN)
			continue
		}
		for i := range want {
			if !bytes.Equal(got[i].Term, want[i].Term) || got[i].Pos != want[i].Pos || got[i].Start != want[i].Start ||
				got[i].End != want[i].End || got[i].Mark != want[i].Mark || got[i].Single != want[i].Single || got[i].Double != want[i].Double {
				t.Errorf("%q: token %d = %+v, want %+v", text, i, got[i], want[i])
			}
		}
	}
}
