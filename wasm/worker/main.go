//go:build js && wasm

// Command worker serves Folio's archive API (/api/list, /api/post, /api/search, …) from
// Cloudflare Workers through github.com/syumai/workers, reading the bundle from the
// worker's static assets; every other path is a static file. The API is cacheable and
// open to other origins (archive.Handler.Public). make worker-wasm builds it into
// wasm/worker/module/, which folio worker writes out with its glue and wrangler config.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"folio/internal/archive"
	"folio/internal/edge"
	"folio/internal/search"
)

// Memory: a Workers isolate has 128 MB in all (JavaScript, the module, Go's memory). The
// soft limit makes the collector work harder before the heap passes it.
const (
	memoryLimit = 64 << 20
	searchCache = 16 << 20
)

func main() {
	debug.SetMemoryLimit(memoryLimit)
	binding, assets, err := edge.Assets("ASSETS")
	if err != nil {
		fmt.Fprintln(os.Stderr, "folio worker:", err)
		os.Exit(1)
	}
	data := edge.DataFetcher(binding, "/data/")
	edge.Serve(archive.New(data, archive.SearchExtension(search.WithCacheBytes(searchCache))).Public(), assets)
}
