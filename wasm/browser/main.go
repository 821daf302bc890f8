//go:build js && wasm

// Command browser is Folio's viewer runtime: one long-lived Go instance in a Web Worker,
// serving the archive API to the page through globalThis.folioHandle.
package main

import (
	"runtime/debug"
	"time"

	"folio/internal/archive"
	"folio/internal/jsbridge"
	"folio/internal/search"
)

// Memory: WebAssembly memory only grows, so the Go heap's peak stays with the page for
// good. The soft limit makes the collector work harder before the heap passes it, and the
// search cache stays well below it.
const (
	memoryLimit = 96 << 20
	searchCache = 24 << 20
)

func main() {
	debug.SetMemoryLimit(memoryLimit)
	// The worker sets folioDataURL (the bundle folder, e.g. "/data/") before starting Go.
	base := jsbridge.Global("folioDataURL")
	if base == "" {
		base = "data/"
	}
	h := archive.New(jsbridge.Fetcher(base), archive.SearchExtension(search.WithCacheBytes(searchCache)))
	// Collect garbage between searches rather than inside them (see jsbridge.CollectWhenIdle):
	// 20 ms after the last answer, well within the search box's 200 ms pause for typing.
	jsbridge.CollectWhenIdle(20*time.Millisecond, 4<<20)
	jsbridge.Serve("folioHandle", h)
	jsbridge.Call("folioReady")
	select {}
}
