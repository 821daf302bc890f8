package e2e

import (
	"context"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"folio/internal/builder"
	"folio/internal/bundle"
	"folio/internal/server"
	"folio/internal/sharedtest"
	"folio/site"
)

// TestSiteImagesLoad: each corpus built with -prerender (yanhaijing as its whole site with
// -site, jekyll and finews as bare posts folders with -posts) and served as folio serve
// -static serves it: Chromium opens the prerendered page of each post at its permalink
// (the body the viewer shows, rendered at build time; JavaScript off, so no image waits
// for a scroll) and every <img> of the site's own loads (complete, with a natural width),
// except exactly the ones the build reports as pointing at nothing. Images on other hosts
// are not fetched here (no network).
func TestSiteImagesLoad(t *testing.T) {
	if _, err := os.Stat("../../site/wasm/app.wasm"); err != nil {
		t.Fatal("site/wasm/app.wasm is missing: run `make wasm` before the browser tests")
	}
	cases := []struct {
		corpus    string
		wholeSite bool
		posts     int
		// minImages is the least number of local images the post pages show; failing
		// says whether some must fail (and be reported): a check of failures that never
		// sees one proves nothing.
		minImages int
		failing   bool
	}{
		{"yanhaijing", true, 176, 400, true},
		{"jekyll", false, 102, 2, true},  // /img/… of jekyllrb.com: not in a posts folder
		{"finews", false, 150, 0, false}, // one of its 151 files is malformed on purpose,
	}
	for _, c := range cases {
		t.Run(c.corpus, func(t *testing.T) {
			opts := builder.Options{Out: t.TempDir(), Site: site.Files(), Prerender: true}
			posts := sharedtest.Corpus(t, c.corpus)
			if c.wholeSite {
				opts.SiteDir = filepath.Dir(posts)
			} else {
				opts.Posts = posts
			}
			checkSiteImages(t, opts, c.posts, c.minImages, c.failing)
		})
	}
}

func checkSiteImages(t *testing.T, opts builder.Options, wantPosts, minImages int, failing bool) {
	out := opts.Out
	rep, err := builder.Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Built != wantPosts {
		t.Fatalf("built %d posts, want %d", rep.Built, wantPosts)
	}
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, "{% include") || strings.Contains(w.Reason, "BLOG_IMG") {
			t.Errorf("warning %s:%d: %s", w.File, w.Line, w.Reason)
		}
	}
	broken := map[string]bool{} // the URLs the build reports as pointing at nothing
	for _, b := range rep.Broken {
		t.Logf("reported: %s:%d: %s", b.File, b.Line, b.Reason)
		if f := strings.Fields(b.Reason); len(f) > 1 {
			broken[f[1]] = true
		}
	}
	hs := httptest.NewServer(server.Handler(os.DirFS(out)))
	t.Cleanup(hs.Close)
	srv := hs.URL

	r, err := bundle.Open(context.Background(), bundle.FS(os.DirFS(filepath.Join(out, "data"))))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := r.Entries(context.Background(), r.AllSpan(), 0, r.AllSpan().Count)
	if err != nil || len(entries) != wantPosts {
		t.Fatalf("%d entries, %v", len(entries), err)
	}

	// Each local image of the page: its src as written, and whether it loaded.
	const localImages = `[...document.querySelectorAll("img")]
		.filter(i => new URL(i.src, location.href).origin === location.origin)
		.map(i => ({src: i.getAttribute("src"), ok: i.complete && i.naturalWidth > 0}))`
	type image struct {
		Src string `json:"src"`
		OK  bool   `json:"ok"`
	}
	b := NewBrowser(t)
	b.Allow("net::ERR_NAME_NOT_RESOLVED") // images on other hosts
	for u := range broken {
		b.Allow("404 (Not Found) (" + hs.URL + u + ")")
	}
	scripts(b, false)
	images, loaded := 0, 0
	failed, shown := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		url := srv + "/" + strings.TrimPrefix(e.URL, "/")
		b.Run(20*time.Second, chromedp.Navigate(url))
		if got := h1(b); got == "" {
			t.Errorf("%s: no post page (no h1)", url)
			continue
		}
		for _, img := range Eval[[]image](b, localImages) {
			images++
			shown[img.Src] = true
			switch {
			case img.OK:
				loaded++
			case broken[img.Src]:
				failed[img.Src] = true
			default:
				t.Errorf("%s: image %s did not load and is not reported as pointing at nothing", e.URL, img.Src)
			}
		}
	}
	for u := range broken {
		if shown[u] && !failed[u] {
			t.Errorf("reported as pointing at nothing, but the image loaded: %s", u)
		}
	}
	if images < minImages {
		t.Errorf("only %d local images on the %d post pages, want at least %d", images, wantPosts, minImages)
	}
	if failing && len(failed) == 0 {
		t.Error("no reported image failed: the check of failures proves nothing")
	}
	names := slices.Sorted(maps.Keys(failed))
	t.Logf("%d local images on %d post pages: %d loaded, %d failed as reported %v", images, wantPosts, loaded, len(failed), names)
}
