// Command benchsearch measures full-text search in real headless Chromium: per query, the
// time and bytes of a cold search (wasm module cached, search data not), warm query times
// beside their fetch floor (the same files fetched at once by the same page, doing no
// work; floor.go), the renderer's memory after 20 queries (in a fresh browser, beside a
// blank page's), and a fully cold first search (empty profile).
//
//	go run ./scripts/benchsearch -site DIR -queries FILE [-needles FILE] [-label NAME] [-only warm|memory|abuse|paging]
//	go run ./scripts/benchsearch -edge WORKER_DIR|-url URL -queries FILE [-needles FILE] [-label NAME]
//
// DIR is a site written by `bin/folio build`. FILE is JSON: a list of strings, a list of
// objects with a "query" field, or an object with such a list under "queries"; -needles
// takes gencorpus's needles.json and adds its "query" fields. The test server sends
// `Cache-Control: no-store` for data/ files, so the browser's HTTP cache never keeps them,
// and answers 404 for sw.js, so no service worker caches them either; app/ and the page
// stay cacheable. Bytes are counted by the server as written (compressed).
//
// With -edge or -url it measures only the warm first runs, with the site served by a host
// that answers the archive API (the Cloudflare Worker under wrangler dev, or folio serve):
// the viewer then sends a new search as one request to /api/search (edge.go).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"folio/scripts/benchkit"
	"folio/scripts/chrome"

	"folio/internal/post"
	"folio/internal/server"
)

var chromium string

// trustedSPKI is, with -h2, the benchmark server's key for Chromium to trust (h2.go).
var trustedSPKI string

// askPrefix makes every search one typed so far (folio.search's prefix option: type-ahead).
var askPrefix bool

