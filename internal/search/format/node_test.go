package format

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestNodeRoundTrip(t *testing.T) {
	n := &RouteNode{Leaf: true, Entries: []Route{
		{Key: []byte("a"), File: "s/1.bin", Size: 10, Pos: "s/p.bin", PosSize: 99},
		{Key: []byte("ab\x00"), File: "s/2.bin", Size: 1 << 20, Pos: "s/p.bin", PosSize: 99},
		{Key: []byte("龙井"), File: "s/3.bin"},
		{Key: []byte("\xff\x01"), File: "p/shard.json"},
	}}
	got, err := DecodeNode(EncodeNode(n))
	if err != nil || !reflect.DeepEqual(got, n) {
		t.Fatalf("got %+v, %v", got, err)
	}
	for key, want := range map[string]int{"": -1, "a": 0, "aa": 0, "ab\x00": 1, "ab\x01": 1, "龙": 1, "龙井": 2, "\xff": 2, "\xff\x02": 3} {
		if i := got.Find([]byte(key)); i != want {
			t.Errorf("find(%q) = %d, want %d", key, i, want)
		}
	}
	bad := EncodeNode(&RouteNode{Entries: []Route{{Key: []byte("b")}, {Key: []byte("a")}}})
	if _, err := DecodeNode(bad); err == nil {
		t.Error("unsorted node decoded")
	}
}

// A table-sized node: keys spread over several of DecodeNode's key blocks (some longer
// than a block), names cut from the file's copy.
func TestNodeRoundTripLarge(t *testing.T) {
	n := &RouteNode{Leaf: true}
	for i := range 5000 {
		key := fmt.Appendf(nil, "%06d-%s", i, strings.Repeat("词", i%7))
		if i%1000 == 999 {
			key = append(key, bytes.Repeat([]byte{'z'}, 5000)...)
		}
		n.Entries = append(n.Entries, Route{Key: key, File: fmt.Sprintf("s/%016x.bin", i), Size: i, Pos: fmt.Sprintf("s/%016x.bin", i/10), PosSize: i * 3})
	}
	data := EncodeNode(n)
	got, err := DecodeNode(data)
	if err != nil || !reflect.DeepEqual(got, n) {
		t.Fatalf("5000 entries did not round-trip (%v)", err)
	}
	// The decoded node does not depend on the bytes it came from.
	for i := range data {
		data[i] = 0
	}
	if !reflect.DeepEqual(got, n) {
		t.Fatal("decoded node changed with its file's bytes")
	}
	for _, cut := range []int{1, len(data) / 2, len(data) - 1} {
		if _, err := DecodeNode(EncodeNode(n)[:cut]); err == nil {
			t.Errorf("node cut at %d of %d bytes decoded", cut, len(data))
		}
	}
}
