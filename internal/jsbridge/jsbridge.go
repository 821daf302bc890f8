//go:build js && wasm

// Package jsbridge is the only package that touches syscall/js. It serves an http.Handler
// to JavaScript as one function returning Promises (one long-lived Go instance answers
// every request), and fetches bundle files with the browser's fetch.
package jsbridge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"syscall/js"

	"folio/internal/bundle"
)

// Await waits for a JavaScript Promise and returns its value or its rejection as an error.
func Await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: jsError(arg0(args))}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// jsError turns a JavaScript exception value into a Go error.
func jsError(v js.Value) error {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		return errors.New(v.Get("message").String())
	}
	return errors.New(v.String())
}

// Fetcher returns a bundle fetcher that fetches base+name with the browser's fetch. The
// entry file is revalidated with the server every time; the other files are immutable.
// Every content-addressed file is checked against the hash in its name.
//
// When the host defines globalThis.folioFetch (the viewer's worker does: it reads
// responses into pooled buffers, checks hashes with the browser's own SHA-256 and gives
// up on a stalled request), Fetcher uses it; otherwise it uses fetch directly.
func Fetcher(base string) bundle.Fetcher {
	if ff := js.Global().Get("folioFetch"); ff.Type() == js.TypeFunction {
		return hostFetcher{base: base, ff: ff}
	}
	return bundle.Checked(plainFetcher{base: base, fetch: js.Global().Get("fetch")})
}

// hostFetcher fetches through globalThis.folioFetch(url, revalidate), which resolves to
// {status, bytes, release, checked, damaged, stalled}: checked says the host compared the
// bytes with the hash in the name; damaged (a reason) that they do not match or could
// not be decoded; stalled that the server stopped sending.
type hostFetcher struct {
	base string
	ff   js.Value
}

func (h hostFetcher) ChecksContent() bool { return true }

func (h hostFetcher) Fetch(ctx context.Context, name string) ([]byte, error) {
	res, err := Await(h.ff.Invoke(h.base+name, !strings.Contains(name, "/")))
	if err != nil {
		return nil, fmt.Errorf("network error (%v): %w", err, bundle.ErrOffline)
	}
	if res.Get("stalled").Truthy() {
		return nil, fmt.Errorf("%w: no data for %s", bundle.ErrStalled, res.Get("stalled").String())
	}
	if d := res.Get("damaged"); d.Truthy() {
		return nil, fmt.Errorf("%w (%s)", bundle.ErrDamaged, d.String())
	}
	if st := res.Get("status").Int(); st < 200 || st > 299 {
		return nil, fmt.Errorf("HTTP %d", st)
	}
	arr := res.Get("bytes")
	data := make([]byte, arr.Get("length").Int())
	js.CopyBytesToGo(data, arr)
	res.Call("release")
	if !res.Get("checked").Truthy() {
		if err := bundle.CheckContent(name, data); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// plainFetcher uses the browser's fetch as it is (tests, and hosts without folioFetch).
type plainFetcher struct {
	base  string
	fetch js.Value
}

func (p plainFetcher) Fetch(ctx context.Context, name string) ([]byte, error) {
	opts := js.Global().Get("Object").New()
	if !strings.Contains(name, "/") {
		opts.Set("cache", "no-cache")
	}
	resp, err := Await(p.fetch.Invoke(p.base+name, opts))
	if err != nil {
		return nil, fmt.Errorf("network error (%v): %w", err, bundle.ErrOffline)
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("HTTP %d", resp.Get("status").Int())
	}
	buf, err := Await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	data := make([]byte, arr.Get("length").Int())
	js.CopyBytesToGo(data, arr)
	return data, nil
}

// Serve makes h answer globalThis[name](url): a Promise of {status, body} where body is
// the response text. Each call runs in its own goroutine; a panic becomes a rejection.
// It returns the js.Func, which lives as long as the program.
func Serve(name string, h http.Handler) js.Func {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		url := arg0(args).String()
		var resolve, reject js.Value
		executor := js.FuncOf(func(_ js.Value, a []js.Value) any {
			resolve, reject = a[0], a[1]
			return nil
		})
		promise := js.Global().Get("Promise").New(executor)
		executor.Release()
		requestBegins()
		go func() {
			defer requestEnds()
			defer func() {
				if p := recover(); p != nil {
					reject.Invoke(js.Global().Get("Error").New(fmt.Sprintf("folio: internal error: %v\n%s", p, debug.Stack())))
				}
			}()
			status, body := Do(h, url)
			out := js.Global().Get("Object").New()
			out.Set("status", status)
			out.Set("body", body)
			resolve.Invoke(out)
		}()
		return promise
	})
	js.Global().Set(name, f)
	return f
}

// Do runs one GET request for url through h and returns the status and body.
func Do(h http.Handler, url string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return http.StatusBadRequest, fmt.Sprintf(`{"error":%q,"code":"bad_request"}`, err.Error())
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

// Call invokes globalThis[name](args...) if it is a function.
func Call(name string, args ...any) {
	if f := js.Global().Get(name); f.Type() == js.TypeFunction {
		f.Invoke(args...)
	}
}

// Global returns globalThis[name] as a string, or "" when it is not one.
func Global(name string) string {
	v := js.Global().Get(name)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}
