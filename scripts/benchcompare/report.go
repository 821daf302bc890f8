package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"folio/scripts/benchkit"
)

// figures is what one engine measured over the queries.
type figures struct {
	coldKB, coldMs []float64 // per cold query: bytes sent (kB, as served) and time to 10 hits
	warmMs         []float64 // per query: its first run in a warm page
	floorMs        []float64 // per query: the same data files fetched all at once, no work
	files          []float64 // per query: data files its warm first run fetched
	recall         tally
}

// summary is the closing JSON line of bench-compare; the field order is the line's.
type summary struct {
	Posts             int     `json:"posts"`
	FolioColdKBP50    float64 `json:"folio_cold_kB_p50"`
	PagefindColdKBP50 float64 `json:"pagefind_cold_kB_p50"`
	FolioColdMsP50    float64 `json:"folio_cold_ms_p50"`
	PagefindColdMsP50 float64 `json:"pagefind_cold_ms_p50"`
	FolioWarmMsP50    float64 `json:"folio_warm_ms_p50"`
	PagefindWarmMsP50 float64 `json:"pagefind_warm_ms_p50"`
	FolioWarmMsP95    float64 `json:"folio_warm_ms_p95"`
	PagefindWarmMsP95 float64 `json:"pagefind_warm_ms_p95"`
	FolioRecall       float64 `json:"folio_recall"`
	PagefindRecall    float64 `json:"pagefind_recall"`
}

// summarize makes the JSON line's figures: milliseconds and kB to 0.1, recall to 0.0001.
func summarize(posts int, f, p figures) summary {
	r1 := func(x float64) float64 { return math.Round(x*10) / 10 }
	r4 := func(x float64) float64 { return math.Round(x*1e4) / 1e4 }
	return summary{
		Posts:             posts,
		FolioColdKBP50:    r1(benchkit.Pct(f.coldKB, 50)),
		PagefindColdKBP50: r1(benchkit.Pct(p.coldKB, 50)),
		FolioColdMsP50:    r1(benchkit.Pct(f.coldMs, 50)),
		PagefindColdMsP50: r1(benchkit.Pct(p.coldMs, 50)),
		FolioWarmMsP50:    r1(benchkit.Pct(f.warmMs, 50)),
		PagefindWarmMsP50: r1(benchkit.Pct(p.warmMs, 50)),
		FolioWarmMsP95:    r1(benchkit.Pct(f.warmMs, 95)),
		PagefindWarmMsP95: r1(benchkit.Pct(p.warmMs, 95)),
		FolioRecall:       r4(f.recall.recall()),
		PagefindRecall:    r4(p.recall.recall()),
	}
}

// jsonLine is the summary as one line of JSON. A figure that could not be measured (NaN)
// is written as null rather than failing the whole line.
func (s summary) jsonLine() string {
	b, err := json.Marshal(s)
	if err == nil {
		return string(b)
	}
	// encoding/json refuses NaN: go through a map of the same fields, in the same order.
	fields := []struct {
		k string
		v float64
	}{
		{"folio_cold_kB_p50", s.FolioColdKBP50}, {"pagefind_cold_kB_p50", s.PagefindColdKBP50},
		{"folio_cold_ms_p50", s.FolioColdMsP50}, {"pagefind_cold_ms_p50", s.PagefindColdMsP50},
		{"folio_warm_ms_p50", s.FolioWarmMsP50}, {"pagefind_warm_ms_p50", s.PagefindWarmMsP50},
		{"folio_warm_ms_p95", s.FolioWarmMsP95}, {"pagefind_warm_ms_p95", s.PagefindWarmMsP95},
		{"folio_recall", s.FolioRecall}, {"pagefind_recall", s.PagefindRecall},
	}
	out := fmt.Sprintf(`{"posts":%d`, s.Posts)
	for _, f := range fields {
		v := "null"
		if !math.IsNaN(f.v) && !math.IsInf(f.v, 0) {
			b, _ := json.Marshal(f.v)
			v = string(b)
		}
		out += fmt.Sprintf(`,%q:%s`, f.k, v)
	}
	return out + "}"
}

