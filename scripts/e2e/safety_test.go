package e2e

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"folio/internal/bundle"
)

// TestXSSPostIsInert opens the demo's sanitizer test post, whose body holds real XSS
// payloads: nothing may run (the browser cleanup fails the test on any dialog or error),
// and no active markup may reach the page.
func TestXSSPostIsInert(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Open(s.URL)
	url := Eval[string](b, `folio.post("2022-01-20-sanitizer-safety-test").then(p => p.url)`)
	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(url, "/")))
	b.WaitText("main h1", "")
	time.Sleep(500 * time.Millisecond) // give any payload the chance to fire
	n := Eval[int](b, `document.querySelectorAll("main script, main iframe, main object, main embed, main [onerror], main [onclick], main [onload], main a[href^='javascript']").length`)
	if n != 0 {
		t.Errorf("%d active elements reached the page", n)
	}
	if Eval[bool](b, `window.__xss === undefined && window.__pwned === undefined`) != true {
		t.Error("a payload ran")
	}
}

// TestCSPIsTheSecondWall inserts payloads into the page directly, as if the sanitizer had
// let them through: the Content-Security-Policy must still stop each one.
func TestCSPIsTheSecondWall(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Allow("Content Security Policy") // the refusals are the point of this test
	b.Allow("Content-Security-Policy")
	b.Allow("x-missing.png") // the image itself 404s (allowed before it is inserted: the report may come at once)
	b.Open(s.URL)
	Eval[bool](b, `(() => {
		const box = document.createElement("div");
		box.innerHTML = '<img src="x-missing.png" onerror="window.__pwned = 1">' +
			'<a id="jsurl" href="javascript:window.__pwned = 2">x</a>' +
			'<iframe srcdoc="<script>parent.__pwned = 3<\/script>"></iframe>' +
			'<object data="data:text/html,<script>parent.__pwned=4<\/script>"></object>';
		document.body.append(box);
		const s = document.createElement("script");
		s.textContent = "window.__pwned = 5";
		document.body.append(s);
		document.getElementById("jsurl").click();
		return true;
	})()`)
	time.Sleep(800 * time.Millisecond)
	if v := Eval[string](b, `String(window.__pwned)`); v != "undefined" {
		t.Errorf("payload %s ran despite the CSP", v)
	}
}

// breakFile overwrites a data file and its precompressed copies.
func breakFile(t *testing.T, path string, data []byte) {
	t.Helper()
	for _, p := range []string{path, path + ".br", path + ".gz"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if data != nil {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBundleOfAnotherVersion(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	m, _ := os.ReadFile(filepath.Join(s.Dir, "data/folio.json"))
	breakFile(t, filepath.Join(s.Dir, "data/folio.json"), []byte(strings.Replace(string(m), fmt.Sprintf(`"version":%d`, bundle.Version), `"version":99`, 1)))
	b := NewBrowser(t)
	b.Allow("409") // the API's answer for the stale bundle
	b.Run(20*time.Second, chromedp.Navigate(s.URL))
	b.WaitText("main", "different version of Folio")
}

func TestMissingWasm(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	breakFile(t, filepath.Join(s.AppDir(t), "wasm/app.wasm"), nil)
	b := NewBrowser(t)
	b.Allow("404")
	b.Allow("app.wasm")
	b.Run(20*time.Second, chromedp.Navigate(s.URL))
	b.WaitText("main", "could not be loaded or started")
}

func TestCorruptShard(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	shards, _ := filepath.Glob(filepath.Join(s.Dir, "data/p/*.json"))
	if len(shards) == 0 {
		t.Fatal("no shards")
	}
	for _, sh := range shards {
		breakFile(t, sh, []byte("{damaged"))
	}
	b := NewBrowser(t)
	b.Allow("502")
	b.Open(s.URL)
	var l listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 1}).then(JSON.stringify)`), &l)
	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[0].URL, "/")))
	b.WaitText("main", "missing or damaged")
	// The rest keeps working: the home page lists posts.
	b.Run(20*time.Second, chromedp.Navigate(s.URL))
	b.WaitText("main", l.Items[0].Title)
}

func TestOffline(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Allow("ERR_INTERNET_DISCONNECTED")
	b.Open(s.URL)
	var l listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 10}).then(JSON.stringify)`), &l)
	b.WaitText("main", l.Items[0].Title)
	target := ""
	for _, it := range l.Items[1:] {
		if strings.Trim(it.URL, "abcdefghijklmnopqrstuvwxyz0123456789/.-") == "" {
			target = strings.TrimPrefix(it.URL, "/")
			break
		}
	}
	// The network goes away: the server stops, and the browser says it is offline.
	s.Server.CloseClientConnections()
	s.Server.Close()
	if _, err := chromedp.Call(b.Ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, Latency: 0, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	b.Allow("ERR_CONNECTION_REFUSED")
	b.Allow("Failed to fetch")
	// Opening a post that was never fetched gives a clear message, not a blank page.
	b.Run(10*time.Second, chromedp.Click(`main a[href$="`+target+`"]`))
	b.WaitText("main", "offline")
}
