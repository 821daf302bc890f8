package archive

import (
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"folio/internal/bundle"
	"folio/internal/pages"
	"folio/internal/post"
	"folio/internal/search/index"
)

// demoSite builds the demo archive with its _config.yml facts and search data, and
// returns the handler with pages over the viewer's page (site/index.html).
func demoSite(t *testing.T) *Handler {
	t.Helper()
	cfg, err := post.LoadConfig(os.DirFS("../../demo"), "_config.yml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := post.ReadAll(os.DirFS("../../demo/_posts"), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, err := bundle.NewWriter(dir, false, 2)
	if err != nil {
		t.Fatal(err)
	}
	m, layout := bundle.BuildLayout(w, res.Posts, bundle.Site{Title: "Willow", BaseURL: "/", URL: "https://example.org", Lang: "zh-CN", Description: "A tea blog"})
	root, _, err := index.Write(w, res.Posts, func() bundle.Layout { return layout })
	if err != nil {
		t.Fatal(err)
	}
	m.Extra = map[string]string{"search": root}
	if _, err := w.Finish(m); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile("../../site/index.html")
	if err != nil {
		t.Fatal(err)
	}
	shell, err := pages.ParseShell(page)
	if err != nil {
		t.Fatal(err)
	}
	return New(bundle.FS(os.DirFS(dir)), SearchExtension()).WithPages(shell)
}

func getPage(t *testing.T, h *Handler, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec.Code, rec.Body.String()
}

var titleRE = regexp.MustCompile(`<title>([^<]*)</title>`)

func TestSmoke(t *testing.T) {
	h := demoSite(t)
	for _, p := range []string{"/", "/?page=2", "/categories/", "/tags/", "/archive/", "/archive/2022/", "/archive/2022/03/", "/search?q=tea", "/nope"} {
		c, body := getPage(t, h, p)
		t.Logf("%s %d %q %d bytes", p, c, titleRE.FindStringSubmatch(body), len(body))
	}
	_, body := getPage(t, h, "/")
	t.Log(body[:3000])
	_ = strings.Contains
}
