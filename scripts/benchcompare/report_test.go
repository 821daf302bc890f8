package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// The closing line carries exactly the keys, in its order, with rounded figures.
func TestJSONLine(t *testing.T) {
	f := figures{coldKB: []float64{100, 300, 200}, coldMs: []float64{150, 250}, warmMs: []float64{10, 20, 30, 40}, recall: tally{want: 4, found: 4}}
	p := figures{coldKB: []float64{400}, coldMs: []float64{350.04}, warmMs: []float64{80, 90.06}, recall: tally{want: 4, found: 3, extra: 7}}
	line := summarize(10000, f, p).jsonLine()
	if strings.Contains(line, "\n") {
		t.Fatalf("not one line: %q", line)
	}
	want := `{"posts":10000,"folio_cold_kB_p50":200,"pagefind_cold_kB_p50":400,"folio_cold_ms_p50":150,"pagefind_cold_ms_p50":350,` +
		`"folio_warm_ms_p50":20,"pagefind_warm_ms_p50":80,"folio_warm_ms_p95":40,"pagefind_warm_ms_p95":90.1,"folio_recall":1,"pagefind_recall":0.75}`
	if line != want {
		t.Errorf("line\n%s\nwant\n%s", line, want)
	}
}

// A figure that could not be measured is null, and the line stays valid JSON.
func TestJSONLineWithoutAFigure(t *testing.T) {
	s := summarize(1000, figures{warmMs: []float64{5}}, figures{warmMs: []float64{9}})
	if !math.IsNaN(s.FolioColdKBP50) {
		t.Fatalf("cold kB of no cold runs = %v, want NaN", s.FolioColdKBP50)
	}
	line := s.jsonLine()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if v, ok := m["folio_cold_kB_p50"]; !ok || v != nil {
		t.Errorf("folio_cold_kB_p50 = %v (present %v), want null", v, ok)
	}
	if m["folio_warm_ms_p50"] != 5.0 || len(m) != 11 {
		t.Errorf("line %s: want folio_warm_ms_p50 5 and 11 keys", line)
	}
	if !strings.HasPrefix(line, `{"posts":1000,"folio_cold_kB_p50":null,"pagefind_cold_kB_p50":null,`) {
		t.Errorf("keys out of order: %s", line)
	}
}
