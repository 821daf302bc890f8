package edge

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/scripts/e2e"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// requestLog is a reverse proxy in front of wrangler dev that notes every request's path
// and query: the browser's requests, whichever context (page, Web Worker, service worker)
// makes them.
type requestLog struct {
	mu   sync.Mutex
	seen []string
	last time.Time
}

func (l *requestLog) note(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, r.URL.RequestURI())
	l.last = time.Now()
}

// since returns the requests noted after the first n.
func (l *requestLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen[n:]...)
}

// quiet waits until no request came for d (at most 30 s) and returns how many there were.
func (l *requestLog) quiet(d time.Duration) int {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		idle, n := time.Since(l.last), len(l.seen)
		l.mu.Unlock()
		if idle >= d {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.seen)
}

// oneRequestSearch opens the viewer in Chromium through a counting proxy, runs a first
// search, and checks that each new search after it (the next queries) is exactly one
// request, to /api/search, with the answer the edge gives itself.
func oneRequestSearch(t *testing.T, base string, queries []query) {
	t.Helper()
	srv, log := countingProxy(t, base)

	b := e2e.NewBrowser(t)
	b.Open(srv.URL + "/")
	e2e.Eval[int](b, `folio.search(`+jsString(queries[0].q)+`).then(r => r.total)`)
	// The service worker caches the app's files when it installs: wait until it is active.
	e2e.Eval[bool](b, `navigator.serviceWorker.ready.then(() => true)`)
	for _, q := range queries[1:4] {
		n := log.quiet(time.Second) // the page's start-up and the service worker's caching
		var got searchAnswer
		raw := e2e.Eval[string](b, `folio.search(`+jsString(q.q)+`, {limit: 20}).then(JSON.stringify)`)
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatalf("%q: %v", q.q, err)
		}
		log.quiet(300 * time.Millisecond)
		reqs := log.since(n)
		if len(reqs) != 1 || !strings.HasPrefix(reqs[0], "/api/search?") {
			t.Errorf("a new search for %q in a warm page made %d requests, want 1 to /api/search: %v", q.q, len(reqs), reqs)
			continue
		}
		var direct searchAnswer
		get(t, base+reqs[0], &direct)
		if got.Total != direct.Total || len(got.Hits) != len(direct.Hits) {
			t.Errorf("%q in the page: total %d, %d hits; the edge: %d, %d", q.q, got.Total, len(got.Hits), direct.Total, len(direct.Hits))
		}
	}
}

// countingProxy serves base through a reverse proxy that notes every request in the log
// it returns; the proxy closes when the test ends.
func countingProxy(t *testing.T, base string) (*httptest.Server, *requestLog) {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	log := &requestLog{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.note(r)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// hostilePost is the demo's post with XSS payloads in its body, at its original URL.
const hostilePost = "/tech/notes/2022/01/20/sanitizer-safety-test.html"

// inertMain lists what in <main> could run: scripts (but the page's state), frames,
// objects, event handlers, javascript: URLs.
const inertMain = `(() => { const m = document.querySelector('main');
  const bad = [...m.querySelectorAll('script:not(#folio-state), iframe, object, embed')].map((e) => e.tagName);
  for (const e of m.querySelectorAll('*')) for (const a of e.attributes) if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) bad.push(e.tagName + ' ' + a.name);
  return bad.join(', '); })()`

// hostilePostIsInert opens the hostile post as the worker renders it in Chromium, with
// JavaScript off and on: no dialog (the browser fails the test on one), nothing live in
// <main>, no payload's marker set.
func hostilePostIsInert(t *testing.T, base string) {
	t.Helper()
	for _, js := range []bool{false, true} {
		b := e2e.NewBrowser(t)
		b.Allow("2022/01/20/x") // the post's <img src=x onerror=…>: a missing image, as meant
		if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js}); err != nil {
			t.Fatal(err)
		}
		b.Run(30*time.Second, chromedp.Navigate(base+hostilePost))
		if js {
			e2e.Eval[bool](b, `(async () => { await window.folio.ready; return true })()`)
		}
		b.WaitText("main .prose", "bold text")
		if bad := e2e.Eval[string](b, inertMain); bad != "" {
			t.Errorf("JavaScript %v: live markup in the worker's page of the post: %s", js, bad)
		}
		// Give a handler that slipped through the time to fire (an <img onerror> does at once).
		time.Sleep(300 * time.Millisecond)
		if js && e2e.Eval[bool](b, `window.__xss === undefined && window.__pwned === undefined`) != true {
			t.Error("a payload of the post ran")
		}
	}
}
