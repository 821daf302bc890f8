//go:build js && wasm

package jsbridge

import (
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall/js"
	"testing"
	"time"
)

var sink []byte

// TestCollectWhenIdle: with the collector's own trigger off, a cycle runs after a
// request that allocated enough once the bridge has been idle for the delay, none after
// one that allocated too little, and none while a request is still in flight.
func TestCollectWhenIdle(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("alloc"))
		for i := 0; i < n; i++ {
			sink = make([]byte, 64<<10)
		}
		if ms, _ := strconv.Atoi(r.URL.Query().Get("sleep")); ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
	})
	f := Serve("folioIdleHandle", h)
	defer f.Release()
	CollectWhenIdle(10*time.Millisecond, 4<<20)
	defer CollectWhenIdle(0, 0)

	cycles := func() uint32 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.NumGC
	}
	ask := func(query string) {
		t.Helper()
		if _, err := Await(js.Global().Call("folioIdleHandle", "/x?"+query)); err != nil {
			t.Fatal(err)
		}
	}

	before := cycles()
	ask("alloc=16") // 1 MB: below the threshold
	time.Sleep(50 * time.Millisecond)
	if got := cycles(); got != before {
		t.Fatalf("%d cycles after a small request, want none", got-before)
	}

	ask("alloc=128") // 8 MB
	time.Sleep(50 * time.Millisecond)
	after := cycles()
	if after == before {
		t.Fatal("no cycle after an idle moment following 8 MB of allocation")
	}

	// A request in flight holds the cycle back: one that allocated 8 MB sets the timer,
	// and another, begun at once, sleeps 60 ms past it; 30 ms in, no cycle may have run.
	ask("alloc=128")
	done := make(chan error, 1)
	go func() {
		_, err := Await(js.Global().Call("folioIdleHandle", "/x?sleep=60"))
		done <- err
	}()
	time.Sleep(30 * time.Millisecond)
	if got := cycles(); got != after {
		t.Fatalf("a cycle ran while a request was in flight")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if cycles() == after {
		t.Fatal("no cycle once the request in flight had ended")
	}
}
