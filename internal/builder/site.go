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
	"folio/internal/safefile"
)

// baseTag is the placeholder in site/index.html that the build fills with -base-url.
const baseTag = `<base href="/">`

// versionMark in index.html and sw.js is replaced by the viewer's version: a hash of the
// site files, which names the folder app/<version>/ and the service worker's caches.
const versionMark = "__FOLIO_VERSION__"

// appDir holds one folder per viewer version with the viewer's scripts, styles and
// WebAssembly runtime. A new viewer goes into a new folder, so the pages of the previous
// build keep working while a rebuild runs, and its files can be cached for good.
const appDir = "app"

// rootFiles are the viewer's files with fixed names at the site root: the pages, the
// service worker (its URL sets its scope) and what the manifest and pages link to. They
// are written last, in this order, so the page that loads everything switches last.
var rootFiles = []string{"icon.svg", "manifest.webmanifest", embedFrame, embedPage, widgetFile, "sw.js", "404.html", "index.html"}

// The widget (site/widget.js) keeps one address for the snippets pasted into other sites:
// OUT/widget.js. Its engine page embed/frame/index.html (framed by those sites, asked as
// embed/frame/: a folder's URL, which every static host answers with its index without a
// redirect, where some redirect "frame.html" to "frame") and the embed page with the
// snippet, embed/index.html, have fixed addresses too; the scripts they load are
// versioned in app/<version>/embed/.
const (
	widgetFile = "widget.js"
	embedFrame = "embed/frame/index.html"
	embedPage  = "embed/index.html"
)

// ErrNoViewer says the site files lack the WebAssembly runtime (a binary built with plain
// `go build` rather than `make folio`).
var ErrNoViewer = fmt.Errorf("this folio binary has no viewer runtime embedded (site/wasm/app.wasm): build it with `make folio`")

// viewer is the viewer's files, read once from the embedded site.
type viewer struct {
	version string
	files   map[string][]byte // by name in site/ (slash-separated)
	names   []string          // sorted, without .br/.gz copies
	copies  map[string]bool   // names that have precompressed .br/.gz copies in site/
	// description is the archive's, for the web app manifest ("" for one made up).
	description string
}