func main() {
	dir := flag.String("site", "", "built site folder (required)")
	qfile := flag.String("queries", "", "JSON file of queries (required)")
	nfile := flag.String("needles", "", "gencorpus needles.json: add its queries")
	posts := flag.String("posts", "", "the posts folder the site was built from: check each query's total against substring truth")
	label := flag.String("label", "", "name printed above the table")
	only := flag.String("only", "", "measure one thing, quickly: warm (warm query times, per query), memory, abuse (broad and over-limit queries) or paging (every hit of every query, 500 asked at a time, then memory)")
	flag.StringVar(&chromium, "chromium", chrome.Path, "Chromium binary")
	compress := flag.Bool("compress", false, "the site has no .br copies of its data files (built for a host that compresses): count each data file as brotli 5 (a host compressing on the fly), compressed here before its first answer (its times then include that work: read the bytes, not the cold times)")
	edgeDir := flag.String("edge", "", "a Worker folder written by folio worker: run it under wrangler dev (scripts/edge) and measure warm first runs through it (the viewer's one-request search); -site is then not needed")
	edgeURL := flag.String("url", "", "like -edge, for a host already serving the site and its API at this URL (folio serve, wrangler dev)")
	cpuprofile := flag.String("cpuprofile", "", "with -only warm: write a CPU profile of the viewer's worker over the warm first runs to this file, and print its top functions")
	h2 := flag.Bool("h2", false, "serve the site over HTTPS with HTTP/2, as static hosts and CDNs do (Chromium trusts the benchmark's own certificate), instead of plain HTTP/1.1, where Chromium opens at most 6 connections to the host")
	flag.BoolVar(&askPrefix, "prefix", false, "ask each query as typed so far (type-ahead: the last Latin word or number is a prefix); -posts is then ignored")
	flag.Parse()
	if askPrefix {
		*posts = "" // substring truth does not apply to prefixes
	}
	switch *only {
	case "", "warm", "memory", "abuse", "paging":
	default:
		fail("-only takes warm, memory, abuse or paging")
	}
	if (*edgeDir != "" || *edgeURL != "") && *qfile != "" {
		queries := readQueries(*qfile, *nfile)
		runEdgeWarm(*edgeDir, strings.TrimSuffix(*edgeURL, "/"), *label, queries)
		return
	}
	if *dir == "" || *qfile == "" {
		fmt.Fprintln(os.Stderr, "usage: benchsearch -site DIR -queries FILE [-needles FILE] [-label NAME]")
		os.Exit(2)
	}
	if _, err := os.Stat(filepath.Join(*dir, "index.html")); err != nil {
		fail("%s has no index.html: build a site first", *dir)
	}
	queries := readQueries(*qfile, *nfile)
	if len(queries) == 0 {
		fail("no queries in %s", *qfile)
	}
	if *label == "" {
		*label = filepath.Base(*dir)
	}

	var needles []needle
	if *nfile != "" {
		var err error
		if needles, err = readNeedles(*nfile); err != nil {
			fail("%v", err)
		}
	}

	var files fs.FS = os.DirFS(*dir)
	if *compress {
		files = &hostCompressed{FS: files}
		fmt.Printf("data files counted as brotli %d, compressed by the benchmark (the site has no copies)\n", hostQuality)
	}
	c := &counter{h: server.Handler(files)}
	srv := httptest.NewUnstartedServer(c)
	if *h2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
		trustedSPKI = spki(srv.Certificate())
		fmt.Println("served over HTTPS with HTTP/2")
	} else {
		srv.Start()
	}
	defer srv.Close()
	url := srv.URL + "/"

	// Fully cold first: a brand-new profile per query, nothing cached.
	nFull := min(3, len(queries))
	if *only == "memory" {
		mem, err := measureMemory(url, queries[:min(20, len(queries))])
		if err != nil {
			fail("memory: %v", err)
		}
		printMemory(mem, min(20, len(queries)))
		return
	}
	if *only == "abuse" || *only == "paging" {
		ctx, done, err := newBrowser()
		if err != nil {
			fail("starting Chromium: %v", err)
		}
		defer done()
		if *only == "abuse" {
			err = runAbuse(ctx, url)
		} else {
			err = runPaging(ctx, url, queries, 500)
		}
		if err != nil {
			fail("%s: %v", *only, err)
		}
		return
	}
	if *only != "" {
		nFull = 0
	}
	var full []fullCold
	for _, q := range queries[:nFull] {
		f, err := runFullyCold(c, url, q)
		if err != nil {
			fail("fully cold %q: %v", q, err)
		}
		full = append(full, f)
	}

	ctx, done, err := newBrowser()
	if err != nil {
		fail("starting Chromium: %v", err)
	}
	defer done()
	// Warm the HTTP cache with the page and the wasm module.
	if err := load(ctx, url); err != nil {
		fail("first load: %v", err)
	}

	// Cold queries: a fresh page (fresh Go instance) for each.
	type row struct {
		q                 string
		res               searchResult
		searchKB, shardKB float64
	}
	var rows []row
	for _, q := range queries {
		if *only != "" {
			break
		}
		if err := load(ctx, url); err != nil {
			fail("loading for %q: %v", q, err)
		}
		c.reset()
		res, err := search(ctx, q, false)
		if err != nil {
			fail("cold %q: %v", q, err)
		}
		rows = append(rows, row{q, res, float64(c.search.Load()) / 1e3, float64(c.shard.Load()) / 1e3})
	}

	// Warm times in one page: each query's first run in a page that has searched before
	// (new data may be fetched), then repeats. folio.js keeps recent answers, so a plain
	// repeat costs nothing; repeats with a cache-busting parameter make the worker search
	// again over the data it already holds.
	if err := load(ctx, url); err != nil {
		fail("loading for warm queries: %v", err)
	}
	// Each run is followed by its fetch floors, in the same page (floor.go).
	var first []float64
	var floors []floorRun
	phases := map[string][]float64{}
	var prof *workerProfiler
	for i, q := range queries {
		c.log.Start()
		res, err := search(ctx, q, false)
		files := c.log.Stop()
		if err != nil {
			fail("warm-up %q: %v", q, err)
		}
		if i == 0 && *cpuprofile != "" {
			time.Sleep(500 * time.Millisecond) // the route tables, fetched and decoded after the first search
			if prof, err = startWorkerProfile(ctx); err != nil {
				fail("%v", err)
			}
		}
		first = append(first, res.Ms)
		fr := floorRun{ms: res.Ms, hits: res.Timing["hits"], files: len(files)}
		for _, f := range files {
			fr.kB += float64(f.bytes) / 1e3
		}
		if i == 0 {
			time.Sleep(500 * time.Millisecond) // the route tables a page fetches after its first search
		}
		if fr.floor, err = benchkit.FetchFloor(ctx, urls(files)); err == nil {
			fr.hitsFlr, err = benchkit.FetchFloor(ctx, shardURLs(files))
		}
		if err != nil {
			fail("fetch floor of %q: %v", q, err)
		}
		floors = append(floors, fr)
		if *only != "" {
			fmt.Printf("%s %8d %7.1f ms: route %.1f, fetch %.1f, match %.1f, hits %.1f; floor %.1f ms (%d files, %.1f kB), hits' floor %.1f\n", pad(q, 28), res.Total, res.Ms,
				res.Timing["route"], res.Timing["fetch"], res.Timing["match"], res.Timing["hits"], fr.floor, fr.files, fr.kB, fr.hitsFlr)
		}
		if i > 0 {
			rest := res.Ms
			for _, k := range phaseNames {
				phases[k] = append(phases[k], res.Timing[k])
				rest -= res.Timing[k]
			}
			phases["other"] = append(phases["other"], rest)
		}
	}
	if prof != nil {
		// The profile includes the floors' fetches, which the worker takes no part in.
		if err := prof.stop(*cpuprofile, 40); err != nil {
			fail("profile: %v", err)
		}
	}
	if *only != "" {
		fmt.Printf("== %s: %d queries, warm only\n", *label, len(queries))
		printWarm(first, phases)
		printFloor(floors)
		return
	}
	var warm, repeat []float64
	for range 3 {
		for _, q := range queries {
			res, err := search(ctx, q, true)
			if err != nil {
				fail("warm %q: %v", q, err)
			}
			warm = append(warm, res.Ms)
			if res, err = search(ctx, q, false); err != nil {
				fail("repeat %q: %v", q, err)
			}
			repeat = append(repeat, res.Ms)
		}
	}

	// Memory: a fresh browser opens the page twice (the second visit is the usual one:
	// module cached), runs 20 queries, and the renderer is measured beside a blank page's.
	nMem := min(20, len(queries))
	mem, err := measureMemory(url, queries[:nMem])
	if err != nil {
		fail("memory: %v", err)
	}

	fmt.Printf("== %s: %d queries\n", *label, len(queries))
	fmt.Printf("%-28s %8s %6s %9s %11s %10s\n", "query", "total", "exact", "cold_ms", "search_kB", "shard_kB")
	var coldMs, coldKB []float64
	for _, r := range rows {
		fmt.Printf("%s %8d %6v %9.1f %11.1f %10.1f\n", pad(r.q, 28), r.res.Total, r.res.Exact, r.res.Ms, r.searchKB, r.shardKB)
		coldMs, coldKB = append(coldMs, r.res.Ms), append(coldKB, r.searchKB)
	}
	fmt.Printf("cold search:        p50 %.1f ms, p95 %.1f ms (fresh page per query, module cached)\n", benchkit.Pct(coldMs, 50), benchkit.Pct(coldMs, 95))
	fmt.Printf("cold search data:   p50 %.1f kB, max %.1f kB\n", benchkit.Pct(coldKB, 50), benchkit.Pct(coldKB, 100))
	printWarm(first, phases)
	printFloor(floors)
	fmt.Printf("warm, data held:    p50 %.1f ms, p95 %.1f ms (%d runs: the worker searches again over data it already holds)\n", benchkit.Pct(warm, 50), benchkit.Pct(warm, 95), len(warm))
	fmt.Printf("repeat:             p50 %.2f ms, p95 %.2f ms (the page's answer cache)\n", benchkit.Pct(repeat, 50), benchkit.Pct(repeat, 95))
	printMemory(mem, nMem)
	for _, f := range full {
		fmt.Printf("fully cold:         %s: first %d results at %.0f ms after navigation start, %.1f kB in all (search %.1f, shards %.1f, module+page %.1f)\n",
			f.q, f.hits, f.ms, f.total/1e3, f.search/1e3, f.shard/1e3, (f.total-f.search-f.shard)/1e3)
	}
	if len(needles) > 0 {
		fmt.Println("recall on the planted needles (every hit, exact matching), against the generator's truth:")
		checkNeedles(ctx, needles)
	}
	if *posts != "" {
		fmt.Println("query totals (exact matching) against substring truth over title + text of every post:")
		checkTotals(ctx, *posts, queries)
	}
}

