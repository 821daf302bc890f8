package format

import "bytes"

// Segments. The search data of a growing archive appends: a rebuild leaves the term and
// position chunks it wrote before (segment 0, reached from the root's Terms and
// TermTable) under their names, and writes the posts that are new or edited into a new
// small segment of its own (Root.More), with doc numbers local to the segment. Posts
// deleted or edited since a segment was written are tombstones of that segment. The
// layout (Root.Layout) says where each doc of the search data is: which segment holds it,
// under which local number. Doc numbers stay those of a build from scratch (doc n is
// post n, oldest first), so the metadata, the shard routes and the answers are the same;
// a searcher merges each term's doc lists of every segment into the doc list a
// from-scratch build would have.

// Segment is a segment after the first: how many term and position chunks it has. Its
// term routes are not its own files: the later route level (LaterKey) holds those of
// every segment after the first together.
type Segment struct {
	Chunks    int `json:"chunks"`
	PosChunks int `json:"posChunks"`
}

// The later route level (Root.Later, Root.LaterTable) routes terms to the chunks of every
// segment after the first at once, so that a query's word costs one route file however
// many segments there are, not one per segment. Its leaves are route leaf nodes (files
// the build writes afresh) that each cover a range of terms: they hold, for every later
// segment, the entries of its chunks that meet the range, keyed by LaterKey (the
// segment's number among the later ones, then the chunk's first term), so that each
// segment's entries are together and in term order. Root.Later is the inner node over
// the leaves, keyed by the first term of each leaf's range (the first leaf's key is
// empty); Root.LaterTable, when there is more than one leaf, names one leaf node of every
// entry, which a viewer fetches in the background after its first search.

// MaxLater is the most segments after the first the later route level can name.
const MaxLater = 255

// LaterKey is the later route level's key of the chunk of segment seg (0: the first after
// the first, Root.More[0]) that starts at key.
func LaterKey(seg int, key []byte) []byte { return append([]byte{byte(seg)}, key...) }

// LaterFind returns the entry of leaf (a later route leaf, or the table) of the chunk of
// segment seg whose range holds key, if any.
func LaterFind(leaf *RouteNode, seg int, key []byte) (Route, bool) {
	i := leaf.Find(LaterKey(seg, key))
	if i < 0 || len(leaf.Entries[i].Key) == 0 || int(leaf.Entries[i].Key[0]) != seg {
		return Route{}, false
	}
	e := leaf.Entries[i]
	e.Key = e.Key[1:]
	return e, true
}

// LaterRange returns the entries of leaf of the chunks of segment seg whose ranges meet
// [lo, hi) (hi nil: no upper end), with their keys, in term order.
func LaterRange(leaf *RouteNode, seg int, lo, hi []byte) []Route {
	var out []Route
	i := max(0, leaf.Find(LaterKey(seg, lo)))
	for ; i < len(leaf.Entries); i++ {
		e := leaf.Entries[i]
		if len(e.Key) == 0 || int(e.Key[0]) < seg {
			continue
		}
		if int(e.Key[0]) > seg || hi != nil && bytes.Compare(e.Key[1:], hi) >= 0 {
			break
		}
		e.Key = e.Key[1:]
		out = append(out, e)
	}
	return out
}

// Layout says where the docs are: per segment its docs (local numbers 0..Size-1, oldest
// first) and which of them are deleted, and the runs that interleave the segments' live
// docs into the doc numbers (each segment's live docs keep their order).
type Layout struct {
	Sizes   []int   // docs per segment, deleted included
	Deleted [][]int // per segment, its deleted local numbers, ascending
	Runs    []Run   // in doc order
}

// Run is Len consecutive docs from segment Seg (its next live docs).
type Run struct{ Seg, Len int }

// EncodeLayout encodes a layout for Root.Layout.
func EncodeLayout(l *Layout) []byte {
	var e enc
	e.header('L')
	e.uvarint(uint64(len(l.Sizes)))
	for s, n := range l.Sizes {
		e.uvarint(uint64(n))
		e.uvarint(uint64(len(l.Deleted[s])))
		prev := -1
		for _, d := range l.Deleted[s] {
			e.uvarint(uint64(d - prev - 1))
			prev = d
		}
	}
	e.uvarint(uint64(len(l.Runs)))
	for _, r := range l.Runs {
		e.uvarint(uint64(r.Seg))
		e.uvarint(uint64(r.Len))
	}
	return e.b
}

// DecodeLayout decodes Root.Layout and checks that it is whole: the runs take every live
// doc of every segment once, and nothing more, docs in all.
func DecodeLayout(data []byte, docs int) (*Layout, error) {
	d := dec{b: data}
	d.header('L')
	const most = 1 << 30
	segs := d.int(len(data))
	l := &Layout{Sizes: make([]int, 0, segs), Deleted: make([][]int, 0, segs)}
	live := make([]int, 0, segs)
	for range segs {
		n := d.int(most)
		k := d.int(n)
		del := make([]int, 0, min(k, len(d.b)))
		prev := -1
		for range k {
			prev += 1 + d.int(most)
			if prev >= n {
				d.fail()
				break
			}
			del = append(del, prev)
		}
		l.Sizes, l.Deleted, live = append(l.Sizes, n), append(l.Deleted, del), append(live, n-len(del))
		if d.err != nil {
			return nil, ErrDamaged
		}
	}
	runs := d.int(len(data))
	total := 0
	for range runs {
		r := Run{Seg: d.int(segs - 1), Len: d.int(most)}
		if d.err != nil || r.Len > live[r.Seg] {
			return nil, ErrDamaged
		}
		live[r.Seg] -= r.Len
		total += r.Len
		l.Runs = append(l.Runs, r)
	}
	if d.err != nil || len(d.b) != 0 || total != docs {
		return nil, ErrDamaged
	}
	for _, n := range live {
		if n != 0 {
			return nil, ErrDamaged
		}
	}
	return l, nil
}

// Globals returns, per segment, the doc number of each local doc (-1: deleted).
func (l *Layout) Globals() [][]int32 {
	out := make([][]int32, len(l.Sizes))
	next := make([]int, len(l.Sizes)) // each segment's next local doc
	for s, n := range l.Sizes {
		out[s] = make([]int32, n)
		for _, d := range l.Deleted[s] {
			out[s][d] = -1
		}
	}
	doc := int32(0)
	for _, r := range l.Runs {
		g, i := out[r.Seg], next[r.Seg]
		for k := 0; k < r.Len; i++ {
			if g[i] == -1 {
				continue
			}
			g[i] = doc
			doc++
			k++
		}
		next[r.Seg] = i
	}
	return out
}