// loadViewer reads the viewer's files and computes its version.
func loadViewer(siteFS fs.FS) (*viewer, error) {
	if siteFS == nil {
		return nil, ErrNoViewer
	}
	if _, err := fs.Stat(siteFS, "wasm/app.wasm"); err != nil {
		return nil, ErrNoViewer
	}
	v := &viewer{files: map[string][]byte{}, copies: map[string]bool{}}
	sum := sha256.New()
	err := fs.WalkDir(siteFS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(name) {
		case ".go", ".md":
			return nil
		}
		data, err := fs.ReadFile(siteFS, name)
		if err != nil {
			return err
		}
		v.files[name] = data
		if base, ok := strings.CutSuffix(name, ".br"); ok {
			v.copies[base] = true
			return nil
		}
		if strings.HasSuffix(name, ".gz") {
			return nil
		}
		v.names = append(v.names, name)
		_, _ = fmt.Fprintf(sum, "%s %d\n", name, len(data)) // a hash never fails a write
		sum.Write(data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	v.version = hex.EncodeToString(sum.Sum(nil)[:8])
	return v, nil
}

// isRoot reports whether a site file keeps its name at the site root.
func isRoot(name string) bool {
	switch name {
	case "index.html", "sw.js", "manifest.webmanifest", "icon.svg", widgetFile, embedFrame, embedPage:
		return true
	}
	return false
}

// writeApp writes the viewer's scripts, styles and runtime into app/<version>/, leaving
// files that are already right untouched. Nothing there is live until writeRoot.
func (v *viewer) writeApp(out string, compress bool) error {
	dir := filepath.Join(out, appDir, v.version)
	for _, name := range v.names {
		if isRoot(name) {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		data := v.files[name]
		if v.copies[name] && compress {
			// make wasm precompressed the runtime: ship its copies as they are (unless the
			// host compresses itself and serves no copies)
			if err := writeIfChanged(dst+".br", v.files[name+".br"]); err != nil {
				return err
			}
			if gz, ok := v.files[name+".gz"]; ok {
				if err := writeIfChanged(dst+".gz", gz); err != nil {
					return err
				}
			}
			if err := writeIfChanged(dst, data); err != nil {
				return err
			}
			continue
		}
		if err := writeWithCopies(dst, data, compress && compressible(name)); err != nil {
			return err
		}
	}
	return nil
}

// writeRoot writes the files at the site root, in rootFiles' order: the pages, which
// load app/<version>/, come last. Each replaces its former version in one rename.
func (v *viewer) writeRoot(out string, m *bundle.Manifest, compress bool, home []byte) error {
	if _, ok := v.files["manifest.webmanifest"]; ok {
		if err := writeAppIcons(out); err != nil {
			return err
		}
	}
	for _, name := range rootFiles {
		src := name
		if name == "404.html" {
			src = "index.html"
		}
		data, ok := v.files[src]
		if !ok {
			continue
		}
		switch src {
		case embedFrame, embedPage:
			data = bytes.Replace(data, []byte(baseTag), []byte(`<base href="`+html.EscapeString(m.BaseURL)+`">`), 1)
			data = bytes.ReplaceAll(data, []byte(versionMark), []byte(v.version))
		case "index.html":
			data = v.page(m)
			// 404.html (any other URL) keeps the plain loading block; the home page gets
			// the newest posts in place of it.
			if i := bytes.Index(data, []byte(loadingBlock)); name == "index.html" && i >= 0 && len(home) > 0 {
				data = append(append(append([]byte(nil), data[:i]...), home...), data[i:]...)
			}
		case "sw.js":
			data = bytes.ReplaceAll(data, []byte(versionMark), []byte(v.version))
		case "manifest.webmanifest":
			var err error
			if data, err = webManifest(m, v.description); err != nil {
				return err
			}
		}
		if err := writeWithCopies(filepath.Join(out, name), data, compress && compressible(name)); err != nil {
			return err
		}
	}
	return nil
}

// page is the viewer's page of the site m describes, as 404.html has it: base, title and
// version filled in.
func (v *viewer) page(m *bundle.Manifest) []byte {
	data := bytes.Replace(v.files["index.html"], []byte(baseTag), []byte(`<base href="`+html.EscapeString(m.BaseURL)+`">`), 1)
	data = bytes.Replace(data, []byte("<title>Folio</title>"), []byte("<title>"+html.EscapeString(m.Title)+"</title>"), 1)
	return bytes.ReplaceAll(data, []byte(versionMark), []byte(v.version))
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".js", ".css", ".svg", ".webmanifest", ".json":
		return true
	}
	return false
}

// writeWithCopies writes a site file and, for text files, its .br and .gz copies first,
// each only when its bytes changed. Without copies, stale ones are removed, so a host never
// serves an old copy in place of a new file.
func writeWithCopies(dst string, data []byte, compress bool) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if compress {
		br, gz := bundle.Compress(data)
		if err := writeIfChanged(dst+".br", br); err != nil {
			return err
		}
		if err := writeIfChanged(dst+".gz", gz); err != nil {
			return err
		}
	} else {
		for _, ext := range []string{".br", ".gz"} {
			if err := os.Remove(dst + ext); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return writeIfChanged(dst, data)
}

// writeIfChanged replaces dst with data unless it already holds exactly that.
func writeIfChanged(dst string, data []byte) error {
	if st, err := os.Lstat(dst); err == nil && st.Mode().IsRegular() && st.Size() == int64(len(data)) {
		if have, err := os.ReadFile(dst); err == nil && bytes.Equal(have, data) {
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return safefile.Write(dst, data)
}
