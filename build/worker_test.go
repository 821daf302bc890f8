package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"folio/internal/bundle"
	"folio/internal/server"
)

// fakeModule stands in for the embedded Worker module.
var fakeModule = fstest.MapFS{
	"app.wasm":     {Data: []byte("\x00asm wasm")},
	"wasm_exec.js": {Data: []byte("// go")},
	"worker.mjs":   {Data: []byte("// glue")},
}

// demoSite builds the demo into a temporary folder and returns it.
func demoSite(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "site")
	if code, stderr, _ := build(t, "-posts", filepath.Join("..", "demo", "_posts"), "-out", out, "-quiet"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	return out
}

// TestWorkerWritesADeployableFolder: the module, a wrangler config whose assets are the
// site (by a relative path), and in the site what wrangler reads: .assetsignore (build
// records and .br/.gz copies) and _headers (the CSP, the edge mark on the entry file).
func TestWorkerWritesADeployableFolder(t *testing.T) {
	site := demoSite(t)
	out := filepath.Join(filepath.Dir(site), "worker")
	rep, err := writeWorker(fakeModule, site, out, "blog")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range fakeModule {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(got) != string(f.Data) {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if rep.moduleBytes != 9+5+7 || rep.gzipBytes == 0 {
		t.Errorf("report %+v", rep)
	}
	raw, err := os.ReadFile(filepath.Join(out, "wrangler.jsonc"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Name, Main string
		Assets     struct {
			Directory, Binding string
			RunWorkerFirst     []string `json:"run_worker_first"`
			NotFoundHandling   string   `json:"not_found_handling"`
		}
		Vars map[string]string
	}
	body := regexp.MustCompile(`(?m)^//.*$`).ReplaceAll(raw, nil) // JSON with comments
	if err := json.Unmarshal(body, &cfg); err != nil {
		t.Fatalf("wrangler.jsonc: %v\n%s", err, raw)
	}
	if cfg.Name != "blog" || cfg.Main != "worker.mjs" || cfg.Assets.Directory != "../site" || cfg.Assets.Binding != assetsBinding ||
		!slices.Equal(cfg.Assets.RunWorkerFirst, workerFirst) || cfg.Assets.NotFoundHandling != "none" ||
		cfg.Vars["FOLIO_PAGE_CSP"] != server.CSP+"; frame-ancestors 'self'" {
		t.Errorf("wrangler.jsonc: %+v", cfg)
	}
	ignore, _ := os.ReadFile(filepath.Join(site, ".assetsignore"))
	for _, line := range []string{".folio", "*.br", "*.gz"} {
		if !strings.Contains("\n"+string(ignore), "\n"+line+"\n") {
			t.Errorf(".assetsignore lacks %s:\n%s", line, ignore)
		}
	}
	headers, _ := os.ReadFile(filepath.Join(site, "_headers"))
	if !strings.Contains(string(headers), "/*\n  Content-Security-Policy: "+server.CSP) ||
		!strings.Contains(string(headers), "/data/"+bundle.EntryFile+"\n  "+EdgeHeader+": api\n") {
		t.Errorf("_headers:\n%s", headers)
	}
	// The demo is built with .br/.gz copies; they and .folio/ are not counted.
	var all, copies int
	_ = filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			all++
			if strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") || strings.Contains(p, "/.folio/") ||
				strings.HasSuffix(p, "/_headers") || strings.HasSuffix(p, "/.assetsignore") {
				copies++
			}
		}
		return nil
	})
	if copies == 0 || rep.assetFiles != all-copies {
		t.Errorf("%d asset files counted; the site has %d files, %d of them not uploaded", rep.assetFiles, all, copies)
	}
}

// TestWorkerRefusesWhatItCannotServe: a folder that is not a built site, a site of another
// bundle version, and a binary without the module each give an error that says so.
func TestWorkerRefusesWhatItCannotServe(t *testing.T) {
	site := demoSite(t)
	out := t.TempDir()
	if _, err := writeWorker(fakeModule, t.TempDir(), out, "folio"); err == nil || !strings.Contains(err.Error(), "not a built Folio site") {
		t.Errorf("empty folder: %v", err)
	}
	if _, err := writeWorker(fstest.MapFS{"worker.mjs": {}}, site, out, "folio"); err == nil || !strings.Contains(err.Error(), "make folio") {
		t.Errorf("no module: %v", err)
	}
	entry := filepath.Join(site, "data", bundle.EntryFile)
	raw, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(raw), `"version":`, `"version":9`, 1)
	if old == string(raw) {
		t.Fatalf("no version in %s", raw)
	}
	if err := os.WriteFile(entry, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = writeWorker(fakeModule, site, out, "folio")
	if err == nil || !strings.Contains(err.Error(), "rebuild the site") {
		t.Errorf("other version: %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(out, "wrangler.jsonc")); statErr == nil {
		t.Error("a refused site still got a wrangler.jsonc")
	}
}

// TestWorkerCommandNeedsBothFolders: the command's usage errors.
func TestWorkerCommandNeedsBothFolders(t *testing.T) {
	var stderr strings.Builder
	if code := runWorker([]string{"-site", "x"}, &stderr); code != 2 || !strings.Contains(stderr.String(), "-site and -out are required") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}
