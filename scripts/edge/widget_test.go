package edge

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"folio/scripts/e2e"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// widgetQueries are the demo searches the widget runs on the edge.
var widgetQueries = []string{"茶", "麒麟", "新能源汽车", "量子计算机不存在的词"}

// widgetShown is how many hits the widget's dialog shows (site/widget.js's default limit).
const widgetShown = 8

// widgetOnTheEdge embeds the Worker's widget in a host page of another origin (the Worker
// behind a counting proxy on localhost, the host page on 127.0.0.1) whose policy allows
// no inline script or style and names the archive only as a script source and a frame,
// as API.md tells site owners. It checks that the Worker lets the host frame its
// embed/frame/, that the frame sends each search to the Worker's /api/search without
// starting the engine, and that the dialog shows the hits the native handler gives. Then
// the same with the api attribute (and the archive in connect-src): the widget asks the
// Worker's API from the host page, one request a search, with no frame at all.
func widgetOnTheEdge(t *testing.T, base string, want want) {
	t.Helper()
	widgetOnTheEdgeVia(t, base, want, false)
	widgetOnTheEdgeVia(t, base, want, true)
}

func widgetOnTheEdgeVia(t *testing.T, base string, want want, api bool) {
	t.Helper()
	archive, log := countingProxy(t, base)
	origin := strings.Replace(archive.URL, "127.0.0.1", "localhost", 1)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		connect, attr := "'self'", ""
		if api {
			connect, attr = "'self' "+origin, " api"
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' "+origin+"; frame-src "+origin+
			"; style-src 'self'; img-src 'self'; connect-src "+connect+"; object-src 'none'; base-uri 'self'")
		_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>` +
			`<script src="` + origin + `/widget.js" defer></script></head><body><main><p>A host page.</p>` +
			`<folio-search` + attr + `></folio-search></main></body></html>`))
	}))
	defer host.Close()

	b := e2e.NewBrowser(t)
	b.Run(30*time.Second, chromedp.Navigate(host.URL+"/"))
	if _, err := chromedp.Call(b.Ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	e2e.Eval[bool](b, `customElements.whenDefined('folio-search').then(() => true)`)
	e2e.Eval[bool](b, `(document.querySelector('folio-search').shadowRoot.querySelector('button.open').click(), true)`)
	for _, q := range widgetQueries {
		raw := e2e.Eval[string](b, `new Promise((resolve, reject) => {
  const s = document.querySelector('folio-search'), root = s.shadowRoot, input = root.querySelector('input');
  const done = (ev) => { if (ev.detail.query !== `+jsString(q)+`) return;
    s.removeEventListener('folio-results', done);
    resolve(JSON.stringify([...root.querySelectorAll('li[role=option] .title')].map((e) => e.textContent))); };
  s.addEventListener('folio-results', done);
  setTimeout(() => reject(new Error('no results: ' + root.querySelector('.status').textContent)), 60000);
  input.value = `+jsString(q)+`;
  input.dispatchEvent(new Event('input', { bubbles: true }));
})`)
		var got []string
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var wantTitles []string
		for _, h := range want.searches[q].Hits {
			if len(wantTitles) == widgetShown {
				break
			}
			wantTitles = append(wantTitles, h.Title)
		}
		if strings.Join(got, "\n") != strings.Join(wantTitles, "\n") {
			t.Errorf("%q (api %v): the widget on the edge shows %q, the native handler %q", q, api, got, wantTitles)
		}
	}
	log.quiet(300 * time.Millisecond)
	searches := 0
	for _, p := range log.since(0) {
		path, _, _ := strings.Cut(p, "?")
		if strings.HasSuffix(path, "/worker.js") || strings.HasSuffix(path, "/app.wasm") || strings.HasSuffix(path, "/folio.js") {
			t.Errorf("the widget's frame started the engine although the Worker answers the API: %s", p)
		}
		if api && strings.HasPrefix(path, "/embed/") {
			t.Errorf("the widget with the api attribute loaded the frame although the Worker answers the API: %s", p)
		}
		if path == "/api/search" {
			searches++
		}
	}
	if searches < len(widgetQueries) || api && searches != len(widgetQueries) {
		t.Errorf("api %v: %d requests to /api/search for %d queries: %v", api, searches, len(widgetQueries), log.since(0))
	}
}
