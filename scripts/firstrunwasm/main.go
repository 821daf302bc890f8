//go:build js && wasm

// Command firstrunwasm measures the Go part of warm first-run searches in WebAssembly, as
// the browser's worker and the Cloudflare Worker run it, without their fetches: it runs
// in Node.js (V8, the engine of both) with the data files held in memory.
//
//	GOWORK=$PWD/go.wasm.work GOOS=js GOARCH=wasm go build -o /tmp/fr.wasm ./scripts/firstrunwasm
//	$(go env GOROOT)/lib/wasm/go_js_wasm_exec /tmp/fr.wasm -data SITE/data -queries Q.json [-needles N.json] [-rounds 12]
//
// Each round opens a new Searcher (16 MB of cache, as the Worker's), searches the first
// query, waits for the route tables, then runs every other query once, each fetching its
// own chunks and post shards: what BenchmarkFirstRun does natively. A file comes as a new
// copy of bytes read once from disk (as the fetchers copy a file from JavaScript) and is
// not checked again (the fetchers leave SHA-256 to the runtime's native code). It prints
// each round's process CPU time (Node's process.cpuUsage: Go, V8's compilers and
// collector), wall time, the phases' totals and Go's allocations, then the median CPU
// time of the rounds after the first two (V8 compiles the module in tiers meanwhile).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path"
	"runtime"
	"slices"
	"sync"
	"syscall/js"
	"time"

	"folio/internal/bundle"
	"folio/internal/search"
)

func main() {
	data := flag.String("data", "", "a built site's data folder (required)")
	qfile := flag.String("queries", "", "JSON file of queries: {\"queries\": [...]} (required)")
	nfile := flag.String("needles", "", "gencorpus needles.json: add its queries")
	rounds := flag.Int("rounds", 12, "rounds of first runs")
	flag.Parse()
	if *data == "" || *qfile == "" {
		fail("usage: firstrunwasm -data SITE/data -queries FILE [-needles FILE] [-rounds N]")
	}
	qs := readQueries(*qfile)
	if *nfile != "" {
		var nd struct{ Needles []struct{ Query string } }
		readJSON(*nfile, &nd)
		for _, n := range nd.Needles {
			qs = append(qs, n.Query)
		}
	}
	if len(qs) < 2 {
		fail("need two queries or more")
	}
	ctx := context.Background()
	h := &held{dir: *data, files: map[string][]byte{}}
	var cpus []float64
	for r := range *rounds {
		rd, err := bundle.Open(ctx, h)
		if err != nil {
			fail("%v", err)
		}
		s, err := search.Open(ctx, rd, search.WithCacheBytes(16<<20))
		if err != nil {
			fail("%v", err)
		}
		if _, err := s.Search(ctx, qs[0], search.Options{}); err != nil {
			fail("%s: %v", qs[0], err)
		}
		time.Sleep(1500 * time.Millisecond) // the route tables load after the first search
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		var tm search.Timing
		t0, c0 := time.Now(), cpuMs()
		for _, q := range qs[1:] {
			res, err := s.Search(ctx, q, search.Options{})
			if err != nil {
				fail("%s: %v", q, err)
			}
			tm.Route += res.Timing.Route
			tm.Fetch += res.Timing.Fetch
			tm.Match += res.Timing.Match
			tm.Hits += res.Timing.Hits
		}
		c, wall := cpuMs()-c0, time.Since(t0)
		runtime.ReadMemStats(&m1)
		if r >= 2 {
			cpus = append(cpus, c)
		}
		fmt.Printf("round %d: %d first runs, CPU %.1f ms, wall %.1f ms; phases route %.1f, fetch %.1f, match %.1f, hits %.1f ms; Go allocated %.1f MB in %d allocations, %d collections\n",
			r, len(qs)-1, c, float64(wall.Microseconds())/1e3, tm.Route, tm.Fetch, tm.Match, tm.Hits,
			float64(m1.TotalAlloc-m0.TotalAlloc)/1e6, m1.Mallocs-m0.Mallocs, m1.NumGC-m0.NumGC)
	}
	if len(cpus) > 0 {
		slices.Sort(cpus)
		fmt.Printf("CPU per round of %d first runs, rounds 2 on: median %.1f ms (%.1f–%.1f, %d rounds)\n",
			len(qs)-1, cpus[len(cpus)/2], cpus[0], cpus[len(cpus)-1], len(cpus))
	}
}

// held is a bundle.Fetcher of a folder's files, each read from disk once and then given
// as a new copy.
type held struct {
	dir   string
	mu    sync.Mutex
	files map[string][]byte
}

// ChecksContent implements bundle.ContentChecker: the browser's and the Worker's
// fetchers check files with the runtime's SHA-256, not Go's.
func (h *held) ChecksContent() bool { return true }

func (h *held) Fetch(_ context.Context, name string) ([]byte, error) {
	h.mu.Lock()
	b, ok := h.files[name]
	h.mu.Unlock()
	if !ok {
		var err error
		if b, err = os.ReadFile(path.Join(h.dir, name)); err != nil {
			return nil, err
		}
		h.mu.Lock()
		h.files[name] = b
		h.mu.Unlock()
	}
	return append([]byte(nil), b...), nil
}

// cpuMs is the process's CPU time so far (user and system, all threads), in ms.
func cpuMs() float64 {
	u := js.Global().Get("process").Call("cpuUsage")
	return (u.Get("user").Float() + u.Get("system").Float()) / 1e3
}

func readQueries(name string) []string {
	var q struct{ Queries []string }
	readJSON(name, &q)
	return q.Queries
}

func readJSON(name string, v any) {
	data, err := os.ReadFile(name)
	if err != nil {
		fail("%v", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		fail("%s: %v", name, err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "firstrunwasm: "+format+"\n", args...)
	os.Exit(1)
}
