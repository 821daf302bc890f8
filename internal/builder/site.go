package builder

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"folio/internal/bundle"
)

// baseTag is the placeholder in site/index.html that the build fills with -base-url.
const baseTag = `<base href="/">`

// versionMark in sw.js is replaced by a hash of the site files, so a new viewer replaces
// the cached one.
const versionMark = "__FOLIO_VERSION__"

// ErrNoViewer says the site files lack the WebAssembly runtime (a binary built with plain
// `go build` rather than `make folio`).
var ErrNoViewer = fmt.Errorf("this folio binary has no viewer runtime embedded (site/wasm/app.wasm): build it with `make folio`")

// writeSite copies the viewer's files into out, fills in the base URL and title, and
// writes 404.html (the same page: static hosts show it for every viewer URL).
func writeSite(out string, m *bundle.Manifest, siteFS fs.FS, compress bool, home []byte) error {
	if siteFS == nil {
		return ErrNoViewer
	}
	if _, err := fs.Stat(siteFS, "wasm/app.wasm"); err != nil {
		return ErrNoViewer
	}
	var names []string
	sum := sha256.New()
	err := fs.WalkDir(siteFS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(name) {
		case ".go", ".md":
			return nil
		}
		names = append(names, name)
		if !strings.HasSuffix(name, ".br") && !strings.HasSuffix(name, ".gz") {
			data, err := fs.ReadFile(siteFS, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(sum, "%s %d\n", name, len(data))
			sum.Write(data)
		}
		return nil
	})
	if err != nil {
		return err
	}
	version := hex.EncodeToString(sum.Sum(nil)[:8])
	for _, name := range names {
		data, err := fs.ReadFile(siteFS, name)
		if err != nil {
			return err
		}
		switch name {
		case "index.html":
			data = bytes.Replace(data, []byte(baseTag), []byte(`<base href="`+html.EscapeString(m.BaseURL)+`">`), 1)
			data = bytes.Replace(data, []byte("<title>Folio</title>"), []byte("<title>"+html.EscapeString(m.Title)+"</title>"), 1)
		case "sw.js":
			data = bytes.ReplaceAll(data, []byte(versionMark), []byte(version))
		}
		if name == "index.html" {
			// 404.html (any other URL) keeps the plain loading block; the home page gets
			// the newest posts in place of it.
			if err := writeWithCopies(filepath.Join(out, "404.html"), data, compress); err != nil {
				return err
			}
			if i := bytes.Index(data, []byte(loadingBlock)); i >= 0 && len(home) > 0 {
				data = append(append(append([]byte(nil), data[:i]...), home...), data[i:]...)
			}
		}
		if err := writeWithCopies(filepath.Join(out, filepath.FromSlash(name)), data, compress && compressible(name)); err != nil {
			return err
		}
	}
	return nil
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".js", ".css", ".svg", ".webmanifest", ".json":
		return true
	}
	return false
}

// writeWithCopies writes a site file and, for text files, its .br and .gz copies.
func writeWithCopies(dst string, data []byte, compress bool) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return err
	}
	if !compress {
		return nil
	}
	br, gz := bundle.Compress(data)
	if err := os.WriteFile(dst+".br", br, 0o644); err != nil {
		return err
	}
	return os.WriteFile(dst+".gz", gz, 0o644)
}