// printMemory prints the renderer's memory at each step of measureMemory.
func printMemory(mem memResult, n int) {
	fmt.Printf("memory, blank page: %s\n", mem.blank)
	fmt.Printf("memory at ready:    %s (second visit, before any search)\n", mem.ready)
	fmt.Printf("memory after %d:    %s; Go heap %s\n", n, mem.after, mem.goHeap)
	fmt.Printf("memory, settled:    %s (30 s later, idle)\n", mem.settled)
}

// phaseNames are the phases of Result.Timing, in order.
var phaseNames = []string{"route", "fetch", "match", "hits"}

// printWarm prints the warm first runs (without the warm-up query) and their phases.
func printWarm(first []float64, phases map[string][]float64) {
	fmt.Printf("warm, 1st run:      p50 %.1f ms, p95 %.1f ms (each query's first run in a page that has searched before; new data fetched)\n", benchkit.Pct(first[1:], 50), benchkit.Pct(first[1:], 95))
	fmt.Printf("  its phases, p50:  route %.1f, fetch %.1f, match %.1f, hits %.1f ms; outside the search (messages, parsing) %.1f ms\n",
		benchkit.Pct(phases["route"], 50), benchkit.Pct(phases["fetch"], 50), benchkit.Pct(phases["match"], 50), benchkit.Pct(phases["hits"], 50), benchkit.Pct(phases["other"], 50))
}

