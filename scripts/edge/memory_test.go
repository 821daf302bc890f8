package edge

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Memory under load: the Worker's isolate must not keep anything per request. Measured
// (README): what it keeps besides Go's memory and the module, and besides the values only
// Go still refers to (HeapStats.JS), stayed at 1.3-1.7 MB from 500 to 10,000 /api/post
// requests at 32 clients.
const (
	memoryWarmup   = 300  // requests before the first snapshot (Go's caches, the glue's tables)
	memoryRequests = 1000 // requests between the two snapshots
	memoryClients  = 32
	// maxJSGrowth is the growth of HeapStats.JS allowed per request: without a leak it
	// measured -164 to +567 B per request (the most: workerd's Request, Response and
	// Headers objects of the last requests, 0.3 MB), and keeping one answer per request
	// (its body is 1-30 kB) made it 5.4 kB.
	maxJSGrowth = 2048
)

// checkIsolateMemory asks the API for posts (memoryWarmup of them spread over the list,
// memoryClients at a time), takes a heap snapshot of the Worker's isolate through
// wrangler's inspector, asks for memoryRequests other posts and takes another. Each
// request is for a post not asked before, so that most read data files through the
// assets binding (Go keeps what it read last). It fails when the isolate's JavaScript grew by
// more than maxJSGrowth bytes per request, or when wrangler's inspector proxy was sent a
// Network event (Start turns them off: wrangler keeps every one, with the file the Worker
// read, while no DevTools client is connected). It logs Go's memory and the workerd
// processes' resident memory, which do not go back to the system and are not checked.
func checkIsolateMemory(t *testing.T, w *Wrangler, posts []post) {
	t.Helper()
	step := max(1, len(posts)/(memoryWarmup+memoryRequests))
	var urls []string
	for i := 0; i < len(posts); i += step {
		urls = append(urls, w.URL+"/api/post?id="+url.QueryEscape(posts[i].ID))
	}
	hammer(t, urls, memoryWarmup)
	before, events := snapshot(t, w)
	if n := networkEvents(events); n > 0 {
		t.Errorf("wrangler's inspector proxy kept %d Network events of the Worker (%v): the runtime's Network events are on", n, events)
	}
	rss0 := workerdRSS(t, w)
	start := time.Now()
	hammer(t, urls[min(memoryWarmup, len(urls)-1):], memoryRequests)
	rate := float64(memoryRequests) / time.Since(start).Seconds()
	rss1 := workerdRSS(t, w)
	after, events := snapshot(t, w)
	if n := networkEvents(events); n > 0 {
		t.Errorf("wrangler's inspector proxy kept %d Network events of the Worker over %d requests (%v)", n, memoryRequests, events)
	}
	perRequest := float64(after.JS-before.JS) / memoryRequests
	t.Logf("isolate memory over %d /api/post requests (%d clients, %.0f req/s): JavaScript %.2f → %.2f MB (%+.0f B per request), Go's memory %.1f → %.1f MB, module %.1f MB; workerd RSS %s → %s; grown most: %s",
		memoryRequests, memoryClients, rate, mb(before.JS), mb(after.JS), perRequest, mb(before.GoMemory), mb(after.GoMemory), mb(after.Module), rss0, rss1, grownMost(before, after, 4))
	if perRequest > maxJSGrowth {
		t.Errorf("the Worker's isolate kept %.0f B of JavaScript per request over %d requests (%.2f → %.2f MB), more than %d B; grown most: %s",
			perRequest, memoryRequests, mb(before.JS), mb(after.JS), maxJSGrowth, grownMost(before, after, 8))
	}
}

// grownMost lists the n kinds of object whose size (in JS) grew most from a to b.
func grownMost(a, b HeapStats, n int) string {
	type growth struct {
		kind string
		by   int64
	}
	var gs []growth
	for k, v := range b.ByKind {
		by := v - a.ByKind[k]
		if by > 0 {
			gs = append(gs, growth{k, by})
		}
	}
	slices.SortFunc(gs, func(x, y growth) int { return int(y.by - x.by) })
	var parts []string
	for _, g := range gs[:min(n, len(gs))] {
		parts = append(parts, fmt.Sprintf("%s +%.0f kB", g.kind, float64(g.by)/1e3))
	}
	return strings.Join(parts, ", ")
}

// settle is how long snapshot lets the isolate finish what the last requests left (the
// glue keeps each request alive until Go has nothing under way, looking up to every 100 ms).
const settle = 2 * time.Second

// snapshot waits settle, then takes a heap snapshot of the Worker's isolate and returns it with the events
// the inspector session received.
func snapshot(t *testing.T, w *Wrangler) (HeapStats, map[string]int) {
	t.Helper()
	time.Sleep(settle)
	in, err := w.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close() //nolint:errcheck // a finished session
	h, err := in.HeapSnapshot()
	if err != nil {
		t.Fatalf("heap snapshot of the Worker: %v", err)
	}
	return h, in.Events
}

func networkEvents(events map[string]int) int {
	n := 0
	for m, c := range events {
		if strings.HasPrefix(m, "Network.") {
			n += c
		}
	}
	return n
}

// hammer GETs urls in turn, n requests, memoryClients at a time, and fails on any answer
// but 200.
func hammer(t *testing.T, urls []string, n int) {
	t.Helper()
	var next, failed atomic.Int64
	var first sync.Once
	var firstErr string
	var wg sync.WaitGroup
	for range memoryClients {
		wg.Go(func() {
			for {
				k := next.Add(1) - 1
				if k >= int64(n) {
					return
				}
				u := urls[k%int64(len(urls))]
				resp, err := client.Get(u)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close() // read already
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					failed.Add(1)
					first.Do(func() { firstErr = fmt.Sprintf("GET %s: %v", u, err) })
				}
			}
		})
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Fatalf("%d of %d requests failed; the first: %s", f, n, firstErr)
	}
}

// workerdRSS is the resident memory of the workerd processes, for the log.
func workerdRSS(t *testing.T, w *Wrangler) string {
	t.Helper()
	rss, err := w.WorkerdRSS()
	if err != nil {
		t.Logf("workerd RSS: %v", err)
		return "?"
	}
	sizes := slices.Sorted(maps.Values(rss))
	parts := make([]string, len(sizes))
	for i, v := range sizes {
		parts[i] = fmt.Sprintf("%.0f", mb(v))
	}
	return strings.Join(parts, " + ") + " MB"
}

func mb(b int64) float64 { return float64(b) / 1e6 }
