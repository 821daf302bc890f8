package archive

import (
	"net/http"
	"strings"
)

// CacheControl is what a cacheable answer may be kept for: a minute fresh, then served
// while it is checked again (If-None-Match, answered 304 while the bundle is the same).
const CacheControl = "public, max-age=60, stale-while-revalidate=600"

// Public returns the API for HTTP clients of any origin (the edge; folio serve may use it
// too): answers to GET carry CORS (Access-Control-Allow-Origin: *), and successful ones an
// ETag from the bundle's id and CacheControl; a request whose If-None-Match names the
// current bundle gets 304 without running the handler; OPTIONS answers the CORS preflight.
// /api/memory describes the running instance and is never cached.
func (h *Handler) Public() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Access-Control-Allow-Origin", "*")
		hdr.Set("X-Content-Type-Options", "nosniff")
		switch r.Method {
		case http.MethodOptions:
			hdr.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			hdr.Set("Access-Control-Allow-Headers", "If-None-Match")
			hdr.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		case http.MethodGet, http.MethodHead:
		default:
			hdr.Set("Allow", "GET, HEAD, OPTIONS")
			Error(w, http.StatusMethodNotAllowed, "bad_request", r.Method+" is not allowed: the API is read-only")
			return
		}
		if r.URL.Path == "/api/memory" {
			hdr.Set("Cache-Control", "no-store")
			h.ServeHTTP(w, r)
			return
		}
		rd, err := h.open(r.Context())
		if err != nil {
			hdr.Set("Cache-Control", "no-store")
			Fail(w, err) // what every route would answer
			return
		}
		etag := `"` + rd.Manifest().ID + `"`
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			hdr.Set("ETag", etag)
			hdr.Set("Cache-Control", CacheControl)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.ServeHTTP(&cacheHeaders{ResponseWriter: w, etag: etag}, r)
	})
}

// etagMatches reports whether an If-None-Match value names etag (or is "*"); weak tags match
// too, as RFC 9110 says for If-None-Match.
func etagMatches(ifNoneMatch, etag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// cacheHeaders sets the caching headers once the status is known: ETag and CacheControl
// for a 200, no-store for anything else (an error may pass).
type cacheHeaders struct {
	http.ResponseWriter
	etag  string
	wrote bool
}

func (c *cacheHeaders) WriteHeader(status int) {
	if !c.wrote {
		c.wrote = true
		if status == http.StatusOK {
			c.Header().Set("ETag", c.etag)
			c.Header().Set("Cache-Control", CacheControl)
		} else {
			c.Header().Set("Cache-Control", "no-store")
		}
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *cacheHeaders) Write(p []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(p)
}
