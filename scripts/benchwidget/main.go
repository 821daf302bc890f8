// Command benchwidget measures the embeddable widget (site/widget.js) in real headless
// Chromium across two origins, as a reader meets it: the time from the shortcut (Ctrl+K)
// to the first results shown in <folio-search>, with a cold cache (empty profile: the
// frame, the engine's wasm module and the search data all fetched) and a warm one (the
// same browser opens the host page again: everything is in the HTTP cache, but the frame
// and, on static hosting, the engine start again), plus a warm open with intent shown
// (the button focused LEAD ms before the shortcut), and the renderers' memory.
//
//	go run ./scripts/benchwidget -site DIR [-worker WORKER_DIR | -edge URL] [-runs 5] [-needles FILE | -queries 'a|b'] [-only static|serve|serve+api|edge|edge+api]
//
// DIR is a site written by `bin/folio build`. The archive is served twice from it, on
// localhost: as plain static files (Folio's static handler, what any static host does:
// the frame starts the engine) and by folio serve's handler (it answers /api/ and marks
// data/folio.json with Folio-Edge: api: the frame asks the API). The host page is on
// 127.0.0.1 under a strict CSP. Every run starts a new Chromium with a fresh profile and
// searches one query (the queries taken in turn). As a floor measured in the same run,
// the host page's own round trip to a trivial URL of its server (fetch, no work).
//
// serve+api and edge+api are serve and edge with the api attribute on the element (and the
// archive in the host's connect-src): the widget asks the API from the host page, no frame.
//
// With -worker WORKER_DIR (written by folio worker from the same site) it also measures
// the archive served by that Worker, which it runs under wrangler dev itself (scripts/edge:
// offline, wrangler's inspector quiet, as the Workers test runs it); with -edge URL, a
// host already running there instead. The widget asks the URL's origin with localhost for
// 127.0.0.1, so that it is another origin than the host page's.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"folio/internal/server"
	"folio/scripts/benchkit"
	"folio/scripts/chrome"
	"folio/scripts/edge"
)

var verbose *bool

