package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"strings"
	"sync/atomic"
	"time"

	"folio/scripts/benchkit"
	"folio/scripts/edge"
)

// runEdgeWarm measures warm first runs with the site served by a host that answers the
// archive API (Folio-Edge: api): a Worker folder (written by folio worker) that it runs
// under wrangler dev itself (scripts/edge, offline), or a server already running at url.
// The viewer sends each new search there as one request to /api/search. The page is
// opened through a counting proxy on loopback (one more hop), which counts the requests
// each search makes. Each query's first run follows a warm-up search in the same page, as
// the static warm figures do.
func runEdgeWarm(workerDir, url, label string, queries []string) {
	if workerDir != "" {
		wrangler, err := edge.Install("scripts/edge")
		if err != nil {
			fail("%v", err)
		}
		w, err := edge.Start(wrangler, workerDir)
		if err != nil {
			fail("%v", err)
		}
		defer w.Stop()
		stop = w.Stop
		fmt.Printf("wrangler dev ready in %.1f s (%s)\n", w.Ready.Seconds(), workerDir)
		url = w.URL
	}
	target, err := neturl.Parse(url)
	if err != nil {
		fail("-url: %v", err)
	}
	var requests, apiSearches atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if strings.HasPrefix(r.URL.Path, "/api/search") {
			apiSearches.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ctx, done, err := newBrowser()
	if err != nil {
		fail("starting Chromium: %v", err)
	}
	defer done()
	for range 2 { // the second visit is the usual one: the module cached
		if err := load(ctx, srv.URL+"/"); err != nil {
			fail("loading the page: %v", err)
		}
	}
	var first []float64
	var reqs, apis int64
	for i, q := range queries {
		time.Sleep(200 * time.Millisecond) // the page's own requests settle
		r0, a0 := requests.Load(), apiSearches.Load()
		res, err := search(ctx, q, false)
		if err != nil {
			fail("warm %q: %v", q, err)
		}
		if i == 0 {
			time.Sleep(500 * time.Millisecond) // what a page fetches after its first search
			continue
		}
		first = append(first, res.Ms)
		reqs += requests.Load() - r0
		apis += apiSearches.Load() - a0
	}
	if label == "" {
		label = "site"
	}
	n := len(first)
	fmt.Printf("== %s via the edge (%s): %d queries\n", label, url, len(queries))
	fmt.Printf("warm, 1st run, edge: p50 %.1f ms, p95 %.1f ms (each query's first run in a page that has searched before); %.2f requests per search, %.2f of them to /api/search\n",
		benchkit.Pct(first, 50), benchkit.Pct(first, 95), float64(reqs)/float64(max(1, n)), float64(apis)/float64(max(1, n)))
}
