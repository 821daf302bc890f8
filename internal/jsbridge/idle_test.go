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
// one that allocated too little, and none while a request is still in flight. It waits
// for cycles by polling and holds requests in flight on a channel, not on the clock, so
// that a loaded machine cannot make it fail.
func TestCollectWhenIdle(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("alloc"))
		for i := 0; i < n; i++ {
			sink = make([]byte, 64<<10)
		}
		if r.URL.Query().Get("hold") != "" {
			<-release
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
	// cycleAfter waits up to 5 s for a cycle after n and reports whether one came.
	cycleAfter := func(n uint32) bool {
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			if cycles() != n {
				return true
			}
		}
		return false
	}

	before := cycles()
	ask("alloc=16") // 1 MB: below the threshold
	time.Sleep(100 * time.Millisecond)
	if got := cycles(); got != before {
		t.Fatalf("%d cycles after a small request, want none", got-before)
	}

	ask("alloc=128") // 8 MB
	if !cycleAfter(before) {
		t.Fatal("no cycle after an idle moment following 8 MB of allocation")
	}
	after := cycles()

	// A request in flight holds the cycle back: one is held open while another allocates
	// 8 MB and ends; no cycle may run until the held one ends too.
	held := make(chan error, 1)
	go func() {
		_, err := Await(js.Global().Call("folioIdleHandle", "/x?hold=1"))
		held <- err
	}()
	ask("alloc=128")
	time.Sleep(100 * time.Millisecond)
	if got := cycles(); got != after {
		t.Fatalf("a cycle ran while a request was in flight")
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if !cycleAfter(after) {
		t.Fatal("no cycle once the request in flight had ended")
	}
}
