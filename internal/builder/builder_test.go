package builder

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func postText(title string) string { return "---\ntitle: " + title + "\n---\nBody of " + title + ".\n" }

// fakeViewer is a minimal site: the pages, the service worker and a "runtime". Its
// version changes with tag.
func fakeViewer(tag string) fstest.MapFS {
	page := `<html><head><base href="/"><title>Folio</title><script src="app/__FOLIO_VERSION__/app.js"></script></head><body><main><div class="loading"></div></main></body></html>`
	return fstest.MapFS{
		"index.html":    {Data: []byte(page)},
		"sw.js":         {Data: []byte("const VERSION = '__FOLIO_VERSION__';")},
		"app.js":        {Data: []byte("// app " + tag)},
		"wasm/app.wasm": {Data: []byte("\x00asm" + tag)},
	}
}

func TestBuildIntoSiteRootIsRefused(t *testing.T) {
	site := t.TempDir()
	writeFiles(t, site, map[string]string{
		"_posts/2020-01-01-a.md": postText("A"),
		"images/photo.jpg":       "JPEG photo bytes",
		"assets/app.css":         "body{}",
		"index.html":             "the owner's own home page",
	})
	alias := filepath.Join(t.TempDir(), "alias")
	if err := os.Symlink(site, alias); err != nil {
		t.Fatal(err)
	}
	posts := filepath.Join(site, "_posts")
	for _, out := range []string{site, site + "/", alias, posts, filepath.Join(posts, "site"), filepath.Dir(site)} {
		_, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")})
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "output folder") {
			t.Errorf("out %s: err %v, want a usage error about the output folder", out, err)
		}
	}
	for name, want := range map[string]string{"images/photo.jpg": "JPEG photo bytes", "assets/app.css": "body{}", "index.html": "the owner's own home page"} {
		if b, err := os.ReadFile(filepath.Join(site, name)); err != nil || string(b) != want {
			t.Errorf("%s changed: %q, %v", name, b, err)
		}
	}
	// Jekyll's own output folder beside the posts is fine, and gets the images.
	if _, err := Build(Options{Posts: posts, Out: filepath.Join(site, "_site"), Site: fakeViewer("1")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(site, "_site/images/photo.jpg")); string(b) != "JPEG photo bytes" {
		t.Errorf("photo not copied: %q", b)
	}
}

