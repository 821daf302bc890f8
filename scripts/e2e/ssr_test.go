package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"folio/internal/server"
)

// requestLog records the paths a server was asked for.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) add(p string) {
	l.mu.Lock()
	l.paths = append(l.paths, p)
	l.mu.Unlock()
}

// take returns the paths asked for since the last take.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.paths
	l.paths = nil
	return p
}

// ssrSite builds the demo archive (with its _config.yml) and serves it as `folio serve`
// does by default: files, the API and pages rendered on the server. It logs requests.
func ssrSite(t *testing.T) (*Site, *requestLog) {
	t.Helper()
	log := &requestLog{}
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
		h, err := server.SiteHandler(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			log.add(r.URL.RequestURI())
			h.ServeHTTP(w, r)
		})
	})
	return s, log
}

// follow clicks the element matching sel, which leads to another page, and waits until
// that page has loaded (checked from Go: with JavaScript off the page runs no timers).
func follow(b *Browser, sel string) {
	b.t.Helper()
	before := Eval[string](b, `location.href`)
	b.Run(10*time.Second, chromedp.Click(sel))
	waitLoaded(b, before)
}

// waitLoaded waits until the page is no longer at the address before and has loaded.
func waitLoaded(b *Browser, before string) {
	b.t.Helper()
	expr := fmt.Sprintf(`location.href !== %q && document.readyState === "complete" && !!document.querySelector("main h1")`, before)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && done { // an error: the page is being replaced; ask again
			return
		}
	}
	b.t.Fatalf("no new page after %s", before)
}

// h1 is the text of the page's main heading.
func h1(b *Browser) string {
	b.t.Helper()
	return strings.TrimSpace(Eval[string](b, `(document.querySelector("main h1") || {}).textContent || ""`))
}

// TestReadingWithoutJavaScript: with JavaScript off in Chromium, as for a crawler, a
// reader of a site served by folio serve opens the home page and follows plain links to
// older and newer list pages, a category, a post, its older and newer neighbours, and
// runs a search through the header's form, then narrows it by a facet and opens a hit.
func TestReadingWithoutJavaScript(t *testing.T) {
	s, _ := ssrSite(t)
	b := NewBrowser(t)
	scripts(b, false)
	b.Run(20*time.Second, chromedp.Navigate(s.URL))
	const title = "柳溪茶与码 · Willow Creek Tea & Tech"
	if got := h1(b); got != title {
		t.Fatalf("home: h1 %q, want %q", got, title)
	}
	if n := Eval[int](b, `document.querySelectorAll("main .post-list .post-item").length`); n != 20 {
		t.Errorf("home lists %d posts, want 20", n)
	}
	if Eval[bool](b, `!!window.folio`) {
		t.Fatal("the viewer ran: JavaScript is not off")
	}

	// Older and newer list pages.
	follow(b, `main nav.pager a[rel=next]`)
	if loc := Eval[string](b, `location.search`); loc != "?page=2" {
		t.Errorf("older posts at %q, want ?page=2", loc)
	}
	if n := Eval[int](b, `document.querySelectorAll("main .post-list .post-item").length`); n != s.Report.Built-20 {
		t.Errorf("page 2 lists %d posts, want %d", n, s.Report.Built-20)
	}
	follow(b, `main nav.pager a[rel=prev]`)
	if got := h1(b); got != title {
		t.Errorf("back to newer posts: h1 %q", got)
	}

	// A category, then a post in it.
	cat := Eval[string](b, `document.querySelector("main .post-list a.cat").textContent`)
	follow(b, `main .post-list a.cat`)
	if got := h1(b); !strings.HasSuffix(got, cat) || !strings.Contains(Eval[string](b, `location.pathname`), "/category/") {
		t.Errorf("category page: h1 %q, want one naming %q", got, cat)
	}
	postTitle := Eval[string](b, `document.querySelector("main .post-list h2 a").textContent`)
	follow(b, `main .post-list h2 a`)
	if got := h1(b); got != postTitle {
		t.Errorf("post page: h1 %q, want %q", got, postTitle)
	}
	if n := Eval[int](b, `document.querySelector("main article.post .prose").textContent.length`); n < 50 {
		t.Errorf("post page: %d characters of body", n)
	}

	// Its older neighbour, and back by the newer link.
	older := Eval[string](b, `(document.querySelector("main a.neighbour.prev .title") || {}).textContent || ""`)
	if older == "" {
		t.Fatal("the post has no older neighbour link")
	}
	follow(b, `main a.neighbour.prev`)
	if got := h1(b); got != older {
		t.Errorf("older post: h1 %q, want %q", got, older)
	}
	follow(b, `main a.neighbour.next`)
	if got := h1(b); got != postTitle {
		t.Errorf("newer post: h1 %q, want %q", got, postTitle)
	}

	// A search through the header's form (a plain GET form).
	before := Eval[string](b, `location.href`)
	b.Run(10*time.Second, chromedp.SendKeys(`#q`, "tea\r"))
	waitLoaded(b, before)
	if loc := Eval[string](b, `location.pathname + location.search`); loc != "/search?q=tea" {
		t.Errorf("search at %s", loc)
	}
	hits := Eval[int](b, `document.querySelectorAll("main ol.results .post-item").length`)
	if got := h1(b); !strings.Contains(got, "tea") || hits == 0 {
		t.Fatalf("search page: h1 %q, %d hits", got, hits)
	}
	if v := Eval[string](b, `document.querySelector("#q").value`); v != "tea" {
		t.Errorf("the search box holds %q", v)
	}
	facet := Eval[string](b, `document.querySelector("main .facets a.chip").getAttribute("href")`)
	follow(b, `main .facets a.chip`)
	if loc := Eval[string](b, `location.pathname + location.search`); loc != facet {
		t.Errorf("facet link led to %s, want %s", loc, facet)
	}
	if n := Eval[int](b, `document.querySelectorAll("main ol.results .post-item").length`); n == 0 || n > hits {
		t.Errorf("narrowed search: %d hits (of %d)", n, hits)
	}
	hit := Eval[string](b, `document.querySelector("main ol.results h2 a").textContent`)
	follow(b, `main ol.results h2 a`)
	if got := h1(b); got != hit {
		t.Errorf("search hit: h1 %q, want %q", got, hit)
	}
}

