// Command loadedge puts Folio's Cloudflare Worker under load in wrangler dev (workerd, on
// loopback, offline) and prints what it held up to:
//
//	go run ./scripts/loadedge -worker DIR -queries FILE [-needles FILE] [-clients 1,32] [-duration 30s]
//
// DIR is a folder written by `folio worker` (its site is the static assets). loadedge
// starts wrangler dev there itself (scripts/edge: wrangler from npm, pinned) and measures:
//   - start: wrangler ready (it serves the entry file), then the cold start: the first API
//     request (/api/site: the Go instance starts and opens the bundle);
//   - search, first run: each query once, in turn, in the fresh isolate (p50/p99), and
//     the phases of the search (route, fetch, match, hits) as each answer times them;
//   - static data files: post shards fetched as files, one at a time (what serving a data
//     file costs in wrangler dev, a floor under the API's figures);
//   - for /api/search (the queries in turn) and /api/post (posts spread over the archive,
//     in turn; the post page's data), at each number of clients, for the duration: req/s,
//     p50/p99 latency, errors (status ≠ 200 or a failed request);
//   - the isolate's Go memory (/api/memory) after each run;
//   - CPU per request: the workerd processes' CPU time (Go, the glue, and the runtime's
//     serving of the assets Go fetches) over the requests of a run (Linux /proc).
//
// The clients, wrangler (Node.js) and workerd share the machine's cores: req/s is a floor.
// workerd runs one isolate, single-threaded, as a Workers isolate is; it does not enforce
// Cloudflare's CPU limits, so latencies are wall time on this machine.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"folio/scripts/benchkit"
	"folio/scripts/edge"
)

func main() {
	dir := flag.String("worker", "", "a folder written by folio worker (required)")
	qfile := flag.String("queries", "", "JSON file of queries: a list, or {\"queries\": [...]} (required)")
	nfile := flag.String("needles", "", "gencorpus needles.json: add its queries")
	clientsFlag := flag.String("clients", "1,32", "numbers of concurrent clients, one run each")
	duration := flag.Duration("duration", 30*time.Second, "length of each run")
	posts := flag.Int("posts", 1000, "posts to ask for in /api/post runs (spread over the archive)")
	wlog := flag.String("wrangler-log", "", "write wrangler's output (with FOLIO_EDGE_DEBUG=1, the glue's line per request step) to this file at the end")
	tools := flag.String("tools", "scripts/edge", "the folder with wrangler's package.json (run from the repository root)")
	flag.Parse()
	if *dir == "" || *qfile == "" {
		fail("usage: loadedge -worker DIR -queries FILE [-needles FILE] [-clients 1,32] [-duration 30s]")
	}
	var clients []int
	for _, s := range strings.Split(*clientsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail("-clients: %q is not a number of clients", s)
		}
		clients = append(clients, n)
	}
	queries := readQueries(*qfile)
	if *nfile != "" {
		queries = append(queries, readQueries(*nfile)...)
	}

	wrangler, err := edge.Install(*tools)
	if err != nil {
		fail("%v", err)
	}
	w, err := edge.Start(wrangler, *dir)
	if err != nil {
		fail("%v", err)
	}
	defer w.Stop()
	stopWrangler = w.Stop
	if *wlog != "" {
		defer func() {
			if err := os.WriteFile(*wlog, []byte(w.Output()), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "loadedge:", err)
			}
		}()
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 60 * time.Second}

	start := time.Now()
	var site struct{ Posts int }
	if err := getJSON(c, w.URL+"/api/site", &site); err != nil {
		fail("cold start: %v", err)
	}
	cold := time.Since(start)
	fmt.Printf("edge: %s, %d posts; wrangler dev ready in %.1f s; cold start (first API request, /api/site) %s ms\n",
		*dir, site.Posts, w.Ready.Seconds(), ms(cold))
	printMemory(c, w.URL, "after start")

	searchURLs := make([]string, len(queries))
	for i, q := range queries {
		searchURLs[i] = w.URL + "/api/search?q=" + url.QueryEscape(q)
	}
	var first []time.Duration
	var phases [4][]float64 // route, fetch, match, hits (ms): each answer's own timing
	errs := 0
	cpu0 := workerdCPU(w)
	for _, u := range searchURLs {
		d, body, err := fetch(c, u)
		if err != nil {
			errs++
			fmt.Fprintf(os.Stderr, "first run %s: %v\n", u, err)
		}
		first = append(first, d)
		var r struct {
			Timing struct{ Route, Fetch, Match, Hits float64 }
		}
		if json.Unmarshal(body, &r) == nil {
			for i, v := range []float64{r.Timing.Route, r.Timing.Fetch, r.Timing.Match, r.Timing.Hits} {
				phases[i] = append(phases[i], v)
			}
		}
	}
	fmt.Printf("/api/search, first run of each of %d queries, one at a time: p50 %s ms, p99 %s ms, max %s ms, %d errors; workerd CPU %s ms per request\n",
		len(queries), ms(pct(first, 50)), ms(pct(first, 99)), ms(slices.Max(first)), errs, ms((workerdCPU(w)-cpu0)/time.Duration(len(first))))
	if len(phases[0]) > 0 {
		// The Worker's clock moves only across I/O, in whole milliseconds: the phases are coarse.
		fmt.Print("  the answers' phases (ms, p50 / mean):")
		for i, name := range []string{"route", "fetch", "match", "hits"} {
			fmt.Printf(" %s %.0f / %.1f", name, benchkit.Pct(phases[i], 50), mean(phases[i]))
		}
		fmt.Println()
	}
	printMemory(c, w.URL, "after the first runs")

	staticFiles(c, w, *dir)

	postURLs, pageURLs := postSample(c, w.URL, site.Posts, *posts)
	fmt.Printf("\n| run | clients | req/s | p50 ms | p99 ms | errors | workerd CPU ms/request | Go heap MB | Go sys MB |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, run := range []struct {
		name string
		urls []string
	}{{"/api/search", searchURLs}, {"/api/post", postURLs}, {"post page (server-rendered, at its permalink)", pageURLs}} {
		for _, n := range clients {
			cpu0 := workerdCPU(w)
			r := load(c, run.urls, n, *duration)
			cpu := (workerdCPU(w) - cpu0) / time.Duration(max(1, len(r.times)+r.errors))
			heap, sys := memory(c, w.URL)
			fmt.Printf("| %s | %d | %.1f | %s | %s | %d | %s | %.1f | %.1f |\n", run.name, n, float64(len(r.times))/r.wall.Seconds(),
				ms(pct(r.times, 50)), ms(pct(r.times, 99)), r.errors, ms(cpu), heap, sys)
		}
	}
}