func main() {
	dir := flag.String("site", "", "built site folder (required unless -only edge or edge+api)")
	edgeURL := flag.String("edge", "", "also measure the archive at this URL (a Worker under wrangler dev) as the hosting \"edge\"")
	worker := flag.String("worker", "", "also measure this Worker folder (folio worker), run under wrangler dev, as the hosting \"edge\"")
	runs := flag.Int("runs", 5, "runs (each a new browser) per hosting")
	needles := flag.String("needles", "", "queries: gencorpus's needles.json (or any list benchkit reads)")
	queries := flag.String("queries", "", "queries separated by | (instead of -needles)")
	only := flag.String("only", "", "measure one hosting: static, serve, serve+api, edge or edge+api")
	lead := flag.Duration("lead", 500*time.Millisecond, "how long before the shortcut the button gets focus, in the intent case")
	chromium := flag.String("chromium", chrome.Path, "Chromium binary")
	verbose = flag.Bool("v", false, "print where each measured time went (the frame's request, its load)")
	flag.Parse()
	stopEdge := func() {} // os.Exit skips deferred calls
	if *worker != "" {
		wrangler, err := edge.Install("scripts/edge")
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchwidget: %v\n", err)
			os.Exit(1)
		}
		w, err := edge.Start(wrangler, *worker)
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchwidget: %v\n", err)
			os.Exit(1)
		}
		defer w.Stop()
		stopEdge = w.Stop
		fmt.Printf("wrangler dev ready in %.1f s (%s)\n", w.Ready.Seconds(), *worker)
		*edgeURL = w.URL
	}
	if *dir == "" && (*only != "edge" && *only != "edge+api" || *edgeURL == "") {
		fmt.Fprintln(os.Stderr, "usage: benchwidget -site DIR [-worker WORKER_DIR | -edge URL] [-runs N] [-needles FILE | -queries 'a|b'] [-only static|serve|serve+api|edge|edge+api]")
		os.Exit(2)
	}
	qs := []string{"茶"}
	switch {
	case *queries != "":
		qs = strings.Split(*queries, "|")
	case *needles != "":
		var err error
		if qs, err = benchkit.ReadQueries(*needles); err != nil || len(qs) == 0 {
			fmt.Fprintf(os.Stderr, "benchwidget: %s: %v (%d queries)\n", *needles, err, len(qs))
			os.Exit(2)
		}
	}
	fmt.Println("ms from Ctrl+K (in brackets: from the query typed) to the first results on screen; cold: empty")
	fmt.Println("profile; warm: the host page opened again in the same browser; intent: warm, the button focused")
	fmt.Printf("%v before; floor: the host page's fetch of a trivial URL of its own server. RSS: the renderer\n", *lead)
	fmt.Println("processes, host page alone → widget open (+: a new one, the archive's frame). Go floor (static):")
	fmt.Println("a hidden frame of the archive's that starts an empty Go program, cold and cached, in a new browser;")
	fmt.Println("and a frame of the archive's alone, without Go.")
	goDir := ""
	if *only == "" || *only == "static" {
		var err error
		if goDir, err = buildEmptyGo(); err != nil {
			fmt.Fprintf(os.Stderr, "benchwidget: %v\n", err)
			stopEdge()
			os.Exit(1)
		}
		defer os.RemoveAll(goDir) //nolint:errcheck // a temporary folder: best effort
	}
	for _, hosting := range []string{"static", "serve", "serve+api", "edge", "edge+api"} {
		if *only != "" && *only != hosting || strings.HasPrefix(hosting, "edge") && *edgeURL == "" {
			continue
		}
		var cold, warm, intent, floor, coldT, warmT, intentT, goCold, goWarm, noGo []float64
		for i := range *runs {
			q := qs[i%len(qs)]
			r, err := run(*chromium, *dir, *edgeURL, hosting, q, *lead, goDir)
			if err != nil {
				fmt.Fprintf(os.Stderr, "benchwidget: %s run %d (%q): %v\n", hosting, i+1, q, err)
				stopEdge()
				os.Exit(1)
			}
			goLine := ""
			if hosting == "static" {
				goLine = fmt.Sprintf("  Go floor %.0f / %.0f (a frame alone %.0f)", r.goFloor[0], r.goFloor[1], r.goFloor[2])
				goCold, goWarm, noGo = append(goCold, r.goFloor[0]), append(goWarm, r.goFloor[1]), append(noGo, r.goFloor[2])
			}
			fmt.Printf("%-9s run %d %-12q cold %6.0f (%5.0f)  warm %6.0f (%5.0f)  intent %6.0f (%5.0f)  floor %4.1f  hits %d  RSS %s%s\n",
				hosting, i+1, q, r.cold[0], r.cold[1], r.warm[0], r.warm[1], r.intent[0], r.intent[1], r.floor, r.hits, r.rss, goLine)
			cold, warm, intent, floor = append(cold, r.cold[0]), append(warm, r.warm[0]), append(intent, r.intent[0]), append(floor, r.floor)
			coldT, warmT, intentT = append(coldT, r.cold[1]), append(warmT, r.warm[1]), append(intentT, r.intent[1])
		}
		fmt.Printf("%-9s median (min–max) of %d: cold %s, warm %s, intent %s, floor %s\n", hosting, *runs, spread(cold), spread(warm), spread(intent), spread(floor))
		fmt.Printf("%-9s  typed → results:          cold %s, warm %s, intent %s\n", hosting, spread(coldT), spread(warmT), spread(intentT))
		if len(goCold) > 0 {
			fmt.Printf("%-9s  Go floor (an empty Go program in a frame of the archive's): cold %s, cached %s; a frame alone %s\n", hosting, spread(goCold), spread(goWarm), spread(noGo))
		}
	}
}

