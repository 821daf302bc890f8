package server

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"folio/internal/archive"
	"folio/internal/bundle"
	"folio/internal/pages"
)

// EdgeHeader, with the value "api", marks the entry file (data/folio.json) of a site whose
// server answers the JSON API (folio serve without -static, the edge): the viewer's worker
// then sends searches to /api/search, and the widget's frame (embed/frame/) answers
// every call through the API without starting the engine.
const EdgeHeader = "Folio-Edge"

// ErrNotASite says a folder lacks what the server-rendered pages need: the data entry
// (data/folio.json) and the viewer's page (404.html) that `folio build` writes.
var ErrNotASite = errors.New("not a site built by folio build")

// SiteHandler serves the site in fsys as Handler does, and answers what is not a file
// with the archive handler: the JSON API under /api/ and, for every other path (the
// viewer's URLs and the posts' original URLs), a page rendered on the server inside the
// viewer's page, so readers without JavaScript and crawlers get the content. Files still
// win where they exist (data/, app/, assets), except the viewer's pages at the root
// (/, index.html, 404.html), which are rendered too.
func SiteHandler(fsys fs.FS) (http.Handler, error) {
	return newSiteHandler(fsys, 0)
}

func newSiteHandler(fsys fs.FS, pieceTimeout time.Duration) (*handler, error) {
	if _, err := fs.Stat(fsys, "data/folio.json"); err != nil {
		return nil, fmt.Errorf("%w: no data/folio.json", ErrNotASite)
	}
	page, err := fs.ReadFile(fsys, "404.html")
	if err != nil {
		return nil, fmt.Errorf("%w: no 404.html (the viewer's page; a site built without the viewer can only be served with -static)", ErrNotASite)
	}
	shell, err := pages.ParseShell(page)
	if err != nil {
		return nil, fmt.Errorf("%w: 404.html: %v", ErrNotASite, err)
	}
	data, err := fs.Sub(fsys, "data")
	if err != nil {
		return nil, err
	}
	h := newHandler(fsys, pieceTimeout)
	search := archive.SearchExtension()
	ah := archive.New(bundle.FS(data), search, pages.Extension(shell, search))
	h.dynamic, h.api = ah, ah.Public()
	return h, nil
}

// rendered reports whether a site path (cleaned, without the leading slash) goes to the
// archive handler rather than to a file: the API, and the viewer's own pages.
func rendered(name string) bool {
	return isAPI(name) || name == "" || name == "index.html" || name == "404.html"
}

// isAPI reports whether a site path (cleaned, without the leading slash) is the JSON API's.
func isAPI(name string) bool { return name == "api" || strings.HasPrefix(name, "api/") }

// serveDynamic answers the site path name through the archive handler, with the headers
// a page needs; the API as the edge answers it (cacheable by the bundle's version, open to
// other origins: the widget of another site may ask it directly).
func (h *handler) serveDynamic(w http.ResponseWriter, r *http.Request, name string) {
	dynamic := h.dynamic
	if h.api != nil && isAPI(name) {
		dynamic = h.api
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", CSP+"; frame-ancestors 'self'")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", "no-cache") // the pages change with every build
	hdr.Add("Vary", "Accept-Encoding")
	if r.Method == http.MethodHead || !acceptsEncoding(r.Header.Get("Accept-Encoding"), "gzip") {
		dynamic.ServeHTTP(w, r)
		return
	}
	// Pages and API answers are made per request: gzip them on the way (a post page of
	// 17 kB goes out as about 5 kB).
	hdr.Set("Content-Encoding", "gzip")
	gz := gzipPool.Get().(*gzip.Writer)
	gz.Reset(w)
	dynamic.ServeHTTP(gzipWriter{w, gz}, r)
	_ = gz.Close() // a client gone mid-answer is nothing to report
	gzipPool.Put(gz)
}

var gzipPool = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // a valid level: no error
	return gz
}}

// gzipWriter sends a response's body through gzip.
type gzipWriter struct {
	http.ResponseWriter
	gz *gzip.Writer
}

func (g gzipWriter) Write(b []byte) (int, error) { return g.gz.Write(b) }
