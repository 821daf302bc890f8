// Package edge checks the Cloudflare Workers preview end to end: make worker builds
// dist/worker (wasm/worker through syumai/workers, its glue, the demo site as static
// assets), wrangler dev runs it fully offline under workerd, and real HTTP requests are
// compared with the native handler over the same site's files.
//
// It runs with FOLIO_EDGE=1 (make test-edge); the Workers build is a preview, not yet part
// of make test and CI (its runs are still being made stable). It needs Node.js and npm
// (wrangler 4.86.0 from package.json, installed with npm ci into scripts/edge/node_modules
// when missing). Without them the test skips, unless FOLIO_REQUIRE_EDGE=1, where it fails. It logs figures (start, per-request times) for both
// glues; they are measurements, not checks.
//
// FOLIO_EDGE_SITE=DIR serves a site built elsewhere instead of the demo (a large one: its
// searches load route tables in the background, which the demo's do not), checking 100 of
// its posts.
package edge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"folio/internal/archive"
	"folio/internal/bundle"
)

// glues are the two ways to run the Go program: ours keeps one instance per isolate; the
// one syumai/workers generates starts a new instance for every request.
var glues = []struct{ name, script string }{
	{"per-isolate", ""}, // wrangler.jsonc's main: worker.mjs
	{"per-request", "build/worker.mjs"},
}

// queries are compared between the edge and the native handler: the first that finds
// something (茶 in the demo) is timed, then all the others are asked once each, one after
// the other (at 100k posts a search loads the route tables in the background, and the
// searches after it wait for them).
var queries = []string{"茶", "新能源汽车", "麒麟", "净利润", "高唐", "营业收入", "茶叶", "芯片"}

// maxPosts is how many posts are checked at most (evenly spread over the list).
const maxPosts = 100

// repeats is how often the timed requests (a static file, a search) are made.
const repeats = 10

func TestWorkerUnderWrangler(t *testing.T) {
	if os.Getenv("FOLIO_EDGE") != "1" && os.Getenv("FOLIO_REQUIRE_EDGE") != "1" {
		t.Skip("the Workers preview runs with make test-edge (FOLIO_EDGE=1): wrangler dev under workerd is not part of make test yet")
	}
	requireTools(t, "node", "npm", "make")
	wrangler := installWrangler(t)
	dir := buildWorker(t)
	site := filepath.Join(dir, "site")
	if other := os.Getenv("FOLIO_EDGE_SITE"); other != "" {
		linkSite(t, other, site)
	}
	damaged := damageTagIndex(t, site)
	native := archive.New(bundle.FS(os.DirFS(filepath.Join(site, "data"))), archive.SearchExtension())
	want := expect(t, native, site)

	for _, g := range glues {
		t.Run(g.name, func(t *testing.T) {
			base, ready := startWrangler(t, wrangler, dir, g.script)
			f := check(t, base, want, damaged)
			t.Logf("figures, %s glue: wrangler ready %.1f s; first API request (cold) %s; static file %s; "+
				"/api/site %s; /api/post (%d posts) %s; first search %s; /api/search?q=%s %s (ms, median [min..max]); "+
				"Go heap %.1f MB, from the system %.1f MB",
				g.name, ready.Seconds(), ms(f.cold), summary(f.static), summary(f.site), len(f.posts), summary(f.posts),
				ms(f.firstSearch), want.query, summary(f.search), float64(f.mem.HeapBytes)/1e6, float64(f.mem.SysBytes)/1e6)
		})
	}
}

// requireTools skips (or fails where the edge is required) when a tool is missing.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			unavailable(t, fmt.Sprintf("%s not found: the Workers preview test needs Node.js, npm and make (apt-get install nodejs npm make)", name))
		}
	}
}

// unavailable skips the test with msg, or fails it where the edge is required
// (FOLIO_REQUIRE_EDGE=1).
func unavailable(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("FOLIO_REQUIRE_EDGE") == "1" {
		t.Fatal(msg + " (FOLIO_REQUIRE_EDGE=1)")
	}
	t.Skip(msg + "; skipping")
}

