package format

import (
	"fmt"
	"slices"
	"testing"
)

func TestLayoutRoundTrip(t *testing.T) {
	// Segment 0: 6 docs, 1 and 4 deleted; segment 1: 3 docs, 0 deleted (edited again).
	l := &Layout{Sizes: []int{6, 3}, Deleted: [][]int{{1, 4}, {0}}, Runs: []Run{{0, 2}, {1, 1}, {0, 2}, {1, 1}}}
	data := EncodeLayout(l)
	got, err := DecodeLayout(data, 6)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int32{{0, -1, 1, 3, -1, 4}, {-1, 2, 5}}
	g := got.Globals()
	for s := range want {
		if !slices.Equal(g[s], want[s]) {
			t.Errorf("segment %d: globals %v, want %v", s, g[s], want[s])
		}
	}
	if _, err := DecodeLayout(data, 7); err == nil {
		t.Error("a layout of 6 docs decoded as 7")
	}
	for n := range len(data) {
		if _, err := DecodeLayout(data[:n], 6); err == nil {
			t.Errorf("a layout cut to %d bytes decoded", n)
		}
	}
	bad := &Layout{Sizes: []int{2}, Deleted: [][]int{nil}, Runs: []Run{{0, 3}}}
	if _, err := DecodeLayout(EncodeLayout(bad), 3); err == nil {
		t.Error("a run longer than its segment decoded")
	}
}

func TestTermPosRoundTrip(t *testing.T) {
	td := []*TermData{{Term: "龙井", Fields: [NumFields]*Posting{nil, {DF: 1, Docs: []byte{0}, Freqs: []byte{0}, Pos: []byte{1}}}}}
	term, pos := EncodeTermChunk(td), EncodePosChunk(td)
	data := EncodeTermPos(term, pos)
	if !IsTermPos(data) || IsTermPos(term) || IsTermPos(pos) {
		t.Fatal("IsTermPos does not tell the files apart")
	}
	gt, gp, err := SplitTermPos(data)
	if err != nil || !slices.Equal(gt, term) || !slices.Equal(gp, pos) {
		t.Fatalf("SplitTermPos: %v", err)
	}
	for n := range len(data) {
		if _, _, err := SplitTermPos(data[:n]); err == nil {
			t.Errorf("a file cut to %d bytes split", n)
		}
	}
	if _, _, err := SplitTermPos(append(data, 0)); err == nil {
		t.Error("a file with a byte more split")
	}
}

func TestLaterFind(t *testing.T) {
	// Segment 0's chunks begin at "b" and "d", segment 1's at "a" and "c"; the leaf covers
	// terms from "b" on and holds segment 1's chunk "a" too, which its range begins in.
	leaf := &RouteNode{Leaf: true}
	for _, e := range []struct {
		seg int
		key string
	}{{0, "b"}, {0, "d"}, {1, "a"}, {1, "c"}} {
		leaf.Entries = append(leaf.Entries, Route{Key: LaterKey(e.seg, []byte(e.key)), File: fmt.Sprint(e.seg, e.key)})
	}
	for _, c := range []struct {
		seg       int
		key, want string
	}{{0, "a", ""}, {0, "b", "0b"}, {0, "c", "0b"}, {0, "z", "0d"}, {1, "b", "1a"}, {1, "c", "1c"}, {1, "zz", "1c"}, {2, "b", ""}} {
		r, ok := LaterFind(leaf, c.seg, []byte(c.key))
		if ok != (c.want != "") || r.File != c.want {
			t.Errorf("LaterFind(%d, %q) = %q %v; want %q", c.seg, c.key, r.File, ok, c.want)
		}
	}
	var got []string
	for _, r := range LaterRange(leaf, 1, []byte("b"), []byte("c")) {
		got = append(got, r.File+":"+string(r.Key))
	}
	if !slices.Equal(got, []string{"1a:a"}) {
		t.Errorf("LaterRange(1, [b, c)) = %v", got)
	}
	got = nil
	for _, r := range LaterRange(leaf, 0, []byte("c"), nil) {
		got = append(got, r.File)
	}
	if !slices.Equal(got, []string{"0b", "0d"}) {
		t.Errorf("LaterRange(0, [c, …)) = %v", got)
	}
}
