package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chromedp/chromedp"

	"folio/scripts/benchkit"
)

// engine is one search engine's site as the browser sees it, and the page scripts that
// drive it. Every script is a JavaScript expression; %s is the query as a JSON string.
type engine struct {
	name string
	url  string
	n    *counter
	// ready resolves when the page can search.
	ready string
	// search resolves to {ms, total} for the query's first 10 hits with their data (titles
	// and snippets), timed in the page from the call.
	search string
	// all resolves to the id of every hit: Folio's post files, Pagefind's page URLs.
	all string
	// index maps an id to the post's index in the corpus (-1: unknown).
	index func(string) int
}

// folioEngine drives the viewer's JavaScript API. The page is ready once its Go runtime
// runs; a search fetches only search data and the posts of its hits.
func folioEngine(url string, n *counter, c *corpus) *engine {
	return &engine{
		name: "Folio", url: url, n: n,
		ready:  `folio.ready.then(() => true)`,
		search: `(async () => { const t0 = performance.now(); const r = await folio.search(%s, {limit: 10}); return {ms: performance.now() - t0, total: r.total}; })()`,
		all: `(async () => {
  const files = [];
  for (let offset = 0; ; offset += 100) {
    const r = await folio.search(%s, {limit: 100, offset});
    for (const h of r.hits) files.push(h.file);
    if (r.hits.length === 0 || files.length >= r.total) return files;
  }
})()`,
		index: func(file string) int {
			if i, ok := c.byFile[file]; ok {
				return i
			}
			return -1
		},
	}
}

// pagefindEngine drives Pagefind's JavaScript API as its documentation shows: the first
// search imports pagefind.js and initializes it (its worker, WebAssembly and metadata).
func pagefindEngine(url string, n *counter) *engine {
	return &engine{
		name: "Pagefind", url: url, n: n,
		ready: `Promise.resolve(true)`,
		search: `(async () => {
  const t0 = performance.now();
  if (!window.__pf) { const pf = await import('/pagefind/pagefind.js'); await pf.init(); window.__pf = pf; }
  const s = await window.__pf.search(%s);
  await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
  return {ms: performance.now() - t0, total: s.results.length};
})()`,
		all: `(async () => {
  const s = await window.__pf.search(%s);
  const urls = [];
  for (let i = 0; i < s.results.length; i += 100) {
    for (const d of await Promise.all(s.results.slice(i, i + 100).map((r) => r.data()))) urls.push(d.url);
  }
  return urls;
})()`,
		index: pageIndex,
	}
}

// counter counts the response bytes a site sends (as written: compressed where served
// so) and tells the browser not to store its data files (under prefix), so that only
// what an engine keeps in memory spares it a fetch. hide answers 404 (Folio's service
// worker, which would keep data in Cache Storage).
type counter struct {
	h      http.Handler
	prefix string
	hide   string
	n      atomic.Int64
	log    benchkit.Log[string] // data files requested (path and query), for the fetch floor
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.hide != "" && r.URL.Path == c.hide {
		http.NotFound(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, c.prefix) {
		c.log.Add(r.URL.RequestURI())
		w.Header().Set("Cache-Control", "no-store")
		w = noStore{w}
	}
	c.h.ServeHTTP(countingWriter{w, &c.n}, r)
}

// noStore keeps Cache-Control: no-store over what the site's handler sets.
type noStore struct{ http.ResponseWriter }

func (w noStore) WriteHeader(code int) {
	w.Header().Set("Cache-Control", "no-store")
	w.ResponseWriter.WriteHeader(code)
}

func (w noStore) Write(p []byte) (int, error) {
	w.Header().Set("Cache-Control", "no-store") // before an implicit WriteHeader
	return w.ResponseWriter.Write(p)
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return w.ResponseWriter.Write(p)
}

// answer is what an engine's search script resolves to.
type answer struct {
	Ms    float64 `json:"ms"`
	Total int     `json:"total"`
}

// tab is one page of an engine in its own browser context (empty cache and storage).
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc
	e      *engine
}

// open opens the engine's page in a new browser context and waits until it can search
// and its own start-up requests have settled. It returns the kB the page load took.
func open(browser context.Context, e *engine) (*tab, float64, error) {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t := &tab{ctx, cancel, e}
	// The first Run makes the tab, which lives as long as the context of that Run: the
	// tab's own, not the timed one below.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, 0, fmt.Errorf("%s: new tab: %w", e.name, err)
	}
	e.n.n.Store(0)
	tctx, done := context.WithTimeout(ctx, 180*time.Second)
	defer done()
	if err := chromedp.Do(tctx, chromedp.Navigate(e.url)); err != nil {
		cancel()
		return nil, 0, fmt.Errorf("%s: loading %s: %w", e.name, e.url, err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](e.ready, chromedp.EvalAwaitPromise)); err != nil {
		cancel()
		return nil, 0, fmt.Errorf("%s: page not ready: %w", e.name, err)
	}
	time.Sleep(300 * time.Millisecond)
	return t, float64(e.n.n.Load()) / 1e3, nil
}

// run runs the engine's search (or all) script for q; the bytes its server sent
// meanwhile are returned in kB.
func (t *tab) run(script, q string, timeout time.Duration) (answer, float64, error) {
	qj, _ := json.Marshal(q)
	tctx, done := context.WithTimeout(t.ctx, timeout)
	defer done()
	t.e.n.n.Store(0)
	a, err := chromedp.Run(tctx, chromedp.Evaluate[answer](fmt.Sprintf(script, qj), chromedp.EvalAwaitPromise))
	kB := float64(t.e.n.n.Load()) / 1e3
	if err != nil {
		return a, kB, fmt.Errorf("%s %q: %w", t.e.name, q, err)
	}
	return a, kB, nil
}

// floor is the fetch floor of urls in the tab (benchkit.FetchFloor).
func (t *tab) floor(urls []string) (float64, error) {
	ms, err := benchkit.FetchFloor(t.ctx, urls)
	if err != nil {
		return 0, fmt.Errorf("%s: fetch floor: %w", t.e.name, err)
	}
	return ms, nil
}

// hits returns the corpus indexes of every hit of q.
func (t *tab) hits(q string) ([]int, error) {
	qj, _ := json.Marshal(q)
	tctx, done := context.WithTimeout(t.ctx, 600*time.Second)
	defer done()
	ids, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](fmt.Sprintf(t.e.all, qj), chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("%s: every hit of %q: %w", t.e.name, q, err)
	}
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		out = append(out, t.e.index(id)) // -1 counts as found outside the truth
	}
	return out, nil
}

// visible reports the page's visibilityState (a hidden page's timers are throttled).
func (t *tab) visible() string {
	s, err := chromedp.Run(t.ctx, chromedp.Evaluate[string](`document.visibilityState`))
	if err != nil {
		return err.Error()
	}
	return s
}
