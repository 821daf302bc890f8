package search

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestNodeRoundTrip(t *testing.T) {
	n := &routeNode{Leaf: true, Entries: []route{
		{Key: []byte("a"), File: "s/1.bin", Size: 10, Pos: "s/p.bin", PosSize: 99},
		{Key: []byte("ab\x00"), File: "s/2.bin", Size: 1 << 20, Pos: "s/p.bin", PosSize: 99},
		{Key: []byte("龙井"), File: "s/3.bin"},
		{Key: []byte("\xff\x01"), File: "p/shard.json"},
	}}
	got, err := decodeNode(encodeNode(n))
	if err != nil || !reflect.DeepEqual(got, n) {
		t.Fatalf("got %+v, %v", got, err)
	}
	for key, want := range map[string]int{"": -1, "a": 0, "aa": 0, "ab\x00": 1, "ab\x01": 1, "龙": 1, "龙井": 2, "\xff": 2, "\xff\x02": 3} {
		if i := got.find([]byte(key)); i != want {
			t.Errorf("find(%q) = %d, want %d", key, i, want)
		}
	}
	bad := encodeNode(&routeNode{Entries: []route{{Key: []byte("b")}, {Key: []byte("a")}}})
	if _, err := decodeNode(bad); err == nil {
		t.Error("unsorted node decoded")
	}
}

// A table-sized node: keys spread over several of decodeNode's key blocks (some longer
// than a block), names cut from the file's copy.
func TestNodeRoundTripLarge(t *testing.T) {
	n := &routeNode{Leaf: true}
	for i := range 5000 {
		key := fmt.Appendf(nil, "%06d-%s", i, strings.Repeat("词", i%7))
		if i%1000 == 999 {
			key = append(key, bytes.Repeat([]byte{'z'}, 5000)...)
		}
		n.Entries = append(n.Entries, route{Key: key, File: fmt.Sprintf("s/%016x.bin", i), Size: i, Pos: fmt.Sprintf("s/%016x.bin", i/10), PosSize: i * 3})
	}
	data := encodeNode(n)
	got, err := decodeNode(data)
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
		if _, err := decodeNode(encodeNode(n)[:cut]); err == nil {
			t.Errorf("node cut at %d of %d bytes decoded", cut, len(data))
		}
	}
}

// postingOf encodes doc lists as the writer does.
func postingOf(docs []uint32, pos [][]uint32) *posting {
	p := &posting{df: len(docs)}
	next := uint32(0)
	for i, d := range docs {
		p.docs = binary.AppendUvarint(p.docs, uint64(d-next))
		next = d + 1
		p.freqs = binary.AppendUvarint(p.freqs, uint64(len(pos[i])-1))
		prev := uint32(0)
		for _, x := range pos[i] {
			p.pos = binary.AppendUvarint(p.pos, uint64(x-prev))
			prev = x
		}
	}
	return p
}

func TestChunkRoundTrip(t *testing.T) {
	terms := []*termData{
		{term: "a", fields: [numFields]*posting{postingOf([]uint32{0, 7}, [][]uint32{{1}, {2, 9}}), nil}},
		{term: "龙井", fields: [numFields]*posting{nil, postingOf([]uint32{3, 4, 300}, [][]uint32{{5}, {1, 2, 3}, {40}})}},
		{term: "龙井\x00", fields: [numFields]*posting{postingOf([]uint32{1}, [][]uint32{{2}}), postingOf([]uint32{2}, [][]uint32{{7}})}},
	}
	v, _, err := decodeChunkFile(encodeTermChunk(terms))
	if err != nil {
		t.Fatal(err)
	}
	c := v.(*termChunk)
	e := c.find("龙井")
	if e == nil || e.has(fieldTitle) || !e.has(fieldBody) || c.find("龙") != nil {
		t.Fatalf("chunk: %+v", c.terms)
	}
	body, err := e.docs(fieldBody)
	if err != nil || !reflect.DeepEqual(body.docs, []uint32{3, 4, 300}) || !reflect.DeepEqual(body.freqs, []uint32{1, 3, 1}) {
		t.Fatalf("doc list: %+v, %v", body, err)
	}
	pv, _, err := decodePosFile(encodePosChunk(terms))
	if err != nil {
		t.Fatal(err)
	}
	pos, off, err := positions(pv.(*posChunk).streams["龙井"][fieldBody], body)
	if err != nil || !reflect.DeepEqual(pos, []uint32{5, 1, 2, 3, 40}) || !reflect.DeepEqual(off, []uint32{0, 1, 4, 5}) {
		t.Fatalf("positions %v %v %v", pos, off, err)
	}
	// Truncations fail cleanly.
	data := encodeTermChunk(terms)
	for i := range data {
		if _, err := decodeTermChunk(data[:i]); err == nil {
			t.Fatalf("chunk cut at %d decoded", i)
		}
	}
}

func TestMetaRoundTrip(t *testing.T) {
	m := &meta{Docs: 4, Categories: []string{"market", "茶"}, Tags: []string{"A股"},
		Profiles:   []profile{{Cats: []uint32{0, 1}, Tags: []uint32{0}, BodyClass: 7}, {Cats: []uint32{}, Tags: []uint32{}, BodyClass: 2}},
		DocProfile: []uint32{1, 0, 0, 1}, Days: []int32{-3, 18000, 18000, 17999}, TitleClass: 4}
	data := encodeMeta(m)
	got, err := decodeMeta(data)
	if err != nil {
		t.Fatal(err)
	}
	got.ix, m.ix = metaIndex{}, metaIndex{}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("got %+v\nwant %+v", got, m)
	}
	if d := got.docsWith(FieldCategory, "茶"); !reflect.DeepEqual(d, []uint32{1, 2}) {
		t.Errorf("docsWith = %v", d)
	}
	if d := got.docsDated(18000, 18000); !reflect.DeepEqual(d, []uint32{1, 2}) {
		t.Errorf("docsDated = %v", d)
	}
	if !bytes.Equal(encodeMeta(got), data) {
		t.Error("re-encoding differs")
	}
}
