// Package sharedtest finds the shared test data (../shared beside the repository: real
// corpora and the synthetic corpus generator) for tests. Where it is missing, tests skip
// with a message, unless FOLIO_REQUIRE_SHARED=1 (set by CI), where they fail.
package sharedtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Dir returns the shared folder, or skips (fails in CI) when it is not there. FOLIO_SHARED
// names it explicitly; the default is ../shared beside the repository.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("FOLIO_SHARED")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
	}
	if st, err := os.Stat(filepath.Join(dir, "corpus")); err != nil || !st.IsDir() {
		if os.Getenv("FOLIO_REQUIRE_SHARED") == "1" {
			t.Fatalf("shared test data not found at %s (FOLIO_REQUIRE_SHARED=1): %v", dir, err)
		}
		t.Skipf("shared test data not found at %s; skipping (set FOLIO_SHARED to its path to run this test)", dir)
	}
	return dir
}

// Corpus returns the _posts folder of a real corpus in shared/corpus.
func Corpus(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(Dir(t), "corpus", name, "_posts")
}

// Generated writes n posts (seed 1) with shared/tools/gencorpus into a temporary folder
// and returns it: its _posts folder and needles.json (the planted queries and their
// expected hit counts).
func Generated(t testing.TB, n int) string {
	t.Helper()
	tool := filepath.Join(Dir(t), "tools", "gencorpus")
	dir := filepath.Join(t.TempDir(), "corpus")
	start := time.Now()
	cmd := exec.Command("go", "run", ".", "-n", strconv.Itoa(n), "-seed", "1", "-out", dir)
	cmd.Dir = tool
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gencorpus -n %d: %v\n%s", n, err, out)
	}
	t.Logf("gencorpus %d posts: %.1f s", n, time.Since(start).Seconds())
	return dir
}

// SeedDir returns the shared folder for a fuzz target's seeds, or "" when it is missing: the
// target then runs with its in-repo seeds, where Dir would skip it whole. With
// FOLIO_REQUIRE_SHARED=1 a missing folder fails, as with Dir.
func SeedDir(t testing.TB) string {
	t.Helper()
	probe := &skipProbe{TB: t}
	dir := Dir(probe)
	if probe.skipped {
		return ""
	}
	return dir
}

// skipProbe records a skip instead of skipping.
type skipProbe struct {
	testing.TB
	skipped bool
}

func (p *skipProbe) Skipf(format string, args ...any) {
	p.skipped = true
	p.TB.Logf("seeds from ../shared left out: "+format, args...)
}