// installWrangler runs npm ci here when wrangler is not installed yet and returns the
// path of its command.
func installWrangler(t *testing.T) string {
	t.Helper()
	js, err := filepath.Abs("node_modules/wrangler/bin/wrangler.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(js); err == nil {
		return js
	}
	start := time.Now()
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	if out, err := cmd.CombinedOutput(); err != nil {
		unavailable(t, fmt.Sprintf("wrangler could not be installed (npm ci in scripts/edge: %v; offline?)\n%s", err, out))
	}
	t.Logf("npm ci (wrangler 4.86.0): %.1f s", time.Since(start).Seconds())
	return js
}

// buildWorker runs make worker into a temporary folder and returns it.
func buildWorker(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "worker")
	start := time.Now()
	cmd := exec.Command("make", "-C", "../..", "worker", "WORKER="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make worker: %v\n%s", err, out)
	}
	t.Logf("make worker: %.1f s", time.Since(start).Seconds())
	return dir
}

// linkSite replaces the built site at dst with links to the files of the site at src
// (not its .br/.gz copies, which Workers does not need), keeping dst's .assetsignore.
func linkSite(t *testing.T, src, dst string) {
	t.Helper()
	src, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	ignore, err := os.ReadFile(filepath.Join(dst, ".assetsignore"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dst); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".br") || strings.HasSuffix(path, ".gz") {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		n++
		return os.Symlink(path, filepath.Join(dst, rel))
	})
	if err == nil {
		err = os.WriteFile(filepath.Join(dst, ".assetsignore"), ignore, 0o644)
	}
	if err != nil {
		t.Fatalf("linking %s into %s: %v", src, dst, err)
	}
	t.Logf("serving %s (%d files)", src, n)
}

// damageTagIndex changes one byte of the site's tag index (a content-addressed file) and
// returns its name: the edge must report it as damaged, as the native reader does.
func damageTagIndex(t *testing.T, site string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(site, "data", bundle.EntryFile))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Terms map[string]string }
	if err := json.Unmarshal(raw, &m); err != nil || m.Terms["tags"] == "" {
		t.Fatalf("no tag index in %s (%v)", bundle.EntryFile, err)
	}
	name := filepath.Join(site, "data", m.Terms["tags"])
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	// Replace the file rather than write into it: it may be a link to another site's.
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return m.Terms["tags"]
}

// post is what a list entry and a post answer share.
type post struct {
	ID, Title string
}

type listAnswer struct {
	Total int
	Items []post
}

type searchAnswer struct {
	Total int
	Hits  []post
}

// want is what the edge must answer: the native handler's answers over the same files.
type want struct {
	posts    []post                  // every post, or maxPosts of them spread over the list
	total    int                     // posts in the archive
	query    string                  // the timed query
	searches map[string]searchAnswer // for each of queries
	files    map[string][]byte       // URL path → the file it must serve
	deep     string                  // a post's original URL, which is no file
	hidden   string                  // a build record in the site's .folio/, which is not published
}

