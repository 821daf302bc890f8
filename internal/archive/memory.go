package archive

import (
	"net/http"
	"runtime"
	"runtime/debug"
)

// Memory is the answer of /api/memory: the Go runtime's own figures, for diagnostics and
// benchmarks. In the browser, SysBytes is about the size of the WebAssembly memory, which
// never shrinks.
type Memory struct {
	HeapBytes  uint64 `json:"heapBytes"`  // live and not yet collected heap objects
	HeapInUse  uint64 `json:"heapInUse"`  // heap spans in use
	SysBytes   uint64 `json:"sysBytes"`   // everything obtained from the system
	GCs        uint32 `json:"gcs"`        // completed collections
	LimitBytes int64  `json:"limitBytes"` // the soft memory limit (debug.SetMemoryLimit)
}

func memory(w http.ResponseWriter, r *http.Request) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	JSON(w, Memory{HeapBytes: m.HeapAlloc, HeapInUse: m.HeapInuse, SysBytes: m.Sys, GCs: m.NumGC, LimitBytes: debug.SetMemoryLimit(-1)})
}
