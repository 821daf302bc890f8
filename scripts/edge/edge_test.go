package edge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/internal/archive"
	"folio/internal/bundle"
	"folio/internal/pages"
	"folio/internal/search"
	"folio/internal/server"
	"folio/internal/sharedtest"
)

// The test needs Node.js and npm (wrangler from package.json, installed with npm ci when
// missing). Without them it skips, except in CI (CI set) or with FOLIO_REQUIRE_EDGE=1,
// where it fails.

// demoQueries are the demo's searches compared with the native handler.
var demoQueries = []string{"茶", "新能源汽车", "麒麟", "净利润", "高唐", "营业收入", "茶叶", "芯片"}

// maxPosts is how many posts of a large site are checked (evenly spread over the list).
const maxPosts = 100

// TestWorkerUnderWrangler builds the demo and a generated 10k-post archive with folio
// build, writes their Worker with folio worker, runs each under wrangler dev (workerd,
// offline) and checks it over real HTTP against the native handler over the same files:
// every post (the demo's, 100 of the 10k) with its title, the searches (the demo's; the
// 28 benchmark queries at 10k, also against gencorpus's expected hits) with the same ids
// and totals, static files, 404s, the CSP header, the API's caching and CORS headers, a
// damaged file reported as such, and, in Chromium, that a new search in a warm page is one
// request and that the widget works from a page of another origin. It logs figures
// (measurements, not checks).
func TestWorkerUnderWrangler(t *testing.T) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable(t, tool+" not found: the Workers test needs Node.js and npm (apt-get install nodejs npm)")
		}
	}
	start := time.Now()
	wrangler, err := Install(".")
	if err != nil {
		unavailable(t, fmt.Sprintf("wrangler could not be installed (offline?): %v", err))
	}
	t.Logf("wrangler installed in %.1f s", time.Since(start).Seconds())
	tmp := t.TempDir()
	folio, err := BuildFolio("../..", tmp)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("demo", func(t *testing.T) {
		site := buildSite(t, folio, "../../demo/_posts")
		dir := writeWorker(t, folio, site)
		checkUploadSize(t, wrangler, dir)
		damaged := damageTagIndex(t, site)
		native := nativeHandler(site)
		want := expect(t, native, site, queriesOf(demoQueries))
		w := startWrangler(t, wrangler, dir)
		check(t, w, want)
		checkSiteFiles(t, w.URL, site)
		checkPages(t, w.URL, site, want.posts, []string{"tea", "%E7%BB%BF%E8%8C%B6", "tea&category=tea"},
			[]string{"/tag/%E7%BB%BF%E8%8C%B6/", "/tags/", "/tags/?sort=name", "/api/terms?kind=tags"})
		checkDamaged(t, w.URL, damaged)
		checkCaching(t, w.URL, want)
		hostilePostIsInert(t, w.URL)
		widgetOnTheEdge(t, w.URL, expect(t, native, site, queriesOf(widgetQueries)))
	})

	t.Run("gencorpus-10k", func(t *testing.T) {
		corpus, queries := gencorpus(t, 10000)
		site := buildSite(t, folio, filepath.Join(corpus, "_posts"), "-no-compress")
		dir := writeWorker(t, folio, site)
		native := nativeHandler(site)
		want := expect(t, native, site, queries)
		w := startWrangler(t, wrangler, dir)
		check(t, w, want)
		checkIsolateMemory(t, w, want.all)
		checkPages(t, w.URL, site, want.posts, []string{url.QueryEscape(queries[0].q), url.QueryEscape(queries[1].q)}, nil)
		oneRequestSearch(t, w.URL, queries)
	})
}

// unavailable skips the test with msg, or fails it in CI and with FOLIO_REQUIRE_EDGE=1.
func unavailable(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" || os.Getenv("FOLIO_REQUIRE_EDGE") == "1" {
		t.Fatal(msg + " (required in CI and with FOLIO_REQUIRE_EDGE=1)")
	}
	t.Skip(msg + "; skipping")
}

// buildSite runs folio build, with extra flags (the demo keeps its .br/.gz copies, which
// the Worker must leave out; the 10k site is built without them, in less time).
func buildSite(t *testing.T, folio, posts string, flags ...string) string {
	t.Helper()
	site := filepath.Join(t.TempDir(), "site")
	start := time.Now()
	args := append([]string{"build", "-posts", posts, "-out", site, "-quiet"}, flags...)
	if out, err := exec.Command(folio, args...).CombinedOutput(); err != nil {
		t.Fatalf("folio build: %v\n%s", err, out)
	}
	t.Logf("folio build: %.1f s", time.Since(start).Seconds())
	return site
}

