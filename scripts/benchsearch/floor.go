package main

import (
	"fmt"
	"strings"

	"folio/scripts/benchkit"
)

// The fetch floor: what the files a search fetched cost the same page when fetched all
// at once and doing nothing with them. A search cannot be faster than its fetches; what
// it takes beyond the floor is its own work (and its rounds of fetches, which the floor
// does not have: it fetches everything in one round).

// fetched is one data file a search fetched, as the server saw the request.
type fetched struct {
	url   string // path and query, as requested
	bytes int64  // as written (compressed where served so)
}

// shardURLs are the post shards (data/p/) among files: what showing the hits fetched.
func shardURLs(files []fetched) []string {
	var out []string
	for _, f := range files {
		if strings.HasPrefix(f.url, "/data/p/") {
			out = append(out, f.url)
		}
	}
	return out
}

func urls(files []fetched) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.url
	}
	return out
}

// floorRun is one warm first run beside its floors.
type floorRun struct {
	ms, floor     float64 // the search; all its files at once
	hits, hitsFlr float64 // showing its hits (Timing.Hits); their shards at once
	files         int
	kB            float64
}

// printFloor prints the warm first runs beside their fetch floors (runs[0], the warm-up
// query, left out as in printWarm), and the time to show the hits beside their fetches.
func printFloor(runs []floorRun) {
	if len(runs) < 2 {
		return
	}
	runs = runs[1:]
	var ms, fl, over, hits, hf, files, kB []float64
	for _, r := range runs {
		ms, fl, over = append(ms, r.ms), append(fl, r.floor), append(over, r.ms-r.floor)
		hits, hf = append(hits, r.hits), append(hf, r.hitsFlr)
		files, kB = append(files, float64(r.files)), append(kB, r.kB)
	}
	p := benchkit.Pct
	fmt.Printf("fetch floor:        p50 %.1f ms, p95 %.1f ms (the same page fetching each query's files at once, doing no work; p50 %.0f files, %.1f kB)\n",
		p(fl, 50), p(fl, 95), p(files, 50), p(kB, 50))
	fmt.Printf("  warm vs floor:    p50 %.1f vs %.1f ms: +%.1f ms (goal at 100k: ≤ +10); p95 %.1f vs %.1f ms: %.2f× (goal at 100k: ≤ 2×); per query, warm − floor p50 %.1f ms\n",
		p(ms, 50), p(fl, 50), p(ms, 50)-p(fl, 50), p(ms, 95), p(fl, 95), p(ms, 95)/p(fl, 95), p(over, 50))
	fmt.Printf("  show 10 hits:     p50 %.1f ms, p95 %.1f ms; their shards fetched at once p50 %.1f ms, p95 %.1f ms: %.2f× at p50 (goal ≤ 1.3×)\n",
		p(hits, 50), p(hits, 95), p(hf, 50), p(hf, 95), p(hits, 50)/p(hf, 50))
}
