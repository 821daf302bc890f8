package edge

import "testing"

// TestSumSnapshot sums a small heap snapshot in V8's format: what the root reaches counts
// as the isolate's JavaScript, except Go's memory, the compiled module, what only Go's
// value tables hold and what only a weak edge reaches.
func TestSumSnapshot(t *testing.T) {
	// Nodes: type, name, id, self_size, edge_count. Edges: type, name_or_index, to_node (an
	// index into nodes, times the 5 node fields).
	const snapshot = `{
	"snapshot": {"meta": {
		"node_fields": ["type", "name", "id", "self_size", "edge_count"],
		"node_types": [["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic"], "string", "number", "number", "number"],
		"edge_fields": ["type", "name_or_index", "to_node"],
		"edge_types": [["context", "element", "property", "internal", "hidden", "shortcut", "weak"], "string_or_number", "node"]
	}},
	"nodes": [
		9, 0, 1, 0, 4,
		3, 1, 2, 100, 1,
		3, 2, 3, 40, 2,
		8, 3, 4, 1000000, 0,
		8, 3, 5, 3000, 0,
		8, 4, 6, 500000, 0,
		3, 5, 7, 70, 0,
		8, 3, 8, 9000, 0,
		3, 6, 9, 20, 0
	],
	"edges": [
		2, 7, 5,
		2, 8, 10,
		2, 9, 25,
		6, 10, 40,
		2, 11, 20,
		2, 12, 30,
		2, 13, 35
	],
	"strings": ["", "Kept", "Go", "system / JSArrayBufferData", "system / CppGCManaged (WasmNativeModule)", "HeldByGo", "Weak",
		"kept", "go", "module", "weakly", "mem", "_values", "_ids"]
}`
	// The root (node 0) reaches Kept, Go and the module, and Weak by a weak edge; Kept
	// holds an ArrayBuffer of 3,000 bytes; Go holds its memory (the largest ArrayBuffer)
	// and, through _values and _ids, HeldByGo and one of 9,000 bytes.
	h, err := sumSnapshot([]byte(snapshot))
	if err != nil {
		t.Fatal(err)
	}
	if h.Total != 100+40+1000000+3000+500000+70+9000+20 {
		t.Errorf("total %d", h.Total)
	}
	if h.GoMemory != 1000000 || h.Module != 500000 {
		t.Errorf("Go's memory %d, module %d; want 1000000, 500000", h.GoMemory, h.Module)
	}
	if h.JS != 100+40+3000 {
		t.Errorf("JS %d, want %d (Kept, Go, Kept's ArrayBuffer)", h.JS, 100+40+3000)
	}
	if h.ByKind["object Kept"] != 100 || h.ByKind["native system / JSArrayBufferData"] != 3000 || h.ByKind["object HeldByGo"] != 0 {
		t.Errorf("by kind: %v", h.ByKind)
	}
	if _, err := sumSnapshot([]byte(`{"snapshot": {"meta": {}}, "nodes": []}`)); err == nil {
		t.Error("a snapshot without its format's description was read")
	}
}
