package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"folio/internal/builder"
	"folio/internal/bundle"
	"folio/internal/pages"
	"folio/internal/server"
	"folio/wasm/worker/module"
)

// Cloudflare's limits that the build checks against (Workers, per version).
const (
	freeScriptBytes = 3 << 20  // the Worker, gzip, on the Free plan
	paidScriptBytes = 10 << 20 // on a paid plan
	freeAssetFiles  = 20_000   // static asset files on the Free plan
	paidAssetFiles  = 100_000  // on a paid plan
	compatDate      = "2026-04-01"
	assetsBinding   = "ASSETS" // the binding name wasm/worker reads the bundle through
)

// workerFirst are the paths the worker answers even where a static file matches: the API
// and the viewer's pages at the root (wrangler's run_worker_first).
var workerFirst = []string{"/api/*", "/", "/index", "/index.html", "/404", "/404.html"}

// assetsIgnore lists what wrangler leaves out of the static assets: the build records and
// the precompressed copies (Workers compresses by itself and never serves a .br in place of
// its file; at 100k posts they are two thirds of the files).
const assetsIgnore = `# Written by folio worker: not uploaded to Cloudflare Workers.
.folio
*.br
*.gz
`

// EdgeHeader marks the entry file (data/folio.json) when the site is served by the worker:
// the viewer then sends searches to /api/search instead of running them itself (folio
// serve marks it the same way).
const EdgeHeader = server.EdgeHeader

// headersFile is the static assets' _headers: the headers folio serve sets on every page
// (the widget's pages with their own policy; Cloudflare sends every matching rule's
// headers, so those rules detach the general one), and the edge mark on the entry file.
var headersFile = "# Written by folio worker: the headers of the static assets on Cloudflare Workers.\n" +
	"/*\n" +
	"  Content-Security-Policy: " + pages.Policy(server.CSP, "") + "\n" +
	"  X-Content-Type-Options: nosniff\n" +
	"  Referrer-Policy: no-referrer\n" +
	builder.WidgetPageRules("/", server.CSP, true) +
	"/data/" + bundle.EntryFile + "\n" +
	"  " + EdgeHeader + ": api\n"

// errNoWorker says the binary was built without the Worker module (plain go build).
var errNoWorker = errors.New("this folio binary has no Worker module embedded (wasm/worker/module/app.wasm): build it with `make folio`")

func runWorker(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	siteDir := fs.String("site", "", "built site folder: the Worker's static assets (required)")
	out := fs.String("out", "", "folder to write the Worker into (required)")
	name := fs.String("name", "folio", "the Worker's name on Cloudflare")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *siteDir == "" || *out == "" || fs.NArg() > 0 {
		say(stderr, "folio worker: -site and -out are required\n")
		fs.Usage()
		return 2
	}
	rep, err := writeWorker(module.Files(), *siteDir, *out, *name)
	if err != nil {
		say(stderr, "folio worker: %v\n", err)
		return 2
	}
	// Cloudflare's limits page says "3 MB" and "10 MB"; its upload API refuses a larger
	// Worker with "exceeded the size limit of 3 MiB", as wrangler's gzip figure counts (KiB).
	say(stderr, "folio worker: %s: Worker %.2f MiB, upload %.2f MiB gzip (Cloudflare allows %d MiB on the Free plan, %d MiB on paid plans); static assets %s: %d files (Free: %d, paid: %d)\n",
		*out, float64(rep.moduleBytes)/(1<<20), float64(rep.gzipBytes)/(1<<20), freeScriptBytes>>20, paidScriptBytes>>20, *siteDir, rep.assetFiles, freeAssetFiles, paidAssetFiles)
	if rep.gzipBytes > freeScriptBytes {
		say(stderr, "folio worker: note: the Worker is above the Free plan's %d MiB: deploying it needs a paid plan\n", freeScriptBytes>>20)
	}
	if rep.assetFiles > freeAssetFiles {
		say(stderr, "folio worker: note: %d asset files are more than the Free plan's %d: deploying them needs a paid plan\n", rep.assetFiles, freeAssetFiles)
	}
	say(stderr, "folio worker: run it with `cd %s && npx wrangler dev`, publish it with `npx wrangler deploy`\n", *out)
	return 0
}

// workerReport is what writeWorker measured.
type workerReport struct {
	moduleBytes int64 // the module's files as written
	gzipBytes   int64 // the same, gzip: what Cloudflare's size limit counts
	assetFiles  int   // static asset files wrangler uploads
}

