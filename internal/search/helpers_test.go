package search

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/index"
)

// built is a bundle with search data, written into a temporary folder.
type built struct {
	dir   string
	posts []*post.Post // bundle order: post n is doc n
	s     *Searcher
	stats index.WriteStats
	root  string // the search root file
}

// build reads a posts folder and writes its bundle (with search data) into a temporary
// folder, then opens a Searcher over it.
func build(t testing.TB, postsDir string, opts ...Option) *built {
	t.Helper()
	var cfg post.Config
	if parent := filepath.Dir(filepath.Clean(postsDir)); fileExists(filepath.Join(parent, "_config.yml")) {
		c, err := post.LoadConfig(os.DirFS(parent), "_config.yml")
		if err != nil {
			t.Fatal(err)
		}
		cfg = c
	}
	res, err := post.ReadAll(os.DirFS(postsDir), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return buildPosts(t, res.Posts, opts...)
}

func buildPosts(t testing.TB, posts []*post.Post, opts ...Option) *built {
	t.Helper()
	return buildSized(t, posts, bundle.DefaultSizes(), index.DefaultSizes(), opts...)
}

// buildSized is buildPosts with the given shard, bucket and chunk sizes.
func buildSized(t testing.TB, posts []*post.Post, bs bundle.Sizes, is index.Sizes, opts ...Option) *built {
	t.Helper()
	dir := t.TempDir()
	w, err := bundle.NewWriter(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, lay := bundle.BuildSized(w, posts, bundle.Site{Title: "test"}, bs)
	root, stats, err := index.WriteSized(w, posts, func() bundle.Layout { return lay }, is)
	if err != nil {
		t.Fatal(err)
	}
	m.Extra = map[string]string{"search": root}
	if _, err := w.Finish(m); err != nil {
		t.Fatal(err)
	}
	b := &built{dir: dir, posts: bundle.Sorted(posts), stats: stats, root: root}
	b.s = b.open(t, opts...)
	return b
}

func (b *built) open(t testing.TB, opts ...Option) *Searcher {
	t.Helper()
	return openFetcher(t, bundle.FS(os.DirFS(b.dir)), opts...)
}

// openFetcher opens a bundle through f and a Searcher over it.
func openFetcher(t testing.TB, f bundle.Fetcher, opts ...Option) *Searcher {
	t.Helper()
	rd, err := bundle.Open(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), rd, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// all runs a query and returns the IDs of every hit.
func (b *built) all(t testing.TB, q string, o Options) []string {
	t.Helper()
	o.Limit = MaxLimit
	var ids []string
	for {
		res, err := b.s.Search(context.Background(), q, o)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < o.Limit || o.Offset+len(res.Hits) >= res.Total {
			break
		}
		o.Offset += len(res.Hits)
	}
	return ids
}

// repoDir is the repository root.
func repoDir() string { return filepath.Join("..", "..") }

func joinIDs(ids []string) string { return strings.Join(ids, " ") }

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