// result is one load run: every request's time, the errors and the run's wall time.
type result struct {
	times  []time.Duration
	errors int
	wall   time.Duration
}

// load runs n clients for d, each asking for urls in turn (from its own starting point).
func load(c *http.Client, urls []string, n int, d time.Duration) result {
	var mu sync.Mutex
	var res result
	var next atomic.Int64
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var times []time.Duration
			errs := 0
			for time.Now().Before(stop) {
				u := urls[int(next.Add(1))%len(urls)]
				t, _, err := fetch(c, u)
				if err != nil {
					errs++
					noteError(err)
					continue
				}
				times = append(times, t)
			}
			mu.Lock()
			res.times = append(res.times, times...)
			res.errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	return res
}

// errorsShown counts the errors printed: the first few of a run say what went wrong.
var errorsShown atomic.Int32

func noteError(err error) {
	if errorsShown.Add(1) <= 5 {
		fmt.Fprintf(os.Stderr, "loadedge: %v\n", err)
	}
}

// fetch GETs u and reads the body; a status other than 200 is an error.
func fetch(c *http.Client, u string) (time.Duration, []byte, error) {
	start := time.Now()
	resp, err := c.Get(u)
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close() // read
	d := time.Since(start)
	if err != nil {
		return d, nil, err
	}
	if resp.StatusCode != 200 {
		return d, body, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	return d, body, nil
}

func getJSON(c *http.Client, u string, v any) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close() //nolint:errcheck // read below
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: HTTP %d", u, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// postSample returns the /api/post URLs of n posts spread over the archive's list.
// postSample is n posts spread over the archive: their /api/post URLs, and their pages
// (server-rendered) at their original permalinks.
func postSample(c *http.Client, base string, total, n int) (api, pages []string) {
	step := max(1, total/n)
	for offset := 0; offset < total && len(api) < n; offset += step {
		var l struct{ Items []struct{ ID, URL string } }
		if err := getJSON(c, fmt.Sprintf("%s/api/list?offset=%d&limit=1", base, offset), &l); err != nil || len(l.Items) == 0 {
			fail("listing posts at %d: %v", offset, err)
		}
		api = append(api, base+"/api/post?id="+url.QueryEscape(l.Items[0].ID))
		pages = append(pages, base+"/"+strings.TrimPrefix(l.Items[0].URL, "/"))
	}
	return api, pages
}

// staticFiles fetches up to 200 post shards (data/p/) of the Worker's site as static files,
// one at a time, and prints their time and workerd CPU each: the cost of serving a data
// file in wrangler dev (the proxy, the asset service, reading the file), which Go's reads
// through the assets binding share (without the proxy and HTTP), as a floor under the
// API's figures.
func staticFiles(c *http.Client, w *edge.Wrangler, dir string) {
	data, err := os.ReadFile(filepath.Join(dir, "wrangler.jsonc"))
	if err != nil {
		fail("%v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			lines = append(lines, l)
		}
	}
	var cfg struct{ Assets struct{ Directory string } }
	if err := json.Unmarshal([]byte(strings.Join(lines, "\n")), &cfg); err != nil {
		fail("%s: %v", filepath.Join(dir, "wrangler.jsonc"), err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, cfg.Assets.Directory, "data", "p", "*.json"))
	if len(names) == 0 {
		fmt.Println("static data files: none found")
		return
	}
	step := max(1, len(names)/200)
	var times []time.Duration
	var bytes int64
	cpu0 := workerdCPU(w)
	for i := 0; i < len(names) && len(times) < 200; i += step {
		if st, err := os.Stat(names[i]); err == nil {
			bytes += st.Size()
		}
		d, _, err := fetch(c, w.URL+"/data/p/"+filepath.Base(names[i]))
		if err != nil {
			fail("static %s: %v", names[i], err)
		}
		times = append(times, d)
	}
	fmt.Printf("static data files (post shards, %.0f kB on average), one at a time: p50 %s ms, p99 %s ms; workerd CPU %s ms per file\n",
		float64(bytes)/1e3/float64(len(times)), ms(pct(times, 50)), ms(pct(times, 99)), ms((workerdCPU(w)-cpu0)/time.Duration(len(times))))
}

// workerdCPU is wrangler's workerd CPU time so far (0 where /proc cannot tell).
func workerdCPU(w *edge.Wrangler) time.Duration {
	d, err := w.WorkerdCPU()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadedge: CPU time:", err)
	}
	return d
}

