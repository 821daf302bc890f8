package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/internal/server"
)

// TestWorkerFetch checks the worker's folioFetch, which reads data files into pooled
// buffers for the Go program: files larger than a buffer (so it grows), empty files, a
// missing file, and many fetches at once, each released in its own time, every file's
// bytes checked. It runs worker.js's own code in a test worker without starting Go.
func TestWorkerFetch(t *testing.T) {
	// fetchtest.js is worker.js without its last line (which starts Go), then the checks.
	// Each round fetches every file at once and releases the buffers in reverse order, so
	// later rounds read into reused (and grown) buffers.
	const checks = `
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
self.onmessage = async (ev) => {
  const out = { rounds: [], missing: 0 };
  try {
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(ev.data.map((n) => self.folioFetch('data/' + n, false)));
      const sums = {};
      for (let i = 0; i < got.length; i++) sums[ev.data[i]] = hex(await crypto.subtle.digest('SHA-256', got[i].bytes.slice()));
      for (const g of got.reverse()) g.release();
      out.rounds.push(sums);
    }
    out.missing = (await self.folioFetch('data/no-such-file.bin', false)).status;
  } catch (e) {
    out.error = String((e && e.message) || e);
  }
  postMessage(JSON.stringify(out));
};
`
	var s *Site
	s = demoWithScript(t, "/fetchtest.js", func(dir string) (string, error) {
		src, err := os.ReadFile(filepath.Join(s.AppDir(t), "worker.js"))
		if err != nil {
			return "", err
		}
		body, ok := strings.CutSuffix(strings.TrimSpace(string(src)), "start();")
		if !ok {
			return "", errors.New("worker.js no longer ends with start();")
		}
		return body + checks, nil
	})
	sizes := []int{0, 1, 1000, 65535, 65536, 65537, 200_000, 1_500_000, 5_000_000, 30_000, 70_000, 128 << 10}
	want := map[string]string{}
	var names []string
	rng := rand.New(rand.NewPCG(1, 2))
	for i, n := range sizes {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("fetchtest-%d.bin", i)
		if err := os.WriteFile(filepath.Join(s.Dir, "data", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		want[name] = hex.EncodeToString(sum[:])
		names = append(names, name)
	}
	list, _ := json.Marshal(names)

	b := NewBrowser(t)
	b.Allow("404")
	b.Open(s.URL)
	raw := Eval[string](b, `new Promise((resolve, reject) => {
  const w = new Worker('fetchtest.js');
  w.onerror = (e) => reject(new Error('test worker failed: ' + e.message));
  w.onmessage = (ev) => { w.terminate(); resolve(ev.data); };
  w.postMessage(`+string(list)+`);
})`)
	var out struct {
		Rounds  []map[string]string
		Missing int
		Error   string
	}
	unmarshal(t, raw, &out)
	if out.Error != "" {
		t.Fatalf("folioFetch: %s", out.Error)
	}
	if len(out.Rounds) != 3 {
		t.Fatalf("%d rounds, want 3", len(out.Rounds))
	}
	for r, sums := range out.Rounds {
		for name, sum := range want {
			if sums[name] != sum {
				t.Errorf("round %d: %s arrived damaged or not at all (sha256 %q, want %s)", r, name, sums[name], sum)
			}
		}
	}
	if out.Missing != 404 {
		t.Errorf("a missing file gave status %d, want 404", out.Missing)
	}
}

// TestWorkerErrorsAreReported checks the harness itself: a Web Worker's console errors
// and uncaught exceptions reach the browser checks, as the page's do.
func TestWorkerErrorsAreReported(t *testing.T) {
	s := demoWithScript(t, "/noisy.js", func(string) (string, error) {
		return `console.error('noisy worker says ' + 'hello');
setTimeout(() => { throw new Error('noisy worker ' + 'throws'); }, 10);
setTimeout(() => postMessage('done'), 50);`, nil
	})
	b := NewBrowser(t)
	b.Open(s.URL)
	Eval[string](b, `new Promise((resolve) => { const w = new Worker('noisy.js'); w.onmessage = (ev) => resolve(ev.data); })`)
	want := []string{"noisy worker says hello", "noisy worker throws"}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		all := strings.Join(b.problems, "\n")
		b.mu.Unlock()
		missing := ""
		for _, w := range want {
			if !strings.Contains(all, w) {
				missing = w
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a worker's %q did not reach the browser checks; they have: %q", missing, all)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.mu.Lock()
	b.problems = nil // expected here
	b.mu.Unlock()
}

// demoWithScript serves the demo site built by Folio's server, plus one script at path
// whose text script returns (from the built site's folder).
func demoWithScript(t *testing.T, path string, script func(dir string) (string, error)) *Site {
	t.Helper()
	return BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
		h := server.Handler(os.DirFS(dir))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				h.ServeHTTP(w, r)
				return
			}
			text, err := script(dir)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = w.Write([]byte(text)) // the page's use of it is what is tested
		})
	})
}