// checkTotals counts, natively, the posts whose title and plain text contain every word of
// each query, and compares that with the total folio.search reports with exact matching.
func checkTotals(ctx context.Context, dir string, queries []string) {
	res, err := post.ReadAll(os.DirFS(dir), post.Config{}, nil)
	if err != nil {
		fail("reading %s: %v", dir, err)
	}
	texts := make([]string, len(res.Posts))
	for i, p := range res.Posts {
		texts[i] = strings.ToLower(p.Title + "\n" + post.PlainText(p.Body, p.Format))
	}
	same := 0
	for _, q := range queries {
		words := strings.Fields(strings.ToLower(q))
		truth := 0
		for _, t := range texts {
			all := true
			for _, w := range words {
				if !strings.Contains(t, w) {
					all = false
					break
				}
			}
			if all {
				truth++
			}
		}
		qj, _ := json.Marshal(q)
		tctx, cancel := context.WithTimeout(ctx, 300*time.Second)
		got, err := chromedp.Run(tctx, chromedp.Evaluate[int](fmt.Sprintf(`folio.search(%s, {limit: 1, exact: true}).then(r => r.total)`, qj), chromedp.EvalAwaitPromise))
		cancel()
		verdict := "same"
		switch {
		case err != nil:
			verdict = "error: " + err.Error()
		case got != truth:
			verdict = "DIFFERS"
		default:
			same++
		}
		fmt.Printf("%s truth %6d  folio %6d  %s\n", pad(q, 28), truth, got, verdict)
	}
	fmt.Printf("query totals equal to substring truth: %d of %d\n", same, len(queries))
}

// stop ends what runEdgeWarm started (wrangler dev), when benchsearch fails.
var stop = func() {}

func fail(format string, args ...any) {
	stop()
	fmt.Fprintf(os.Stderr, "benchsearch: "+format+"\n", args...)
	os.Exit(1)
}

// counter counts response bytes by path: data/s/ (search), data/p/ (post shards), other.
type counter struct {
	h                    http.Handler
	search, shard, other atomic.Int64
	log                  benchkit.Log[fetched] // data/ requests, for the fetch floor
}

func (c *counter) reset() { c.search.Store(0); c.shard.Store(0); c.other.Store(0) }

func (c *counter) total() int64 { return c.search.Load() + c.shard.Load() + c.other.Load() }

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/sw.js" { // no service worker: it would keep data/ in Cache Storage
		http.NotFound(w, r)
		return
	}
	n := &c.other
	switch {
	case strings.HasPrefix(p, "/data/s/"):
		n = &c.search
	case strings.HasPrefix(p, "/data/p/"):
		n = &c.shard
	}
	cw := &countingWriter{ResponseWriter: w, n: n, noStore: strings.HasPrefix(p, "/data/")}
	c.h.ServeHTTP(cw, r)
	if cw.noStore {
		c.log.Add(fetched{url: r.URL.RequestURI(), bytes: cw.own})
	}
}

type countingWriter struct {
	http.ResponseWriter
	n       *atomic.Int64
	own     int64 // this response's bytes
	noStore bool
	wrote   bool
}

