//go:build js && wasm

package edge

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall/js"

	"folio/internal/bundle"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/fetch"
)

// AssetsOrigin is the origin of the URLs asked of the assets binding: it only looks at
// the path, so any origin does.
const AssetsOrigin = "https://assets.invalid"

// Assets returns a client for the worker's static assets: the binding named binding
// (wrangler's assets.binding, "ASSETS"), reached through syumai/workers' fetch.
func Assets(binding string) (*fetch.Client, error) {
	b := cloudflare.GetBinding(binding)
	if b.Type() != js.TypeObject || b.Get("fetch").Type() != js.TypeFunction {
		return nil, fmt.Errorf("the worker has no assets binding %q (wrangler config: assets.binding)", binding)
	}
	return fetch.NewClient(fetch.WithBinding(b)), nil
}

// DataFetcher returns the bundle fetcher over the assets as the glue wraps them (it checks
// content hashes itself; see GlueFetcher): dir is the bundle folder's path in the site
// ("/data/"). Redirects are not followed (a data file never moves).
func DataFetcher(assets *fetch.Client, dir string) bundle.Fetcher {
	return GlueFetcher(roundTripper(func(r *http.Request) (*http.Response, error) {
		return assets.Do(&fetch.Request{Request: r}, &fetch.RequestInit{Redirect: fetch.RedirectModeManual})
	}), AssetsOrigin+dir)
}

// roundTripper adapts a function to http.RoundTripper.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Serve answers the worker's requests through syumai/workers and never returns: paths
// under /api/ from api, every other path from the static assets.
//
// An api response is buffered and handed to the runtime as one byte array, and an asset's
// body is passed on as the runtime's own stream, so Go never streams a body itself. That
// keeps the instance able to answer again: syumai/workers v0.32.0 ends its instance (closes
// its Done channel, once only) when a body streamed from Go is fully read, which makes a
// second response from the same instance panic. The glue of the package starts a new
// instance per request and is not affected; worker.mjs keeps one instance per isolate.
func Serve(api http.Handler, assets *fetch.Client) {
	mux := http.NewServeMux()
	mux.Handle("/api/", buffered(api))
	mux.Handle("/", passThrough(assets))
	workers.ServeNonBlock(mux)
	workers.Ready()
	select {}
}

// rawBodyWriter is the part of syumai/workers' ResponseWriter that takes a JavaScript
// body (what io.Copy from a fetched body uses).
type rawBodyWriter interface {
	WriteRawJSBody(body js.Value)
}

// buffered runs h into a recorder and sends the whole answer as one Uint8Array.
func buffered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		if rec.Body.Len() == 0 {
			return // a 204 or 304: a Response of those statuses may not have a body
		}
		raw, ok := w.(rawBodyWriter)
		if !ok {
			_, _ = w.Write(rec.Body.Bytes()) // a failed write has no one left to tell
			return
		}
		body := js.Global().Get("Uint8Array").New(rec.Body.Len())
		js.CopyBytesToJS(body, rec.Body.Bytes())
		raw.WriteRawJSBody(body)
	})
}

// passThrough answers with the static asset of the request's path (the assets' own
// not-found handling included), its body passed on as the runtime's stream.
func passThrough(assets *fetch.Client) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := fetch.NewRequest(r.Context(), r.Method, AssetsOrigin+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := assets.Do(req, &fetch.RequestInit{Redirect: fetch.RedirectModeManual})
		if err != nil {
			http.Error(w, "static assets: "+err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close() //nolint:errcheck // copied to the client below; nothing to report
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		// The fetched body is the runtime's stream: syumai/workers hands it on as it is.
		_, _ = io.Copy(w, resp.Body)
	})
}
