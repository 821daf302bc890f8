package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"folio/internal/bundle"
	"folio/internal/search"
)

// benchQueries are the peers' query list and the corpus's needles: the benchmark queries.
func benchQueries(shared, gen string) ([]string, error) {
	var q struct{ Queries []string }
	data, err := os.ReadFile(filepath.Join(shared, "bench", "peers", "queries.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &q); err != nil {
		return nil, fmt.Errorf("queries.json: %w", err)
	}
	var n struct{ Needles []struct{ Query string } }
	if data, err = os.ReadFile(filepath.Join(gen, "needles.json")); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("needles.json: %w", err)
	}
	out := q.Queries
	for _, x := range n.Needles {
		out = append(out, x.Query)
	}
	return out, nil
}

// cold is what a cold query cost: the search data it fetched (brotli as served) and how
// many search files, and the search root (fetched when the searcher opens, before it).
type cold struct {
	sent, root int64
	fetches    int
	names      []string // the search files fetched (the root apart)
}

// coldSearch opens out's search data afresh (empty caches) and runs q: its answer as JSON
// (without timings) and what it fetched.
func coldSearch(out, q string, o search.Options) (string, cold, error) {
	dir := filepath.Join(out, "data")
	fsys := os.DirFS(dir)
	var mu sync.Mutex
	var names []string
	f := bundle.FetchFunc(func(_ context.Context, name string) ([]byte, error) {
		mu.Lock()
		names = append(names, name)
		mu.Unlock()
		return fs.ReadFile(fsys, name)
	})
	ctx := context.Background()
	rd, err := bundle.Open(ctx, f)
	if err != nil {
		return "", cold{}, err
	}
	s, err := search.Open(ctx, rd)
	if err != nil {
		return "", cold{}, err
	}
	defer func() { _ = s.Close() }() // releases caches; nothing to report
	var c cold
	mu.Lock()
	for _, name := range names {
		if kind, _, _ := cutKind(name); kind == "s" {
			c.root += served(filepath.Join(dir, filepath.FromSlash(name)))
		}
	}
	names = names[:0] // the entry and the root: every search's start, not the query's
	mu.Unlock()
	res, err := s.Search(ctx, q, o)
	if err != nil {
		return "", cold{}, fmt.Errorf("%q: %w", q, err)
	}
	res.Timing = search.Timing{}
	ans, err := json.Marshal(res)
	if err != nil {
		return "", cold{}, err
	}
	for _, name := range names {
		if kind, _, _ := cutKind(name); kind != "s" {
			continue // the hits' post shards
		}
		c.sent += served(filepath.Join(dir, filepath.FromSlash(name)))
		c.fetches++
		c.names = append(c.names, name)
	}
	return string(ans), c, nil
}

func cutKind(name string) (string, string, bool) {
	for i := range len(name) {
		if name[i] == '/' {
			return name[:i], name[i+1:], true
		}
	}
	return "", name, false
}

// served is the size of a file's brotli copy, or of the file when it has none.
func served(path string) int64 {
	if st, err := os.Stat(path + ".br"); err == nil {
		return st.Size()
	}
	if st, err := os.Stat(path); err == nil {
		return st.Size()
	}
	return 0
}

// compareAnswers asks every query of a cold searcher over both outputs (relevance, and
// newest first) and prints whether the answers are the same, and what the search data
// of each costs a cold query (brotli as served, the metadata included; the root apart)
// and how many search files it fetches.
func compareAnswers(rebuilt, full string, queries []string, details bool) error {
	differ := 0
	var a, b []cold
	for _, q := range queries {
		for _, o := range []search.Options{{}, {Sort: search.SortNewest}} {
			ansR, na, err := coldSearch(rebuilt, q, o)
			if err != nil {
				return err
			}
			ansF, nb, err := coldSearch(full, q, o)
			if err != nil {
				return err
			}
			if ansR != ansF {
				differ++
				if differ <= 3 {
					fmt.Printf("  %q %+v differs:\n    rebuild %.300s\n    full    %.300s\n", q, o, ansR, ansF)
				}
			}
			if o.Sort == "" {
				a, b = append(a, na), append(b, nb)
			}
		}
	}
	if differ == 0 {
		fmt.Printf("the rebuild's answers to the %d benchmark queries (relevance and newest first) equal the full build's: yes\n", len(queries))
	} else {
		fmt.Printf("the rebuild's answers to the %d benchmark queries equal the full build's: NO (%d of %d differ)\n", len(queries), differ, 2*len(queries))
	}
	sent := func(v []cold) []int64 {
		out := make([]int64, len(v))
		for i, c := range v {
			out[i] = c.sent
		}
		return out
	}
	fetches := func(v []cold) []int64 {
		out := make([]int64, len(v))
		for i, c := range v {
			out[i] = int64(c.fetches)
		}
		return out
	}
	med := func(v []int64) int64 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[len(s)/2]
	}
	sum := func(v []int64) (t int64) {
		for _, x := range v {
			t += x
		}
		return t
	}
	sa, sb, fa, fb := sent(a), sent(b), fetches(a), fetches(b)
	page := func(v []cold) []int64 {
		out := make([]int64, len(v))
		for i, c := range v {
			out[i] = c.root + c.sent
		}
		return out
	}
	pa, pb := page(a), page(b)
	fmt.Printf("cold page (search root and the query's search data, brotli): rebuild p50 %.1f kB, total %.0f kB; full build p50 %.1f kB, total %.0f kB (%+.1f%%)\n",
		float64(med(pa))/1e3, float64(sum(pa))/1e3, float64(med(pb))/1e3, float64(sum(pb))/1e3, 100*float64(sum(pa)-sum(pb))/float64(sum(pb)))
	fmt.Printf("cold query search data (brotli, metadata included, root apart): rebuild p50 %.1f kB, max %.1f kB, total %.0f kB; full build p50 %.1f kB, max %.1f kB, total %.0f kB (%+.1f%%)\n",
		float64(med(sa))/1e3, float64(slices.Max(sa))/1e3, float64(sum(sa))/1e3, float64(med(sb))/1e3, float64(slices.Max(sb))/1e3, float64(sum(sb))/1e3, 100*float64(sum(sa)-sum(sb))/float64(sum(sb)))
	fmt.Printf("cold query search files fetched: rebuild p50 %d, max %d, mean %.1f; full build p50 %d, max %d, mean %.1f; search root (brotli): rebuild %.1f kB, full build %.1f kB\n",
		med(fa), slices.Max(fa), float64(sum(fa))/float64(len(fa)), med(fb), slices.Max(fb), float64(sum(fb))/float64(len(fb)), float64(a[0].root)/1e3, float64(b[0].root)/1e3)
	if !details {
		return nil
	}
	fmt.Println("per query (relevance), search data and files fetched: rebuild, full build")
	for i, q := range queries {
		fmt.Printf("  %-24q %7.1f kB %3d   %7.1f kB %3d\n", q, float64(a[i].sent)/1e3, a[i].fetches, float64(b[i].sent)/1e3, b[i].fetches)
	}
	if err := detail("rebuild", rebuilt, a); err != nil {
		return err
	}
	return detail("full build", full, b)
}
