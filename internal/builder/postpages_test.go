package builder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// realShellViewer is the viewer's real page (site/index.html, which the server's pages
// are cut from) with a stand-in runtime.
func realShellViewer(t *testing.T) fstest.MapFS {
	t.Helper()
	page, err := os.ReadFile("../../site/index.html")
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{
		"index.html":    {Data: page},
		"sw.js":         {Data: []byte("const VERSION = '__FOLIO_VERSION__';")},
		"app.js":        {Data: []byte("// app")},
		"wasm/app.wasm": {Data: []byte("\x00asm")},
	}
}

// TestPrerenderPostPages: -prerender writes each post's server-rendered page at the file
// a static host serves for its permalink (an .html name as it is, a folder's index.html),
// with its title, description, canonical link, Open Graph and body; a site file already
// at a permalink is left alone; and a removed post's page goes like other stale files:
// kept while the generation that had it may still be open, removed by the build after.
func TestPrerenderPostPages(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"_config.yml":                 "title: Tea\nurl: https://tea.example\n",
		"_posts/2020-01-01-green.md":  "---\ntitle: Green Tea\nexcerpt: Leaves in spring.\n---\nSteep green tea briefly.\n",
		"_posts/2020-01-02-black.md":  "---\ntitle: Black Tea\npermalink: /black/\n---\nBlack tea body.\n",
		"_posts/2020-01-03-taken.md":  "---\ntitle: Taken\npermalink: /taken.html\n---\nTaken body.\n",
		"_posts/2020-01-04-shadow.md": "---\ntitle: Shadow\npermalink: /data/x.html\n---\nShadow.\n",
	})
	out := filepath.Join(t.TempDir(), "out")
	writeFiles(t, out, map[string]string{"taken.html": "the owner's page"})
	posts := filepath.Join(dir, "_posts")
	rep, err := Build(Options{Posts: posts, Out: out, Site: realShellViewer(t), Prerender: true, NoCompress: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.PostPages == nil || rep.PostPages.Files != 2 || rep.PostPages.Bytes == 0 {
		t.Fatalf("post pages report %+v, want 2 files", rep.PostPages)
	}
	green, err := os.ReadFile(filepath.Join(out, "2020/01/01/green.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<title>Green Tea · Tea</title>",
		`<link rel="canonical" href="https://tea.example/2020/01/01/green.html">`,
		`<meta property="og:title" content="Green Tea · Tea">`,
		`<meta property="og:type" content="article">`,
		`<meta name="description" content="Leaves in spring.">`,
		"Steep green tea briefly.",
		`id="folio-state"`,
	} {
		if !strings.Contains(string(green), want) {
			t.Errorf("green.html lacks %s", want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "black/index.html")); err != nil || !strings.Contains(string(b), "Black tea body.") {
		t.Errorf("black/index.html: %v %.200s", err, b)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "taken.html")); string(b) != "the owner's page" {
		t.Errorf("a site file at a permalink was replaced: %.100s", b)
	}
	if _, err := os.Stat(filepath.Join(out, "data/x.html")); err == nil {
		t.Error("a post page was written into data/")
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "taken.html") {
		t.Errorf("notes %v do not name the page left out", rep.Notes)
	}

	// Green goes: its page stays while the generation that had it may be open in a
	// reader, then goes with the next build.
	if err := os.Remove(filepath.Join(posts, "2020-01-01-green.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(Options{Posts: posts, Out: out, Site: realShellViewer(t), Prerender: true, NoCompress: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "2020/01/01/green.html")); err != nil {
		t.Errorf("the page of the generation live until now is gone already: %v", err)
	}
	writeFiles(t, posts, map[string]string{"2020-01-05-new.md": "---\ntitle: New\n---\nNew.\n"})
	if _, err := Build(Options{Posts: posts, Out: out, Site: realShellViewer(t), Prerender: true, NoCompress: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "2020/01/01/green.html")); err == nil {
		t.Error("a removed post's page is still there two builds later")
	}
	if _, err := os.Stat(filepath.Join(out, "2020/01/01")); err == nil {
		t.Error("the folder the removed page left empty is still there")
	}
	if _, err := os.Stat(filepath.Join(out, "black/index.html")); err != nil {
		t.Errorf("a kept post's page went: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "taken.html")); string(b) != "the owner's page" {
		t.Errorf("a site file at a permalink was removed or replaced: %.100s", b)
	}
}

func TestPostPageFile(t *testing.T) {
	for u, want := range map[string]string{
		"/2020/05/tea.html": "2020/05/tea.html",
		"/2020/05/tea/":     "2020/05/tea/index.html",
		"/2020/05/tea":      "2020/05/tea/index.html",
		"/v1.2":             "v1.2/index.html",
		"/茶/":               "茶/index.html",
		"/":                 "",
		"/index.html":       "",
		"/tag/x/":           "",
		"/api/x":            "",
		"/app/x.html":       "",
		"/a/../b.html":      "",
		"/.git/x.html":      "",
		"/sw.js":            "",
		"/404.html":         "",
	} {
		got, ok := postPageFile(u)
		if got != want || ok != (want != "") {
			t.Errorf("postPageFile(%q) = %q, %v; want %q", u, got, ok, want)
		}
	}
}
