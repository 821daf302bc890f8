// Package archive is Folio's one HTTP handler: a JSON API over a bundle (site, lists,
// terms, posts rendered to safe HTML, URL resolution) and, as extensions, its search
// (SearchExtension, over internal/search) and the server-rendered pages (internal/pages,
// which reuses the data functions here: Entries, ReadPost, TermCounts, Searcher). The same handler runs natively (net/http),
// inside the browser's Web Worker (through internal/jsbridge) and at the edge.
package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"folio/internal/bundle"
)

// Handler answers the API. Create it with New.
type Handler struct {
	fetch bundle.Fetcher
	mux   *http.ServeMux

	mu     sync.Mutex
	reader *bundle.Reader
	extra  []Extension
}

// Extension adds routes that need the open bundle (SearchExtension does).
type Extension interface {
	// Routes registers the extension's handlers; reader returns the open bundle.
	Routes(mux *http.ServeMux, reader func(context.Context) (*bundle.Reader, error))
}

// New returns a handler reading the bundle through fetch. The manifest is read on the
// first request, and again after a failure, so a handler started offline recovers.
func New(fetch bundle.Fetcher, exts ...Extension) *Handler {
	h := &Handler{fetch: fetch, mux: http.NewServeMux(), extra: exts}
	h.mux.HandleFunc("GET /api/site", h.site)
	h.mux.HandleFunc("GET /api/list", h.list)
	h.mux.HandleFunc("GET /api/post", h.post)
	h.mux.HandleFunc("GET /api/resolve", h.resolve)
	h.mux.HandleFunc("GET /api/terms", h.terms)
	h.mux.HandleFunc("GET /api/memory", memory)
	for _, e := range exts {
		e.Routes(h.mux, h.open)
	}
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		Error(w, http.StatusNotFound, "not_found", "no such API: "+r.URL.Path)
	})
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// open returns the bundle reader, opening it on first use.
func (h *Handler) open(ctx context.Context) (*bundle.Reader, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reader != nil {
		return h.reader, nil
	}
	r, err := bundle.Open(ctx, h.fetch)
	if err != nil {
		return nil, err
	}
	h.reader = r
	return r, nil
}

// JSON writes v as a JSON response.
func JSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		// Only a value that cannot be encoded (a bug) or a client that went away gets
		// here; the status line may be out already, so say it in the body as JSON can.
		_, _ = fmt.Fprintf(w, `{"error":%q,"code":"internal"}`, err.Error())
	}
}

// Error writes {"error": msg, "code": code} with status.
func Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "code": code}) // the status is out; a client gone is nothing to report
}

// Fail maps a bundle error to a response: not found, another format version, or damaged
// or missing data.
func Fail(w http.ResponseWriter, err error) {
	var ve *bundle.VersionError
	var de *bundle.DataError
	switch {
	case errors.Is(err, bundle.ErrNotFound):
		Error(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, bundle.ErrOffline):
		Error(w, http.StatusServiceUnavailable, "network", "the archive could not be reached (offline?): "+err.Error())
	case errors.Is(err, bundle.ErrStalled):
		Error(w, http.StatusGatewayTimeout, "timeout", "the archive did not answer in time: "+err.Error())
	case errors.As(err, &ve):
		Error(w, http.StatusConflict, "version", err.Error())
	case errors.As(err, &de):
		Error(w, http.StatusBadGateway, "data", "the archive data could not be loaded: "+err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		Error(w, http.StatusGatewayTimeout, "data", "the request took too long: "+err.Error())
	default:
		Error(w, http.StatusInternalServerError, "internal", err.Error())
	}
}

// intParam reads a non-negative integer query parameter with a default and a maximum.
func intParam(r *http.Request, name string, def, max int) (int, bool) {
	return IntParam(r.URL.Query().Get(name), def, max)
}

// IntParam parses a non-negative integer parameter value: def when empty, capped at max,
// and false when it is not a whole number ≥ 0.
func IntParam(s string, def, max int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return min(n, max), true
}
