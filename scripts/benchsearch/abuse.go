package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// abusiveQueries are what a careless or hostile reader may type: very broad terms, many
// words, operators, and queries over the length limits (which must fail at once, clearly).
func abusiveQueries() []string {
	var ors []string
	for i := range 2000 {
		ors = append(ors, fmt.Sprintf("w%d", i))
	}
	return []string{
		"的", "a", "1", "e", "年", "的 是", "的 OR 是", "年 OR 月", "的 OR 是 OR 在 OR 了 OR 和",
		"a b c d e f g h i j k l m n o p", "-的", "title:的", "\"的\"",
		strings.Join(ors, " OR "),
		strings.Repeat("茶", 10000),
		strings.Repeat("(", 300) + "茶" + strings.Repeat(")", 300),
	}
}

// runAbuse runs each abusive query in a page that has searched before and prints its
// time and answer (total, or the error's code and message).
func runAbuse(ctx context.Context, url string) error {
	if err := load(ctx, url); err != nil {
		return err
	}
	// A page that has searched before, with its route tables loaded (they come 50 ms
	// after the first search), as a reader who types a second query has it.
	if _, err := search(ctx, "茶", false); err != nil {
		return err
	}
	time.Sleep(time.Second)
	fmt.Printf("%-40s %9s  %s\n", "query", "ms", "answer")
	worst := 0.0
	for _, q := range abusiveQueries() {
		qj, _ := json.Marshal(q)
		expr := fmt.Sprintf(`(async () => {
  const t0 = performance.now();
  try {
    const r = await folio.search(%s, {limit: 10});
    return {ms: performance.now() - t0, answer: 'total ' + r.total + (r.exact === false ? ' (not exact)' : '')};
  } catch (e) {
    return {ms: performance.now() - t0, answer: (e.code || 'error') + ': ' + e.message};
  }
})()`, qj)
		tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		r, err := chromedp.Run(tctx, chromedp.Evaluate[struct {
			Ms     float64
			Answer string
		}](expr, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			return fmt.Errorf("%.40q: %w", q, err)
		}
		worst = max(worst, r.Ms)
		fmt.Printf("%-40s %9.1f  %.100s\n", shorten(q, 38), r.Ms, r.Answer)
	}
	fmt.Printf("slowest: %.0f ms\n", worst)
	return nil
}

// runPaging pages through every hit of each query, `limit` at a time (the API caps it),
// in one page, and prints the renderer's memory at the end and its highest reading.
func runPaging(ctx context.Context, url string, queries []string, limit int) error {
	if err := load(ctx, url); err != nil {
		return err
	}
	peak := rendererMemory(ctx)
	pages, hits := 0, 0
	start := time.Now()
	for _, q := range queries {
		qj, _ := json.Marshal(q)
		for offset := 0; ; {
			expr := fmt.Sprintf(`folio.search(%s, {limit: %d, offset: %d}).then((r) => ({total: r.total, n: r.hits.length}))`, qj, limit, offset)
			tctx, cancel := context.WithTimeout(ctx, 120*time.Second)
			r, err := chromedp.Run(tctx, chromedp.Evaluate[struct{ Total, N int }](expr, chromedp.EvalAwaitPromise))
			cancel()
			if err != nil {
				return fmt.Errorf("%q at %d: %w", q, offset, err)
			}
			pages++
			hits += r.N
			offset += r.N
			if pages%50 == 0 {
				if m := rendererMemory(ctx); m.rss > peak.rss {
					peak = m
				}
			}
			if r.N == 0 || offset >= r.Total {
				break
			}
		}
	}
	end := rendererMemory(ctx)
	if end.rss > peak.rss {
		peak = end
	}
	fmt.Printf("paging: %d queries, %d pages of up to %d, %d hits in %.0f s\n", len(queries), pages, limit, hits, time.Since(start).Seconds())
	fmt.Printf("memory at the end:  %s\nmemory, highest:    %s (read every 50 pages)\n", end, peak)
	return nil
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