// memory is the isolate's Go heap and memory from the system, in MB.
func memory(c *http.Client, base string) (float64, float64) {
	var m struct{ HeapBytes, SysBytes uint64 }
	if err := getJSON(c, base+"/api/memory", &m); err != nil {
		return -1, -1
	}
	return float64(m.HeapBytes) / 1e6, float64(m.SysBytes) / 1e6
}

func printMemory(c *http.Client, base, when string) {
	heap, sys := memory(c, base)
	fmt.Printf("memory %s: Go heap %.1f MB, from the system %.1f MB\n", when, heap, sys)
}

// readQueries reads a list of queries: strings, or objects with a "query" field, as a list
// or under "queries" or "needles".
func readQueries(name string) []string {
	data, err := os.ReadFile(name)
	if err != nil {
		fail("%v", err)
	}
	var v struct {
		Queries []string
		Needles []struct{ Query string }
	}
	if err := json.Unmarshal(data, &v); err != nil {
		var list []string
		if err2 := json.Unmarshal(data, &list); err2 != nil {
			fail("%s: %v", name, err)
		}
		return list
	}
	out := v.Queries
	for _, n := range v.Needles {
		out = append(out, n.Query)
	}
	return out
}

// pct is the p-th percentile of ds (nearest rank).
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// stopWrangler ends wrangler dev once it runs, when loadedge fails.
var stopWrangler = func() {}

func fail(format string, a ...any) {
	stopWrangler()
	fmt.Fprintf(os.Stderr, "loadedge: "+format+"\n", a...)
	os.Exit(1)
}
