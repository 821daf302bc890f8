//go:build js && wasm

// Command worker serves a Folio site from Cloudflare Workers through
// github.com/syumai/workers as folio serve does: the archive API (/api/list, /api/post,
// /api/search, …), cacheable and open to other origins (archive.Handler.Public), and the
// server-rendered pages (internal/pages) for every path that is not a static file, all
// reading the bundle from the worker's static assets. make worker-wasm builds it into
// wasm/worker/module/, which folio worker writes out with its glue and wrangler config.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"folio/internal/archive"
	"folio/internal/edge"
	"folio/internal/pages"
	"folio/internal/search"

	"github.com/syumai/workers/cloudflare"
)

// Memory: a Workers isolate has 128 MB in all (JavaScript, the module, Go's memory). The
// soft limit makes the collector work harder before the heap passes it.
const (
	memoryLimit = 64 << 20
	searchCache = 16 << 20
)

// policyVar is the wrangler variable (vars in wrangler.jsonc, written by folio worker)
// that holds the pages' Content-Security-Policy, the one folio serve sends.
const policyVar = "FOLIO_PAGE_CSP"

func main() {
	debug.SetMemoryLimit(memoryLimit)
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "folio worker:", err)
		os.Exit(1)
	}
}

func run() error {
	binding, _, err := edge.Assets("ASSETS")
	if err != nil {
		return err
	}
	// The viewer's page (404.html) is the shell of every rendered page, as in folio serve.
	// The assets answer /404.html with a redirect to /404 (html_handling
	// auto-trailing-slash, wrangler's default, which folio worker writes out).
	page, err := edge.DataFetcher(binding, "/").Fetch(context.Background(), "404")
	if err != nil {
		return fmt.Errorf("reading the viewer's page 404.html from the static assets: %w", err)
	}
	shell, err := pages.ParseShell(page)
	if err != nil {
		return fmt.Errorf("404.html: %w", err)
	}
	se := archive.SearchExtension(search.WithCacheBytes(searchCache))
	h := archive.New(edge.DataFetcher(binding, "/data/"), se, pages.Extension(shell, se))
	edge.Serve(h.Public(), edge.PageHeaders(h, cloudflare.Getenv(policyVar)))
	return nil
}