func expect(t *testing.T, native http.Handler, site string) want {
	t.Helper()
	var w want
	for offset := 0; ; {
		var l listAnswer
		nativeGet(t, native, fmt.Sprintf("/api/list?offset=%d&limit=100", offset), &l)
		w.posts = append(w.posts, l.Items...)
		offset += len(l.Items)
		if len(l.Items) == 0 || offset >= l.Total {
			if offset != l.Total {
				t.Fatalf("native list: %d items of %d", offset, l.Total)
			}
			break
		}
	}
	if len(w.posts) == 0 {
		t.Fatal("the native handler lists no posts")
	}
	w.total = len(w.posts)
	if len(w.posts) > maxPosts {
		step := len(w.posts) / maxPosts
		var some []post
		for i := 0; i < len(w.posts) && len(some) < maxPosts; i += step {
			some = append(some, w.posts[i])
		}
		w.posts = some
	}
	w.searches = map[string]searchAnswer{}
	for _, q := range queries {
		var a searchAnswer
		nativeGet(t, native, "/api/search?limit=100&q="+url.QueryEscape(q), &a)
		w.searches[q] = a
		if w.query == "" && a.Total > 0 {
			w.query = q
		}
	}
	if w.query == "" {
		t.Fatalf("native search finds nothing for any of %v", queries)
	}
	w.files = map[string][]byte{}
	for path, file := range map[string]string{"/": "index.html", "/index.html": "index.html", "/data/folio.json": "data/folio.json"} {
		data, err := os.ReadFile(filepath.Join(site, file))
		if err != nil {
			t.Fatal(err)
		}
		w.files[path] = data
	}
	nf, err := os.ReadFile(filepath.Join(site, "404.html"))
	if err != nil {
		t.Fatal(err)
	}
	w.files["404"] = nf
	var p struct{ URL string }
	nativeGet(t, native, "/api/post?id="+url.QueryEscape(w.posts[len(w.posts)-1].ID), &p)
	w.deep = p.URL
	records, err := os.ReadDir(filepath.Join(site, ".folio"))
	switch {
	case err == nil && len(records) > 0:
		w.hidden = "/.folio/" + records[0].Name()
	case os.Getenv("FOLIO_EDGE_SITE") == "":
		t.Fatalf("no build records in %s/.folio (%v)", site, err)
	}
	return w
}

