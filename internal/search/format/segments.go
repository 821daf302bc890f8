package format

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

// Segment is a segment after the first: its term routes, like the root's own (the index
// writes their leaves as files of the segment, so that the top node in the root stays
// small whatever the segment's size).
type Segment struct {
	Terms     []byte `json:"terms"`
	TermTable string `json:"termTable,omitempty"`
	Chunks    int    `json:"chunks"`
	PosChunks int    `json:"posChunks"`
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