// sayer prints a report's lines to w; a report that cannot be printed has nowhere to say
// so, so its errors are dropped.
func sayer(w io.Writer) func(format string, a ...any) {
	return func(format string, a ...any) { _, _ = fmt.Fprintf(w, format, a...) }
}

// printFigures prints each figure: Folio's, Pagefind's and their ratio, with the goal
// where the issue sets one.
func printFigures(w io.Writer, f, p figures) {
	say := sayer(w)
	row := func(name string, fv, pv float64, unit, goal string) {
		say("%-26s %10.1f %10.1f %8.2f×  %s\n", name+" ("+unit+")", fv, pv, fv/pv, goal)
	}
	say("%-26s %10s %10s %9s\n", "figure", "Folio", "Pagefind", "ratio")
	row("cold bytes p50", benchkit.Pct(f.coldKB, 50), benchkit.Pct(p.coldKB, 50), "kB", "goal ≤ 1.00×")
	row("cold bytes p95", benchkit.Pct(f.coldKB, 95), benchkit.Pct(p.coldKB, 95), "kB", "")
	row("cold time p50", benchkit.Pct(f.coldMs, 50), benchkit.Pct(p.coldMs, 50), "ms", "")
	row("cold time p95", benchkit.Pct(f.coldMs, 95), benchkit.Pct(p.coldMs, 95), "ms", "")
	row("warm 1st run p50", benchkit.Pct(f.warmMs, 50), benchkit.Pct(p.warmMs, 50), "ms", "goal ≤ 0.50×")
	row("warm 1st run p95", benchkit.Pct(f.warmMs, 95), benchkit.Pct(p.warmMs, 95), "ms", "")
	printFloor(say, f, p)
	fr, pr := f.recall.recall(), p.recall.recall()
	say("%-26s %9.2f%% %9.2f%% %8.2f×  goal 100%%\n", "recall (substring truth)", 100*fr, 100*pr, fr/pr)
	say("%-26s %10d %10d\n", "  posts found / of truth", f.recall.found, p.recall.found)
	say("%-26s %10d %10d   (truth: %d)\n", "  posts found outside it", f.recall.extra, p.recall.extra, f.recall.want)
}

// printWarm prints the warm first runs alone (-only warm).
func printWarm(w io.Writer, f, p figures) {
	say := sayer(w)
	say("%-26s %10s %10s %9s\n", "figure", "Folio", "Pagefind", "ratio")
	for _, q := range []float64{50, 95} {
		fv, pv := benchkit.Pct(f.warmMs, q), benchkit.Pct(p.warmMs, q)
		goal := ""
		if q == 50 {
			goal = "goal ≤ 0.50×"
		}
		say("%-26s %10.1f %10.1f %8.2f×  %s\n", fmt.Sprintf("warm 1st run p%.0f (ms)", q), fv, pv, fv/pv, goal)
	}
	printFloor(say, f, p)
}

// printFloor prints each engine's fetch floor for its warm first runs (the same data files
// fetched all at once in the same page, no work) and the files they fetched, and what the
// floor leaves of the warm goal: Folio's floor against Pagefind's warm time. Above 0.5×,
// no amount of work saved reaches the goal; only fewer or cheaper requests can.
func printFloor(say func(string, ...any), f, p figures) {
	ff, pf := benchkit.Pct(f.floorMs, 50), benchkit.Pct(p.floorMs, 50)
	say("%-26s %10.1f %10.1f %8.2f×\n", "warm fetch floor p50 (ms)", ff, pf, ff/pf)
	say("%-26s %10.1f %10.1f %8.2f×\n", "warm files fetched p50", benchkit.Pct(f.files, 50), benchkit.Pct(p.files, 50), benchkit.Pct(f.files, 50)/benchkit.Pct(p.files, 50))
	pw := benchkit.Pct(p.warmMs, 50)
	say("%-26s %10.1f %10s %8.2f×  (Folio's floor p50 / Pagefind's warm 1st run p50)\n", "floor vs Pagefind's warm", ff, "", ff/pw)
}
