//go:build js && wasm

// Command browser is Folio's viewer runtime: one long-lived Go instance in a Web Worker,
// serving the archive API to the page through globalThis.folioHandle.
package main

import (
	"folio/internal/archive"
	"folio/internal/bundle"
	"folio/internal/jsbridge"
	"folio/internal/search"
)

func main() {
	// The worker sets folioDataURL (the bundle folder, e.g. "/data/") before starting Go.
	base := jsbridge.Global("folioDataURL")
	if base == "" {
		base = "data/"
	}
	h := archive.New(bundle.FetchFunc(jsbridge.Fetcher(base)), search.Extension())
	jsbridge.Serve("folioHandle", h)
	jsbridge.Call("folioReady")
	select {}
}