func TestAssetLinks(t *testing.T) {
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"passwd": "root:x:0:0", "dir/secret.txt": "secret"})
	site := t.TempDir()
	writeFiles(t, site, map[string]string{
		"_posts/2020-01-01-a.md": postText("A"),
		"images/photo.jpg":       "photo",
		"shared/logo.png":        "logo",
		"shared/more/x.png":      "x",
	})
	links := map[string]string{
		"images/leak.jpg":  filepath.Join(outside, "passwd"),
		"images/leakdir":   filepath.Join(outside, "dir"),
		"images/logo.png":  filepath.Join(site, "shared/logo.png"),
		"images/shared":    filepath.Join(site, "shared"),
		"images/loop":      filepath.Join(site, "images"),
		"images/dangling":  filepath.Join(site, "nothing-here"),
		"images/.hidden":   filepath.Join(site, "shared/logo.png"),
		"images/relative":  "../shared/more",
		"assets":           filepath.Join(outside, "dir"), // the owner's own folder link
		"images/up-to-etc": "../../../../../../../../etc",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(site, name)); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	rep, err := Build(Options{Posts: filepath.Join(site, "_posts"), Out: out, Site: fakeViewer("1")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"images/photo.jpg":         "photo",
		"images/logo.png":          "logo",
		"images/shared/logo.png":   "logo",
		"images/shared/more/x.png": "x",
		"images/relative/x.png":    "x",
		"assets/secret.txt":        "secret",
	}
	for name, data := range want {
		if b, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(b) != data {
			t.Errorf("%s: %q, %v; want %q", name, b, err, data)
		}
	}
	for _, name := range []string{"images/leak.jpg", "images/leakdir", "images/dangling", "images/.hidden", "images/up-to-etc", "images/loop/photo.jpg"} {
		if _, err := os.Lstat(filepath.Join(out, name)); err == nil {
			t.Errorf("%s was published", name)
		}
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, s := range []string{"leak.jpg: links outside the site", "leakdir: links outside the site", "dangling: broken link", "up-to-etc: links outside the site"} {
		if !strings.Contains(notes, s) {
			t.Errorf("notes do not say %q:\n%s", s, notes)
		}
	}
	// The output's images folder is a link to the site's own: nothing is copied onto itself.
	out2 := filepath.Join(t.TempDir(), "out2")
	if err := os.MkdirAll(out2, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(site, "images"), filepath.Join(out2, "images")); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(Options{Posts: filepath.Join(site, "_posts"), Out: out2, Site: fakeViewer("1")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(site, "images/photo.jpg")); string(b) != "photo" {
		t.Errorf("photo emptied: %q", b)
	}
}

// files lists the regular files under dir, relative and sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestRebuildKeepsThePreviousGeneration(t *testing.T) {
	site := t.TempDir()
	posts := filepath.Join(site, "_posts")
	out := filepath.Join(site, "_site")
	build := func(viewer string) *Report {
		t.Helper()
		rep, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer(viewer)})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	writeFiles(t, posts, map[string]string{"2020-01-01-a.md": postText("A")})
	build("1")
	genA := files(t, out)
	appA := appFolders(t, out)

	// B: a post edited, a new viewer. A reader with A open still finds all of A's files.
	writeFiles(t, posts, map[string]string{"2020-01-01-a.md": postText("A edited"), "2020-01-02-b.md": postText("B")})
	build("2")
	have := map[string]bool{}
	for _, f := range files(t, out) {
		have[f] = true
	}
	for _, f := range genA {
		if !have[f] && !strings.HasPrefix(f, ".folio/") && !isRootFile(f) {
			t.Errorf("A's %s removed while A may still be open", f)
		}
	}
	if got := appFolders(t, out); len(got) != 2 {
		t.Errorf("app folders after B: %v, want A's and B's", got)
	}
	// A killed build left temporary files and a record of a generation that never went live.
	writeFiles(t, out, map[string]string{"data/p/.folio-tmp-x.json-1": "half", ".folio-tmp-index.html-2": "half",
		".folio/generation-0123456789abcdef.json": `{"id":"0123456789abcdef","app":"zzz","data":["p/dead.json"]}`,
		"data/p/dead.json":                        "{}", "app/zzz/app.js": "old"})
	writeFiles(t, posts, map[string]string{"2020-01-03-c.md": postText("C")})
	build("3")
	all := files(t, out)
	for _, f := range all {
		if strings.Contains(f, ".folio-tmp-") || strings.Contains(f, "dead.json") || strings.Contains(f, "zzz") || strings.Contains(f, "0123456789abcdef") {
			t.Errorf("left over from a killed build: %s", f)
		}
	}
	if got := appFolders(t, out); len(got) != 2 || got[0] == appA[0] && got[1] == appA[0] {
		t.Errorf("app folders after C: %v (A's was %v), want B's and C's", got, appA)
	}
	for _, f := range genA {
		if strings.HasPrefix(f, "data/p/") && !contains(all, f) {
			return // at least one of A's post shards (A's title was edited) is gone: as it should
		}
	}
	t.Errorf("no post shard of A was removed two builds later")
}

func appFolders(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(out, appDir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func isRootFile(f string) bool { return !strings.Contains(f, "/") }

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestRebuildRepairsDamagedFiles(t *testing.T) {
	site := t.TempDir()
	posts, out := filepath.Join(site, "_posts"), filepath.Join(site, "_site")
	writeFiles(t, posts, map[string]string{"2020-01-01-a.md": postText("A")})
	if _, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")}); err != nil {
		t.Fatal(err)
	}
	// Damage every data file and the runtime in place, keeping their sizes.
	var damaged []string
	for _, f := range files(t, out) {
		if strings.HasPrefix(f, "data/p/") || strings.HasSuffix(f, "app.wasm") {
			p := filepath.Join(out, f)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for i := range b {
				b[i] = 'x'
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			damaged = append(damaged, f)
		}
	}
	if len(damaged) == 0 {
		t.Fatal("nothing to damage")
	}
	if _, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")}); err != nil {
		t.Fatal(err)
	}
	for _, f := range damaged {
		b, _ := os.ReadFile(filepath.Join(out, f))
		if strings.Trim(string(b), "x") == "" {
			t.Errorf("%s not repaired by the rebuild", f)
		}
	}
}
