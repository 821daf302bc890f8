package edge

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/websocket"
)

// wrangler dev attaches its inspector proxy (a worker of its own, in the workerd process
// that serves the dev port) to the Worker's isolate with the DevTools protocol's Network
// domain enabled, and keeps every message the runtime sends it until a DevTools client
// connects. workerd reports each subrequest of the Worker (every read through the assets
// binding) in Network events, the last of which, Network.loadingFinished, carries the
// whole body in base64. Under load, with no DevTools attached, that buffer grows by the
// size of everything the Worker reads, until that workerd aborts at V8's heap limit and
// wrangler dev stops answering (README, Cloudflare Workers). Start turns the Network
// domain off through the inspector (QuietNetwork); the Worker's own isolate is not
// affected either way.

// Inspector is a DevTools protocol session with the Worker's isolate through wrangler's
// inspector proxy (wrangler dev --inspector-port). The proxy takes one client at a time.
type Inspector struct {
	Events map[string]int // the events received in this session, by method

	conn *websocket.Conn
	next int
}

// inspectorTimeout bounds each command (a heap snapshot of the Worker takes well under a
// second; the proxy first sends what it kept while no client was connected).
const inspectorTimeout = time.Minute

// Inspect opens a session through the wrangler's inspector proxy.
func (w *Wrangler) Inspect() (*Inspector, error) {
	origin := "http://127.0.0.1:" + w.inspectorPort
	conn, err := websocket.Dial("ws://127.0.0.1:"+w.inspectorPort+"/ws", "", origin)
	if err != nil {
		return nil, fmt.Errorf("connecting to wrangler's inspector: %w", err)
	}
	conn.MaxPayloadBytes = 1 << 30 // a kept Network event holds a whole file
	return &Inspector{conn: conn, Events: map[string]int{}}, nil
}

// Close ends the session.
func (in *Inspector) Close() error { return in.conn.Close() }

// inspectorMessage is a DevTools protocol message: an answer (ID) or an event (Method).
type inspectorMessage struct {
	ID     int             `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Call sends a command and returns its result, counting the events that arrive meanwhile
// (on connecting, the proxy sends what it kept while no client was connected) and handing
// them to event (nil: dropped).
func (in *Inspector) Call(method string, params any, event func(method string, params json.RawMessage)) (json.RawMessage, error) {
	in.next++
	id := in.next
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	deadline := time.Now().Add(inspectorTimeout)
	if err := in.conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if err := websocket.JSON.Send(in.conn, msg); err != nil {
		return nil, fmt.Errorf("inspector %s: %w", method, err)
	}
	for {
		var m inspectorMessage
		if err := websocket.JSON.Receive(in.conn, &m); err != nil {
			return nil, fmt.Errorf("inspector %s: %w", method, err)
		}
		switch {
		case m.ID == id && m.Error != nil:
			return nil, fmt.Errorf("inspector %s: %s", method, m.Error.Message)
		case m.ID == id:
			return m.Result, nil
		case m.Method != "" && m.ID == 0:
			in.Events[m.Method]++
			if event != nil {
				event(m.Method, m.Params)
			}
		}
	}
}

// QuietNetwork turns off the runtime's Network events to wrangler's inspector proxy (see
// above).
func (w *Wrangler) QuietNetwork() error {
	in, err := w.Inspect()
	if err != nil {
		return err
	}
	defer in.Close() //nolint:errcheck // a finished session
	_, err = in.Call("Network.disable", nil, nil)
	return err
}

// HeapStats is what a heap snapshot of the Worker's isolate holds, in bytes (the objects'
// own sizes, after the full collection a snapshot makes).
type HeapStats struct {
	Total    int64 // everything
	GoMemory int64 // the largest ArrayBuffer: the Go program's WebAssembly memory
	Module   int64 // the compiled WebAssembly module
}

// JS is what the snapshot holds besides Go's memory and the compiled module: the objects
// of the glue, wasm_exec.js's values, requests, responses and their bodies.
func (h HeapStats) JS() int64 { return h.Total - h.GoMemory - h.Module }

// HeapSnapshot takes a heap snapshot of the Worker's isolate and sums it up.
func (in *Inspector) HeapSnapshot() (HeapStats, error) {
	var b strings.Builder
	_, err := in.Call("HeapProfiler.takeHeapSnapshot", map[string]any{"reportProgress": false}, func(method string, params json.RawMessage) {
		if method != "HeapProfiler.addHeapSnapshotChunk" {
			return
		}
		var c struct{ Chunk string }
		if json.Unmarshal(params, &c) == nil {
			b.WriteString(c.Chunk)
		}
	})
	if err != nil {
		return HeapStats{}, err
	}
	return sumSnapshot([]byte(b.String()))
}

// sumSnapshot reads a V8 heap snapshot (the .heapsnapshot format: nodes as a flat array
// of numbers, described by snapshot.meta.node_fields).
func sumSnapshot(data []byte) (HeapStats, error) {
	var s struct {
		Snapshot struct {
			Meta struct {
				NodeFields []string `json:"node_fields"`
			} `json:"meta"`
		} `json:"snapshot"`
		Nodes   []int64  `json:"nodes"`
		Strings []string `json:"strings"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return HeapStats{}, fmt.Errorf("reading the heap snapshot: %w", err)
	}
	fields := s.Snapshot.Meta.NodeFields
	name, size := slices.Index(fields, "name"), slices.Index(fields, "self_size")
	if name < 0 || size < 0 || len(s.Nodes) == 0 {
		return HeapStats{}, errors.New("the heap snapshot has no nodes with a name and a size")
	}
	var h HeapStats
	for i := 0; i+len(fields) <= len(s.Nodes); i += len(fields) {
		n, sz := s.Nodes[i+name], s.Nodes[i+size]
		h.Total += sz
		if n < 0 || int(n) >= len(s.Strings) {
			continue
		}
		switch label := s.Strings[n]; {
		case label == "system / JSArrayBufferData" && sz > h.GoMemory:
			h.GoMemory = sz
		case strings.Contains(label, "WasmNativeModule"):
			h.Module += sz
		}
	}
	return h, nil
}
