package bundle

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFlights(t *testing.T) {
	var g Flights[int]
	var runs atomic.Int32
	gate := make(chan struct{})
	slow := func() (int, error) {
		runs.Add(1)
		<-gate
		return 7, nil
	}
	// Five callers at once: one call, five results.
	var wg sync.WaitGroup
	got := make([]int, 5)
	for i := range got {
		wg.Go(func() { got[i], _ = g.Do(context.Background(), "k", slow) })
	}
	for runs.Load() == 0 { // the call is under way (and registered) once it runs
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the others arrive while it is blocked
	// A waiter whose context ends gives up without the result.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Do(ctx, "k", slow); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled waiter got %v, want context.Canceled", err)
	}
	close(gate)
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("five callers at once ran the call %d times, want 1", n)
	}
	for i, v := range got {
		if v != 7 {
			t.Errorf("caller %d got %d, want 7", i, v)
		}
	}
	// Once a call has ended, the next caller runs a new one, and errors come through.
	boom := errors.New("boom")
	if _, err := g.Do(context.Background(), "k", func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("later call: %v, want boom", err)
	}
}
