package search

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestViewerLinksNoIndexEngine checks that the browser viewer links bleve's search
// packages but none of its index engines: the bleve package itself would bring scorch,
// upsidedown and protobuf along and double the module. Nor does it link bleve's query
// types (package searchers makes the searchers): their JSON decoding keeps every query
// type, geometry included, about 2 MB of the module.
func TestViewerLinksNoIndexEngine(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("runs the go command: native only")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./wasm/browser")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWORK="+filepath.Join(root, "go.wasm.work"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["github.com/blevesearch/bleve/v2/search/collector"] {
		t.Error("the viewer does not link bleve's collector; is the dependency list right?")
	}
	for _, p := range []string{
		"github.com/blevesearch/bleve/v2",
		"github.com/blevesearch/bleve/v2/index/scorch",
		"github.com/blevesearch/bleve/v2/index/upsidedown",
		"google.golang.org/protobuf/proto",
		"github.com/blevesearch/bleve/v2/search/query",
	} {
		if deps[p] {
			t.Errorf("the viewer links %s", p)
		}
	}
}
