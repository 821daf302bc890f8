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
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"folio/internal/server"
)

// The widget tests put the archive and the page that embeds it on two origins: the archive
// on localhost:PORT (Folio's own server), the host page on 127.0.0.1:OTHER, served with a
// strict Content-Security-Policy that names the archive only where the widget needs it.

// widgetEnv is an archive and a host page that embeds its widget.
type widgetEnv struct {
	archive string // http://localhost:PORT/
	origin  string // http://localhost:PORT
	host    string // http://127.0.0.1:PORT2/
	site    *Site
}

// hostilePost is a post whose title and body carry payloads that must stay text.
const hostilePost = `---
title: "<img src=x onerror=window.__pwned=1> Payload title"
date: 2024-12-24 10:00:00 +0800
categories: [notes]
---

Payload words here: zanzibarquux <script>window.__pwned = 2</script> and
<img src=y onerror="window.__pwned=3"> and &lt;b onmouseover=window.__pwned=4&gt;zanzibarquux&lt;/b&gt;.
`

// newWidgetEnv builds the demo archive (plus hostilePost) and serves the host pages.
func newWidgetEnv(t *testing.T) *widgetEnv {
	t.Helper()
	posts := t.TempDir()
	if err := os.CopyFS(posts, os.DirFS(filepath.Join(RepoDir(), "demo/_posts"))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(posts, "2024-12-24-payload-title.md"), []byte(hostilePost), 0o644); err != nil {
		t.Fatal(err)
	}
	s := BuildSite(t, posts, "", nil)
	archive := strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
	origin := strings.TrimSuffix(archive, "/")
	return &widgetEnv{archive: archive, origin: origin, host: serveHost(t, origin), site: s}
}

// hostCSP is the host page's policy: no inline script or style, the archive allowed only
// as a script source and a frame, as API.md tells site owners.
func hostCSP(origin string) string {
	return "default-src 'self'; script-src 'self' " + origin + "; frame-src " + origin + "; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
}

// serveHost serves the host pages: / embeds the widget, /plain.html is the same page
// without it, /search.html has only <folio-search>, /hostile.html adds a stylesheet that
// tries to wreck everything. /api.html has both elements with the api attribute, under a
// policy that also names the archive in connect-src (as API.md tells owners of an archive
// with an API); /api-unlisted.html the same elements under the policy without it.
func serveHost(t *testing.T, origin string) string {
	t.Helper()
	page := func(head, body string) string {
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title>` +
			`<link rel="stylesheet" href="/host.css">` + head + `</head><body><header><h1>A host page</h1></header><main>` +
			`<p>Text of the host. <a id="before" href="#somewhere">A link on the host</a></p>` + body +
			`<p id="after">More host text.</p></main></body></html>`
	}
	widget := `<script src="` + origin + `/widget.js" defer></script>`
	elements := `<folio-search id="s"></folio-search><h2>Latest tea</h2><folio-posts id="p" category="tea" limit="3"></folio-posts>`
	withAPI := `<folio-search id="s" api></folio-search><h2>Latest tea</h2><folio-posts id="p" category="tea" limit="3" api></folio-posts>`
	files := map[string]string{
		"/api.html":          page(widget, withAPI),
		"/api-unlisted.html": page(widget, withAPI),
		"/":                  page(widget, elements),
		"/plain.html":        page("", ""),
		"/search.html":       page(widget, `<folio-search id="s"></folio-search>`),
		"/hostile.html":      page(`<link rel="stylesheet" href="/hostile.css">`+widget, elements),
		"/host.css":          "body { font: 16px/1.5 serif; color: #222; margin: 2em; } a { color: #a00; }\n",
		"/hostile.css": "* { all: unset; } div { display: none !important; } ul, li, mark, dialog { display: none; }\n" +
			"html { font-size: 64px; } * { font-size: 48px; line-height: 3; letter-spacing: 1em; text-transform: uppercase; }\n" +
			"iframe { display: block !important; width: 900px; height: 900px; } button { opacity: 0; }\n",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if r.URL.Path == "/favicon.ico" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		ctype := "text/html; charset=utf-8"
		if strings.HasSuffix(r.URL.Path, ".css") {
			ctype = "text/css"
		}
		w.Header().Set("Content-Type", ctype)
		policy := hostCSP(origin)
		if r.URL.Path == "/api.html" {
			policy = strings.Replace(policy, "connect-src 'self'", "connect-src 'self' "+origin, 1)
		}
		w.Header().Set("Content-Security-Policy", policy)
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// widgetJS helpers, evaluated on the host page.
const widgetJS = `
window.__w = {
  s: () => document.querySelector('folio-search'),
  sr: () => document.querySelector('folio-search').shadowRoot,
  open: () => { const d = __w.sr().querySelector('dialog'); return !!d && d.open; },
  titles: () => [...__w.sr().querySelectorAll('li[role=option] .title')].map(e => e.textContent),
  // query types q into the open dialog and resolves with the titles shown for it.
  query: (q) => new Promise((resolve, reject) => {
    const s = __w.s(), input = __w.sr().querySelector('input');
    const done = (ev) => { if (ev.detail.query === q) { s.removeEventListener('folio-results', done); resolve(__w.titles()); } };
    s.addEventListener('folio-results', done);
    setTimeout(() => reject(new Error('no results for ' + q + ': ' + __w.sr().querySelector('.status').textContent)), 60000);
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }),
};
true`

// helpers installs widgetJS on the host page (through DevTools: the page's CSP does not
// apply to it, and the page itself defines nothing).
func helpers(b *Browser) { Eval[bool](b, widgetJS) }

func (e *widgetEnv) openHost(b *Browser, page string) {
	b.t.Helper()
	b.Run(30*time.Second, chromedp.Navigate(e.host+page))
	// Keys go to the page even when headless Chromium's window has no focus.
	if _, err := chromedp.Call(b.Ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		b.t.Fatal(err)
	}
	Eval[bool](b, `customElements.whenDefined('folio-search').then(() => true)`)
	helpers(b)
}

// apiTitles runs queries through folio.search on the archive itself.
func (e *widgetEnv) apiTitles(b *Browser, queries []string, limit int) map[string][]string {
	b.t.Helper()
	b.Open(e.archive)
	out := map[string][]string{}
	for _, q := range queries {
		var titles []string
		unmarshal(b.t, Eval[string](b, fmt.Sprintf(`folio.search(%s, {limit: %d}).then(r => JSON.stringify(r.hits.map(h => h.title)))`, jsString(q), limit)), &titles)
		out[q] = titles
	}
	return out
}

func keys(b *Browser, k string, mods ...chromedp.Modifier) {
	b.t.Helper()
	b.Run(10*time.Second, chromedp.KeyEvent(k, chromedp.KeyModifiers(mods...)))
}

// slash presses / as a keyboard does: one keyDown that carries its text, so that a
// handler that prevents the keydown's default also stops the character.
func slash(b *Browser) {
	b.t.Helper()
	b.Run(10*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
			p := input.DispatchKeyEventParams{Type: typ, Key: "/", Code: "Slash", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191}
			if typ == input.DispatchKeyEventTypeKeyDown {
				p.Text, p.UnmodifiedText = "/", "/"
			}
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	}))
}

// waitNavigated waits until the page is on origin (a navigation may be under way).
func waitNavigated(b *Browser, origin string) {
	b.t.Helper()
	for range 300 {
		ctx, cancel := context.WithTimeout(b.Ctx, 2*time.Second)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.origin : ''`))
		cancel()
		if err == nil && v == origin {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("the page did not go to %s", origin)
}

