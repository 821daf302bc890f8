package builder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestWidgetFilesAtFixedAddresses: the widget's script and its two pages keep one address
// at the site root (other sites link to them), filled in like index.html, while the
// scripts those pages load go into the versioned app/<version>/.
func TestWidgetFilesAtFixedAddresses(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"_posts/2020-01-01-a.md": postText("A")})
	page := `<html><head><base href="/"><script src="app/__FOLIO_VERSION__/embed/frame.js"></script></head></html>`
	site := fakeViewer("1")
	site["widget.js"] = &fstest.MapFile{Data: []byte("// widget")}
	site["embed/frame/index.html"] = &fstest.MapFile{Data: []byte(page)}
	site["embed/index.html"] = &fstest.MapFile{Data: []byte(page)}
	site["embed/frame.js"] = &fstest.MapFile{Data: []byte("// frame")}
	out := filepath.Join(dir, "out")
	if _, err := Build(Options{Posts: filepath.Join(dir, "_posts"), Out: out, Site: site, BaseURL: "/blog/"}); err != nil {
		t.Fatal(err)
	}
	v, err := loadViewer(site)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"embed/frame/index.html", "embed/index.html"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want := `<base href="/blog/"><script src="app/` + v.version + `/embed/frame.js">`
		if !strings.Contains(string(b), want) {
			t.Errorf("%s: %s, want it to hold %s", name, b, want)
		}
	}
	for _, name := range []string{"widget.js", "app/" + v.version + "/embed/frame.js"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"app/" + v.version + "/widget.js", "app/" + v.version + "/embed/frame/index.html"} {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Errorf("%s was written into the versioned folder, not at its fixed address", name)
		}
	}
}
