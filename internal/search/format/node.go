package format

import (
	"bytes"
	"encoding/binary"
	"sort"
)

// Route is one entry of a route node: the first key of a file's range. In an inner node
// File is a child node; in a term leaf, File is a term chunk and Pos the position chunk
// holding the same terms (shared by neighbouring entries); in a shard leaf (keyed by the
// doc number of the shard's first post, 4 bytes big-endian), File is a bundle post shard.
// Sizes are raw byte counts.
type Route struct {
	Key     []byte
	File    string
	Size    int
	Pos     string
	PosSize int
}

// RouteNode is a route node: entries sorted by key; Leaf nodes name data files.
type RouteNode struct {
	Leaf    bool
	Entries []Route
}

func EncodeNode(n *RouteNode) []byte {
	var e enc
	e.header('N')
	if n.Leaf {
		e.byte(1)
	} else {
		e.byte(0)
	}
	e.uvarint(uint64(len(n.Entries)))
	var prev []byte
	for _, r := range n.Entries {
		shared := commonPrefix(prev, r.Key)
		e.uvarint(uint64(shared))
		e.bytes(r.Key[shared:])
		e.str(r.File)
		e.uvarint(uint64(r.Size))
		e.str(r.Pos)
		e.uvarint(uint64(r.PosSize))
		prev = r.Key
	}
	return e.b
}

func DecodeNode(data []byte) (*RouteNode, error) {
	d := dec{b: data}
	d.header('N')
	n := &RouteNode{Leaf: d.byte() == 1}
	count := d.int(len(data))
	n.Entries = make([]Route, 0, count)
	// A route table holds thousands of entries: the names are cut from one copy of the
	// file and the keys from a few shared blocks, rather than allocated one by one (which,
	// with the collections it causes, made a 100k-post table take up to 150 ms to decode
	// in WebAssembly).
	text := string(data)
	name := func() string {
		b := d.bytes()
		end := len(data) - len(d.b)
		return text[end-len(b) : end]
	}
	var keys, prev []byte
	for i := 0; i < count && d.err == nil; i++ {
		shared := d.int(len(prev))
		suffix := d.bytes()
		if size := shared + len(suffix); cap(keys)-len(keys) < size {
			keys = make([]byte, 0, max(4096, size))
		}
		start := len(keys)
		keys = append(append(keys, prev[:shared]...), suffix...)
		key := keys[start:len(keys):len(keys)]
		r := Route{Key: key, File: name(), Size: d.int(1 << 40), Pos: name(), PosSize: d.int(1 << 40)}
		if i > 0 && bytes.Compare(key, prev) <= 0 {
			d.fail()
		}
		n.Entries = append(n.Entries, r)
		prev = key
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, ErrDamaged
	}
	return n, nil
}

// Find returns the index of the entry whose range holds key: the last with Key <= key, or
// -1 when key is before the first.
func (n *RouteNode) Find(key []byte) int {
	return sort.Search(len(n.Entries), func(i int) bool { return bytes.Compare(n.Entries[i].Key, key) > 0 }) - 1
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// DocKey is the route key of a doc number (big-endian, so keys sort like numbers).
func DocKey(n int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

// PrefixEnd returns the first key after every key starting with prefix, or nil.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
