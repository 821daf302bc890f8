package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

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

// requestLog records the data requests the server answers while it is on.
type requestLog struct {
	mu   sync.Mutex
	on   bool
	list []fetched
}

func (l *requestLog) start() { l.mu.Lock(); l.on, l.list = true, nil; l.mu.Unlock() }

// stop turns the log off and returns what it recorded.
func (l *requestLog) stop() []fetched {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.list
}

func (l *requestLog) add(f fetched) {
	l.mu.Lock()
	if l.on {
		l.list = append(l.list, f)
	}
	l.mu.Unlock()
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

// floor fetches urls from the page all at once (no-store: from the server, as the
// search did; the same files, so the same sizes and encodings), reads each body, and
// returns the time until the last one is in, in ms. No files cost nothing.
func floor(ctx context.Context, list []string) (float64, error) {
	if len(list) == 0 {
		return 0, nil
	}
	uj, _ := json.Marshal(list)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return chromedp.Run(tctx, chromedp.Evaluate[float64](fmt.Sprintf(`(async (urls) => {
  const t0 = performance.now();
  await Promise.all(urls.map((u) => fetch(u, {cache: 'no-store'}).then((r) => r.arrayBuffer())));
  return performance.now() - t0;
})(%s)`, uj), chromedp.EvalAwaitPromise))
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
