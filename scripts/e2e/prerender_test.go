package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/builder"
	"folio/internal/server"
	"folio/site"
)

// TestViewerTakesOverPrerenderedPage: the demo built with -prerender and served as a
// plain static host serves it (folio serve -static): a post's permalink answers 200 with
// the post's page (title, canonical link, body), which Chromium shows without
// JavaScript, and which the viewer takes over from the data it carries, keeping the text.
func TestViewerTakesOverPrerenderedPage(t *testing.T) {
	if _, err := os.Stat("../../site/wasm/app.wasm"); err != nil {
		t.Fatal("site/wasm/app.wasm is missing: run `make wasm` before the browser tests")
	}
	out := t.TempDir()
	rep, err := builder.Build(builder.Options{Posts: filepath.Join(RepoDir(), "demo/_posts"), Out: out, Site: site.Files(), Prerender: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.PostPages == nil || rep.PostPages.Files == 0 {
		t.Fatalf("no post pages written: %+v", rep.PostPages)
	}
	log := &requestLog{}
	files := server.Handler(os.DirFS(out)) // what folio serve -static serves
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.URL.RequestURI())
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	const post = "tea/2023/09/09/oolong-tasting.html"
	res, err := http.Get(srv.URL + "/" + post)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "<title>An Evening of Oolong · ") || !strings.Contains(string(body), `<link rel="canonical" href="`) {
		t.Fatalf("%s: status %d, no post title or canonical link: %.400s", post, res.StatusCode, body)
	}
	// A static file cannot follow the reader's languages as folio serve does: the page
	// has the site's wording (the demo's is Chinese) and the viewer the reader's, so the
	// post itself is compared: its title and body.
	const postText = `document.querySelector('main h1').textContent + '|' + document.querySelector('main .prose').innerText`
	b := NewBrowser(t)
	served := servedText(b, srv.URL+"/"+post, postText)
	if !strings.Contains(served, "An Evening of Oolong") {
		t.Errorf("without JavaScript the page shows %.300s", served)
	}
	log.take()
	takeOver(b, srv.URL+"/"+post)
	for _, p := range log.take() {
		if strings.HasPrefix(p, "/data/") && p != "/data/folio.json" {
			t.Errorf("second fetch of the page's content at the takeover: %s", p)
		}
	}
	if got := h1(b); got != "An Evening of Oolong" {
		t.Errorf("h1 %q after the takeover", got)
	}
	if got := Eval[string](b, postText); got != served {
		t.Errorf("the text on screen changed at the takeover:\npage:   %.600s\nviewer: %.600s", served, got)
	}
}
