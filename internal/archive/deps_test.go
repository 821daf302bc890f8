package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// layers places every package of the module: dependencies point one way, post → bundle →
// {render, search} → archive → pages → hosts (pages, the server-rendered HTML, is an
// extension of the archive handler that the viewer in the browser does not link). A package may import only packages of a lower
// layer; render and search, side by side, may not import each other. Inside search the
// same holds by step (searchSteps). Packages outside internal/ are hosts.
var layers = map[string]int{
	"folio/internal/post":         0,
	"folio/internal/safefile":     0,
	"folio/internal/sharedtest":   0,
	"folio/internal/bundle":       1,
	"folio/internal/jekyll":       1, // whole-site reading for the build; imports post
	"folio/internal/render":       2,
	"folio/internal/search":       2, // and its subpackages (searchSteps)
	"folio/internal/archive":      3,
	"folio/internal/demotest":     3, // tests only: builds the demo bundle (imports search/index)
	"folio/internal/pages":        4,
	"folio/internal/builder":      hostLayer,
	"folio/internal/builder/memo": hostLayer, // the build's memos (imports search/index)
	"folio/internal/jsbridge":     hostLayer,
	"folio/internal/edge":         hostLayer,
	"folio/internal/server":       hostLayer,
}

const hostLayer = 5

// searchSteps orders search's own packages: the analysis, the file format, the post-line
// decoder of hits and the tree of bleve searchers first, then the query language and the
// index reader, then snippets and the file fetcher, then the route trees, then the hits,
// then the runtime and the index writer (which must not import each other: the viewer
// links the runtime, the build the writer). A package imports only packages of earlier
// steps.
var searchSteps = map[string]int{
	"folio/internal/search/analysis":  0,
	"folio/internal/search/format":    0,
	"folio/internal/search/hitline":   0,
	"folio/internal/search/searchers": 0,
	"folio/internal/search/query":     1,
	"folio/internal/search/reader":    1,
	"folio/internal/search/fetch":     2,
	"folio/internal/search/snippet":   2,
	"folio/internal/search/route":     3,
	"folio/internal/search/hits":      4,
	"folio/internal/search":           5,
	"folio/internal/search/index":     5,
}

// listedPackage is what go list says of a package.
type listedPackage struct {
	ImportPath string
	Imports    []string
	Error      *struct{ Err string }
	DepsErrors []struct{ Err string }
}

