//go:build js && wasm

package edge

import (
	"context"
	"fmt"
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

// Assets returns the worker's static assets binding named binding (wrangler's
// assets.binding, "ASSETS") as the glue wraps it, and a client for it through
// syumai/workers' fetch.
func Assets(binding string) (js.Value, *fetch.Client, error) {
	b := cloudflare.GetBinding(binding)
	if b.Type() != js.TypeObject || b.Get("fetch").Type() != js.TypeFunction {
		return js.Value{}, nil, fmt.Errorf("the worker has no assets binding %q (wrangler config: assets.binding)", binding)
	}
	return b, fetch.NewClient(fetch.WithBinding(b)), nil
}

// DataFetcher returns the bundle fetcher over the assets binding as the glue wraps it:
// its read(url) resolves to {status, bytes, content}, plain values, never a Response. A
// Response body is an I/O object of the request during which it was made, and Go's
// goroutines run during whichever request's event woke them: a body read by a search
// begun in another request fails ("Cannot perform I/O on behalf of a different
// request"). The glue also compares each content-addressed file with the hash in its name
// (content "checked" or "damaged"; the runtime's SHA-256 is native code, Go's in
// WebAssembly several times slower); any file it did not check is checked here. dir is
// the bundle folder's path in the site ("/data/").
func DataFetcher(binding js.Value, dir string) bundle.Fetcher {
	return glueFetcher{binding: binding, base: AssetsOrigin + dir}
}

type glueFetcher struct {
	binding js.Value
	base    string
}

// ChecksContent implements bundle.ContentChecker: Fetch checks every file it returns.
func (g glueFetcher) ChecksContent() bool { return true }

func (g glueFetcher) Fetch(ctx context.Context, name string) ([]byte, error) {
	if g.binding.Get("read").Type() != js.TypeFunction {
		return nil, fmt.Errorf("the assets binding has no read(): the worker needs Folio's glue (worker.mjs)")
	}
	res, err := await(ctx, g.binding.Call("read", g.base+name))
	if err != nil {
		return nil, fmt.Errorf("fetching %s (%v): %w", name, err, bundle.ErrOffline)
	}
	if st := res.Get("status").Int(); st < 200 || st > 299 {
		return nil, fmt.Errorf("HTTP %d", st)
	}
	arr := res.Get("bytes")
	data := make([]byte, arr.Get("length").Int())
	js.CopyBytesToGo(data, arr)
	if res.Get("content").String() == "checked" {
		return data, nil
	}
	if err := bundle.CheckContent(name, data); err != nil {
		return nil, err
	}
	return data, nil
}

// await waits for a JavaScript promise, or for ctx.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: js.Error{Value: args[0]}}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return js.Value{}, ctx.Err()
	}
}

// Serve answers the worker's requests through syumai/workers and never returns: paths
// under /api/ from api, every other path from pages. The worker only sees what is not a
// static file (and the paths wrangler.jsonc's run_worker_first gives it first): the
// viewer's URLs and the posts' original URLs, rendered on the server.
//
// Every answer is buffered and handed to the runtime as one byte array, so Go never
// streams a body itself. That keeps the instance able to answer again: syumai/workers
// v0.32.0 ends its instance (closes its Done channel, once only) when a body streamed from
// Go is fully read, which makes a second response from the same instance panic. The glue
// of the package starts a new instance per request and is not affected; worker.mjs keeps
// one instance per isolate.
func Serve(api, pages http.Handler) {
	mux := http.NewServeMux()
	mux.Handle("/api/", buffered(api))
	mux.Handle("/", buffered(pages))
	workers.ServeNonBlock(mux)
	workers.Ready()
	select {}
}

// PageHeaders wraps the pages' handler with the headers folio serve sends with a rendered
// page: the Content-Security-Policy csp (empty: none), nosniff, no referrer, and
// revalidation (the pages change with every build). The static assets get the same from
// _headers, which Workers applies to assets only.
func PageHeaders(h http.Handler, csp string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		if csp != "" {
			hdr.Set("Content-Security-Policy", csp)
		}
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// rawBodyWriter is the part of syumai/workers' ResponseWriter that takes a JavaScript
// body (what io.Copy from a fetched body uses).
type rawBodyWriter interface {
	WriteRawJSBody(body js.Value)
}

// RequestHeader is the header in which Folio's glue numbers each request it hands to Go;
// Go files the answer under that number in globalThis.folioAnswers.
const RequestHeader = "Folio-Request"

// buffered runs h into a recorder and hands the whole answer over as one Uint8Array.
//
// With Folio's glue (globalThis.folioAnswers, a Map; the request numbered in the
// Folio-Request header) the answer goes into that map as plain values, {status, headers,
// body}, under the request's number, and the runtime gets a bodiless 204 that only wakes
// the glue: the glue builds the Response in the context of its own request. Go runs
// during whichever request's event woke it, and a Response (or body stream) made then
// would be an I/O object of that other request.
func buffered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestHeader)
		r.Header.Del(RequestHeader)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if answers := js.Global().Get("folioAnswers"); id != "" && answers.Type() == js.TypeObject {
			answers.Call("set", id, toJSAnswer(rec))
			w.WriteHeader(http.StatusNoContent)
			return
		}
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

// toJSAnswer is rec as the glue takes it: {status, headers: [[name, value], …], body: a
// Uint8Array or null}.
func toJSAnswer(rec *httptest.ResponseRecorder) js.Value {
	var headers []any
	for k, vs := range rec.Header() {
		for _, v := range vs {
			headers = append(headers, []any{k, v})
		}
	}
	a := js.Global().Get("Object").New()
	a.Set("status", rec.Code)
	a.Set("headers", headers)
	if rec.Body.Len() == 0 {
		a.Set("body", js.Null())
		return a
	}
	body := js.Global().Get("Uint8Array").New(rec.Body.Len())
	js.CopyBytesToJS(body, rec.Body.Bytes())
	a.Set("body", body)
	return a
}