func (w *countingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if w.noStore {
			w.Header().Set("Cache-Control", "no-store")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	w.n.Add(int64(len(p)))
	w.own += int64(len(p))
	return w.ResponseWriter.Write(p)
}

func newBrowser() (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "benchsearch-")
	if err != nil {
		return nil, nil, err
	}
	opts := chrome.Options(chromium, profile, 1200, 900)
	if trustedSPKI != "" {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", trustedSPKI))
	}
	ctx, closeBrowser, err := chrome.Start(opts)
	if err != nil {
		_ = os.RemoveAll(profile) // a temporary profile: best effort
		return nil, nil, err
	}
	return ctx, func() { closeBrowser(); _ = os.RemoveAll(profile) }, nil
}

// load navigates to the page (a fresh document and Go instance), awaits folio.ready and
// lets the page's own start-up requests settle.
func load(ctx context.Context, url string) error {
	tctx, cancel := context.WithTimeout(ctx, 180*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`folio.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return fmt.Errorf("folio.ready: %w", err)
	}
	time.Sleep(300 * time.Millisecond)
	return nil
}

// needle is a planted search needle of gencorpus with the exact files that contain it.
type needle struct {
	Name  string   `json:"name"`
	Query string   `json:"query"`
	Files []string `json:"files"`
}

func readNeedles(file string) ([]needle, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var v struct{ Needles []needle }
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return v.Needles, nil
}

// checkNeedles pages through every hit of each needle's query and compares the files with
// the needle's list: recall and precision against the generator's truth.
func checkNeedles(ctx context.Context, needles []needle) {
	for _, n := range needles {
		qj, _ := json.Marshal(n.Query)
		expr := fmt.Sprintf(`(async () => {
  const files = [];
  for (let offset = 0; ; offset += 100) {
    const r = await folio.search(%s, {limit: 100, offset, exact: true});
    for (const h of r.hits) files.push(h.file);
    if (r.hits.length === 0 || files.length >= r.total) return files;
  }
})()`, qj)
		tctx, cancel := context.WithTimeout(ctx, 300*time.Second)
		got, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](expr, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			fmt.Printf("needle %-14s %s: error %v\n", n.Name, n.Query, err)
			continue
		}
		want := map[string]bool{}
		for _, f := range n.Files {
			want[f] = true
		}
		missing, extra := len(want), 0
		for _, f := range got {
			if want[f] {
				missing--
				delete(want, f)
			} else {
				extra++
			}
		}
		verdict := "exact"
		if missing > 0 || extra > 0 {
			verdict = "DIFFERS"
		}
		fmt.Printf("needle %-14s %-12s expected %5d, found %5d, missing %d, extra %d: %s\n", n.Name, n.Query, len(n.Files), len(got), missing, extra, verdict)
	}
}

type searchResult struct {
	Ms     float64            `json:"ms"`
	Total  int                `json:"total"`
	Exact  bool               `json:"exact"`
	Hits   int                `json:"hits"`
	Timing map[string]float64 `json:"timing"`
}

// search runs a query for its first 10 results and times it; bust makes the URL unique,
// so that folio.js's answer cache cannot answer (the worker still holds its data).
func search(ctx context.Context, q string, bust bool) (searchResult, error) {
	tctx, cancel := context.WithTimeout(ctx, 180*time.Second)
	defer cancel()
	qj, _ := json.Marshal(q)
	call := fmt.Sprintf(`folio.search(%s, {limit: 10, prefix: %v})`, qj, askPrefix)
	if bust {
		call = fmt.Sprintf(`folio.request('/api/search?' + new URLSearchParams({q: %s, limit: 10, prefix: %q, n: ++window.__bust}))`, qj, map[bool]string{true: "1"}[askPrefix])
	}
	expr := fmt.Sprintf(`(async () => {
  window.__bust = window.__bust || 0;
  const t0 = performance.now();
  const r = await %s;
  return {ms: performance.now() - t0, total: r.total, exact: !!r.exact, hits: r.hits.length, timing: r.timing || {}};
})()`, call)
	return chromedp.Run(tctx, chromedp.Evaluate[searchResult](expr, chromedp.EvalAwaitPromise))
}

type fullCold struct {
	q                    string
	hits                 int
	ms                   float64
	total, search, shard float64
}

// runFullyCold opens the page in a brand-new profile and searches as soon as the page's
// scripts have run; the time is from navigation start to the first results.
func runFullyCold(c *counter, url, q string) (fullCold, error) {
	ctx, done, err := newBrowser()
	if err != nil {
		return fullCold{}, err
	}
	defer done()
	tctx, cancel := context.WithTimeout(ctx, 300*time.Second)
	defer cancel()
	qj, _ := json.Marshal(q)
	src := fmt.Sprintf(`addEventListener("DOMContentLoaded", () => {
  window.__bench = folio.search(%s, {limit: 10, prefix: %v}).then(r => ({ms: performance.now(), total: r.total, exact: !!r.exact, hits: r.hits.length}));
});`, qj, askPrefix)
	if _, err := chromedp.Call(tctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		return fullCold{}, err
	}
	c.reset()
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		return fullCold{}, err
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`!!window.__bench`, chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
		return fullCold{}, err
	}
	res, err := chromedp.Run(tctx, chromedp.Evaluate[searchResult](`window.__bench`, chromedp.EvalAwaitPromise))
	if err != nil {
		return fullCold{}, err
	}
	return fullCold{q: q, hits: res.Hits, ms: res.Ms, total: float64(c.total()), search: float64(c.search.Load()), shard: float64(c.shard.Load())}, nil
}

// memInfo is the memory of the largest renderer process (the page and its Web Worker live
// in one): its resident set, and the private part of it (anonymous pages: the page's own
// memory, what Chrome's task manager calls the memory footprint; the rest is mostly the
// browser's shared program and font files).
type memInfo struct{ rss, private float64 }

func (m memInfo) String() string {
	return fmt.Sprintf("renderer RSS %.1f MB, private %.1f MB", m.rss/1e6, m.private/1e6)
}

// memResult is what measureMemory saw.
type memResult struct {
	blank, ready, after, settled memInfo
	goHeap                       string
}

// measureMemory opens a blank page, then the viewer twice, in a brand-new browser, and runs
// queries; it reads the renderer's memory at each step and the Go runtime's figures.
func measureMemory(url string, queries []string) (memResult, error) {
	var r memResult
	ctx, done, err := newBrowser()
	if err != nil {
		return r, err
	}
	defer done()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		return r, err
	}
	time.Sleep(time.Second)
	r.blank = rendererMemory(ctx)
	for range 2 {
		if err := load(ctx, url); err != nil {
			return r, err
		}
	}
	time.Sleep(time.Second)
	r.ready = rendererMemory(ctx)
	for _, q := range queries {
		if _, err := search(ctx, q, false); err != nil {
			return r, fmt.Errorf("%q: %w", q, err)
		}
	}
	time.Sleep(time.Second)
	r.after = rendererMemory(ctx)
	// An idle worker's collector runs late: what the searches left behind (spent fetch
	// responses, mostly) is freed within about 15 s of idling.
	time.Sleep(30 * time.Second)
	r.settled = rendererMemory(ctx)
	m, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`folio.request('/api/memory?t=' + Date.now())`, chromedp.EvalAwaitPromise))
	r.goHeap = "n/a"
	if err == nil {
		r.goHeap = fmt.Sprintf("%.1f MB live, %.1f MB WebAssembly memory", m["heapBytes"]/1e6, m["sysBytes"]/1e6)
	}
	return r, nil
}

// readQueries reads the benchmark's queries, then the needles' when nfile is set; it ends
// the program on an error.
func readQueries(qfile, nfile string) []string {
	queries, err := benchkit.ReadQueries(qfile)
	if err != nil {
		fail("%v", err)
	}
	if nfile != "" {
		more, err := benchkit.ReadQueries(nfile)
		if err != nil {
			fail("%v", err)
		}
		queries = append(queries, more...)
	}
	return queries
}

// rendererMemory reads VmRSS and RssAnon of the largest of the browser's renderer
// processes.
func rendererMemory(ctx context.Context) memInfo {
	if rs := chrome.Renderers(ctx); len(rs) > 0 {
		return memInfo{rss: float64(rs[0].RSS), private: float64(rs[0].Anon)}
	}
	return memInfo{}
}

// pad pads s to w display columns, counting East Asian characters as two.
func pad(s string, w int) string {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}