// writeWorker checks that siteDir is a site this folio built and writes the Worker into
// out: the module's files, wrangler.jsonc, and the assets' .assetsignore and _headers
// (in siteDir, where wrangler reads them).
func writeWorker(mod fs.FS, siteDir, out, name string) (*workerReport, error) {
	if err := checkSite(siteDir); err != nil {
		return nil, err
	}
	if _, err := fs.Stat(mod, "app.wasm"); err != nil {
		return nil, errNoWorker
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	rep := &workerReport{}
	zipped := &countingWriter{}
	zw, _ := gzip.NewWriterLevel(zipped, gzip.DefaultCompression) // a valid level
	for _, n := range module.Names {
		data, err := fs.ReadFile(mod, n)
		if err != nil {
			return nil, fmt.Errorf("the embedded Worker module: %w", err)
		}
		if err := os.WriteFile(filepath.Join(out, n), data, 0o644); err != nil {
			return nil, err
		}
		rep.moduleBytes += int64(len(data))
		_, _ = zw.Write(data) // into a counter: never fails
	}
	_ = zw.Close() // the same
	rep.gzipBytes = zipped.n

	config, err := wranglerConfig(siteDir, out, name)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ path, data string }{
		{filepath.Join(out, "wrangler.jsonc"), config},
		{filepath.Join(siteDir, ".assetsignore"), assetsIgnore},
		{filepath.Join(siteDir, "_headers"), headersFile},
	} {
		if err := os.WriteFile(f.path, []byte(f.data), 0o644); err != nil {
			return nil, err
		}
	}
	rep.assetFiles, err = countAssets(siteDir)
	return rep, err
}

// checkSite reports a folder that is not a site built by this folio, in words that say
// what to do.
func checkSite(dir string) error {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, bundle.EntryFile)); err != nil {
		return fmt.Errorf("%s is not a built Folio site (no data/%s): build one with `folio build -posts DIR -out %s`", dir, bundle.EntryFile, dir)
	}
	if _, err := bundle.Open(context.Background(), bundle.FS(os.DirFS(data))); err != nil {
		var ve *bundle.VersionError
		if errors.As(err, &ve) {
			return fmt.Errorf("%s: %v (the Worker is this folio's)", dir, err)
		}
		return fmt.Errorf("%s: the site's data cannot be read: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "404.html")); err != nil {
		return fmt.Errorf("%s has no 404.html: build it with this folio's `folio build` (the viewer is missing)", dir)
	}
	return nil
}

// wranglerConfig is the Worker's wrangler.jsonc: the glue as its main module, the site as
// its static assets (a path relative to out when there is one), Go for all but the files.
func wranglerConfig(siteDir, out, name string) (string, error) {
	absSite, err := filepath.Abs(siteDir)
	if err != nil {
		return "", err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	assets := absSite
	if rel, err := filepath.Rel(absOut, absSite); err == nil {
		assets = filepath.ToSlash(rel)
	}
	cfg := map[string]any{
		"name":               name,
		"main":               "worker.mjs",
		"compatibility_date": compatDate,
		"send_metrics":       false,
		"assets": map[string]any{
			"directory": assets,
			"binding":   assetsBinding,
			// Go answers every path that is not a static file (not_found_handling "none":
			// the worker runs), as folio serve does: the API, the viewer's URLs and the
			// posts' original URLs, rendered on the server. The viewer's own pages go to Go
			// first: index.html and 404.html are the shell of its rendered pages, and
			// html_handling (auto-trailing-slash) would serve them as /, /index, /404.
			"run_worker_first":   workerFirst,
			"not_found_handling": "none",
			"html_handling":      "auto-trailing-slash", // wasm/worker reads its shell as /404
		},
		"vars": map[string]any{
			// The pages' Content-Security-Policy (the assets get theirs from _headers).
			"FOLIO_PAGE_CSP": pages.Policy(server.CSP, ""),
		},
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return "", err
	}
	return "// Written by folio worker. `npx wrangler dev` runs the Worker here, `npx wrangler deploy` publishes it.\n" + string(data) + "\n", nil
}

// countAssets counts the files wrangler uploads from dir: all but what assetsIgnore names.
func countAssets(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		if d.IsDir() {
			if base == ".folio" {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(base, ".br"), strings.HasSuffix(base, ".gz"), base == "_headers", base == ".assetsignore":
			// not uploaded (wrangler reads the last two itself)
		default:
			n++
		}
		return nil
	})
	return n, err
}

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