func waitJS(b *Browser, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(30*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// TestWidgetSearchMatchesAPI: across origins and under the host's strict CSP, the widget
// shows the same hits, in the same order, as folio.search on the archive.
// With FOLIO_WIDGET_SITE (a built site) and FOLIO_WIDGET_QUERIES (separated by |) it
// compares on that archive instead.
func TestWidgetSearchMatchesAPI(t *testing.T) {
	queries := []string{"龙井", "茶", "tea", "5G", "沪深300", "title:茶会", "茶 -龙井", "spring tea", "category:tech", "量子计算机不存在的词"}
	var e *widgetEnv
	if dir := os.Getenv("FOLIO_WIDGET_SITE"); dir != "" {
		srv := httptest.NewServer(server.Handler(os.DirFS(dir)))
		t.Cleanup(srv.Close)
		origin := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
		e = &widgetEnv{archive: origin + "/", origin: origin, host: serveHost(t, origin)}
		queries = append(strings.Split(os.Getenv("FOLIO_WIDGET_QUERIES"), "|"), "量子计算机不存在的词")
	} else {
		e = newWidgetEnv(t)
	}
	b := NewBrowser(t)
	want := e.apiTitles(b, queries, 8)
	found := 0
	for _, q := range queries {
		if len(want[q]) > 0 {
			found++
		}
	}
	if found < len(queries)/2 {
		t.Fatalf("only %d of %d queries find anything: the comparison would prove little", found, len(queries))
	}
	e.openHost(b, "")
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	for _, q := range queries {
		var got []string
		unmarshal(t, Eval[string](b, `__w.query(`+jsString(q)+`).then(JSON.stringify)`), &got)
		if strings.Join(got, "\n") != strings.Join(want[q], "\n") {
			t.Errorf("%q: the widget shows %q, folio.search %q", q, got, want[q])
		}
	}
	if n := Eval[int](b, `__w.sr().querySelectorAll('li mark').length`); n != 0 {
		t.Errorf("marks left from an earlier query after one with no hits: %d", n)
	}
	if os.Getenv("FOLIO_WIDGET_SITE") != "" {
		return
	}
	unmarshalMarks := Eval[string](b, `__w.query('龙井').then(() => [...__w.sr().querySelectorAll('li mark')].map(m => m.textContent).join('|'))`)
	if !strings.Contains(unmarshalMarks, "龙井") {
		t.Errorf("the snippets do not mark the query: %q", unmarshalMarks)
	}
	// The "see all results" link goes to the archive's search page.
	if href := Eval[string](b, `__w.sr().querySelector('a.all').href`); href != e.archive+"search?q=%E9%BE%99%E4%BA%95" {
		t.Errorf("see-all link %q", href)
	}
}

// TestWidgetKeyboard: open with Ctrl+K and with /, Esc closes and gives focus back, Tab
// stays in the dialog, arrows move through the results and Enter opens one.
func TestWidgetKeyboard(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	var hits []string
	b.Open(e.archive)
	unmarshal(t, Eval[string](b, `folio.search("茶", {limit: 8}).then(r => JSON.stringify(r.hits.map(h => h.url)))`), &hits)
	if len(hits) < 2 {
		t.Fatalf("want 2 hits for 茶, have %v", hits)
	}
	e.openHost(b, "")
	Eval[bool](b, `(document.getElementById('before').focus(), true)`)
	keys(b, "k", chromedp.ModifierCtrl)
	waitJS(b, `__w.open() && __w.sr().activeElement === __w.sr().querySelector('input')`)
	keys(b, "茶")
	waitJS(b, `__w.titles().length >= 2`)
	for range 5 {
		keys(b, kb.Tab)
		if !Eval[bool](b, `document.activeElement === __w.s() && __w.sr().activeElement !== null`) {
			t.Fatal("Tab left the dialog")
		}
	}
	keys(b, kb.Tab, chromedp.ModifierShift)
	keys(b, kb.Escape)
	waitJS(b, `!__w.open()`)
	if id := Eval[string](b, `document.activeElement.id`); id != "before" {
		t.Errorf("after Esc the focus is on %q, want the link it came from", id)
	}
	Eval[bool](b, `(window.__next = new Promise(r => __w.s().addEventListener('folio-results', r, {once: true})), true)`)
	slash(b)
	waitJS(b, `__w.open() && __w.sr().activeElement === __w.sr().querySelector('input')`)
	Eval[bool](b, `__next.then(() => true)`) // the query kept in the field is searched again
	if v := Eval[string](b, `__w.sr().querySelector('input').value`); v != "茶" {
		t.Errorf("the field holds %q, want the last query (and no /)", v)
	}
	if n := Eval[int](b, `__w.titles().length`); n < 2 {
		t.Fatalf("%d results after reopening", n)
	}
	combobox := `(() => { const i = __w.sr().querySelector('input'); const id = i.getAttribute('aria-activedescendant'); const o = id && __w.sr().getElementById(id); return id + ' ' + (o ? o.getAttribute('aria-selected') : 'none') + ' ' + i.getAttribute('aria-expanded') })()`
	if got := Eval[string](b, combobox); got != "o0 true true" {
		t.Errorf("before the arrows: %s", got)
	}
	keys(b, kb.ArrowDown)
	keys(b, kb.ArrowDown)
	keys(b, kb.ArrowUp)
	if got := Eval[string](b, combobox); got != "o1 true true" {
		t.Errorf("after down, down, up: %s, want the second result", got)
	}
	keys(b, kb.Enter)
	waitJS(b, `location.href === new URL(`+jsString(strings.TrimPrefix(hits[1], "/"))+`, `+jsString(e.archive)+`).href`)
}

// TestWidgetPosts: <folio-posts category="tea" limit="3"> lists the category's newest posts.
func TestWidgetPosts(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	b.Open(e.archive)
	var want []string
	unmarshal(t, Eval[string](b, `folio.list({category: 'tea', limit: 3}).then(r => JSON.stringify(r.items.map(x => new URL(x.url.replace(/^\//, ''), location.origin + '/').href + ' ' + x.title)))`), &want)
	e.openHost(b, "")
	waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length > 0`)
	var got []string
	unmarshal(t, Eval[string](b, `JSON.stringify([...document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a')].map(a => a.href + ' ' + a.textContent))`), &got)
	if len(want) != 3 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("folio-posts lists\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Changing the attributes lists again: a tag instead of the category, with lang="zh".
	b.Open(e.archive)
	unmarshal(t, Eval[string](b, `folio.list({tag: '绿茶', limit: 2}).then(r => JSON.stringify(r.items.map(x => x.title)))`), &want)
	if len(want) != 2 {
		t.Fatalf("want 2 posts tagged 绿茶 from folio.list, have %v", want)
	}
	e.openHost(b, "")
	const list = `JSON.stringify([...document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a')].map(a => a.textContent))`
	waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length === 3`)
	Eval[bool](b, `(() => { const p = document.querySelector('folio-posts'); p.removeAttribute('category'); p.setAttribute('tag', '绿茶'); p.setAttribute('limit', '2'); p.setAttribute('lang', 'zh'); return true })()`)
	waitJS(b, list+` === `+jsString(mustJSON(t, want)))
	if l := Eval[string](b, `document.querySelector('folio-posts').shadowRoot.querySelector('ul').getAttribute('aria-label')`); l != "最新文章" {
		t.Errorf("lang=zh list label %q", l)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWidgetIsolation: a hostile host stylesheet does not break the widget, the widget
// changes neither the host's styles nor its window (no globals, no frames in window).
func TestWidgetIsolation(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	const snapshot = `JSON.stringify({keys: Object.keys(window).sort(), frames: window.length,
		styles: ['body', 'h1', 'p', '#before', '#after', 'main'].map(s => { const c = getComputedStyle(document.querySelector(s)); return [s, c.fontSize, c.color, c.display, c.margin, c.fontFamily].join(' ') })})`
	type snap struct {
		Keys   []string
		Frames int
		Styles []string
	}
	var plain, used snap
	b.Run(20*time.Second, chromedp.Navigate(e.host+"plain.html"))
	unmarshal(t, Eval[string](b, snapshot), &plain)
	e.openHost(b, "")
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	Eval[string](b, `__w.query('茶').then(String)`)
	waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length > 0`)
	Eval[bool](b, `(delete window.__w, true)`) // the test's own helper
	unmarshal(t, Eval[string](b, snapshot), &used)
	helpers(b)
	if fmt.Sprint(plain.Keys) != fmt.Sprint(used.Keys) || used.Frames != plain.Frames {
		t.Errorf("the widget changed window: keys %v → %v, frames %d → %d", plain.Keys, used.Keys, plain.Frames, used.Frames)
	}
	if fmt.Sprint(plain.Styles) != fmt.Sprint(used.Styles) {
		t.Errorf("the widget changed the host's styles:\n%v\n%v", plain.Styles, used.Styles)
	}

	e.openHost(b, "hostile.html")
	if fs := Eval[string](b, `getComputedStyle(document.querySelector('p')).fontSize`); fs != "48px" {
		t.Fatalf("the hostile stylesheet is not in effect (p font-size %s)", fs)
	}
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	titles := Eval[string](b, `__w.query('龙井').then(t => t.join('|'))`)
	if titles == "" {
		t.Fatal("no results under the hostile stylesheet")
	}
	const geometry = `(() => {
		const box = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth + 1 };
		const sr = __w.sr(), li = sr.querySelector('li'), title = li.querySelector('.title');
		const cs = getComputedStyle(title);
		return [box(sr.querySelector('dialog')), box(sr.querySelector('input')), box(li), cs.fontSize, cs.textTransform, cs.letterSpacing, getComputedStyle(sr.querySelector('iframe')).display].join(' ');
	})()`
	if got := Eval[string](b, geometry); got != "true true true 15px none normal none" {
		t.Errorf("under the hostile stylesheet: dialog/input/result on screen, title font, transform, spacing, frame = %s", got)
	}
	keys(b, kb.Escape)
	waitJS(b, `!__w.open()`)
	const button = `(() => { const r = __w.sr().querySelector('button.open').getBoundingClientRect(); return r.width > 50 && r.height > 20 && r.height < 80 })()`
	if !Eval[bool](b, button) {
		t.Errorf("the search button is not a button-sized box under the hostile stylesheet: %s", Eval[string](b, `JSON.stringify(__w.sr().querySelector('button.open').getBoundingClientRect())`))
	}
	// Huge fonts push the list below the fold: it loads when scrolled to.
	Eval[bool](b, `(document.querySelector('folio-posts').scrollIntoView(), true)`)
	waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length > 0`)
	if !Eval[bool](b, `(() => { const r = document.querySelector('folio-posts').shadowRoot.querySelector('li a').getBoundingClientRect(); return r.height > 5 && r.height < 80 })()`) {
		t.Error("folio-posts' links are not shown at a readable size under the hostile stylesheet")
	}
}

// TestWidgetPayloadsStayText: post titles and snippets with payloads (the demo's XSS post
// and a post whose title is an <img onerror>) show as text; nothing runs on the host.
func TestWidgetPayloadsStayText(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	e.openHost(b, "")
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	for _, q := range []string{"zanzibarquux", "Safety Test", "onerror", "alert"} {
		Eval[string](b, `__w.query(`+jsString(q)+`).then(String)`)
		time.Sleep(300 * time.Millisecond) // a payload would fire now
		if bad := Eval[string](b, `[...__w.sr().querySelectorAll('ul *')].map(e => e.localName).filter(n => !['li', 'span', 'mark'].includes(n)).join(',')`); bad != "" {
			t.Errorf("%q: elements other than li/span/mark in the results: %s", q, bad)
		}
	}
	Eval[string](b, `__w.query('zanzibarquux').then(String)`)
	if title := Eval[string](b, `__w.titles().join('|')`); !strings.Contains(title, "<img src=x onerror=window.__pwned=1> Payload title") {
		t.Errorf("the payload title is not shown as text: %q", title)
	}
	if v := Eval[string](b, `String(window.__pwned)`); v != "undefined" {
		t.Errorf("payload %s ran on the host", v)
	}
	if n := Eval[int](b, `document.querySelectorAll('img, script:not([src])').length + __w.sr().querySelectorAll('img, script').length`); n != 0 {
		t.Errorf("%d images or scripts reached the host", n)
	}
}

// axeVersion is the axe-core release the accessibility test runs, installed from npm into
// .cache/ on first use.
const axeVersion = "4.10.3"

// axeSource returns axe-core's script, installing the pinned release with npm when it is
// not in the cache yet. Without npm the test skips locally and fails in CI.
func axeSource(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(RepoDir(), ".cache", "axe-core-"+axeVersion)
	file := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(file); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			msg := "npm not found: the accessibility test installs axe-core " + axeVersion + " with it (apt-get install npm)"
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		cmd := exec.Command(npm, "install", "--prefix", dir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "axe-core@"+axeVersion)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm install axe-core@%s: %v\n%s", axeVersion, err, out)
		}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// TestWidgetAccessibility: axe-core finds no violations on the open search dialog (with
// results, and with recent searches) nor on the posts list, in light and dark.
func TestWidgetAccessibility(t *testing.T) {
	src := axeSource(t)
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	e.openHost(b, "")
	Eval[bool](b, src+"\n;true") // through DevTools: the host page's CSP does not apply
	check := func(what string) {
		t.Helper()
		res := Eval[string](b, `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))`)
		if res != "[]" {
			t.Errorf("%s: axe-core %s finds violations: %s", what, axeVersion, res)
		}
	}
	waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length > 0`)
	check("the page with the widget closed")
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	Eval[string](b, `__w.query('龙井').then(String)`)
	keys(b, kb.ArrowDown)
	check("the open dialog with results")
	Eval[string](b, `__w.query('量子计算机不存在的词').then(String)`)
	check("the open dialog with no results")
	Eval[string](b, `__w.query('龙井').then(String)`)
	Eval[bool](b, `(__w.sr().querySelector('li').click(), true)`) // opens the post and remembers the query
	waitNavigated(b, e.origin)
	e.openHost(b, "")
	Eval[bool](b, src+"\n;true")
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	waitJS(b, `__w.sr().querySelectorAll('li.recent').length > 0`)
	check("the open dialog with recent searches")
	for _, el := range []string{"folio-search", "folio-posts"} {
		Eval[bool](b, `(document.querySelector('`+el+`').setAttribute('theme', 'dark'), true)`)
	}
	check("the open dialog in the dark theme")
}

// TestWidgetEmbedPage: the archive's /embed/ page shows the snippet for its own address
// and a working preview, under its own CSP (no console errors).
func TestWidgetEmbedPage(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	b.Run(30*time.Second, chromedp.Navigate(e.archive+"embed/"))
	waitJS(b, `document.querySelector('#snippet code').textContent.length > 0`)
	snippet := Eval[string](b, `document.querySelector('#snippet code').textContent`)
	if !strings.Contains(snippet, `<script src="`+e.archive+`widget.js" defer></script>`) || !strings.Contains(snippet, "<folio-search></folio-search>") {
		t.Errorf("snippet: %s", snippet)
	}
	if csp := Eval[string](b, `document.querySelector('#csp code').textContent`); csp != "script-src "+e.origin+"; frame-src "+e.origin || !Eval[bool](b, `document.querySelector('#api').hidden`) {
		t.Errorf("CSP lines: %s", csp)
	}
	helpers(b)
	waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length === 5`)
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	if titles := Eval[string](b, `__w.query('龙井').then(t => t.join('|'))`); titles == "" {
		t.Error("the preview finds nothing")
	}
}

// TestWidgetArchiveUnreachable: when the archive goes away after widget.js loaded, the
// dialog says so quietly and the host page goes on (no uncaught error).
func TestWidgetArchiveUnreachable(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	b.Allow("ERR_CONNECTION_REFUSED") // the frame's own load failure, logged by the browser
	b.Allow("ERR_EMPTY_RESPONSE")
	e.openHost(b, "search.html")
	e.site.Server.Close()
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	Eval[bool](b, `(() => { const i = __w.sr().querySelector('input'); i.value = '茶'; i.dispatchEvent(new Event('input')); return true })()`)
	waitJS(b, `__w.sr().querySelector('.status').textContent === 'The archive cannot be reached right now.'`)
	if n := Eval[int](b, `__w.sr().querySelectorAll('li').length`); n != 0 {
		t.Errorf("%d results from an unreachable archive", n)
	}
}

// TestWidgetOnAPhone: on a narrow touch screen the dialog takes the whole screen and its
// field is at least 16 px (phones zoom into smaller ones).
func TestWidgetOnAPhone(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	if _, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 800, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.Ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	e.openHost(b, "search.html")
	b.Run(20*time.Second, chromedp.Click(`folio-search`))
	waitJS(b, `__w.open()`)
	Eval[string](b, `__w.query('茶').then(String)`)
	got := Eval[string](b, `(() => { const r = __w.sr().querySelector('dialog').getBoundingClientRect(); const li = __w.sr().querySelector('li').getBoundingClientRect();
		return [Math.round(r.left), Math.round(r.top), Math.round(r.width) === innerWidth, Math.round(r.height) === innerHeight, li.right <= innerWidth, parseFloat(getComputedStyle(__w.sr().querySelector('input')).fontSize) >= 16].join(' ') })()`)
	if got != "0 0 true true true true" {
		t.Errorf("on a phone: dialog left, top, full width, full height, result inside, field ≥ 16px = %s", got)
	}
}

// hostileFrame is an archive's frame page that answers the widget with malformed and
// hostile results: the widget must keep only well-formed posts on the archive's origin,
// as text.
const hostileFrame = `<!doctype html><html><head><meta charset="utf-8"><title>hostile</title></head><body><script>
addEventListener('message', (ev) => {
  const port = ev.ports[0];
  port.onmessage = (e) => {
    const { id } = e.data;
    const good = { url: '/good/post.html', title: 'Good <b>post</b>', date: '2024-01-02T03:04:05+08:00', categories: ['ok'], snippet: [['plain ', false], ['<img src=x onerror="parent.__pwned=1">', true]] };
    port.postMessage({ id: id + 1000, ok: true, result: { hits: [{ url: 'javascript:parent.__pwned=2', title: 'wrong id' }] } });
    port.postMessage({ id, ok: true, result: { total: 'many', hits: [
      { url: 'javascript:parent.__pwned=3', title: 'js url' },
      { url: 'https://evil.example/x', title: 'other origin' },
      { url: '//evil.example/y', title: 'protocol-relative' },
      { url: { href: '/tricky' }, title: 'object url' },
      { url: '/ok2.html', title: { text: 'object title' }, date: '<script>', snippet: 'not a list' },
      null, 42, [good],
      good,
    ] } });
  };
  port.postMessage({ type: 'hello', v: 1 });
});
</script></body></html>`

// TestWidgetDistrustsTheFrame: whatever the archive's frame answers, the host gets only
// posts on the archive's origin, with text as text (a frame answering for another id,
// URLs elsewhere or of other schemes, objects in place of strings are all dropped).
func TestWidgetDistrustsTheFrame(t *testing.T) {
	widget, err := os.ReadFile(filepath.Join(RepoDir(), "site/widget.js"))
	if err != nil {
		t.Fatal(err)
	}
	archive := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/widget.js":
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = w.Write(widget)
		case "/embed/frame/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(hostileFrame))
		case "/ok2.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(`<!doctype html><title>ok</title>`))
		case "/favicon.ico":
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(archive.Close)
	origin := strings.Replace(archive.URL, "127.0.0.1", "localhost", 1)
	e := &widgetEnv{archive: origin + "/", origin: origin, host: serveHost(t, origin)}
	b := NewBrowser(t)
	e.openHost(b, "search.html")
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	got := Eval[string](b, `__w.query('x').then(t => t.join('|'))`)
	if got != origin+"/ok2.html|Good <b>post</b>" { // a title that is no string shows the address
		t.Errorf("the widget shows %q, want only the two well-formed posts", got)
	}
	meta := Eval[string](b, `[...__w.sr().querySelectorAll('li')].map(li => (li.querySelector('.meta') || {}).textContent + ' / ' + (li.querySelector('.snippet') || {}).textContent).join('|')`)
	if meta != "undefined / undefined|2024-01-02 · ok / plain <img src=x onerror=\"parent.__pwned=1\">" {
		t.Errorf("meta / snippet: %q", meta)
	}
	time.Sleep(300 * time.Millisecond)
	if v := Eval[string](b, `String(window.__pwned)`); v != "undefined" {
		t.Errorf("payload %s ran on the host", v)
	}
	if n := Eval[int](b, `__w.sr().querySelectorAll('img, b, script').length`); n != 0 {
		t.Errorf("%d elements from the frame's strings", n)
	}
	keys(b, kb.Enter)
	waitNavigated(b, origin)
	if u := Eval[string](b, `location.href`); u != origin+"/ok2.html" {
		t.Errorf("Enter opened %s", u)
	}
}

// TestWidgetWaitsForIME: while an input method composes (pinyin before the characters),
// the widget does not search the letters; it searches the word once committed.
func TestWidgetWaitsForIME(t *testing.T) {
	e := newWidgetEnv(t)
	b := NewBrowser(t)
	e.openHost(b, "search.html")
	keys(b, "k", chromedp.ModifierCtrl)
	waitJS(b, `__w.open()`)
	// The engine runs first, so a search of the letters would answer at once.
	Eval[string](b, `__w.query('茶').then(() => { const i = __w.sr().querySelector('input'); i.value = ''; return '' })`)
	Eval[bool](b, `(window.__seen = [], __w.s().addEventListener('folio-results', (e) => __seen.push(e.detail.query)), true)`)
	for _, text := range []string{"l", "lo", "long", "longj", "longjing"} {
		n := int64(len(text))
		if _, err := chromedp.Call(b.Ctx, input.ImeSetComposition, input.ImeSetCompositionParams{Text: text, SelectionStart: n, SelectionEnd: n}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // time for any search of the letters to answer
	if seen := Eval[string](b, `__seen.join('|')`); seen != "" {
		t.Errorf("searched during composition: %s", seen)
	}
	if _, err := chromedp.Call(b.Ctx, input.InsertText, input.InsertTextParams{Text: "龙井"}); err != nil {
		t.Fatal(err)
	}
	waitJS(b, `__seen.includes('龙井')`)
}

// TestWidgetUsesTheServersAPI: where the archive is served by folio serve (its handler
// answers /api/ and marks data/folio.json with Folio-Edge: api), the frame answers through
// the API and never starts the engine (no worker, no app.wasm fetched), and the widget
// shows the same hits as folio.search running the engine on a static copy of the same
// site; <folio-posts> is answered the same way. When the server's search fails (500), the
// frame falls back on the engine and still shows the same hits.
func TestWidgetUsesTheServersAPI(t *testing.T) {
	queries := []string{"龙井", "茶", "tea", "5G", "title:茶会", "茶 -龙井", "category:tech", "量子计算机不存在的词"}
	// Asked once the server's search fails: others, as the API's answers may be cached
	// (a minute, as the edge's).
	failing := []string{"龙井 茶", "market", "title:龙井"}
	var failSearch atomic.Bool
	var counter *countingHandler
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
		h, err := server.SiteHandler(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		counter = &countingHandler{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if failSearch.Load() && r.URL.Path == "/api/search" {
				http.Error(w, `{"error":"down for the test","code":"error"}`, http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})}
		return counter
	})
	origin := strings.TrimSuffix(strings.Replace(s.URL, "127.0.0.1", "localhost", 1), "/")
	e := &widgetEnv{archive: origin + "/", origin: origin, host: serveHost(t, origin)}
	static := httptest.NewServer(server.Handler(os.DirFS(s.Dir)))
	t.Cleanup(static.Close)
	b := NewBrowser(t)
	want := (&widgetEnv{archive: static.URL + "/"}).apiTitles(b, append(slices.Clone(queries), failing...), 8)

	counter.take()
	e.openHost(b, "")
	waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length === 3`)
	Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
	compare := func(when string, queries []string) {
		t.Helper()
		for _, q := range queries {
			var got []string
			unmarshal(t, Eval[string](b, `__w.query(`+jsString(q)+`).then(JSON.stringify)`), &got)
			if strings.Join(got, "\n") != strings.Join(want[q], "\n") {
				t.Errorf("%s: %q: the widget shows %q, folio.search %q", when, q, got, want[q])
			}
		}
	}
	compare("through the API", queries)
	paths, _ := counter.take()
	searches := searchRequests(t, paths, "the frame started the engine although the server answers the API", func(p string) bool {
		return strings.HasSuffix(p, "/worker.js") || strings.HasSuffix(p, "/app.wasm") || strings.HasSuffix(p, "/folio.js")
	})
	if searches < len(queries) {
		t.Errorf("%d requests to /api/search for %d queries: %v", searches, len(queries), paths)
	}

	failSearch.Store(true)
	Eval[bool](b, `(__w.sr().querySelector('input').value = '', true)`)
	compare("the API failing", failing)
	paths, _ = counter.take()
	if !slices.ContainsFunc(paths, func(p string) bool { return strings.HasSuffix(p, "/app.wasm") }) {
		t.Errorf("the API failed but the engine was not started: %v", paths)
	}
}

