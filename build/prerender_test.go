package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/server"
)

// TestPrerenderServedStatic: prerender: true in folio.yml writes each post's page at its
// permalink, and a plain static host (folio serve -static's handler) answers the
// permalink with it: status 200, the post's title, canonical link and body, not the
// viewer's empty page.
func TestPrerenderServedStatic(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string][]byte{
		"_config.yml":                 []byte("title: Tea\nurl: https://tea.example\npermalink: /:categories/:year/:month/:day/:title:output_ext\n"),
		"folio.yml":                   []byte("out: public\nprerender: true\n"),
		"_posts/2020-01-01-oolong.md": []byte("---\ntitle: Evening Oolong\ncategories: [tea]\n---\nRoll the leaves slowly.\n"),
	})
	code, stderr, rep := build(t, "-site", root)
	if code != 0 || rep == nil {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "1 post pages at their original URLs") {
		t.Errorf("the summary does not count the post pages:\n%s", stderr)
	}
	srv := httptest.NewServer(server.Handler(os.DirFS(filepath.Join(root, "public"))))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/tea/2020/01/01/oolong.html")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		"<title>Evening Oolong · Tea</title>",
		`<link rel="canonical" href="https://tea.example/tea/2020/01/01/oolong.html">`,
		"Roll the leaves slowly.",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the static page lacks %s", want)
		}
	}
}
