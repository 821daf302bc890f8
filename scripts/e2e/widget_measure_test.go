package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"folio/internal/server"
	"folio/scripts/chrome"
)

// weightGoal is what a host page may load from the archive before the reader shows any
// intent: the loader script, compressed as served (issue 15).
const weightGoal = 15000

// countingHandler records the paths asked for and the bytes written (compressed, as sent).
type countingHandler struct {
	next  http.Handler
	mu    sync.Mutex
	paths []string
	bytes int
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.paths = append(c.paths, r.URL.Path)
	c.mu.Unlock()
	c.next.ServeHTTP(&countingWriter{ResponseWriter: w, c: c}, r)
}

func (c *countingHandler) take() (paths []string, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	paths, bytes = c.paths, c.bytes
	c.paths, c.bytes = nil, 0
	return paths, bytes
}

type countingWriter struct {
	http.ResponseWriter
	c *countingHandler
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	w.c.bytes += len(p)
	w.c.mu.Unlock()
	return w.ResponseWriter.Write(p)
}

// TestWidgetWeightAndSpeed checks the weight goal (only widget.js, at most 15 kB
// compressed, before any intent) and prints the time from the shortcut to the first
// results: cold (empty profile), warm (reloaded page, HTTP cache filled) and with the
// engine running. It measures the demo, or the built site in FOLIO_WIDGET_SITE (e.g. a
// 10k archive) with the queries in FOLIO_WIDGET_QUERIES (separated by |). Times are
// printed, never checked.
func TestWidgetWeightAndSpeed(t *testing.T) {
	queries := []string{"茶", "龙井", "tea", "5G", "茶 -龙井"}
	var counter *countingHandler
	var origin string
	if dir := os.Getenv("FOLIO_WIDGET_SITE"); dir != "" {
		counter = &countingHandler{next: server.Handler(os.DirFS(dir))}
		srv := httptest.NewServer(counter)
		t.Cleanup(srv.Close)
		origin = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
		if q := os.Getenv("FOLIO_WIDGET_QUERIES"); q != "" {
			queries = strings.Split(q, "|")
		}
	} else {
		s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
			counter = &countingHandler{next: server.Handler(os.DirFS(dir))}
			return counter
		})
		origin = strings.TrimSuffix(strings.Replace(s.URL, "127.0.0.1", "localhost", 1), "/")
	}
	e := &widgetEnv{archive: origin + "/", origin: origin, host: serveHost(t, origin)}
	b := NewBrowser(t)

	// Before any intent: the page with the search button (<folio-posts> counts as used once
	// it is near the screen).
	b.Run(30*time.Second, chromedp.Navigate(e.host+"plain.html"))
	t.Logf("renderers' RSS on the host page without the widget: %s", rendererRSS(b))
	e.openHost(b, "search.html")
	Eval[bool](b, `new Promise(r => setTimeout(() => r(true), 800))`)
	paths, bytes := counter.take()
	t.Logf("before any intent the host page loaded %d bytes from the archive: %v", bytes, paths)
	if len(paths) != 1 || paths[0] != "/widget.js" || bytes > weightGoal {
		t.Errorf("before any intent: %v, %d bytes; want only /widget.js, at most %d bytes", paths, bytes, weightGoal)
	}

	// first measures the shortcut → first results of q in a freshly loaded host page.
	first := func(label, q string) {
		t.Helper()
		e.openHost(b, "search.html")
		Eval[bool](b, `(addEventListener('keydown', (e) => { if (e.key === 'k') window.__t0 = performance.now() }, true), true)`)
		heap0 := Eval[float64](b, `performance.memory ? performance.memory.usedJSHeapSize : 0`)
		counter.take()
		keys(b, "k", chromedp.ModifierCtrl)
		ms := Eval[float64](b, `__w.query(`+jsString(q)+`).then(() => performance.now() - __t0)`)
		heap := Eval[float64](b, `performance.memory ? performance.memory.usedJSHeapSize : 0`)
		_, got := counter.take()
		t.Logf("%s: Ctrl+K → first results for %q in %.0f ms; %d bytes from the archive; host JS heap %.1f → %.1f MB", label, q, ms, got, heap0/1e6, heap/1e6)
	}
	first("cold (empty profile)", queries[0])
	first("warm (HTTP cache filled, new page)", queries[0])
	t.Logf("renderers' RSS with the widget open on results (host page, archive frame): %s", rendererRSS(b))

	// After intent: the button got focus (which starts the engine) a while before Ctrl+K.
	e.openHost(b, "search.html")
	Eval[bool](b, `(__w.sr().querySelector('button.open').focus(), addEventListener('keydown', (e) => { if (e.key === 'k') window.__t0 = performance.now() }, true), new Promise(r => setTimeout(() => r(true), 15000)))`)
	keys(b, "k", chromedp.ModifierCtrl)
	ms := Eval[float64](b, `__w.query(`+jsString(queries[0])+`).then(() => performance.now() - __t0)`)
	t.Logf("engine started by focus 15 s before: Ctrl+K → first results for %q in %.0f ms", queries[0], ms)

	// With the engine running: each query typed → its results.
	var times []float64
	for _, q := range queries {
		// After a pause, as a reader starts a new query: within 400 ms of the previous key
		// the widget waits 120 ms for more keys first.
		ms := Eval[float64](b, `new Promise(r => setTimeout(r, 500)).then(() => { const t0 = performance.now(); return __w.query(`+jsString(q)+`).then(() => performance.now() - t0) })`)
		times = append(times, ms)
	}
	sort.Float64s(times)
	t.Logf("engine running: %d queries, typed → results median %.0f ms, max %.0f ms", len(times), times[len(times)/2], times[len(times)-1])

	// The same queries through folio.search on the archive's own page, for comparison.
	b.Open(e.archive)
	times = times[:0]
	for _, q := range queries {
		ms := Eval[float64](b, `(() => { const t0 = performance.now(); return folio.search(`+jsString(q)+`, {limit: 8}).then(() => performance.now() - t0) })()`)
		times = append(times, ms)
	}
	sort.Float64s(times)
	t.Logf("folio.search on the archive's page: median %.0f ms, max %.0f ms", times[len(times)/2], times[len(times)-1])
}

// rendererRSS lists the resident memory of the browser's renderer processes, largest
// first. With site isolation the host page and the archive's frame each have their own.
func rendererRSS(b *Browser) string {
	var out []string
	for _, r := range chrome.Renderers(b.Ctx) {
		out = append(out, strconv.FormatFloat(float64(r.RSS)/(1<<20), 'f', 0, 64)+" MB")
	}
	if out == nil {
		return "n/a"
	}
	return strings.Join(out, ", ")
}
