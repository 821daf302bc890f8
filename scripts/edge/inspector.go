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
	// JS is what the isolate keeps besides Go's memory and the module, not counting what
	// only Go refers to: the objects of the glue, of syumai/workers, requests, responses
	// and their bodies. Go lets go of the JavaScript values it used (a file's bytes, an
	// answer's body) when its collector finalizes them; until then wasm_exec.js's tables
	// (_values, _ids) hold them, 1-4 MB at 10k posts depending on when Go last collected.
	JS int64
	// ByKind is JS by kind of object: its type and, for objects, closures and native
	// objects, its constructor or name ("object Promise", "native system /
	// JSArrayBufferData": the bytes of ArrayBuffers).
	ByKind map[string]int64
}

// goTables are the properties of wasm_exec.js's Go instance that hold the JavaScript
// values Go refers to.
var goTables = []string{"_values", "_ids", "_goRefCounts"}

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

// sumSnapshot reads a V8 heap snapshot (the .heapsnapshot format: nodes and edges as flat
// arrays of numbers, described by snapshot.meta; a node's edges follow those of the nodes
// before it; the first node is the root).
func sumSnapshot(data []byte) (HeapStats, error) {
	var s struct {
		Snapshot struct {
			Meta struct {
				NodeFields []string `json:"node_fields"`
				NodeTypes  []any    `json:"node_types"`
				EdgeFields []string `json:"edge_fields"`
				EdgeTypes  []any    `json:"edge_types"`
			} `json:"meta"`
		} `json:"snapshot"`
		Nodes   []int64  `json:"nodes"`
		Edges   []int64  `json:"edges"`
		Strings []string `json:"strings"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return HeapStats{}, fmt.Errorf("reading the heap snapshot: %w", err)
	}
	meta := s.Snapshot.Meta
	nf, ef := len(meta.NodeFields), len(meta.EdgeFields)
	typ, name, size, count := slices.Index(meta.NodeFields, "type"), slices.Index(meta.NodeFields, "name"),
		slices.Index(meta.NodeFields, "self_size"), slices.Index(meta.NodeFields, "edge_count")
	etyp, ename, eto := slices.Index(meta.EdgeFields, "type"), slices.Index(meta.EdgeFields, "name_or_index"), slices.Index(meta.EdgeFields, "to_node")
	nodeTypes, edgeTypes := typeNames(meta.NodeTypes), typeNames(meta.EdgeTypes)
	if min(typ, name, size, count, etyp, ename, eto) < 0 || nf == 0 || ef == 0 || len(s.Nodes) < nf || nodeTypes == nil || edgeTypes == nil {
		return HeapStats{}, errors.New("the heap snapshot's format is not the one known here")
	}
	str := func(i int64) string {
		if i < 0 || int(i) >= len(s.Strings) {
			return ""
		}
		return s.Strings[i]
	}
	n := len(s.Nodes) / nf
	firstEdge := make([]int, n+1)
	for i, e := 0, 0; i < n; i++ {
		firstEdge[i] = e
		e += int(s.Nodes[i*nf+count]) * ef
	}
	firstEdge[n] = len(s.Edges)
	if firstEdge[n-1] > len(s.Edges) {
		return HeapStats{}, errors.New("the heap snapshot has fewer edges than its nodes count")
	}
	// What the root reaches, by any edge but weak ones and Go's tables.
	reached := make([]bool, n)
	reached[0] = true
	for stack := []int{0}; len(stack) > 0; {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for e := firstEdge[i]; e+ef <= firstEdge[i+1]; e += ef {
			t := int(s.Edges[e+etyp])
			if t >= len(edgeTypes) || edgeTypes[t] == "weak" ||
				edgeTypes[t] == "property" && slices.Contains(goTables, str(s.Edges[e+ename])) {
				continue
			}
			if to := int(s.Edges[e+eto]) / nf; to < n && !reached[to] {
				reached[to] = true
				stack = append(stack, to)
			}
		}
	}
	h := HeapStats{ByKind: map[string]int64{}}
	goMemory := -1
	for i := range n {
		label, sz := str(s.Nodes[i*nf+name]), s.Nodes[i*nf+size]
		if label == "system / JSArrayBufferData" && sz > h.GoMemory {
			h.GoMemory, goMemory = sz, i
		}
	}
	for i := range n {
		t, label, sz := s.Nodes[i*nf+typ], str(s.Nodes[i*nf+name]), s.Nodes[i*nf+size]
		h.Total += sz
		switch {
		case i == goMemory:
			continue
		case strings.Contains(label, "WasmNativeModule"):
			h.Module += sz
			continue
		case !reached[i]:
			continue
		}
		h.JS += sz
		kind := "?"
		if int(t) < len(nodeTypes) {
			kind = nodeTypes[t]
		}
		switch kind {
		case "object", "closure", "native":
			h.ByKind[kind+" "+label] += sz
		default: // strings, arrays, code: their names are their contents
			h.ByKind[kind] += sz
		}
	}
	return h, nil
}

// typeNames is the list of names that snapshot.meta gives for a type field (its first
// element).
func typeNames(meta []any) []string {
	if len(meta) == 0 {
		return nil
	}
	list, _ := meta[0].([]any)
	var names []string
	for _, v := range list {
		str, _ := v.(string)
		names = append(names, str)
	}
	return names
}
