package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"folio/internal/server"
	"folio/internal/sharedtest"
)

// TestSaveWholeArchiveOffline saves a whole generated archive (FOLIO_OFFLINE_SITE: a site
// built from gencorpus; FOLIO_OFFLINE_CORPUS: its corpus folder, for needles.json), goes
// offline (server stopped and the browser's network off), and runs the benchmark queries
// (shared/bench/peers/queries.json and the corpus's needles) in a fresh viewer: the same
// totals and hit ids as online. It prints the figures: bytes stored against the site's
// brotli size, and save throughput against a plain parallel download of the same files.
// Heavy (minutes at 10k posts), so it runs only when asked.
func TestSaveWholeArchiveOffline(t *testing.T) {
	dir := os.Getenv("FOLIO_OFFLINE_SITE")
	if dir == "" {
		t.Skip("set FOLIO_OFFLINE_SITE (a site built from gencorpus) and FOLIO_OFFLINE_CORPUS to run this measurement")
	}
	queries := benchQueries(t, filepath.Join(sharedtest.Dir(t), "bench/peers/queries.json"), filepath.Join(os.Getenv("FOLIO_OFFLINE_CORPUS"), "needles.json"))
	plan := readOfflinePlan(t, dir)
	var brotli, raw int64
	for i := range plan.Files {
		brotli += plan.Brotli[i]
		raw += plan.Bytes[i]
	}
	srv := httptest.NewServer(server.Handler(os.DirFS(dir)))
	t.Cleanup(srv.Close)
	b := NewBrowser(t)
	withServiceWorker(b, srv.URL+"/")

	ask := func() []string {
		var out []string
		for _, q := range queries {
			out = append(out, Eval[string](b, fmt.Sprintf(`folio.search(%s, {limit: 20}).then((r) => JSON.stringify({total: r.total, ids: r.hits.map((h) => h.id)}), (e) => 'error: ' + e.message)`, jsString(q))))
		}
		return out
	}
	online := ask()

	// A plain parallel download of the files a save fetches (8 at a time, nothing stored).
	plain := evalLong(t, b, `(async () => {
		const m = await (await fetch('data/folio.json?folio-save=1', {cache: 'no-store'})).json();
		const plan = await (await fetch('data/' + m.extra.offline + '?folio-save=1', {cache: 'no-store'})).json();
		const urls = plan.files.map((f, i) => 'data/' + f + (plan.gzip[i] ? '.gz' : '') + '?folio-save=1');
		let next = 0, bytes = 0;
		const t0 = performance.now();
		await Promise.all(Array.from({length: 8}, async () => {
			while (next < urls.length) {
				const r = await fetch(urls[next++], {cache: 'no-store'});
				const n = (await r.arrayBuffer()).byteLength;
				bytes += n;
			}
		}));
		return JSON.stringify({bytes, seconds: (performance.now() - t0) / 1000});
	})()`, 20*time.Minute)
	var dl struct {
		Bytes   int64
		Seconds float64
	}
	unmarshal(t, plain, &dl)

	before := Eval[float64](b, `navigator.storage.estimate().then((e) => e.usage)`)
	var saved struct {
		Files, Bytes, Fetched int64
		Seconds               float64
	}
	// The largest renderer's resident memory, sampled while the save runs (the viewer's
	// worker, with the search data of the queries above, lives in the same process).
	base := largestRenderer(b)
	var peak int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if rss := largestRenderer(b); rss > peak {
				peak = rss
			}
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	unmarshal(t, evalLong(t, b, `folio.offline.save({all: true}).then(JSON.stringify)`, 20*time.Minute), &saved)
	close(stop)
	<-sampled
	after := Eval[float64](b, `navigator.storage.estimate().then((e) => e.usage)`)
	t.Logf("largest renderer: %.0f MB resident before the save, at most %.0f MB while saving", mb(base), mb(peak))
	t.Logf("%d files; site: %.1f MB raw, %.1f MB brotli; saved: %.1f MB stored (%.2f× brotli), browser usage +%.1f MB (%.2f× brotli)",
		saved.Files, mb(raw), mb(brotli), mb(saved.Bytes), float64(saved.Bytes)/float64(brotli), (after-before)/1048576, (after-before)/float64(brotli))
	t.Logf("save: %.1f MB in %.1f s = %.1f MB/s; plain parallel download: %.1f MB in %.1f s = %.1f MB/s; ratio %.2f",
		mb(saved.Fetched), saved.Seconds, mb(saved.Fetched)/saved.Seconds, mb(dl.Bytes), dl.Seconds, mb(dl.Bytes)/dl.Seconds,
		(mb(saved.Fetched)/saved.Seconds)/(mb(dl.Bytes)/dl.Seconds))

	// Offline: the server stops, the browser's network is off, and a fresh viewer starts.
	srv.CloseClientConnections()
	srv.Close()
	if _, err := chromedp.Call(b.Ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, Latency: 0, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	b.Allow("ERR_INTERNET_DISCONNECTED")
	b.Allow("ERR_CONNECTION_REFUSED")
	b.Allow("Failed to fetch")
	b.Allow("Failed to load resource")
	b.Run(60*time.Second, chromedp.Reload())
	Eval[bool](b, `folio.ready.then(() => true)`)
	offline := ask()
	same := 0
	for i, q := range queries {
		if offline[i] == online[i] {
			same++
			continue
		}
		t.Errorf("query %q: offline %.200s, online %.200s", q, offline[i], online[i])
	}
	t.Logf("%d of %d queries answer offline as online", same, len(queries))
}

func mb(n int64) float64 { return float64(n) / 1048576 }

// evalLong is Eval with a longer timeout.
func evalLong(t *testing.T, b *Browser, expr string, d time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, d)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("eval %.120s: %v", expr, err)
	}
	return v
}

// benchQueries reads the benchmark queries and the corpus's needle queries.
func benchQueries(t *testing.T, queriesFile, needlesFile string) []string {
	t.Helper()
	var q struct{ Queries []string }
	var n struct{ Needles []struct{ Query string } }
	for file, v := range map[string]any{queriesFile: &q, needlesFile: &n} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	out := q.Queries
	for _, x := range n.Needles {
		out = append(out, x.Query)
	}
	return out
}

// largestRenderer returns the resident bytes (VmRSS) of the largest renderer process of
// the test's browser (its descendants started with --type=renderer), or 0 off Linux.
func largestRenderer(b *Browser) int64 {
	proc := chromedp.FromContext(b.Ctx).Browser.Process()
	if proc == nil {
		return 0
	}
	parents := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if i := strings.LastIndexByte(string(stat), ')'); err == nil && i >= 0 {
			if f := strings.Fields(string(stat)[i+1:]); len(f) > 1 {
				parents[pid], _ = strconv.Atoi(f[1])
			}
		}
	}
	var largest int64
	for pid := range parents {
		p, ok := pid, false
		for range 64 {
			if p = parents[p]; p == proc.Pid {
				ok = true
				break
			} else if p <= 1 {
				break
			}
		}
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if !ok || !strings.Contains(string(cmd), "--type=renderer") {
			continue
		}
		status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				largest = max(largest, kb*1024)
			}
		}
	}
	return largest
}
