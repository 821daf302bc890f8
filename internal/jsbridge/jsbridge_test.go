//go:build js && wasm

package jsbridge

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"syscall/js"
	"testing"

	"folio/internal/bundle"
)

// TestServe calls the served function from JavaScript's side and awaits its Promise, as
// the Web Worker does.
func TestServe(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("panic") != "" {
			panic("boom")
		}
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(`{"path":"` + r.URL.Path + `"}`)) // the test checks what arrives
	})
	f := Serve("folioTestHandle", h)
	defer f.Release()

	v, err := Await(js.Global().Call("folioTestHandle", "/api/x?y=1"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Get("status").Int() != http.StatusTeapot || v.Get("body").String() != `{"path":"/api/x"}` {
		t.Fatalf("got %d %s", v.Get("status").Int(), v.Get("body").String())
	}
	// A panic in the handler rejects the Promise instead of killing the instance.
	_, err = Await(js.Global().Call("folioTestHandle", "/api/x?panic=1"))
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panic: got %v", err)
	}
	// And the instance still answers afterwards.
	if _, err := Await(js.Global().Call("folioTestHandle", "/api/x")); err != nil {
		t.Fatal(err)
	}
}

// TestFetcherErrors checks that network failures come back as Go errors.
func TestFetcherErrors(t *testing.T) {
	fetch := Fetcher("http://127.0.0.1:9/")
	if _, err := fetch.Fetch(context.Background(), "folio.json"); err == nil || !errors.Is(err, bundle.ErrOffline) {
		t.Fatalf("want a network error, got %v", err)
	}
}

// TestFetcherData fetches a data: URL through the browser-style fetch and copies its bytes.
func TestFetcherData(t *testing.T) {
	fetch := Fetcher("data:application/json,")
	data, err := fetch.Fetch(context.Background(), "%7B%22a%22%3A1%7D")
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"a":1}` {
		t.Fatalf("got %q", data)
	}
}

// TestFetcherChecksContent: a content-addressed name whose bytes do not hash to it is
// reported as damaged, not returned.
func TestFetcherChecksContent(t *testing.T) {
	fetch := Fetcher("data:application/json,")
	_, err := fetch.Fetch(context.Background(), "p/0123456789abcdef.json")
	if !errors.Is(err, bundle.ErrDamaged) {
		t.Fatalf("want ErrDamaged, got %v", err)
	}
}
