package search

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/index"
	"folio/internal/sharedtest"
)

// Measurements, not tests:
//
//	go test -run XXX -bench Search -benchtime 20x ./internal/search                      # 1k generated posts
//	go test -run XXX -bench Search -benchtime 20x ./internal/search -search.n 10000
//	go test -run XXX -bench Search -benchtime 20x ./internal/search -search.data DIR/data  # a built site
//	go test -run XXX -bench Search -benchtime 20x ./internal/search -search.queries Q.json -search.prefix  # type-ahead
//
// Per query of the peer benchmark's list: cold-kB is the brotli size of the search files
// (s/) a fresh Searcher fetches for the first page (root and metadata included), shards-kB
// that of the post shards (p/) that show its hits, cold-ms the native time of that first
// search from local files, and ns/op the warm time.
var (
	benchData    = flag.String("search.data", "", "measure this built bundle (a site's data folder)")
	benchPosts   = flag.String("search.posts", "", "build and measure this _posts folder")
	benchN       = flag.Int("search.n", 1000, "build and measure this many gencorpus posts (seed 1)")
	benchQueries = flag.String("search.queries", "", "a queries.json (default: shared/bench/peers/queries.json)")
	benchPrefix  = flag.Bool("search.prefix", false, "ask every query as typed (Options.Prefix: type-ahead)")
	benchPrefixB = flag.Int("search.prefix.bytes", DefaultConfig.PrefixBytes, "Config.PrefixBytes")
	benchPrefixT = flag.Int("search.prefix.terms", DefaultConfig.PrefixTerms, "Config.PrefixTerms")
)

// benchSite returns the bundle folder and the queries file the benchmarks measure.
func benchSite(b *testing.B) (dir, queries string) {
	dir = *benchData
	if dir == "" {
		postsDir := *benchPosts
		if postsDir == "" {
			postsDir = filepath.Join(gencorpus(b, *benchN), "_posts")
		}
		dir = benchBuild(b, postsDir)
	}
	queries = *benchQueries
	if queries == "" {
		queries = filepath.Join(sharedtest.Dir(b), "bench", "peers", "queries.json")
	}
	return dir, queries
}

func BenchmarkSearch(b *testing.B) {
	dir, queries := benchSite(b)
	raw, br, files := folderSize(b, filepath.Join(dir, "s"))
	b.Logf("search data: %d files, %.1f MB raw, %.1f MB as served (brotli where there is a copy)", files, float64(raw)/1e6, float64(br)/1e6)

	warm := openRecorded(b, dir, nil)
	opts := Options{Prefix: *benchPrefix}
	for _, q := range readQueries(b, queries) {
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			var names []string
			cold := openRecorded(b, dir, &names)
			start := time.Now()
			res, err := cold.Search(context.Background(), q, opts)
			if err != nil {
				b.Fatal(err)
			}
			coldMs := float64(time.Since(start).Microseconds()) / 1000
			var search, shards int64
			for _, n := range names {
				size := servedSize(b, filepath.Join(dir, n))
				switch {
				case strings.HasPrefix(n, "s/"):
					search += size
				case strings.HasPrefix(n, "p/"):
					shards += size
				}
			}
			if _, err := warm.Search(context.Background(), q, opts); err != nil {
				b.Fatal(err)
			}
			var times []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, err := warm.Search(context.Background(), q, opts); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			slices.Sort(times)
			b.ReportMetric(float64(search)/1000, "cold-kB")
			b.ReportMetric(float64(shards)/1000, "shards-kB")
			b.ReportMetric(coldMs, "cold-ms")
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.Total), "hits")
			if !res.Exact {
				b.ReportMetric(1, "inexact")
			}
		})
	}
}

// benchBuild builds posts into a temporary bundle with compressed copies and returns its
// folder.
func benchBuild(b *testing.B, postsDir string) string {
	res, err := post.ReadAll(os.DirFS(postsDir), post.Config{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	w, err := bundle.NewWriter(dir, true, 0)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	m, lay := bundle.BuildLayout(w, res.Posts, bundle.Site{Title: "bench"})
	bundleTime := time.Since(start)
	root, st, err := index.Write(w, res.Posts, func() bundle.Layout { return lay })
	if err != nil {
		b.Fatal(err)
	}
	m.Extra = map[string]string{"search": root}
	if _, err := w.Finish(m); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d posts: bundle %.1fs, then index.Write %.1fs (%d terms, %d term chunks %.1f MB, %d position chunks %.1f MB, meta %.0f kB)",
		len(res.Posts), bundleTime.Seconds(), st.Seconds, st.Terms, st.Chunks, float64(st.TermBytes)/1e6,
		st.PosChunks, float64(st.PosBytes)/1e6, float64(st.MetaBytes)/1e3)
	return dir
}

// openRecorded opens a Searcher whose fetches are listed in names (when not nil).
func openRecorded(b *testing.B, dir string, names *[]string) *Searcher {
	var mu sync.Mutex
	fsys := os.DirFS(dir)
	f := bundle.FetchFunc(func(_ context.Context, name string) ([]byte, error) {
		if names != nil {
			mu.Lock()
			*names = append(*names, name)
			mu.Unlock()
		}
		return fs.ReadFile(fsys, name)
	})
	return openFetcher(b, f, WithPrefix(*benchPrefixB, *benchPrefixT))
}

// servedSize is the size of a file's brotli copy, or of the file when it has none.
func servedSize(b *testing.B, path string) int64 {
	if st, err := os.Stat(path + ".br"); err == nil {
		return st.Size()
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

func folderSize(b *testing.B, dir string) (raw, served int64, files int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".br") || strings.HasSuffix(e.Name(), ".gz") {
			continue
		}
		info, _ := e.Info()
		raw += info.Size()
		served += servedSize(b, filepath.Join(dir, e.Name()))
		files++
	}
	return raw, served, files
}

// BenchmarkFirstRun measures the browser's warm first runs without their network: each
// op opens a new Searcher, searches the list's first query and loads the route tables
// (as a page that has searched once holds them), then runs every other query once, each
// fetching (here: reading local files) and decoding its own chunks and post shards. The
// phases' totals per op are reported beside ns/op; run it with -cpuprofile, or count
// allocations (-benchmem), which are stable on a shared machine.
//
//	go test -run XXX -bench FirstRun -benchtime 5x -benchmem ./internal/search -search.data DIR/data
func BenchmarkFirstRun(b *testing.B) {
	dir, queries := benchSite(b)
	qs := readQueries(b, queries)
	opts := Options{Prefix: *benchPrefix}
	ctx := context.Background()
	var tm Timing
	ops := 0
	for b.Loop() {
		b.StopTimer()
		s := openRecorded(b, dir, nil)
		if _, err := s.Search(ctx, qs[0], opts); err != nil {
			b.Fatal(err)
		}
		if err := s.routes.LoadTables(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, q := range qs[1:] {
			res, err := s.Search(ctx, q, opts)
			if err != nil {
				b.Fatal(err)
			}
			tm.Route += res.Timing.Route
			tm.Fetch += res.Timing.Fetch
			tm.Match += res.Timing.Match
			tm.Hits += res.Timing.Hits
		}
		ops++
	}
	n := float64(ops)
	b.ReportMetric(tm.Route/n, "route-ms")
	b.ReportMetric(tm.Fetch/n, "fetch-ms")
	b.ReportMetric(tm.Match/n, "match-ms")
	b.ReportMetric(tm.Hits/n, "hits-ms")
}