// TestWidgetAsksTheAPIDirectly: with the api attribute, on an archive that folio serve
// answers (its API open to other origins), the widget asks /api/search and /api/list from
// the host page itself: no frame, no engine, one request a search; it shows the hits
// folio.search gives on a static copy, <folio-posts> its list, and the hostile post's
// payloads stay text. Where the API cannot be reached from the page (the host's policy
// does not list the archive in connect-src; a static host, which sends no CORS headers)
// the widget falls back to the frame and shows the same hits.
func TestWidgetAsksTheAPIDirectly(t *testing.T) {
	queries := []string{"龙井", "tea", "title:茶会", "茶 -龙井", "zanzibarquux", "量子计算机不存在的词"}
	posts := t.TempDir()
	if err := os.CopyFS(posts, os.DirFS(filepath.Join(RepoDir(), "demo/_posts"))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(posts, "2024-12-24-payload-title.md"), []byte(hostilePost), 0o644); err != nil {
		t.Fatal(err)
	}
	var counter *countingHandler
	s := BuildSite(t, posts, "", func(dir string) http.Handler {
		h, err := server.SiteHandler(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		counter = &countingHandler{next: h}
		return counter
	})
	static := httptest.NewServer(server.Handler(os.DirFS(s.Dir)))
	t.Cleanup(static.Close)
	b := NewBrowser(t)
	want := (&widgetEnv{archive: static.URL + "/"}).apiTitles(b, queries, 8)

	compare := func(e *widgetEnv, when string) {
		t.Helper()
		Eval[bool](b, `(__w.sr().querySelector('button.open').click(), true)`)
		for _, q := range queries {
			var got []string
			unmarshal(t, Eval[string](b, `__w.query(`+jsString(q)+`).then(JSON.stringify)`), &got)
			if strings.Join(got, "\n") != strings.Join(want[q], "\n") {
				t.Errorf("%s: %q: the widget shows %q, folio.search %q", when, q, got, want[q])
			}
		}
		waitJS(b, `document.querySelector('folio-posts').shadowRoot.querySelectorAll('li a').length === 3`)
	}

	origin := strings.TrimSuffix(strings.Replace(s.URL, "127.0.0.1", "localhost", 1), "/")
	e := &widgetEnv{archive: origin + "/", origin: origin, host: serveHost(t, origin)}
	counter.take()
	e.openHost(b, "api.html")
	compare(e, "the API from the host page")
	time.Sleep(300 * time.Millisecond) // a payload would fire now
	if v := Eval[string](b, `String(window.__pwned)`); v != "undefined" {
		t.Errorf("payload %s ran on the host", v)
	}
	if n := Eval[int](b, `__w.sr().querySelectorAll('iframe').length + document.querySelector('folio-posts').shadowRoot.querySelectorAll('iframe').length`); n != 0 {
		t.Errorf("%d frames on the host page although the API answers", n)
	}
	paths, _ := counter.take()
	searches := searchRequests(t, paths, "the widget loaded the frame or the engine although the API answers", func(p string) bool {
		return strings.HasPrefix(p, "/embed/") || strings.HasSuffix(p, "/app.wasm") || strings.HasSuffix(p, "/folio.js")
	})
	if searches != len(queries) {
		t.Errorf("%d requests to /api/search for %d queries, want one each: %v", searches, len(queries), paths)
	}

	// The archive's embed page offers the api attribute and the connect-src line.
	b.Run(30*time.Second, chromedp.Navigate(origin+"/embed/"))
	waitJS(b, `!document.querySelector('#api').hidden`)
	if snippet := Eval[string](b, `document.querySelector('#snippet code').textContent`); !strings.Contains(snippet, "<folio-search api></folio-search>") || !strings.Contains(snippet, `<folio-posts limit="5" api></folio-posts>`) {
		t.Errorf("the embed page of an archive with an API: snippet %s", snippet)
	}
	if csp := Eval[string](b, `document.querySelector('#csp code').textContent`); csp != "script-src "+origin+"; frame-src "+origin+"; connect-src "+origin {
		t.Errorf("the embed page of an archive with an API: CSP lines %s", csp)
	}

	// The browser reports what it blocks on the console: expected from here on.
	b.Allow("Connecting to '" + origin + "/api/")
	b.Allow("Fetch API cannot load " + origin + "/api/")
	e.openHost(b, "api-unlisted.html")
	compare(e, "the host's policy without connect-src")
	paths, _ = counter.take()
	if !slices.Contains(paths, "/embed/frame/") {
		t.Errorf("the page's policy blocks the API but the widget did not fall back to the frame: %v", paths)
	}

	staticOrigin := strings.TrimSuffix(strings.Replace(static.URL, "127.0.0.1", "localhost", 1), "/")
	se := &widgetEnv{archive: staticOrigin + "/", origin: staticOrigin, host: serveHost(t, staticOrigin)}
	b.Allow("Access to fetch at '" + staticOrigin + "/api/")
	b.Allow("net::ERR_FAILED (" + staticOrigin + "/api/")
	se.openHost(b, "api.html")
	compare(se, "a static host")
}

// searchRequests counts the requests to /api/search among paths, and reports, as why, each
// path that should not have been asked (unwanted).
func searchRequests(t *testing.T, paths []string, why string, unwanted func(string) bool) int {
	t.Helper()
	n := 0
	for _, p := range paths {
		if unwanted(p) {
			t.Errorf("%s: %s", why, p)
		}
		if p == "/api/search" {
			n++
		}
	}
	return n
}
