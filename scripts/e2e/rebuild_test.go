package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"folio/internal/builder"
	"folio/internal/server"
	"folio/site"
)

// childBuild is set in a child process of this test binary that runs one build (and is
// killed by the builder's FOLIO_TEST_CRASH seam).
const childBuild = "FOLIO_E2E_CHILD_BUILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childBuild); spec != "" {
		var o struct{ Posts, Out string }
		if err := json.Unmarshal([]byte(spec), &o); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		if _, err := builder.Build(builder.Options{Posts: o.Posts, Out: o.Out, Site: site.Files()}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// copyTree copies the folder src to dst (regular files and folders only).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestKilledRebuild kills a rebuild at every stage, from reading the posts to switching
// the pages, and then opens the site in Chromium: it works each time, as the version
// before the rebuild until the entry switches and as the new one after. The next build
// then cleans up after the killed one.
func TestKilledRebuild(t *testing.T) {
	tmp := t.TempDir()
	postsA := filepath.Join(tmp, "a", "_posts")
	copyTree(t, filepath.Join(RepoDir(), "demo/_posts"), postsA)
	postsB := filepath.Join(tmp, "b", "_posts")
	copyTree(t, postsA, postsB)
	const newTitle = "A post only the rebuild has"
	if err := os.WriteFile(filepath.Join(postsB, "2031-05-01-rebuild.md"), []byte("---\ntitle: "+newTitle+"\ncategories: notes\n---\nWritten for the rebuild, about tea.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	siteA := filepath.Join(tmp, "site-a")
	repA, err := builder.Build(builder.Options{Posts: postsA, Out: siteA, Site: site.Files()})
	if err != nil {
		t.Fatal(err)
	}

	var last string
	for _, point := range []string{"read", "data:1", "data:5", "data", "app", "record", "entry", "pages"} {
		t.Run(strings.ReplaceAll(point, ":", "-"), func(t *testing.T) {
			dir := filepath.Join(tmp, "site-"+strings.ReplaceAll(point, ":", "-"))
			copyTree(t, siteA, dir)
			spec, _ := json.Marshal(map[string]string{"Posts": postsB, "Out": dir})
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childBuild+"="+string(spec), "FOLIO_TEST_CRASH="+point)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled() {
				t.Fatalf("the build was not killed at %s: %v\n%s", point, err, out)
			}
			last = dir

			srv := httptest.NewServer(server.Handler(os.DirFS(dir)))
			defer srv.Close()
			b := NewBrowser(t)
			b.Open(srv.URL + "/")
			want, switched := repA.Built, point == "entry" || point == "pages"
			if switched {
				want++
			}
			if total := Eval[int](b, `folio.list({limit: 1}).then((r) => r.total)`); total != want {
				t.Errorf("the site lists %d posts, want %d", total, want)
			}
			var newest listResult
			unmarshal(t, Eval[string](b, `folio.list({limit: 1}).then(JSON.stringify)`), &newest)
			if switched && newest.Items[0].Title != newTitle {
				t.Errorf("newest post %q, want the rebuild's %q", newest.Items[0].Title, newTitle)
			}
			b.Open(srv.URL + newest.Items[0].URL)
			b.WaitText("main h1", newest.Items[0].Title)
			if n := Eval[int](b, `folio.search('tea', {limit: 5}).then((r) => r.total)`); n == 0 {
				t.Error("a search for tea found nothing")
			}
		})
	}
	if last == "" {
		return
	}
	// A build after the killed one leaves no temporary file and goes live.
	if _, err := builder.Build(builder.Options{Posts: postsB, Out: last, Site: site.Files()}); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(last, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".folio-tmp-") {
			t.Errorf("left over after the next build: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
