// Package module holds Folio's Cloudflare Worker module, which `folio worker` writes out:
// worker.mjs (the glue, kept here), and, after `make worker-wasm` (make folio runs it),
// app.wasm (built from wasm/worker) and wasm_exec.js (Go's JavaScript runtime as
// syumai/workers ships it, which passes the worker's env to Go). Neither built file is in
// git: a binary built with plain `go build` has no Worker and says so.
package module

import (
	"embed"
	"io/fs"
)

//go:embed *
var files embed.FS

// Files returns the module's files; the Go source and notes are in it too.
func Files() fs.FS { return files }

// Names are the files a Worker needs, in the order folio worker writes them.
var Names = []string{"app.wasm", "wasm_exec.js", "worker.mjs"}
