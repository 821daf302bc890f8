// Package site holds the viewer's static front end (HTML, CSS, JS, service worker,
// manifest) and, after `make wasm`, the WebAssembly runtime in site/wasm/. The build
// command embeds it so one binary writes a complete site.
package site

import (
	"embed"
	"io/fs"
)

//go:embed *
var files embed.FS

// Files returns the site files. Go sources and notes are in it too; the builder skips them.
func Files() fs.FS { return files }
