package reader

import (
	"cmp"
	"fmt"
	"slices"

	index "github.com/blevesearch/bleve_index_api"

	"folio/internal/search/format"
)

// Part is one segment of the search data (see format's segments.go) for NewSegmented:
// where its files come from, and the doc number of each of its local docs (-1: deleted).
type Part struct {
	Src    Source
	Global []int32
}

// part is a segment of a Reader: a reader over the segment's local docs, and their doc
// numbers.
type part struct {
	r      *Reader
	global []int32
}

// NewSegmented returns the reader of one search over several segments. Each term's doc
// lists of every segment are merged, without the deleted docs, into the doc list a search
// data of one segment would hold: doc frequencies, doc count and norms, hence scores and
// order, are those of a build from scratch. Phrase terms are matched within each segment
// (a doc is in one) and merged the same way.
func NewSegmented(parts []Part, meta *Meta, kept Store) *Reader {
	r := New(nil, meta, kept)
	for i, p := range parts {
		sub := &Reader{src: p.Src, meta: &Meta{Meta: &format.Meta{Docs: len(p.Global)}}}
		sub.phrases = &phraseMatcher{r: sub, kept: segmentStore{kept, fmt.Sprintf("@%d:", i)}, done: map[string][2][]uint32{}}
		r.parts = append(r.parts, &part{r: sub, global: p.Global})
	}
	return r
}

// segmentStore keeps a segment's phrase postings apart from the other segments'.
type segmentStore struct {
	s      Store
	prefix string
}

func (s segmentStore) Peek(key string) (any, bool) { return s.s.Peek(s.prefix + key) }
func (s segmentStore) Put(key string, val any, size int64) {
	s.s.Put(s.prefix+key, val, size)
}

// partsPostings is postings over every segment: each segment's list with its docs
// renumbered and the deleted ones left out, merged in doc order.
func (r *Reader) partsPostings(term string, f int, vectors bool) (docs, freqs, pos, off []uint32, err error) {
	type list struct {
		docs, freqs, pos, off []uint32
		global                []int32
		i                     int
	}
	lists := make([]*list, 0, len(r.parts))
	total := 0
	for _, p := range r.parts {
		d, fq, ps, of, err := p.r.postings(term, f, vectors)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		if len(d) > 0 {
			lists = append(lists, &list{docs: d, freqs: fq, pos: ps, off: of, global: p.global})
			total += len(d)
		}
	}
	docs, freqs = make([]uint32, 0, total), make([]uint32, 0, total)
	withPos := vectors
	for _, l := range lists {
		if l.off == nil {
			withPos = false // as in one segment: positions only when every list has them
		}
	}
	if withPos {
		off = append(off, 0)
	}
	// Each segment's live docs ascend in doc order: merge the heads.
	for {
		best, bestDoc := -1, int32(0)
		for k, l := range lists {
			for l.i < len(l.docs) && l.global[l.docs[l.i]] < 0 {
				l.i++ // deleted
			}
			if l.i < len(l.docs) {
				if g := l.global[l.docs[l.i]]; best < 0 || g < bestDoc {
					best, bestDoc = k, g
				}
			}
		}
		if best < 0 {
			break
		}
		l := lists[best]
		docs = append(docs, uint32(bestDoc))
		fq := uint32(1)
		if l.freqs != nil {
			fq = l.freqs[l.i]
		}
		freqs = append(freqs, fq)
		if withPos {
			pos = append(pos, l.pos[l.off[l.i]:l.off[l.i+1]]...)
			off = append(off, uint32(len(pos)))
		}
		l.i++
	}
	if !withPos {
		pos, off = nil, nil
	}
	return docs, freqs, pos, off, nil
}

// partsDict lists the terms of a text field in [lo, hi) over every segment; a term's
// count is the sum of the segments' (deleted docs included).
func (r *Reader) partsDict(field string, lo, hi []byte) (index.FieldDict, error) {
	counts := map[string]uint64{}
	for _, p := range r.parts {
		d, err := p.r.dict(field, lo, hi)
		if err != nil {
			return nil, err
		}
		for _, e := range d.(*fieldDict).entries {
			counts[e.Term] += e.Count
		}
	}
	out := &fieldDict{}
	for t, n := range counts {
		out.entries = append(out.entries, index.DictEntry{Term: t, Count: n})
	}
	slices.SortFunc(out.entries, func(a, b index.DictEntry) int { return cmp.Compare(a.Term, b.Term) })
	return out, nil
}
