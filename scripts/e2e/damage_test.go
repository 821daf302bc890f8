package e2e

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"folio/internal/server"
)

// shardOf returns the data-relative name of the post shard that holds the post with id.
func shardOf(t *testing.T, dir, id string) string {
	t.Helper()
	shards, _ := filepath.Glob(filepath.Join(dir, "data/p/*.json"))
	for _, sh := range shards {
		data, _ := os.ReadFile(sh)
		if bytes.Contains(data, []byte(`"id":"`+id+`"`)) {
			return "p/" + filepath.Base(sh)
		}
	}
	t.Fatalf("no shard holds %s", id)
	return ""
}

// withServiceWorker opens the site and waits until its service worker controls the page,
// so that the data files read next go through its cache.
func withServiceWorker(b *Browser, url string) {
	b.Open(url)
	Eval[bool](b, `navigator.serviceWorker.ready.then(() => true)`)
	b.Run(30*time.Second, chromedp.Reload())
	Eval[bool](b, `(async () => { await folio.ready; for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 50)); return !!navigator.serviceWorker.controller })()`)
}

// cached lists the service worker's data cache.
func cached(b *Browser) string {
	return Eval[string](b, `caches.open('folio-data').then((c) => c.keys()).then((ks) => ks.map((k) => k.url).join('\n'))`)
}

// TestDamagedShards: a post shard changed in place (valid JSON, a forged title) or cut
// short is reported as damaged with its name, is not kept by the service worker, and the
// rest of the archive keeps working.
func TestDamagedShards(t *testing.T) {
	for _, kind := range []string{"changed", "truncated", "deleted"} {
		t.Run(kind, func(t *testing.T) {
			s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
			b := NewBrowser(t)
			b.Allow("502")
			withServiceWorker(b, s.URL)
			var l listResult
			unmarshal(t, Eval[string](b, `folio.list({limit: 2}).then(JSON.stringify)`), &l)
			victim := shardOf(t, s.Dir, l.Items[0].ID)
			other := shardOf(t, s.Dir, l.Items[1].ID)
			data, _ := os.ReadFile(filepath.Join(s.Dir, "data", victim))
			bad := bytes.Replace(data, []byte(`"title":"`), []byte(`"title":"FORGED `), 1)
			switch kind {
			case "truncated":
				bad = data[:len(data)/2]
			case "deleted":
				bad = nil
				b.Allow("404")
			}
			breakFile(t, filepath.Join(s.Dir, "data", victim), bad)

			b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[0].URL, "/")))
			b.WaitText("main", "missing or damaged")
			b.WaitText("main", victim)
			if strings.Contains(Eval[string](b, `document.body.textContent`), "FORGED") {
				t.Error("a forged title was shown")
			}
			if c := cached(b); strings.Contains(c, victim) {
				t.Errorf("the damaged %s is in the service worker's cache", victim)
			}
			// Another post and the home page still work.
			if other != victim {
				b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[1].URL, "/")))
				b.WaitText("main h1", l.Items[1].Title)
			}
			b.Run(20*time.Second, chromedp.Navigate(s.URL))
			b.WaitText("main", l.Items[1].Title)
		})
	}
}