func nativeGet(t *testing.T, h http.Handler, target string, v any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	if rec.Code != 200 {
		t.Fatalf("native %s: status %d: %s", target, rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("native %s: %v", target, err)
	}
}

// figures are the times of the checked requests.
type figures struct {
	cold, firstSearch           time.Duration
	static, site, posts, search []time.Duration
	mem                         struct{ HeapBytes, SysBytes uint64 } // /api/memory at the end
}

// check makes the requests against the worker at base and compares them with want.
func check(t *testing.T, base string, w want, damaged string) figures {
	var f figures
	var l listAnswer
	status, _, d := get(t, base+"/api/list?limit=100", &l)
	f.cold = d
	if status != 200 || l.Total != w.total || len(l.Items) != min(w.total, 100) {
		t.Errorf("/api/list: status %d, %d posts (%d items), want %d", status, l.Total, len(l.Items), w.total)
	}

	for range repeats {
		var site struct{ Posts int }
		status, _, d := get(t, base+"/api/site", &site)
		f.site = append(f.site, d)
		if status != 200 || site.Posts != w.total {
			t.Errorf("/api/site: status %d, %d posts, want %d", status, site.Posts, w.total)
			break
		}
	}

	for _, p := range w.posts {
		var got post
		status, _, d := get(t, base+"/api/post?id="+url.QueryEscape(p.ID), &got)
		f.posts = append(f.posts, d)
		if status != 200 || got.ID != p.ID || got.Title != p.Title {
			t.Errorf("/api/post?id=%s: status %d, %q %q, want %q", p.ID, status, got.ID, got.Title, p.Title)
		}
	}

	for i := range repeats {
		var s searchAnswer
		status, _, d := get(t, base+"/api/search?limit=100&q="+url.QueryEscape(w.query), &s)
		if i == 0 {
			f.firstSearch = d
		} else {
			f.search = append(f.search, d)
		}
		if n := w.searches[w.query]; status != 200 || s.Total != n.Total || !slices.Equal(ids(s.Hits), ids(n.Hits)) {
			t.Errorf("/api/search?q=%s: status %d, total %d ids %v; native: total %d ids %v", w.query, status, s.Total, ids(s.Hits), n.Total, ids(n.Hits))
			break
		}
	}

	for _, q := range queries {
		if q == w.query {
			continue
		}
		var s searchAnswer
		status, _, _ := get(t, base+"/api/search?limit=100&q="+url.QueryEscape(q), &s)
		n := w.searches[q]
		if status != 200 || s.Total != n.Total || !slices.Equal(ids(s.Hits), ids(n.Hits)) {
			t.Errorf("/api/search?q=%s: status %d, total %d, %d hits; native: total %d, %d hits", q, status, s.Total, len(s.Hits), n.Total, len(n.Hits))
		}
	}

	var e struct{ Code, Error string }
	if status, _, _ := get(t, base+"/api/no-such-thing", &e); status != 404 || e.Code != "not_found" {
		t.Errorf("/api/no-such-thing: status %d %+v, want 404 not_found", status, e)
	}
	if status, _, _ := get(t, base+"/api/terms?kind=tags", &e); status != http.StatusBadGateway || !strings.Contains(e.Error, damaged) || !strings.Contains(e.Error, "damaged") {
		t.Errorf("/api/terms?kind=tags over a damaged %s: status %d %+v, want 502 naming the damaged file", damaged, status, e)
	}

	for path, data := range w.files {
		if path == "404" {
			continue
		}
		for range repeats {
			status, body, d := get(t, base+path, nil)
			f.static = append(f.static, d)
			if status != 200 || !bytes.Equal(body, data) {
				t.Errorf("%s: status %d, %d bytes; want 200 and the site's %d bytes", path, status, len(body), len(data))
				break
			}
			if path != "/data/folio.json" {
				break
			}
		}
	}
	for _, path := range []string{w.deep, w.hidden} {
		if path == "" {
			continue // a site from FOLIO_EDGE_SITE without build records
		}
		if status, body, _ := get(t, base+path, nil); status != 404 || !bytes.Equal(body, w.files["404"]) {
			t.Errorf("%s: status %d, %d bytes; want 404 with 404.html", path, status, len(body))
		}
	}
	_, _, _ = get(t, base+"/api/memory", &f.mem) // a figure, not a check
	return f
}

func ids(ps []post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// get fetches u and decodes a JSON body into v (when v is not nil); it returns the status,
// the body and the time from sending the request to the end of the body.
func get(t *testing.T, u string, v any) (int, []byte, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close() // read already
	d := time.Since(start)
	if err != nil {
		t.Fatalf("GET %s: reading: %v", u, err)
	}
	if v != nil {
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("GET %s: content type %q", u, ct)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Errorf("GET %s: %v: %.200s", u, err, body)
		}
	}
	return resp.StatusCode, body, d
}

// startWrangler runs wrangler dev in dir (script "" is the config's main) on a free
// loopback port, offline and with a scratch HOME, and waits until it serves the site. It
// returns the base URL and the time it took; the test's cleanup stops it.
func startWrangler(t *testing.T, wrangler, dir, script string) (string, time.Duration) {
	t.Helper()
	port := freePort(t)
	args := []string{wrangler, "dev"}
	if script != "" {
		args = append(args, script)
	}
	args = append(args, "--ip", "127.0.0.1", "--port", port, "--show-interactive-dev-session=false")
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false", "WRANGLER_HIDE_BANNER=true", "NO_COLOR=1")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to stop workerd with it
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start wrangler: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // its exit status says nothing: the test stops it
		close(exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) // wrangler's group: node and workerd
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
		}
		// workerd may outlive node and SIGTERM (it did once, spinning, after Go crashed).
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("wrangler output:\n%s", out.String())
		}
	})

	base := "http://127.0.0.1:" + port
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/data/folio.json", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close() // only the status mattered
			if resp.StatusCode == 200 {
				return base, time.Since(start)
			}
		}
		select {
		case <-exited:
			t.Fatalf("wrangler dev exited before it served the site:\n%s", out.String())
		case <-ctx.Done():
			t.Fatalf("wrangler dev did not serve the site within 120 s:\n%s", out.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close() //nolint:errcheck // a probe listener
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// lockedBuffer collects a process's output from two pipes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// summary is "median [min..max]" in milliseconds.
func summary(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return fmt.Sprintf("%s [%s..%s]", ms(s[len(s)/2]), ms(s[0]), ms(s[len(s)-1]))
}
