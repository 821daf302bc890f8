package benchkit

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Log records what a benchmark's server answers while it is on (Start … Stop), for
// example the data files one search fetched. It is safe for concurrent use.
type Log[T any] struct {
	mu   sync.Mutex
	on   bool
	list []T
}

// Start empties the log and turns it on.
func (l *Log[T]) Start() { l.mu.Lock(); l.on, l.list = true, nil; l.mu.Unlock() }

// Stop turns the log off and returns what it recorded.
func (l *Log[T]) Stop() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.list
}

// Add records v if the log is on.
func (l *Log[T]) Add(v T) {
	l.mu.Lock()
	if l.on {
		l.list = append(l.list, v)
	}
	l.mu.Unlock()
}

// FetchFloor is the fetch floor of a search that fetched urls: the page of ctx fetches
// them all at once (no-store: from the server, as the search did; the same files, so the
// same sizes and encodings), reads each body and does nothing with it. It returns the
// time until the last one is in, in ms; no files cost nothing.
func FetchFloor(ctx context.Context, urls []string) (float64, error) {
	if len(urls) == 0 {
		return 0, nil
	}
	uj, _ := json.Marshal(urls)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return chromedp.Run(tctx, chromedp.Evaluate[float64](fmt.Sprintf(`(async (urls) => {
  const t0 = performance.now();
  await Promise.all(urls.map((u) => fetch(u, {cache: 'no-store'}).then((r) => r.arrayBuffer())));
  return performance.now() - t0;
})(%s)`, uj), chromedp.EvalAwaitPromise))
}