// mainText is the text <main> shows (innerText: hidden elements left out), white space
// collapsed, without the sort and filter controls, which are links on the server's page
// and a select and a filter box in the viewer's.
const mainText = `(() => { const m = document.querySelector('main'); let s = m.innerText;
  for (const e of m.querySelectorAll('.sort, .term-filter')) s = s.replace(e.innerText, '');
  return s.replace(/\s+/g, ' ').trim(); })()`

// shownText is mainText after the header's text and the current navigation link. The
// header's controls that only work with the viewer (class js-only: the Saved link, the
// Install button) are left out: the viewer adds them at the takeover, and nothing else.
const shownText = `(() => { const nav = document.querySelector('.site-nav [aria-current]');
  const header = document.querySelector('header'), extra = [...header.querySelectorAll('.js-only')];
  extra.forEach((e) => { e.style.display = 'none'; });
  const text = header.innerText.replace(/\s+/g, ' ').trim();
  extra.forEach((e) => { e.style.display = ''; });
  return text + ' | current: ' + (nav ? nav.dataset.kind : '-') + ' | ' + ` + mainText + `; })()`

// spinnerWatch runs before any page script: it records whether <main> ever shows the
// viewer's loading block.
const spinnerWatch = `window.__sawSpinner = false;
new MutationObserver(() => { if (document.querySelector('main .loading')) window.__sawSpinner = true; })
  .observe(document, { subtree: true, childList: true });`

// scripts turns the page's JavaScript on or off.
func scripts(b *Browser, on bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		b.t.Fatal(err)
	}
}

// servedText is expr (mainText, shownText) on the server's page at url without the
// viewer: loaded with JavaScript off, its styles applied.
func servedText(b *Browser, url, expr string) string {
	b.t.Helper()
	scripts(b, false)
	defer scripts(b, true)
	b.Run(20*time.Second, chromedp.Navigate(url))
	for deadline := time.Now().Add(20 * time.Second); !Eval[bool](b, `document.readyState === "complete"`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s did not load", url)
		}
	}
	return Eval[string](b, expr)
}

// takeOver opens url with JavaScript on and waits until the viewer has started and taken
// the server's page over (its state block is gone).
func takeOver(b *Browser, url string) {
	b.t.Helper()
	b.Run(20*time.Second, chromedp.Navigate(url))
	Eval[bool](b, `(async () => { await window.folio.ready; return true })()`)
	for deadline := time.Now().Add(20 * time.Second); Eval[bool](b, `!!document.getElementById('folio-state')`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the viewer did not take the page over (its state block is still there)", url)
		}
	}
}

