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
	defer srv.Close()

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

func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}