// goList runs go list -deps over patterns in the module root and returns every package by
// import path.
func goList(t *testing.T, root string, env []string, patterns ...string) map[string]*listedPackage {
	t.Helper()
	args := append([]string{"list", "-e", "-deps", "-json=ImportPath,Imports,Error,DepsErrors"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	pkgs := map[string]*listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := &listedPackage{}
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// layerOf returns the layer of a module package and its step inside search (-1 outside
// search), or ok false for an internal package that has no layer yet.
func layerOf(path string) (layer, step int, ok bool) {
	if s, in := searchSteps[path]; in {
		return layers["folio/internal/search"], s, true
	}
	if l, in := layers[path]; in {
		return l, -1, true
	}
	return hostLayer, -1, !strings.HasPrefix(path, "folio/internal/")
}

// TestDependencyDirection checks the direction of the module's imports (see layers), that
// search brings in neither net/http nor archive of its own, and that the viewer does not
// link the index writer. It reads the native build and the js/wasm one (the viewer, the
// JS bridge).
func TestDependencyDirection(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs the go command: native only")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	native := goList(t, root, nil, "./...")
	viewer := goList(t, root, []string{"GOOS=js", "GOARCH=wasm", "GOWORK=" + filepath.Join(root, "go.wasm.work")},
		"./wasm/...", "./internal/jsbridge")
	checked := 0
	// Packages and imports in both lists are checked once.
	seenPkg, seenImport := map[string]bool{}, map[[2]string]bool{}
	for _, pkgs := range []map[string]*listedPackage{native, viewer} {
		for path, p := range pkgs {
			if !strings.HasPrefix(path, "folio/") {
				continue
			}
			if p.Error != nil && strings.Contains(p.Error.Err, "build constraints exclude all Go files") {
				continue // a package of the other build (js/wasm or native)
			}
			if seenPkg[path] {
				continue
			}
			seenPkg[path] = true
			if p.Error != nil {
				t.Errorf("%s: %s", path, p.Error.Err)
			}
			for _, e := range p.DepsErrors {
				t.Errorf("%s: %s", path, e.Err)
			}
			if _, _, ok := layerOf(path); !ok {
				t.Errorf("%s has no layer: add it to layers in this test", path)
			}
		}
		for path, p := range pkgs {
			if !strings.HasPrefix(path, "folio/") {
				continue
			}
			layer, step, ok := layerOf(path)
			if !ok {
				continue
			}
			for _, imp := range p.Imports {
				if !strings.HasPrefix(imp, "folio/") || seenImport[[2]string{path, imp}] {
					continue
				}
				seenImport[[2]string{path, imp}] = true
				checked++
				il, is, ok := layerOf(imp)
				switch {
				case !ok:
					// reported above
				case layer == hostLayer:
					// hosts may import anything
				case il == hostLayer:
					t.Errorf("%s imports %s, a host", path, imp)
				case step >= 0 && is >= 0:
					if is >= step {
						t.Errorf("%s imports %s: inside search, a package imports only packages of earlier steps (see searchSteps)", path, imp)
					}
				case il >= layer:
					t.Errorf("%s imports %s: imports go post → bundle → {render, search} → archive → pages → hosts", path, imp)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no imports between the module's packages: is the go list output right?")
	}

	// Search's own dependencies: its packages and what they bring in, not counting the
	// dependencies of the other folio packages they import (bundle brings in net/http
	// through its brotli package; it is checked above).
	ownDeps := func(p string) bool {
		_, inSearch := searchSteps[p]
		return inSearch || !strings.HasPrefix(p, "folio/")
	}
	for path := range searchSteps {
		if _, ok := native[path]; !ok {
			t.Errorf("go list does not list %s", path)
			continue
		}
		for _, banned := range []string{"net/http", "folio/internal/archive"} {
			is := func(p string) bool { return p == banned }
			if chain := importChain(native, path, is, ownDeps); chain != nil {
				t.Errorf("search brings in %s: %s", banned, strings.Join(chain, " → "))
			}
		}
	}
	writer := func(p string) bool { return p == "folio/internal/search/index" }
	all := func(string) bool { return true }
	if chain := importChain(viewer, "folio/wasm/browser", writer, all); chain != nil {
		t.Errorf("the viewer links the index writer: %s", strings.Join(chain, " → "))
	}
	// The viewer renders its views itself: the server's pages (and html/template, which
	// alone adds some 9 MB to the WebAssembly program) stay out of it.
	pagesOrTemplates := func(p string) bool { return p == "folio/internal/pages" || p == "html/template" }
	if chain := importChain(viewer, "folio/wasm/browser", pagesOrTemplates, all); chain != nil {
		t.Errorf("the viewer links %s: %s", chain[len(chain)-1], strings.Join(chain, " → "))
	}
	// text/template calls methods by name; the hosts' pages are written without it
	// (TestNoMethodsByName says why).
	textTemplate := func(p string) bool { return p == "text/template" }
	for _, host := range []string{"folio/wasm/worker", "folio/wasm/browser"} {
		if chain := importChain(viewer, host, textTemplate, all); chain != nil {
			t.Errorf("%s links text/template: %s", host, strings.Join(chain, " → "))
		}
	}
	if _, ok := viewer["folio/internal/search"]; !ok {
		t.Error("the viewer does not link the search runtime; is the dependency list right?")
	}
}

// importChain returns a chain of imports from path to a package that bad accepts, or nil.
// It follows the imports of the packages that follow accepts.
func importChain(pkgs map[string]*listedPackage, path string, bad, follow func(string) bool) []string {
	seen := map[string]bool{}
	var walk func(p string) []string
	walk = func(p string) []string {
		if bad(p) {
			return []string{p}
		}
		if seen[p] || p != path && !follow(p) || pkgs[p] == nil {
			return nil
		}
		seen[p] = true
		for _, imp := range pkgs[p].Imports {
			if chain := walk(imp); chain != nil {
				return append([]string{p}, chain...)
			}
		}
		return nil
	}
	return walk(path)
}

// TestNoMethodsByName: nothing in the WebAssembly hosts calls a method through reflect by
// name or index (reflect.Value.MethodByName, text/template's calls…). Where the linker sees
// such a call it keeps every exported method of every type the program links, since any
// could be called: with html/template in the pages, the Worker was 8.4 MB larger (1.5 MB
// gzip, half the Free plan's limit). The linker's dependency dump marks those calls.
func TestNoMethodsByName(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs the go command: native only")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", t.TempDir(), "./wasm/worker", "./wasm/browser")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWORK="+filepath.Join(root, "go.wasm.work"))
	out, err := cmd.CombinedOutput() // the dump goes to the linker's standard output
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	edges := 0
	for line := range strings.Lines(string(out)) {
		from, _, ok := strings.Cut(line, " -> ")
		if !ok {
			continue
		}
		edges++
		if strings.Contains(from, "<ReflectMethod>") {
			t.Errorf("calls a method by name through reflect: %s", strings.TrimSpace(from))
		}
	}
	if edges < 1000 {
		t.Fatalf("the linker's dependency dump has %d edges: did -dumpdep change?", edges)
	}
}
