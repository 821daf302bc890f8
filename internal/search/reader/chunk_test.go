package reader

import (
	"encoding/binary"
	"reflect"
	"testing"

	"folio/internal/search/format"
)

// postingOf encodes doc lists as the writer does.
func postingOf(docs []uint32, pos [][]uint32) *format.Posting {
	p := &format.Posting{DF: len(docs)}
	next := uint32(0)
	for i, d := range docs {
		p.Docs = binary.AppendUvarint(p.Docs, uint64(d-next))
		next = d + 1
		p.Freqs = binary.AppendUvarint(p.Freqs, uint64(len(pos[i])-1))
		prev := uint32(0)
		for _, x := range pos[i] {
			p.Pos = binary.AppendUvarint(p.Pos, uint64(x-prev))
			prev = x
		}
	}
	return p
}

func TestChunkRoundTrip(t *testing.T) {
	terms := []*format.TermData{
		{Term: "a", Fields: [format.NumFields]*format.Posting{postingOf([]uint32{0, 7}, [][]uint32{{1}, {2, 9}}), nil}},
		{Term: "龙井", Fields: [format.NumFields]*format.Posting{nil, postingOf([]uint32{3, 4, 300}, [][]uint32{{5}, {1, 2, 3}, {40}})}},
		{Term: "龙井\x00", Fields: [format.NumFields]*format.Posting{postingOf([]uint32{1}, [][]uint32{{2}}), postingOf([]uint32{2}, [][]uint32{{7}})}},
	}
	v, _, err := DecodeChunkFile(format.EncodeTermChunk(terms))
	if err != nil {
		t.Fatal(err)
	}
	c := v.(*TermChunk)
	e := c.Find("龙井")
	if e == nil || e.Has(format.FieldTitle) || !e.Has(format.FieldBody) || c.Find("龙") != nil {
		t.Fatalf("chunk: %+v", c.Terms)
	}
	body, err := e.Docs(format.FieldBody)
	if err != nil || !reflect.DeepEqual(body.Docs, []uint32{3, 4, 300}) || !reflect.DeepEqual(body.Freqs, []uint32{1, 3, 1}) {
		t.Fatalf("doc list: %+v, %v", body, err)
	}
	pv, _, err := DecodePosFile(format.EncodePosChunk(terms))
	if err != nil {
		t.Fatal(err)
	}
	pos, off, err := format.Positions(pv.(*PosChunk).Streams["龙井"][format.FieldBody], body)
	if err != nil || !reflect.DeepEqual(pos, []uint32{5, 1, 2, 3, 40}) || !reflect.DeepEqual(off, []uint32{0, 1, 4, 5}) {
		t.Fatalf("positions %v %v %v", pos, off, err)
	}
	// Truncations fail cleanly.
	data := format.EncodeTermChunk(terms)
	for i := range data {
		if _, err := format.DecodeTermChunk(data[:i]); err == nil {
			t.Fatalf("chunk cut at %d decoded", i)
		}
	}
}

// TestMetaLookups checks the lookups over decoded metadata (format's TestMetaRoundTrip
// checks the round trip).
func TestMetaLookups(t *testing.T) {
	m := &format.Meta{Docs: 4, Categories: []string{"market", "茶"}, Tags: []string{"A股"},
		Profiles:   []format.Profile{{Cats: []uint32{0, 1}, Tags: []uint32{0}, BodyClass: 7}, {Cats: []uint32{}, Tags: []uint32{}, BodyClass: 2}},
		DocProfile: []uint32{1, 0, 0, 1}, Days: []int32{-3, 18000, 18000, 17999}, TitleClass: 4}
	v, _, err := DecodeMetaFile(format.EncodeMeta(m))
	if err != nil {
		t.Fatal(err)
	}
	got := v.(*Meta)
	if d := got.docsWith(FieldCategory, "茶"); !reflect.DeepEqual(d, []uint32{1, 2}) {
		t.Errorf("docsWith = %v", d)
	}
	if d := got.docsDated(18000, 18000); !reflect.DeepEqual(d, []uint32{1, 2}) {
		t.Errorf("docsDated = %v", d)
	}
}