// writeWorker runs folio worker for site and returns the Worker's folder.
func writeWorker(t *testing.T, folio, site string) string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(site), "worker")
	out, err := exec.Command(folio, "worker", "-site", site, "-out", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("folio worker: %v\n%s", err, out)
	}
	t.Logf("%s", bytes.TrimSpace(out))
	return dir
}

// checkUploadSize fails the test when the Worker's upload, gzip as wrangler measures it,
// is over the Free plan's 3 MiB.
func checkUploadSize(t *testing.T, wrangler, dir string) {
	t.Helper()
	raw, gz, err := UploadSize(wrangler, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrangler deploy --dry-run: upload %.2f MiB, gzip %.2f MiB (%.0f KiB under the Free plan's 3 MiB)", raw/(1<<20), gz/(1<<20), (FreePlanLimit-gz)/1024)
	if gz > FreePlanLimit {
		t.Errorf("the Worker's upload is %.2f MiB gzip, over the Workers Free plan's 3 MiB", gz/(1<<20))
	}
}

func startWrangler(t *testing.T, wrangler, dir string) *Wrangler {
	t.Helper()
	w, err := Start(wrangler, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.Stop()
		if t.Failed() {
			t.Logf("wrangler output:\n%s", w.Output())
		}
	})
	t.Logf("wrangler dev ready in %.1f s", w.Ready.Seconds())
	return w
}

// nativeHandler is the archive handler over the site's files, as folio serve runs it.
func nativeHandler(site string) http.Handler {
	return archive.New(bundle.FS(os.DirFS(filepath.Join(site, "data"))), archive.SearchExtension())
}

// query is a search to compare, with gencorpus's expected hit count where it gives one.
type query struct {
	q        string
	expected int // -1: not known
}

func queriesOf(qs []string) []query {
	out := make([]query, len(qs))
	for i, q := range qs {
		out[i] = query{q, -1}
	}
	return out
}

// gencorpus generates n posts (seed 1) with ../shared/tools/gencorpus and returns the
// folder and the 28 benchmark queries: shared/bench/peers/queries.json and the needles,
// whose expected hit counts gencorpus knows.
func gencorpus(t *testing.T, n int) (string, []query) {
	t.Helper()
	shared := sharedtest.Dir(t)
	dir := sharedtest.Generated(t, n)
	var peers struct{ Queries []string }
	readJSON(t, filepath.Join(shared, "bench", "peers", "queries.json"), &peers)
	var needles struct {
		Needles []struct {
			Query         string
			ExpectedCount int `json:"expected_count"`
		}
	}
	readJSON(t, filepath.Join(dir, "needles.json"), &needles)
	var qs []query
	for _, p := range peers.Queries {
		qs = append(qs, query{p, -1})
	}
	for _, nd := range needles.Needles {
		qs = append(qs, query{nd.Query, nd.ExpectedCount})
	}
	if len(qs) != 28 {
		t.Fatalf("%d benchmark queries, want 28", len(qs))
	}
	return dir, qs
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// post is what a list entry and a post answer share.
type post struct {
	ID, Title, URL, Date string
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
	posts    []post // every post, or maxPosts of them spread over the list
	all      []post // every post
	total    int    // posts in the archive
	queries  []query
	searches map[string]searchAnswer
}

func expect(t *testing.T, native http.Handler, site string, queries []query) want {
	t.Helper()
	w := want{queries: queries, searches: map[string]searchAnswer{}}
	for offset := 0; ; {
		var l listAnswer
		nativeGet(t, native, fmt.Sprintf("/api/list?offset=%d&limit=100", offset), &l)
		w.posts = append(w.posts, l.Items...)
		offset += len(l.Items)
		if len(l.Items) == 0 || offset >= l.Total {
			break
		}
	}
	w.total = len(w.posts)
	w.all = w.posts
	if w.total == 0 {
		t.Fatal("the native handler lists no posts")
	}
	if len(w.posts) > maxPosts {
		step := len(w.posts) / maxPosts
		var some []post
		for i := 0; i < len(w.posts) && len(some) < maxPosts; i += step {
			some = append(some, w.posts[i])
		}
		w.posts = some
	}
	for _, q := range queries {
		var a searchAnswer
		nativeGet(t, native, searchURL(q.q), &a)
		if q.expected >= 0 && a.Total != q.expected {
			t.Errorf("native %q: %d hits, gencorpus expects %d", q.q, a.Total, q.expected)
		}
		w.searches[q.q] = a
	}
	return w
}

func searchURL(q string) string {
	return fmt.Sprintf("/api/search?limit=%d&q=%s", search.MaxLimit, url.QueryEscape(q))
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

// check compares the edge's list, posts and searches with want, and logs their times.
func check(t *testing.T, w *Wrangler, want want) {
	t.Helper()
	var l listAnswer
	status, _, cold := get(t, w.URL+"/api/list?limit=100", &l)
	if status != 200 || l.Total != want.total {
		t.Errorf("/api/list: status %d, %d posts, want %d", status, l.Total, want.total)
	}
	var postTimes, searchTimes []time.Duration
	for _, p := range want.posts {
		var got post
		status, _, d := get(t, w.URL+"/api/post?id="+url.QueryEscape(p.ID), &got)
		postTimes = append(postTimes, d)
		if status != 200 || got.ID != p.ID || got.Title != p.Title {
			t.Errorf("/api/post?id=%s: status %d, %q %q, want %q", p.ID, status, got.ID, got.Title, p.Title)
		}
	}
	// All the searches at once, each a first run: their goroutines run during one
	// another's requests (before the glue kept Responses in their own request, most of
	// them failed at 10k: "Cannot perform I/O on behalf of a different request").
	type answer struct {
		status int
		s      searchAnswer
		d      time.Duration
		err    error
	}
	answers := make([]answer, len(want.queries))
	var wg sync.WaitGroup
	for i, q := range want.queries {
		wg.Go(func() {
			a := &answers[i]
			start := time.Now()
			a.status, a.err = fetchJSON(w.URL+searchURL(q.q), &a.s)
			a.d = time.Since(start)
		})
	}
	wg.Wait()
	for i, q := range want.queries {
		a, n := answers[i], want.searches[q.q]
		searchTimes = append(searchTimes, a.d)
		if a.err != nil || a.status != 200 || a.s.Total != n.Total || !slices.Equal(ids(a.s.Hits), ids(n.Hits)) {
			t.Errorf("/api/search?q=%s: status %d (%v), total %d, %d hits; native: total %d, %d hits", q.q, a.status, a.err, a.s.Total, len(a.s.Hits), n.Total, len(n.Hits))
		}
	}
	var e struct{ Code string }
	for _, path := range []string{"/api/no-such-thing", "/api/post?id=no-such-post"} {
		if status, _, _ := get(t, w.URL+path, &e); status != 404 || e.Code != "not_found" {
			t.Errorf("%s: status %d %+v, want 404 not_found", path, status, e)
		}
	}
	var mem archive.Memory
	get(t, w.URL+"/api/memory", &mem)
	t.Logf("figures: first API request %s ms; /api/post (%d posts) %s; /api/search (%d queries at once, first run each) %s (ms, median [min..max]); Go heap %.1f MB, from the system %.1f MB",
		ms(cold), len(postTimes), summary(postTimes), len(searchTimes), summary(searchTimes), float64(mem.HeapBytes)/1e6, float64(mem.SysBytes)/1e6)
}

// checkSiteFiles: data files are the site's files; the build records, the .br/.gz copies
// and _headers are not uploaded and answer 404 (the rendered not-found page). The pages
// are checkPages'.
func checkSiteFiles(t *testing.T, base, site string) {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(site, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	records, err := os.ReadDir(filepath.Join(site, ".folio"))
	if err != nil || len(records) == 0 {
		t.Fatalf("no build records in %s/.folio (%v)", site, err)
	}
	copies, _ := filepath.Glob(filepath.Join(site, "app", "*", "wasm", "app.wasm.br"))
	if len(copies) != 1 {
		t.Fatalf("no app.wasm.br in %s/app", site)
	}
	rel, _ := filepath.Rel(site, copies[0])
	for _, c := range []struct {
		path   string
		status int
		body   []byte // nil: any
	}{
		{"/data/folio.json", 200, read("data/folio.json")},
		{"/.folio/" + records[0].Name(), 404, nil},
		{"/" + filepath.ToSlash(rel), 404, nil},
		{"/_headers", 404, nil},
	} {
		resp, err := http.Get(base + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close() // read
		if resp.StatusCode != c.status || c.body != nil && !bytes.Equal(body, c.body) {
			t.Errorf("%s: status %d, %d bytes; want %d and %d bytes", c.path, resp.StatusCode, len(body), c.status, len(c.body))
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), server.CSP) {
			t.Errorf("%s: Content-Security-Policy %q, want folio serve's", c.path, resp.Header.Get("Content-Security-Policy"))
		}
	}
	// The widget's pages have their own policy, as under folio serve: any site may frame
	// the engine's frame, and the embed page frames it. One header each: the general
	// rule's is detached, or the browser would enforce both.
	for _, c := range []struct{ path, name string }{
		{"/embed/frame/", "embed/frame/index.html"},
		{"/embed/", "embed/index.html"},
		{"/", "index.html"},
	} {
		resp, err := http.Get(base + c.path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // the headers are what counts
		got := resp.Header.Values("Content-Security-Policy")
		if want := pages.Policy(server.CSP, c.name); resp.StatusCode != 200 || len(got) != 1 || got[0] != want {
			t.Errorf("%s: status %d, Content-Security-Policy %q; want 200 and %q", c.path, resp.StatusCode, got, want)
		}
	}
}

// damageTagIndex changes one byte of the site's tag index (a content-addressed file) and
// returns its name: the edge must report it as damaged, as the native reader does.
func damageTagIndex(t *testing.T, site string) string {
	t.Helper()
	var m struct{ Terms map[string]string }
	readJSON(t, filepath.Join(site, "data", bundle.EntryFile), &m)
	if m.Terms["tags"] == "" {
		t.Fatalf("no tag index in %s", bundle.EntryFile)
	}
	name := filepath.Join(site, "data", m.Terms["tags"])
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return m.Terms["tags"]
}

func checkDamaged(t *testing.T, base, damaged string) {
	t.Helper()
	var e struct{ Code, Error string }
	if status, _, _ := get(t, base+"/api/terms?kind=tags", &e); status != http.StatusBadGateway || !strings.Contains(e.Error, damaged) || !strings.Contains(e.Error, "damaged") {
		t.Errorf("/api/terms?kind=tags over a damaged %s: status %d %+v, want 502 naming the damaged file", damaged, status, e)
	}
}

// checkCaching: over real HTTP, the API's answers carry the ETag, Cache-Control and CORS
// headers, a repeated request with the ETag is 304, and the preflight is answered.
func checkCaching(t *testing.T, base string, want want) {
	t.Helper()
	for _, path := range []string{"/api/list", "/api/post?id=" + url.QueryEscape(want.posts[0].ID), searchURL(want.queries[0].q)} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // headers only
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || etag == "" || resp.Header.Get("Cache-Control") != archive.CacheControl || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %d %v", path, resp.StatusCode, resp.Header)
			continue
		}
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("If-None-Match", etag)
		again, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(again.Body)
		_ = again.Body.Close() // read
		if again.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s with If-None-Match: %d, %d bytes", path, again.StatusCode, len(body))
		}
	}
	req, _ := http.NewRequest("OPTIONS", base+"/api/search?q=x", nil)
	req.Header.Set("Origin", "https://elsewhere.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "if-none-match")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // empty
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

func ids(ps []post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// client gives up on a request after a while: a request that workerd never answers fails
// the test instead of holding it until go test's timeout. The wait is long because the
// isolate runs on one thread: the 28 searches sent at once queue about 4 s of workerd CPU
// at 10k, which took 80 s of wall time on the shared machine under load (load average
// 30-40 on 2 cores).
var client = &http.Client{Timeout: 180 * time.Second}

// get fetches u and decodes a JSON body into v (when v is not nil); it returns the status,
// the body and the time from sending the request to the end of the body.
func get(t *testing.T, u string, v any) (int, []byte, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := client.Get(u)
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

// fetchJSON GETs u and decodes its JSON body into v (for goroutines other than the test's).
func fetchJSON(u string, v any) (int, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close() //nolint:errcheck // read below
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return resp.StatusCode, fmt.Errorf("%v: %.200s", err, body)
	}
	return resp.StatusCode, nil
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
