// Package e2e holds Folio's end-to-end tests: sites built by the real build code, served
// by the real server, driven in real headless Chromium (Debian's chromium package).
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"folio/internal/builder"
	"folio/internal/server"
	"folio/scripts/chrome"
	"folio/site"
)

// ChromiumPath finds the browser: $FOLIO_CHROMIUM, then Debian's /usr/bin/chromium.
// Without one the test skips locally and fails in CI (where make test installs it).
func ChromiumPath(t testing.TB) string {
	t.Helper()
	for _, c := range []string{os.Getenv("FOLIO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := "Chromium not found (run `make test`, which installs Debian's chromium, or set FOLIO_CHROMIUM)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Site is a built site served on loopback.
type Site struct {
	Dir    string
	URL    string
	Report *builder.Report
	// Server is the HTTP server; closing it takes the site off the network.
	Server *httptest.Server
}

// BuildSite builds posts (with an optional _config.yml) into a temporary folder with the
// embedded viewer, and serves it with handler (nil: Folio's own server).
func BuildSite(t testing.TB, posts, config string, handler func(dir string) http.Handler) *Site {
	t.Helper()
	if _, err := os.Stat("../../site/wasm/app.wasm"); err != nil {
		t.Fatal("site/wasm/app.wasm is missing: run `make wasm` (make test does) before the browser tests")
	}
	out := t.TempDir()
	rep, err := builder.Build(builder.Options{Posts: posts, Out: out, Config: config, Site: site.Files(), NoCompress: false})
	if err != nil {
		t.Fatal(err)
	}
	// Every note is a surprise here, except that the test sites name no site URL (so they
	// get no sitemap), which the build says once.
	var notes []string
	for _, n := range rep.Notes {
		if !strings.HasPrefix(n, "no site url ") {
			notes = append(notes, n)
		}
	}
	if len(notes) > 0 {
		t.Fatalf("build notes: %v", notes)
	}
	if handler == nil {
		handler = func(dir string) http.Handler { return server.Handler(os.DirFS(dir)) }
	}
	srv := httptest.NewServer(handler(out))
	t.Cleanup(srv.Close)
	return &Site{Dir: out, URL: srv.URL + "/", Report: rep, Server: srv}
}

// AppDir returns the folder of the site's viewer files (app/<version>/).
func (s *Site) AppDir(t testing.TB) string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(s.Dir, "app", "*"))
	if err != nil || len(dirs) != 1 {
		t.Fatalf("want one viewer folder in %s/app, found %v (%v)", s.Dir, dirs, err)
	}
	return dirs[0]
}

// Browser is one Chromium with a fresh profile, and the console errors its pages logged.
type Browser struct {
	Ctx context.Context
	t   testing.TB

	mu       sync.Mutex
	problems []string
	dialogs  []string
	allowed  []string // substrings of console errors a test expects
}

// NewBrowser starts headless Chromium with the flags this machine needs and a fresh
// --user-data-dir. At the end of the test it fails the test if any page logged a console
// error, threw an uncaught exception or opened a dialog (alert, confirm…).
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	path := ChromiumPath(t)
	opts := chrome.Options(path, t.TempDir(), 1200, 900)
	ctx, closeBrowser, err := chrome.Start(opts)
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b := &Browser{Ctx: ctx, t: t}
	t.Cleanup(closeBrowser)
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable log: %v", err)
	}
	err = chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				b.problem("console.error: " + strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.problem(fmt.Sprintf("uncaught exception: %s (%s:%d)", msg, d.URL, d.LineNumber))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				b.problem(fmt.Sprintf("console %s error: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *page.EventJavascriptDialogOpening:
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(e.Type)+": "+e.Message)
			b.mu.Unlock()
			// The dialog fails the test already; dismissing it only unblocks the page.
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	})
	if err != nil {
		t.Fatalf("listen to the page: %v", err)
	}
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("browser: %s", p)
		}
		for _, d := range b.dialogs {
			t.Errorf("browser: a page opened a dialog (script ran): %s", d)
		}
	})
	return b
}

// Allow makes console errors containing s expected (e.g. a test that breaks a file on
// purpose, or CSP reports in the CSP test).
func (b *Browser) Allow(s string) {
	b.mu.Lock()
	b.allowed = append(b.allowed, s)
	b.mu.Unlock()
}

func (b *Browser) problem(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.allowed {
		if strings.Contains(s, a) {
			return
		}
	}
	b.problems = append(b.problems, s)
}

// Run runs actions with a timeout.
func (b *Browser) Run(timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// Eval evaluates a JavaScript expression (awaiting a Promise) into T.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %.120s: %v", expr, err)
	}
	return v
}

// Open navigates to url and waits until the viewer is ready.
func (b *Browser) Open(url string) {
	b.t.Helper()
	b.Run(30*time.Second, chromedp.Navigate(url))
	Eval[bool](b, `(async () => { await window.folio.ready; return true })()`)
}

// WaitText waits until the element matching sel contains text.
func (b *Browser) WaitText(sel, text string) {
	b.t.Helper()
	expr := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q) })()`, sel, text)
	ctx, cancel := context.WithTimeout(b.Ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		got, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||"(none)"`, sel)))
		b.t.Fatalf("waiting for %q in %s: %v; it has: %.300s", text, sel, err, got)
	}
}

// RepoDir is the repository root, from this package's folder.
func RepoDir() string { p, _ := filepath.Abs("../.."); return p }

func unmarshal(t testing.TB, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v: %.200s", err, s)
	}
}
