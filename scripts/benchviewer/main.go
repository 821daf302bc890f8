// Command benchviewer measures the viewer's start-up in real headless Chromium: first
// contentful paint, the time until the newest posts are listed and clickable, and the
// bytes needed to open one post, with a cold cache, on loopback and on a shaped link.
//
//	go run ./scripts/benchviewer -site DIR [-runs 5]
//
// DIR is a site written by `bin/folio build`. The link shaping is done by the test server
// (a shared 9 Mbit/s budget and 40 ms added before every response), so it applies to the
// Web Worker's fetches too. Bytes are counted by the server as written (compressed).
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"folio/scripts/chrome"

	"folio/internal/server"
)

func main() {
	dir := flag.String("site", "", "built site folder (required)")
	runs := flag.Int("runs", 5, "cold runs per setting")
	chromium := flag.String("chromium", chrome.Path, "Chromium binary")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: benchviewer -site DIR [-runs N]")
		os.Exit(2)
	}
	if _, err := os.Stat(*dir + "/index.html"); err != nil {
		fmt.Fprintf(os.Stderr, "benchviewer: %s has no index.html: build a site first\n", *dir)
		os.Exit(2)
	}
	fmt.Println("fcp: first contentful paint; list: newest posts on screen with working links; ready: the viewer")
	fmt.Println("(WebAssembly) is running; start_kB: bytes until ready; post: open the newest post once ready.")
	fmt.Printf("%-14s %8s %8s %8s %8s %10s %10s\n", "setting", "fcp_ms", "list_ms", "ready_ms", "post_ms", "start_kB", "post_kB")
	for _, shaped := range []bool{false, true} {
		name := "loopback"
		if shaped {
			name = "9Mbit/s+40ms"
		}
		var fcp, list, ready, postMs, startKB, postKB []float64
		for i := 0; i < *runs; i++ {
			r, err := run(*chromium, *dir, shaped)
			if err != nil {
				fmt.Fprintf(os.Stderr, "benchviewer: %s run %d: %v\n", name, i+1, err)
				os.Exit(1)
			}
			fcp, list, ready, postMs = append(fcp, r.fcp), append(list, r.list), append(ready, r.ready), append(postMs, r.post)
			startKB, postKB = append(startKB, r.startBytes/1e3), append(postKB, r.postBytes/1e3)
		}
		fmt.Printf("%-14s %8.0f %8.0f %8.0f %8.0f %10.1f %10.1f   (median of %d cold runs)\n", name, median(fcp), median(list), median(ready), median(postMs), median(startKB), median(postKB), *runs)
	}
	wasms, _ := filepath.Glob(filepath.Join(*dir, "app", "*", "wasm", "app.wasm*"))
	for _, f := range wasms {
		if st, err := os.Stat(f); err == nil {
			rel, _ := filepath.Rel(*dir, f)
			fmt.Printf("%-40s %10d bytes\n", rel, st.Size())
		}
	}
}

type result struct {
	fcp, list, ready, post float64
	startBytes, postBytes  float64
}

// counter counts response body bytes and, when shaped, delays and paces them.
type counter struct {
	h      http.Handler
	shaped bool
	bytes  atomic.Int64
	mu     sync.Mutex
	next   time.Time // when the shared link is free again
}

const (
	linkBytesPerSec = 9e6 / 8
	addedLatency    = 40 * time.Millisecond
)

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.shaped {
		time.Sleep(addedLatency)
	}
	c.h.ServeHTTP(&countingWriter{ResponseWriter: w, c: c}, r)
}

type countingWriter struct {
	http.ResponseWriter
	c *counter
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.c.bytes.Add(int64(len(p)))
	if w.c.shaped {
		w.c.mu.Lock()
		now := time.Now()
		if w.c.next.Before(now) {
			w.c.next = now
		}
		w.c.next = w.c.next.Add(time.Duration(float64(len(p)) / linkBytesPerSec * float64(time.Second)))
		wait := time.Until(w.c.next)
		w.c.mu.Unlock()
		time.Sleep(wait)
	}
	return w.ResponseWriter.Write(p)
}

// watcher runs before the page's own scripts and notes when the first post link appears
// and when the viewer (the Go runtime in its worker) is ready.
const watcher = `
new MutationObserver((_, obs) => {
  if (document.querySelector("main .post-item h2 a")) { window.__listAt = performance.now(); obs.disconnect(); }
}).observe(document, {subtree: true, childList: true});
const __iv = setInterval(() => {
  if (window.folio) { clearInterval(__iv); window.folio.ready.then(() => { window.__readyAt = performance.now(); }); }
}, 2);`

func run(chromium, dir string, shaped bool) (result, error) {
	c := &counter{h: server.Handler(os.DirFS(dir)), shaped: shaped}
	srv := httptest.NewServer(c)
	defer srv.Close()
	profile, err := os.MkdirTemp("", "benchviewer-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(profile) //nolint:errcheck // a temporary profile: best effort
	opts := chrome.Options(chromium, profile, 1200, 900)
	ctx, closeBrowser, err := chrome.Start(opts)
	if err != nil {
		return result{}, err
	}
	defer closeBrowser()
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	defer cancelT()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watcher}); err != nil {
		return result{}, err
	}
	var r result
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		return r, err
	}
	list, err := chromedp.Run(ctx, chromedp.Poll[float64](`window.__listAt || 0`, chromedp.WithPollingInterval(10*time.Millisecond)))
	if err != nil {
		return r, fmt.Errorf("waiting for the post list: %w", err)
	}
	r.list = list
	r.fcp, err = chromedp.Run(ctx, chromedp.Poll[float64](`(performance.getEntriesByName("first-contentful-paint")[0] || {startTime: 0}).startTime`, chromedp.WithPollingInterval(10*time.Millisecond)))
	if err != nil {
		return r, fmt.Errorf("waiting for first contentful paint: %w", err)
	}
	r.ready, err = chromedp.Run(ctx, chromedp.Poll[float64](`window.__readyAt || 0`, chromedp.WithPollingInterval(10*time.Millisecond)))
	if err != nil {
		return r, fmt.Errorf("waiting for the viewer: %w", err)
	}
	time.Sleep(300 * time.Millisecond) // let late requests (service worker, icons) finish
	r.startBytes = float64(c.bytes.Load())

	// Open the newest post by clicking it, as a reader would.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main .post-item h2 a").getAttribute("href")`))
	if err != nil {
		return r, err
	}
	title, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main .post-item h2 a").textContent`))
	c.bytes.Store(0)
	t0, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.now()`))
	if err := chromedp.Do(ctx, chromedp.Click(`main .post-item h2 a[href="`+href+`"]`)); err != nil {
		return r, err
	}
	expr := fmt.Sprintf(`(() => { const h = document.querySelector("main h1"); return h && h.textContent.includes(%q) ? performance.now() : 0 })()`, strings.TrimSpace(title))
	t1, err := chromedp.Run(ctx, chromedp.Poll[float64](expr, chromedp.WithPollingInterval(5*time.Millisecond)))
	if err != nil {
		return r, fmt.Errorf("waiting for the post: %w", err)
	}
	r.post = t1 - t0
	time.Sleep(200 * time.Millisecond)
	r.postBytes = float64(c.bytes.Load())
	return r, nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
