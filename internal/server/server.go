// Package server serves a built Folio site from a folder: correct types (application/wasm
// among them), precompressed .br/.gz copies when the client accepts them, long caching for
// content-addressed files, and the viewer's page for any path that is not a file, so that
// every viewer URL (and every post's original Jekyll URL) survives a reload. Dotfiles and
// dot-folders are never served. New wraps the handler in a server with the limits a
// public one needs (timeouts, a connection cap) and keeps it inside the site folder.
package server

import (
	"errors"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// CSP is the viewer's Content-Security-Policy: scripts only from the site itself (and
// WebAssembly compilation), no inline script or event handlers, no plugins or frames.
// Post HTML is sanitized before it reaches the page; this is the second wall.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https: http:; media-src 'self' https:; connect-src 'self'; worker-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"

// Handler serves the site in fsys. It leaves connection deadlines to the caller's
// server; New's server also paces writes (see Options.WriteTimeout).
func Handler(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys}
}

func newHandler(fsys fs.FS, pieceTimeout time.Duration) *handler {
	return &handler{fsys: fsys, pieceTimeout: pieceTimeout}
}

type handler struct {
	fsys         fs.FS
	pieceTimeout time.Duration // 0: leave write deadlines alone
	dynamic      http.Handler  // the archive handler (SiteHandler); nil: files only
	api          http.Handler  // its JSON API as the edge serves it (archive.Handler.Public)
}

var types = map[string]string{
	".wasm":        "application/wasm",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".txt":         "text/plain; charset=utf-8",
}

// isAsset reports whether a missing path is a file the app or a page asked for (a real
// 404) rather than a viewer URL. Post URLs may end in anything (".html", "/v1.2"), so only
// the data and runtime folders and well-known asset types count.
func isAsset(name string) bool {
	if strings.HasPrefix(name, "data/") || strings.HasPrefix(name, "app/") || strings.HasPrefix(name, "wasm/") {
		return true
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".js", ".mjs", ".css", ".wasm", ".json", ".webmanifest", ".map", ".br", ".gz",
		".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico", ".woff", ".woff2", ".txt", ".xml":
		return true
	}
	return false
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if hidden(name) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if h.dynamic != nil && rendered(name) {
		h.serveDynamic(w, r, name)
		return
	}
	if name == "" {
		name = "index.html"
	}
	if st, err := fs.Stat(h.fsys, name); err == nil && st.IsDir() {
		name = path.Join(name, "index.html")
	}
	status := http.StatusOK
	if _, err := fs.Stat(h.fsys, name); err != nil {
		if isAsset(name) && !strings.HasSuffix(r.URL.Path, "/") {
			// A missing asset or data file is a real 404, not the app page. A path ending
			// in "/" is a folder-style URL (a permalink such as /2014/11/03/use-console.js/),
			// never a file.
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if h.dynamic != nil {
			h.serveDynamic(w, r, name) // a viewer URL or a post's: rendered here
			return
		}
		name = "index.html" // a viewer URL: the app routes it
	}
	h.serveFile(w, r, name, status)
}

func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name string, status int) {
	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name))
	hdr.Set("X-Content-Type-Options", "nosniff")
	if strings.HasSuffix(name, ".html") {
		// The page carries the same policy in a meta tag; the header also covers hosts
		// that strip it, and adds what only a header can (frame-ancestors).
		hdr.Set("Content-Security-Policy", pagePolicy(name))
		hdr.Set("Referrer-Policy", "no-referrer")
	}
	hdr.Add("Vary", "Accept-Encoding")
	switch {
	case strings.HasPrefix(name, "data/") && name != "data/folio.json",
		strings.HasPrefix(name, "app/"): // app/<version>/ never changes either
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable") // content-addressed
	default:
		hdr.Set("Cache-Control", "no-cache") // revalidate: these names do not change
	}
	if h.dynamic != nil && name == "data/folio.json" {
		hdr.Set(EdgeHeader, "api") // this server answers the API too
	}
	accept := r.Header.Get("Accept-Encoding")
	file := name
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if acceptsEncoding(accept, enc.token) {
			if _, err := fs.Stat(h.fsys, name+enc.ext); err == nil {
				file = name + enc.ext
				hdr.Set("Content-Encoding", enc.token)
				break
			}
		}
	}
	f, err := h.fsys.Open(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		http.Error(w, "cannot read file", http.StatusInternalServerError)
		return
	}
	defer f.Close() //nolint:errcheck // read only: closing it loses nothing
	st, err := f.Stat()
	if err != nil {
		http.Error(w, "cannot read file", http.StatusInternalServerError)
		return
	}
	rs, ok := f.(interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	})
	if !ok || status != http.StatusOK {
		w.WriteHeader(status)
		if r.Method == http.MethodGet {
			buf := make([]byte, 32<<10)
			for {
				n, err := f.Read(buf)
				_, _ = w.Write(buf[:n]) // the header is sent: a failed write has nowhere to go
				if err != nil {
					break
				}
			}
		}
		return
	}
	if h.pieceTimeout > 0 {
		w = pacedWriter{w, http.NewResponseController(w), h.pieceTimeout}
	}
	http.ServeContent(w, r, name, st.ModTime(), rs)
}

// acceptsEncoding reports whether an Accept-Encoding header allows token (q > 0).
func acceptsEncoding(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), token) {
			continue
		}
		for _, f := range fields[1:] {
			f = strings.ReplaceAll(strings.TrimSpace(f), " ", "")
			if f == "q=0" || f == "q=0.0" || f == "q=0.00" || f == "q=0.000" {
				return false
			}
		}
		return true
	}
	return false
}
