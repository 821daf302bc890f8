package search

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"folio/internal/post"
	"folio/internal/sharedtest"
)

// corpora holds the generated corpora of this test binary, by size; TestMain removes them.
var corpora sync.Map // n → dir

func TestMain(m *testing.M) {
	code := m.Run()
	corpora.Range(func(_, dir any) bool {
		_ = os.RemoveAll(dir.(string)) // temporary corpora: best effort
		return true
	})
	os.Exit(code)
}

// gencorpus writes n gencorpus posts (seed 1) into a temporary folder, once per test
// binary and size.
func gencorpus(t testing.TB, n int) string {
	t.Helper()
	shared := sharedtest.Dir(t)
	if runtime.GOOS == "js" {
		t.Skip("generating a corpus runs go, which js/wasm cannot")
	}
	if dir, ok := corpora.Load(n); ok {
		return dir.(string)
	}
	dir, err := os.MkdirTemp("", "folio-gencorpus-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".", "-n", strconv.Itoa(n), "-seed", "1", "-out", dir)
	cmd.Dir = filepath.Join(shared, "tools", "gencorpus")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gencorpus: %v\n%s", err, out)
	}
	corpora.Store(n, dir)
	return dir
}

// substringTruth returns the files of the posts whose title or text contains every word.
func substringTruth(posts []*post.Post, words []string) []string {
	var files []string
	for _, p := range posts {
		text := p.Title + "\n" + post.PlainText(p.Body, p.Format)
		ok := true
		for _, w := range words {
			if !strings.Contains(text, w) {
				ok = false
				break
			}
		}
		if ok {
			files = append(files, p.File)
		}
	}
	slices.Sort(files)
	return files
}

// files runs a query and returns the sorted files of every hit.
func (b *built) files(t *testing.T, q string, o Options) ([]string, bool) {
	t.Helper()
	o.Limit = MaxLimit
	var files []string
	exact := true
	for {
		res, err := b.s.Search(context.Background(), q, o)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		exact = exact && res.Exact
		for _, h := range res.Hits {
			files = append(files, h.File)
		}
		if len(res.Hits) == 0 || o.Offset+len(res.Hits) >= res.Total {
			break
		}
		o.Offset += len(res.Hits)
	}
	slices.Sort(files)
	return files, exact
}

func readQueries(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var q struct{ Queries []string }
	if err := json.Unmarshal(data, &q); err != nil {
		t.Fatal(err)
	}
	return q.Queries
}

func diff(got, want []string) string {
	var missing, extra []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	return "missing " + joinIDs(head(missing)) + "; extra " + joinIDs(head(extra))
}

// subtract returns the items of want (sorted) that got (sorted) lacks.
func subtract(want, got []string) []string {
	var out []string
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); !ok {
			out = append(out, w)
		}
	}
	return out
}

func head(s []string) []string { return s[:min(5, len(s))] }

// needle is a query gencorpus planted, with the files that must match it.
type needle struct {
	Name, Query string
	Files       []string
}

// readNeedles reads the needles of a gencorpus folder (needles.json).
func readNeedles(t testing.TB, dir string) []needle {
	t.Helper()
	var needles struct{ Needles []needle }
	data, err := os.ReadFile(filepath.Join(dir, "needles.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &needles); err != nil {
		t.Fatal(err)
	}
	return needles.Needles
}

// TestRecallGencorpus checks every needle and every benchmark query on 1,000 generated
// posts against the truth: exactly the posts that contain the words.
func TestRecallGencorpus(t *testing.T) {
	dir := gencorpus(t, 1000)
	shared := sharedtest.Dir(t)
	b := build(t, filepath.Join(dir, "_posts"))

	for _, n := range readNeedles(t, dir) {
		got, _ := b.files(t, n.Query, Options{})
		want := slices.Sorted(slices.Values(n.Files))
		if !slices.Equal(got, want) {
			t.Errorf("needle %s (%q): %d hits, want %d: %s", n.Name, n.Query, len(got), len(want), diff(got, want))
		}
		typed, _ := b.files(t, n.Query, Options{Prefix: true})
		if missing := subtract(want, typed); len(missing) > 0 {
			t.Errorf("needle %s (%q) as typed misses %d: %s", n.Name, n.Query, len(missing), joinIDs(head(missing)))
		}
	}
	for _, q := range readQueries(t, filepath.Join(shared, "bench", "peers", "queries.json")) {
		want := substringTruth(b.posts, strings.Fields(q))
		got, exact := b.files(t, q, Options{})
		if !exact || !slices.Equal(got, want) {
			t.Errorf("%q: %d hits (exact %v), want %d: %s", q, len(got), exact, len(want), diff(got, want))
		}
		// Typed (type-ahead), a completed word still finds every post that has it.
		typed, _ := b.files(t, q, Options{Prefix: true})
		if missing := subtract(want, typed); len(missing) > 0 {
			t.Errorf("%q as typed misses %d: %s", q, len(missing), joinIDs(head(missing)))
		}
		// Bleve's own phrase searcher finds the same posts.
		if oracle, _ := b.files(t, q, Options{blevePhrases: true}); !slices.Equal(oracle, got) {
			t.Errorf("%q: bleve's MultiPhraseQuery finds %d posts, the phrase terms %d: %s", q, len(oracle), len(got), diff(got, oracle))
		}
		// Without positions, every word still finds every post that has it.
		loose, _ := b.files(t, q, Options{Exact: ExactNever})
		if oracle, _ := b.files(t, q, Options{Exact: ExactNever, blevePhrases: true}); !slices.Equal(oracle, loose) {
			t.Errorf("%q without positions: bleve's conjunctions find %d posts, the all-slots terms %d", q, len(oracle), len(loose))
		}
		for _, w := range want {
			if _, found := slices.BinarySearch(loose, w); !found {
				t.Errorf("%q without positions misses %s", q, w)
				break
			}
		}
	}
}

// TestRecallFinews checks the queries of the real finews sample against the truth.
func TestRecallFinews(t *testing.T) {
	shared := sharedtest.Dir(t)
	b := build(t, sharedtest.Corpus(t, "finews"))
	for _, q := range readQueries(t, filepath.Join(shared, "bench", "peers", "queries-finews.json")) {
		want := substringTruth(b.posts, strings.Fields(q))
		got, exact := b.files(t, q, Options{})
		if !exact || !slices.Equal(got, want) {
			t.Errorf("%q: %d hits (exact %v), want %d: %s", q, len(got), exact, len(want), diff(got, want))
		}
	}
}
