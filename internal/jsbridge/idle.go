//go:build js && wasm

package jsbridge

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// The Go instance in a page shares one thread with its requests: a collection that
// starts inside a search holds that search up for the whole cycle (tens of
// milliseconds over a heap of search data). Readers pause between searches far longer
// than a cycle takes, so the collector is better run then: CollectWhenIdle makes Serve
// run one cycle once no request has been in flight for a moment, if the requests since
// the last one allocated enough to make a cycle due soon.
var idle struct {
	sync.Mutex
	delay    time.Duration // 0: off
	minAlloc uint64
	inFlight int
	gen      uint64 // counts requests begun, so a timer knows whether one came since
	timer    *time.Timer
	lastGC   uint64 // bytes allocated in total when the last idle cycle ended
}

// CollectWhenIdle turns idle collection on: after delay without a request in flight, one
// garbage-collection cycle runs if at least minAlloc bytes were allocated since the last
// idle cycle. A request that arrives during the cycle waits for it, as it would have
// waited for a cycle started by an allocation. A delay of zero turns it off.
func CollectWhenIdle(delay time.Duration, minAlloc uint64) {
	idle.Lock()
	defer idle.Unlock()
	idle.delay, idle.minAlloc = max(delay, 0), minAlloc
	idle.lastGC = allocatedBytes()
}

// requestBegins and requestEnds bracket each request Serve answers.
func requestBegins() {
	idle.Lock()
	defer idle.Unlock()
	idle.inFlight++
	idle.gen++
	if idle.timer != nil {
		idle.timer.Stop()
		idle.timer = nil
	}
}

func requestEnds() {
	idle.Lock()
	defer idle.Unlock()
	idle.inFlight--
	if idle.delay == 0 || idle.inFlight > 0 {
		return
	}
	gen := idle.gen
	idle.timer = time.AfterFunc(idle.delay, func() { collectIfIdle(gen) })
}

// collectIfIdle runs a cycle if no request began since the timer was set (gen) and the
// allocations since the last idle cycle reach the threshold.
func collectIfIdle(gen uint64) {
	idle.Lock()
	due := idle.gen == gen && idle.inFlight == 0 && allocatedBytes()-idle.lastGC >= idle.minAlloc
	idle.timer = nil
	idle.Unlock()
	if !due {
		return
	}
	runtime.GC()
	idle.Lock()
	idle.lastGC = allocatedBytes()
	idle.Unlock()
}

// allocatedBytes is the heap's cumulative allocation count.
func allocatedBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
