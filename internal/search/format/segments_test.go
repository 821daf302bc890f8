package format

import (
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
