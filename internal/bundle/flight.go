package bundle

import (
	"context"
	"sync"
)

// Flights runs one call per key at a time: a caller that asks for a key while its call
// is under way waits for that call's result instead of starting another (many
// goroutines ask for the same file at once). The zero value is ready to use.
type Flights[V any] struct {
	mu    sync.Mutex
	calls map[string]*flight[V]
}

type flight[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// Do returns fn's result for key, running fn unless a call for key is under way; a
// waiting caller gives up when its ctx ends.
func (g *Flights[V]) Do(ctx context.Context, key string, fn func() (V, error)) (V, error) {
	g.mu.Lock()
	if f, ok := g.calls[key]; ok {
		g.mu.Unlock()
		select {
		case <-f.done:
			return f.val, f.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	f := &flight[V]{done: make(chan struct{})}
	if g.calls == nil {
		g.calls = map[string]*flight[V]{}
	}
	g.calls[key] = f
	g.mu.Unlock()
	f.val, f.err = fn()
	g.mu.Lock()
	delete(g.calls, key)
	g.mu.Unlock()
	close(f.done)
	return f.val, f.err
}
