package main

import (
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestWiring checks which modules the binary was built with: under js/wasm (through
// go.wasm.work) bbolt is wasm/bboltshim; everywhere else it is the real module.
func TestWiring(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info")
	}
	wasm := runtime.GOOS == "js"
	want := map[string]string{"go.etcd.io/bbolt": "wasm/bboltshim"}
	for _, m := range info.Deps {
		dir, ok := want[m.Path]
		if !ok {
			continue
		}
		delete(want, m.Path)
		replaced := m.Replace != nil && strings.HasSuffix(filepath.ToSlash(m.Replace.Path), dir)
		if replaced != wasm {
			t.Errorf("GOOS=%s: %s %s replaced by %v; want %s: %v", runtime.GOOS, m.Path, m.Version, m.Replace, dir, wasm)
		}
	}
	for path := range want {
		t.Errorf("%s is not in the build", path)
	}
}

// TestPhrase indexes the corpus and checks that cjk bigrams plus match_phrase find exactly
// the posts that contain the query as a substring, with their stored titles.
func TestPhrase(t *testing.T) {
	posts := corpus()
	idx, err := newIndex(posts)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIndex(t, idx)
	if n, err := idx.DocCount(); err != nil || n != uint64(len(posts)) {
		t.Fatalf("DocCount = %d, %v; want %d", n, err, len(posts))
	}
	for _, q := range queries {
		var want []string
		titles := map[string]string{}
		for _, p := range posts {
			titles[p.ID] = p.Title
			if strings.Contains(p.Body, q) {
				want = append(want, p.ID)
			}
		}
		t.Run(q, func(t *testing.T) {
			res, err := search(idx, phraseQuery("body", q))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res); !slices.Equal(got, want) {
				t.Fatalf("hits %v\nwant %v", got, want)
			}
			for _, h := range res.Hits {
				if got := h.Fields["title"]; got != titles[h.ID] {
					t.Errorf("%s: stored title %q, want %q", h.ID, got, titles[h.ID])
				}
			}
		})
	}
}

// TestCorpus keeps the corpus meaningful: the queries hit some posts but not all, and a
// plain match (any bigram) finds more than the phrase, so the phrase test has near misses.
func TestCorpus(t *testing.T) {
	idx, err := newIndex(corpus())
	if err != nil {
		t.Fatal(err)
	}
	defer closeIndex(t, idx)
	for _, q := range []string{"高唐", "唐县", "城担", "疫情防控"} {
		got, err := phrase(idx, "body", q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) == 50 {
			t.Errorf("%s: %d hits; want some but not all", q, len(got))
		}
	}
	p, _ := phrase(idx, "body", "疫情防控")
	m, err := match(idx, "body", "疫情防控")
	if err != nil {
		t.Fatal(err)
	}
	if len(m) <= len(p) {
		t.Errorf("match 疫情防控: %d hits, phrase %d; want more for match", len(m), len(p))
	}
}

// closeIndex closes idx and fails the test when that fails.
func closeIndex(t *testing.T, idx bleve.Index) {
	t.Helper()
	if err := idx.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
