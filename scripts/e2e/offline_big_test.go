package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"folio/internal/server"
	"folio/internal/sharedtest"
)

// TestSaveWholeArchiveOffline saves a whole generated archive (10k posts from gencorpus,
// built here; or FOLIO_OFFLINE_SITE: a site built from gencorpus, with
// FOLIO_OFFLINE_CORPUS: its corpus folder, for needles.json), goes
// offline (server stopped and the browser's network off), and runs the benchmark queries
// (shared/bench/peers/queries.json and the corpus's needles) in a fresh viewer: the same
// totals and hit ids as online. It prints the figures: bytes stored against the site's
// brotli size, save throughput against a plain parallel download of the same files (in
// FOLIO_OFFLINE_ROUNDS rounds, for the spread), and where the memory goes while saving
// (see memProbe). It takes about two minutes at 10k posts.
func TestSaveWholeArchiveOffline(t *testing.T) {
	dir, corpus := os.Getenv("FOLIO_OFFLINE_SITE"), os.Getenv("FOLIO_OFFLINE_CORPUS")
	if dir == "" {
		corpus = sharedtest.Generated(t, 10000)
		start := time.Now()
		dir = BuildSite(t, filepath.Join(corpus, "_posts"), "", nil).Dir
		t.Logf("folio build of %s: %.1f s", corpus, time.Since(start).Seconds())
	} else if corpus == "" {
		t.Fatal("FOLIO_OFFLINE_SITE needs FOLIO_OFFLINE_CORPUS: the corpus it was built from (for needles.json)")
	}
	queries := benchQueries(t, filepath.Join(sharedtest.Dir(t), "bench/peers/queries.json"), filepath.Join(corpus, "needles.json"))
	if len(queries) != 28 {
		t.Fatalf("%d benchmark queries, want 28", len(queries))
	}
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

	// A plain parallel download of the files a save fetches (8 at a time, nothing stored).
	download := func() float64 {
		var dl struct {
			Bytes   int64
			Seconds float64
		}
		unmarshal(t, evalLong(t, b, `(async () => {
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
		})()`, 20*time.Minute), &dl)
		t.Logf("plain parallel download: %.1f MB in %.1f s = %.2f MB/s", mb(dl.Bytes), dl.Seconds, mb(dl.Bytes)/dl.Seconds)
		return mb(dl.Bytes) / dl.Seconds
	}
	type result struct {
		Files, Bytes, Fetched int64
		Seconds               float64
	}
	save := func() result {
		var r result
		unmarshal(t, evalLong(t, b, `folio.offline.save({all: true}).then(JSON.stringify)`, 30*time.Minute), &r)
		t.Logf("save: %.1f MB in %.1f s = %.2f MB/s", mb(r.Fetched), r.Seconds, mb(r.Fetched)/r.Seconds)
		return r
	}
	var ratios []float64

	// DevTools' network domain (which chromedp turns on) is off while measuring: it keeps
	// data about every request (and bodies up to 100 MB) in the page's renderer, which a
	// reader's browser does not, and its events cost time per request.
	if _, err := chromedp.Call(b.Ctx, network.Disable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	plainSpeed := download()
	// A fresh page (the download's garbage gone) runs the queries, so that the viewer's
	// worker holds their search data while the save runs, as a reader's page would.
	b.Run(60*time.Second, chromedp.Reload())
	Eval[bool](b, `folio.ready.then(() => true)`)
	online := ask()

	before := Eval[float64](b, `navigator.storage.estimate().then((e) => e.usage)`)
	// Where the memory goes while the save runs: each renderer process (the page and the
	// viewer's worker share one; the service worker may too) and each target's heaps.
	probe := newMemProbe(b)
	wasmBefore := probe.wasmMemory()
	probe.start(time.Second)
	saved := save()
	probe.finish()
	probe.collect()
	wasmAfter := probe.wasmMemory()
	after := Eval[float64](b, `navigator.storage.estimate().then((e) => e.usage)`)
	var use struct{ Files, Packs, Bytes int64 }
	unmarshal(t, Eval[string](b, `folio.offline.usage().then(JSON.stringify)`), &use)
	if use.Files != saved.Files || use.Bytes != saved.Bytes {
		t.Errorf("saved files as stored: %+v; the save reported %d files, %d bytes", use, saved.Files, saved.Bytes)
	}
	t.Logf("stored as %d files in %d packs (%.1f MB)", use.Files, use.Packs, mb(use.Bytes))
	ratios = append(ratios, (mb(saved.Fetched)/saved.Seconds)/plainSpeed)
	t.Logf("memory while saving (sampled every second: first sample → highest → after a full collection once saved):\n%s  worker: WebAssembly memory %.1f MB before, %.1f MB after",
		probe.report(), mb(wasmBefore), mb(wasmAfter))
	t.Logf("largest renderer: at most %.0f MB resident (%.0f MB private) while saving",
		mb(probe.peakOf("process", ": resident")), mb(probe.peakOf("process", ": private")))
	t.Logf("%d files; site: %.1f MB raw, %.1f MB brotli; saved: %.1f MB stored (%.2f× brotli), browser usage +%.1f MB (%.2f× brotli)",
		saved.Files, mb(raw), mb(brotli), mb(saved.Bytes), float64(saved.Bytes)/float64(brotli), (after-before)/1048576, (after-before)/float64(brotli))

	// More rounds (FOLIO_OFFLINE_ROUNDS, default 1) for the throughput's spread: the saved
	// files are dropped, then save and download run again, in alternating order.
	rounds, _ := strconv.Atoi(os.Getenv("FOLIO_OFFLINE_ROUNDS"))
	for r := 2; r <= rounds; r++ {
		if got := Eval[string](b, `folio.offline.remove({all: true}).then(() => folio.offline.usage()).then(JSON.stringify)`); got != `{"files":0,"packs":0,"bytes":0}` {
			t.Fatalf("round %d: after removing the saved archive: %s", r, got)
		}
		var res result
		if r%2 == 0 {
			res = save()
			plainSpeed = download()
		} else {
			plainSpeed = download()
			res = save()
		}
		if res.Files != saved.Files {
			t.Errorf("round %d saved %d files, the first %d", r, res.Files, saved.Files)
		}
		ratios = append(ratios, (mb(res.Fetched)/res.Seconds)/plainSpeed)
	}
	sorted := slices.Sorted(slices.Values(ratios))
	median := (sorted[(len(sorted)-1)/2] + sorted[len(sorted)/2]) / 2
	t.Logf("save throughput / plain download's, %d rounds: %.2f (min %.2f, median %.2f, max %.2f)",
		len(ratios), ratios, sorted[0], median, sorted[len(sorted)-1])

	if _, err := chromedp.Call(b.Ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
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
		if strings.HasPrefix(online[i], "error") {
			t.Errorf("query %q online: %s", q, online[i])
			continue
		}
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

// TestSaveUpdateBig measures an update of a whole saved archive (FOLIO_OFFLINE_CORPUS: a
// gencorpus folder, whose posts it builds): save it all, add 50 posts, rebuild into the
// same folder, and folio.offline.update(). It prints the bytes fetched against the whole
// save, the time saving and the time rewriting packs, and checks that storage holds one
// version afterwards: the saved files are the new build's, each intact, and the packs hold
// no other bytes. Heavy (two builds), so it runs only when asked.
func TestSaveUpdateBig(t *testing.T) {
	corpus := os.Getenv("FOLIO_OFFLINE_CORPUS")
	if corpus == "" {
		t.Skip("set FOLIO_OFFLINE_CORPUS (a gencorpus folder) to run this measurement")
	}
	posts := filepath.Join(t.TempDir(), "_posts")
	copyTree(t, filepath.Join(corpus, "_posts"), posts)
	s := BuildSite(t, posts, "", nil)
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	if _, err := chromedp.Call(b.Ctx, network.Disable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	var first struct {
		Files, Bytes, Fetched int64
		Seconds               float64
	}
	unmarshal(t, evalLong(t, b, `folio.offline.save({all: true}).then(JSON.stringify)`, 30*time.Minute), &first)
	usage := func() float64 { return Eval[float64](b, `navigator.storage.estimate().then((e) => e.usage)`) }
	saved := usage()

	addUpdatePosts(t, posts, s.Dir)
	plan := readOfflinePlan(t, s.Dir)
	var up struct {
		Fetched, Files, Removed, Repacked int64
		Seconds, PruneSeconds             float64
	}
	unmarshal(t, evalLong(t, b, `folio.offline.update().then(JSON.stringify)`, 30*time.Minute), &up)
	stored := readSavedState(t, b, 10*time.Minute)
	live, packed := stored.sizes()
	names := map[string]bool{}
	for _, r := range stored.Records {
		names[r.Name] = true
	}
	missing := 0
	for _, f := range plan.Files {
		if !names[f] {
			missing++
		}
	}
	if packed != live || len(stored.Bad) > 0 || len(stored.Records) != len(plan.Files) || missing > 0 {
		t.Errorf("after the update: %d files saved (the build has %d, %d of them missing), %d damaged; packs hold %d bytes, the files %d",
			len(stored.Records), len(plan.Files), missing, len(stored.Bad), packed, live)
	}
	t.Logf("whole save: %d files, %.1f MB fetched in %.1f s; browser usage %.1f MB", first.Files, mb(first.Fetched), first.Seconds, saved/1048576)
	t.Logf("update with 50 posts: %d files, %.2f MB fetched (%.1f %% of the whole save) in %.1f s; %d files deleted, %d moved into new packs in %.1f s",
		up.Files, mb(up.Fetched), 100*float64(up.Fetched)/float64(first.Fetched), up.Seconds, up.Removed, up.Repacked, up.PruneSeconds)
	t.Logf("afterwards: %d files in %d packs, %.1f MB; browser usage %.1f MB", len(stored.Records), len(stored.Packs), mb(live), usage()/1048576)
}
