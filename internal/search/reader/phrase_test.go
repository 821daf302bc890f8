package reader

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestSkipUvarints skips every count of uvarints from every offset of a stream of values
// of one to five bytes, and past its end.
func TestSkipUvarints(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var b []byte
	ends := []int{0} // ends[i]: the offset after i uvarints
	for range 200 {
		b = binary.AppendUvarint(b, rnd.Uint64N(1<<uint(rnd.IntN(35))))
		ends = append(ends, len(b))
	}
	for from := range ends {
		for n := 0; from+n < len(ends); n++ {
			if got := skipUvarints(b, ends[from], n); got != ends[from+n] {
				t.Fatalf("skip %d from uvarint %d: offset %d, want %d", n, from, got, ends[from+n])
			}
		}
		if got := skipUvarints(b, ends[from], len(ends)-from); got != -1 {
			t.Fatalf("skip past the end from uvarint %d: offset %d, want -1", from, got)
		}
	}
	cut := b[:len(b)-1]
	cut = append(cut, 0x80) // the last uvarint never ends
	if got := skipUvarints(cut, 0, len(ends)-1); got != -1 {
		t.Fatalf("skip to an unended uvarint: offset %d, want -1", got)
	}
}