func spread(xs []float64) string {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	f := func(v float64) string {
		if v < 10 {
			return strconv.FormatFloat(v, 'f', 1, 64)
		}
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return fmt.Sprintf("%s (%s–%s)", f(benchkit.Pct(s, 50)), f(s[0]), f(s[len(s)-1]))
}

type result struct {
	cold, warm, intent [2]float64 // shortcut → results, query typed → results
	floor              float64
	goFloor            [3]float64 // static only: the empty Go program's frame, cold and cached; a frame alone
	hits               int
	rss                string
}

// hostCSP allows the archive only as a script source and a frame, as API.md tells site
// owners, and with api also as a connection (the api attribute); no inline script or style.
func hostCSP(origin string, api bool) string {
	connect := "'self'"
	if api {
		connect += " " + origin
	}
	return "default-src 'self'; script-src 'self' " + origin + "; frame-src " + origin + "; style-src 'self'; img-src 'self'; connect-src " + connect + "; object-src 'none'; base-uri 'self'; form-action 'self'"
}

// hostServer serves /search.html (the widget's button, with the api attribute when api is
// set) and /ping (the floor).
func hostServer(origin string, api bool) *httptest.Server {
	attr := ""
	if api {
		attr = " api"
	}
	page := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>` +
		`<script src="` + origin + `/widget.js" defer></script></head><body><h1>A host page</h1>` +
		`<p>Text of the host.</p><folio-search` + attr + `></folio-search><p>More host text.</p></body></html>`
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		switch r.URL.Path {
		case "/search.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", hostCSP(origin, api))
			_, _ = w.Write([]byte(page))
		case "/ping":
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("ok"))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

// watch is evaluated on the host page (through DevTools, so its CSP does not apply): it
// notes the shortcut's keydown and the first results for q.
const watch = `(q) => {
  window.__t0 = 0; window.__t1 = 0; window.__hits = 0;
  addEventListener('keydown', (e) => { if (e.key === 'k' && !__t0) __t0 = performance.now() }, true);
  window.__tLoad = 0; window.__tIn = 0;
  addEventListener('input', () => { if (__t0 && !__tIn) __tIn = performance.now() }, true);
  const sr = document.querySelector('folio-search').shadowRoot;
  new MutationObserver(() => {
    const f = sr.querySelector('iframe');
    if (f && !f.__watched) { f.__watched = true; f.addEventListener('load', () => { __tLoad = performance.now() }) }
  }).observe(sr, {childList: true, subtree: true});
  document.querySelector('folio-search').addEventListener('folio-results', (e) => {
    if (e.detail.query === q && !__t1) { __t1 = performance.now(); __hits = e.detail.count }
  });
  return true;
}`

func run(chromium, dir, edge, hosting, q string, lead time.Duration, goDir string) (result, error) {
	hosting, api := strings.CutSuffix(hosting, "+api")
	archiveURL := strings.TrimSuffix(edge, "/")
	if hosting != "edge" {
		var h http.Handler = server.Handler(os.DirFS(dir))
		if hosting == "serve" {
			var err error
			if h, err = server.SiteHandler(os.DirFS(dir)); err != nil {
				return result{}, err
			}
		}
		if hosting == "static" {
			h = withEmptyGo(h, goDir)
		}
		archive := httptest.NewServer(h)
		defer archive.Close()
		archiveURL = archive.URL
	}
	origin := strings.Replace(archiveURL, "127.0.0.1", "localhost", 1)
	host := hostServer(origin, api)
	defer host.Close()

	profile, err := os.MkdirTemp("", "benchwidget-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(profile) //nolint:errcheck // a temporary profile: best effort
	ctx, closeBrowser, err := chrome.Start(chrome.Options(chromium, profile, 1200, 900))
	if err != nil {
		return result{}, err
	}
	defer closeBrowser()
	ctx, cancelT := context.WithTimeout(ctx, 180*time.Second)
	defer cancelT()

	var r result
	var before map[int]float64
	open := func() error {
		if err := chromedp.Do(ctx, chromedp.Navigate(host.URL+"/search.html")); err != nil {
			return fmt.Errorf("host page: %w", err)
		}
		// Keys go to the page even when headless Chromium's window has no focus.
		if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			return err
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`customElements.get('folio-search') !== undefined && !!document.querySelector('folio-search').shadowRoot`, chromedp.WithPollingInterval(5*time.Millisecond))); err != nil {
			return fmt.Errorf("the widget did not load: %w", err)
		}
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(`+watch+`)(`+strconv.Quote(q)+`)`))
		return err
	}
	// measure presses Ctrl+K, types q and waits for its results.
	measure := func() ([2]float64, error) {
		var ms [2]float64
		if err := chromedp.Do(ctx, chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
			return ms, err
		}
		if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: q}); err != nil {
			return ms, err
		}
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`__t1 > 0`, chromedp.WithPollingInterval(2*time.Millisecond), chromedp.WithPollingTimeout(120*time.Second)))
		if err == nil {
			var v []float64
			v, err = chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[__t1 - __t0, __t1 - __tIn]`))
			if len(v) == 2 {
				ms = [2]float64(v)
			}
		}
		if err == nil {
			r.hits, err = chromedp.Run(ctx, chromedp.Evaluate[int](`__hits`))
		}
		if *verbose {
			// Where the time went: the frame's request (host's resource timing) and its load.
			v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const last = (s) => performance.getEntriesByType('resource').filter(e => e.name.includes(s) && e.startTime >= __t0).pop() || {}; const e = last('embed/frame/'), a = last('/api/search'); const f = (x) => x ? Math.round(x - __t0) : '-'; return 'frame request ' + f(e.startTime) + ', response ' + f(e.responseEnd) + ', load ' + f(__tLoad) + ', query typed ' + f(__tIn) + ', host page /api/search ' + f(a.startTime) + '–' + f(a.responseEnd) + ', results ' + f(__t1) })()`))
			fmt.Println("   ", v)
		}
		return ms, err
	}

	if err := open(); err != nil {
		return r, err
	}
	time.Sleep(300 * time.Millisecond)
	before = rendererRSS(ctx)
	if r.cold, err = measure(); err != nil {
		return r, fmt.Errorf("cold: %w", err)
	}
	if err := open(); err != nil {
		return r, err
	}
	if r.warm, err = measure(); err != nil {
		return r, fmt.Errorf("warm: %w", err)
	}
	time.Sleep(300 * time.Millisecond)
	r.rss = rssChange(before, rendererRSS(ctx))

	if err := open(); err != nil {
		return r, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('folio-search').shadowRoot.querySelector('button').focus(), true)`)); err != nil {
		return r, err
	}
	time.Sleep(lead)
	if r.intent, err = measure(); err != nil {
		return r, fmt.Errorf("intent: %w", err)
	}

	// The floor: the host page's own fetch of a trivial URL (median of 5).
	var fl []float64
	for range 5 {
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(async () => { const t = performance.now(); await (await fetch('/ping', {cache: 'no-store'})).text(); return performance.now() - t })()`, chromedp.EvalAwaitPromise))
		if err != nil {
			return r, err
		}
		fl = append(fl, ms)
	}
	r.floor = benchkit.Pct(fl, 50)
	if hosting == "static" {
		closeBrowser() // the floor's own browser: nothing of the widget's runs in it
		if r.goFloor, err = goFloor(chromium, host.URL+"/search.html", origin); err != nil {
			return r, err
		}
	}
	return r, nil
}

// rendererRSS maps the browser's renderer processes to their resident memory in MB. With
// site isolation the host page and the archive's frame each have their own.
func rendererRSS(ctx context.Context) map[int]float64 {
	out := map[int]float64{}
	for _, r := range chrome.Renderers(ctx) {
		out[r.PID] = float64(r.RSS) / (1 << 20)
	}
	return out
}

// rssChange lists the renderers before and after, largest first: "a→b" for one alive in
// both, "+b" for a new one (the archive's frame), "a→gone" for one that ended.
func rssChange(before, after map[int]float64) string {
	type row struct {
		key  float64
		text string
	}
	var rows []row
	for pid, a := range after {
		if b, ok := before[pid]; ok {
			rows = append(rows, row{a, fmt.Sprintf("%.0f→%.0f", b, a)})
		} else {
			rows = append(rows, row{a, fmt.Sprintf("+%.0f", a)})
		}
	}
	for pid, b := range before {
		if _, ok := after[pid]; !ok {
			rows = append(rows, row{b, fmt.Sprintf("%.0f→gone", b)})
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].key > rows[j].key })
	var s []string
	for _, r := range rows {
		s = append(s, r.text)
	}
	return strings.Join(s, ", ") + " MB"
}