// TestHTMLForMissingFile serves the site as hosts do that answer a missing file with the
// site's page and status 200. The viewer says the file is damaged, the service worker does
// not keep the page in its place, and once the file is back, the post opens.
func TestHTMLForMissingFile(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
		h := server.Handler(os.DirFS(dir))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			name := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
			if strings.HasPrefix(r.URL.Path, "/data/") {
				if _, err := os.Stat(name); err != nil {
					page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
					w.Header().Set("Content-Type", "text/html")
					_, _ = w.Write(page) // 200; what the viewer makes of it is tested
					return
				}
			}
			h.ServeHTTP(w, r)
		})
	})
	b := NewBrowser(t)
	b.Allow("502")
	withServiceWorker(b, s.URL)
	var l listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 1}).then(JSON.stringify)`), &l)
	victim := shardOf(t, s.Dir, l.Items[0].ID)
	path := filepath.Join(s.Dir, "data", victim)
	saved, _ := os.ReadFile(path)
	breakFile(t, path, nil)

	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[0].URL, "/")))
	b.WaitText("main", "missing or damaged")
	b.WaitText("main", "HTML page")
	if c := cached(b); strings.Contains(c, victim) {
		t.Errorf("the HTML answer for %s is in the service worker's cache", victim)
	}
	if err := os.WriteFile(path, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	b.Run(20*time.Second, chromedp.Reload())
	b.WaitText("main h1", l.Items[0].Title)
}

// TestStalledRequests: requests that the server never answers are given up after the
// stated time, so that they do not hold the browser's six connections to the host; the
// views that needed them say so, and everything else keeps working.
func TestStalledRequests(t *testing.T) {
	var stall atomic.Bool
	release := make(chan struct{})
	var once sync.Once
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
		h := server.Handler(os.DirFS(dir))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if stall.Load() && strings.HasPrefix(r.URL.Path, "/data/") && !strings.HasSuffix(r.URL.Path, "folio.json") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(200)
				w.(http.Flusher).Flush()
				select { // send nothing more until the test ends
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	b := NewBrowser(t)
	b.Allow("504")
	b.Allow("timed out")
	b.Allow("did not answer")
	b.Open(s.URL)
	var l listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 20}).then(JSON.stringify)`), &l)
	stall.Store(true)
	// More stalled requests than the browser has connections to the host: tags, categories
	// and posts, each its own file.
	start := time.Now()
	got := Eval[string](b, `Promise.allSettled([
		folio.post('`+l.Items[10].ID+`'), folio.post('`+l.Items[15].ID+`'), folio.post('`+l.Items[19].ID+`'),
		folio.terms('tags'), folio.terms('categories'), folio.list({year: 2019}), folio.list({tag: 'tea'}),
		folio.search('茶'),
	]).then((rs) => rs.map((r) => r.status + ':' + (r.reason ? r.reason.code : '')).join(' '))`)
	took := time.Since(start)
	if strings.Contains(got, "fulfilled") || took > 20*time.Second {
		t.Errorf("stalled calls: %s after %v; want every one to fail within the stall time (10 s) plus margin", got, took)
	}
	t.Logf("stalled calls: %s, after %v", got, took)
	stall.Store(false)
	// The connections are free again: a post that was not asked for before opens at once.
	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[5].URL, "/")))
	b.WaitText("main h1", l.Items[5].Title)
}

// TestDamagedCompressedCopy: the server's .br copy of a shard is garbage, so the browser
// cannot decode the body. The viewer says the file is damaged, not that the reader is
// offline.
func TestDamagedCompressedCopy(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Allow("502")
	b.Allow("ERR_CONTENT_DECODING_FAILED")
	b.Open(s.URL)
	var l listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 1}).then(JSON.stringify)`), &l)
	victim := shardOf(t, s.Dir, l.Items[0].ID)
	if err := os.WriteFile(filepath.Join(s.Dir, "data", victim+".br"), []byte("this is not brotli at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[0].URL, "/")))
	b.WaitText("main", "missing or damaged")
	b.WaitText("main", "could not be decoded")
	t.Logf("reported after %v", time.Since(start))
	if text := Eval[string](b, `document.querySelector('main').textContent`); strings.Contains(text, "offline") {
		t.Errorf("a damaged copy is reported as offline: %.200s", text)
	}
}

// TestWasmOfWrongType serves the runtime as application/octet-stream, as some hosts do:
// the viewer loads it the slower way and works.
func TestWasmOfWrongType(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
		h := server.Handler(os.DirFS(dir))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, ".wasm") {
				data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(r.URL.Path)))
				if err != nil {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/octet-stream")
				_, _ = w.Write(data)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	b := NewBrowser(t)
	b.Open(s.URL)
	var l listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 1}).then(JSON.stringify)`), &l)
	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[0].URL, "/")))
	b.WaitText("main h1", l.Items[0].Title)
}