// TestViewerTakesOverServerPage: with JavaScript on, the viewer takes a server-rendered
// post page over from the data the page carries: no request to the API or for any data
// file but the entry, no loading block at any moment, and the same text on screen; then
// it runs the site itself (the next post opens in the page, through the worker).
func TestViewerTakesOverServerPage(t *testing.T) {
	s, log := ssrSite(t)
	b := NewBrowser(t)
	if _, err := chromedp.Call(b.Ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: spinnerWatch}); err != nil {
		t.Fatal(err)
	}
	const post = "tea/2023/09/09/oolong-tasting.html"
	served := servedText(b, s.URL+post, mainText)
	log.take()
	takeOver(b, s.URL+post)
	first := log.take()
	pages := 0
	for _, p := range first {
		switch {
		case p == "/"+post:
			pages++
		case strings.HasPrefix(p, "/api/"), strings.HasPrefix(p, "/data/") && p != "/data/folio.json":
			t.Errorf("second fetch of the page's content: %s", p)
		}
	}
	if pages != 1 {
		t.Errorf("the page was fetched %d times: %v", pages, first)
	}
	if got := h1(b); got != "An Evening of Oolong" {
		t.Errorf("h1 %q after the takeover", got)
	}
	if Eval[bool](b, `window.__sawSpinner`) {
		t.Error("the loading block showed during the takeover")
	}
	if got := Eval[string](b, mainText); got != served {
		t.Errorf("the text on screen changed at the takeover:\nserver: %.600s\nviewer: %.600s", served, got)
	}

	// The viewer now runs the site: the older post opens in the page, its data fetched by
	// the worker.
	older := Eval[string](b, `document.querySelector("main a.neighbour.prev .title").textContent`)
	b.Run(10*time.Second, chromedp.Click(`main a.neighbour.prev`))
	b.WaitText("main h1", older)
	olderURL := Eval[string](b, `location.pathname`)
	data := 0
	for _, p := range log.take() {
		switch {
		case strings.HasPrefix(p, "/data/"):
			data++
		case p == olderURL:
			t.Errorf("the older post was loaded as a new page, not by the viewer")
		}
	}
	if data == 0 {
		t.Error("the older post came without a data fetch: is the log seeing the worker's requests?")
	}
	t.Logf("first load: %d requests (%v)", len(first), first)
}

// TestHostilePostServerRendered: the demo's hostile post, rendered on the server, stays
// inert in Chromium with JavaScript off and on: no dialog (the browser fails the test on
// one), no script, frame or handler in <main>.
func TestHostilePostServerRendered(t *testing.T) {
	s, _ := ssrSite(t)
	const post = "tech/notes/2022/01/20/sanitizer-safety-test.html"
	const inert = `(() => { const m = document.querySelector('main');
  const bad = [...m.querySelectorAll('script:not(#folio-state), iframe, object, embed')].map((e) => e.tagName);
  for (const e of m.querySelectorAll('*')) for (const a of e.attributes) if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) bad.push(e.tagName + ' ' + a.name);
  return bad.join(', '); })()`
	for _, js := range []bool{false, true} {
		b := NewBrowser(t)
		b.Allow("2022/01/20/x") // the post's <img src=x onerror=…>: a missing image, as meant
		scripts(b, js)
		b.Run(20*time.Second, chromedp.Navigate(s.URL+post))
		if js {
			Eval[bool](b, `(async () => { await window.folio.ready; return true })()`)
		}
		b.WaitText("main .prose", "bold text")
		if bad := Eval[string](b, inert); bad != "" {
			t.Errorf("JavaScript %v: live markup in the post: %s", js, bad)
		}
		// Give a handler that slipped through the time to fire (an <img onerror> does at once).
		time.Sleep(300 * time.Millisecond)
	}
}

// TestTakeoverKeepsEveryView: for a page of each view, in English and in Chinese, the
// text on screen (header, current navigation link, content) is the same before and after
// the viewer takes it over, and the takeover asks for no data.
func TestTakeoverKeepsEveryView(t *testing.T) {
	s, log := ssrSite(t)
	b := NewBrowser(t)
	b.Allow("404 (Not Found)") // the not-found pages
	ua := Eval[string](b, `navigator.userAgent`)
	for _, lang := range []string{"en-US", "zh-CN"} {
		// The reader's language: the server's wording follows Accept-Language, the
		// viewer's navigator.languages.
		if _, err := chromedp.Call(b.Ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: lang}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"", "?page=2", "category/tea/", "tag/%E7%BB%BF%E8%8C%B6/", "archive/", "archive/2022/", "archive/2022/03/",
			"categories/", "tags/?sort=name", "search?q=tea", "search?q=tea&category=tea", "search", "tea/2023/09/09/oolong-tasting.html",
			"no/such-post.html", "category/nope/"} {
			served := servedText(b, s.URL+path, shownText)
			log.take()
			takeOver(b, s.URL+path)
			if got := Eval[string](b, shownText); got != served {
				t.Errorf("%s /%s: the text changed at the takeover:\nserver: %.2000s\nviewer: %.2000s", lang, path, served, got)
			}
			for _, p := range log.take() {
				if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/data/") && p != "/data/folio.json" {
					t.Errorf("%s /%s: the takeover fetched %s", lang, path, p)
				}
			}
		}
	}
}
