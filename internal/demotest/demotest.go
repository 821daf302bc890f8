// Package demotest builds the repository's demo archive (demo/, written for Folio) into
// bundle folders, for the tests of the packages that read bundles: one reader of the
// demo's posts and one writer of its bundle, instead of a copy in each package's tests.
package demotest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/index"
)

// Dir is the demo archive's folder (the one holding _config.yml and _posts).
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "demo")
}

// Posts reads the demo's posts with its _config.yml.
func Posts(t testing.TB) []*post.Post {
	t.Helper()
	cfg, err := post.LoadConfig(os.DirFS(Dir()), "_config.yml")
	if err != nil {
		t.Fatalf("demo _config.yml: %v", err)
	}
	res, err := post.ReadAll(os.DirFS(filepath.Join(Dir(), "_posts")), cfg, nil)
	if err != nil {
		t.Fatalf("demo posts: %v", err)
	}
	return res.Posts
}

// Options say what Bundle writes besides the lists and posts.
type Options struct {
	Site   bundle.Site // the site's facts in folio.json
	Search bool        // write the search data too
}

// Bundle writes the demo's bundle into dir (created when missing) and returns dir.
func Bundle(t testing.TB, dir string, o Options) string {
	t.Helper()
	posts := Posts(t)
	w, err := bundle.NewWriter(dir, false, 2)
	if err != nil {
		t.Fatal(err)
	}
	m, layout := bundle.BuildLayout(w, posts, o.Site)
	if o.Search {
		root, _, err := index.Write(w, posts, func() bundle.Layout { return layout })
		if err != nil {
			t.Fatalf("demo search data: %v", err)
		}
		m.Extra = map[string]string{"search": root}
	}
	if _, err := w.Finish(m); err != nil {
		t.Fatalf("demo bundle: %v", err)
	}
	return dir
}
