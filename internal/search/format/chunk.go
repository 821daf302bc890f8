package format

import "bytes"

// Posting is one field's doc list of a term as stored: raw streams, decoded on use.
type Posting struct {
	DF    int
	Docs  []byte // first doc, then gaps minus one (uvarints)
	Freqs []byte // freq minus one per doc (uvarints)
	Pos   []byte // positions per doc: first, then gaps (uvarints); from the X chunk
}

// TermData is one term with its postings per field (nil when the field lacks the term).
type TermData struct {
	Term   string
	Fields [NumFields]*Posting
}

func fieldMask(t *TermData) byte {
	var m byte
	for f := range NumFields {
		if t.Fields[f] != nil {
			m |= 1 << f
		}
	}
	return m
}

// EncodeTermChunk writes terms (sorted) with their doc lists. The dictionary comes first so
// a reader can list terms without touching the lists.
func EncodeTermChunk(terms []*TermData) []byte {
	var e enc
	e.header('D')
	e.uvarint(uint64(len(terms)))
	prev := ""
	for _, t := range terms {
		shared := commonPrefix([]byte(prev), []byte(t.Term))
		e.uvarint(uint64(shared))
		e.str(t.Term[shared:])
		e.byte(fieldMask(t))
		for _, p := range t.Fields {
			if p != nil {
				e.uvarint(uint64(p.DF))
				e.uvarint(uint64(len(p.Docs)))
				e.uvarint(uint64(len(p.Freqs)))
			}
		}
		prev = t.Term
	}
	for _, t := range terms {
		for _, p := range t.Fields {
			if p != nil {
				e.b = append(e.b, p.Docs...)
				e.b = append(e.b, p.Freqs...)
			}
		}
	}
	return e.b
}

// EncodePosChunk writes the positions of terms (the same terms as one or more neighbouring
// term chunks, in order).
func EncodePosChunk(terms []*TermData) []byte {
	var e enc
	e.header('X')
	e.uvarint(uint64(len(terms)))
	prev := ""
	for _, t := range terms {
		shared := commonPrefix([]byte(prev), []byte(t.Term))
		e.uvarint(uint64(shared))
		e.str(t.Term[shared:])
		e.byte(fieldMask(t))
		for _, p := range t.Fields {
			if p != nil {
				e.uvarint(uint64(len(p.Pos)))
			}
		}
		prev = t.Term
	}
	for _, t := range terms {
		for _, p := range t.Fields {
			if p != nil {
				e.b = append(e.b, p.Pos...)
			}
		}
	}
	return e.b
}

// DecodeTermChunk reads a term chunk; the postings alias data.
func DecodeTermChunk(data []byte) ([]TermData, error) {
	d := dec{b: data}
	d.header('D')
	n := d.int(len(data))
	terms := make([]TermData, n)
	type lens struct{ docs, freqs int }
	ls := make([][NumFields]lens, n)
	var fc frontCoded
	fc.ends = make([]int, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		fc.next(&d)
		t := &terms[i]
		mask := d.byte()
		for f := range NumFields {
			if mask&(1<<f) != 0 {
				t.Fields[f] = &Posting{DF: d.int(1 << 31)}
				ls[i][f] = lens{d.int(len(data)), d.int(len(data))}
			}
		}
	}
	if d.err != nil {
		return nil, ErrDamaged
	}
	all := string(fc.buf) // every term is a part of it: one allocation
	for i := range terms {
		terms[i].Term = fc.term(all, i)
	}
	for i := 0; i < n && d.err == nil; i++ {
		for f, p := range terms[i].Fields {
			if p != nil {
				l := ls[i][f]
				if l.docs+l.freqs > len(d.b) {
					d.fail()
					break
				}
				p.Docs, p.Freqs = d.b[:l.docs:l.docs], d.b[l.docs:l.docs+l.freqs:l.docs+l.freqs]
				d.b = d.b[l.docs+l.freqs:]
			}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, ErrDamaged
	}
	return terms, nil
}

// frontCoded reads a chunk's front-coded terms (each the previous term's first bytes
// and a suffix of its own, in ascending order) into one buffer, so that the chunk's terms
// can all be parts of one string (a string each, and a string for each suffix, were most
// of what decoding a chunk allocated).
type frontCoded struct {
	buf  []byte
	ends []int // term i is buf[ends[i-1]:ends[i]]
}

// next reads a term; a term not after the one before it is damaged data.
func (fc *frontCoded) next(d *dec) {
	start, prev := 0, []byte(nil)
	if k := len(fc.ends); k > 0 {
		start = fc.ends[k-1]
		if k > 1 {
			prev = fc.buf[fc.ends[k-2]:start]
		} else {
			prev = fc.buf[:start]
		}
	}
	shared := d.int(len(prev))
	fc.buf = append(fc.buf, prev[:shared]...)
	fc.buf = append(fc.buf, d.bytes()...)
	if len(fc.ends) > 0 && bytes.Compare(fc.buf[start:], prev) <= 0 {
		d.fail()
	}
	fc.ends = append(fc.ends, len(fc.buf))
}

// term returns term i as a part of all, the buffer made a string.
func (fc *frontCoded) term(all string, i int) string {
	start := 0
	if i > 0 {
		start = fc.ends[i-1]
	}
	return all[start:fc.ends[i]]
}

// DecodePosChunk reads a position chunk into term → field → positions stream.
func DecodePosChunk(data []byte) (map[string][NumFields][]byte, error) {
	d := dec{b: data}
	d.header('X')
	n := d.int(len(data))
	type item struct {
		lens [NumFields]int
		mask byte
	}
	items := make([]item, n)
	var fc frontCoded
	fc.ends = make([]int, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		fc.next(&d)
		it := &items[i]
		it.mask = d.byte()
		for f := range NumFields {
			if it.mask&(1<<f) != 0 {
				it.lens[f] = d.int(len(data))
			}
		}
	}
	if d.err != nil {
		return nil, ErrDamaged
	}
	all := string(fc.buf)
	out := make(map[string][NumFields][]byte, n)
	for i, it := range items {
		if d.err != nil {
			break
		}
		var ps [NumFields][]byte
		for f := range NumFields {
			if it.mask&(1<<f) != 0 {
				l := it.lens[f]
				if l > len(d.b) {
					d.fail()
					break
				}
				ps[f] = d.b[:l:l]
				d.b = d.b[l:]
			}
		}
		out[fc.term(all, i)] = ps
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, ErrDamaged
	}
	return out, nil
}

// Plist is one field's doc list of a term, decoded: ascending doc numbers and their
// frequencies.
type Plist struct {
	Docs  []uint32
	Freqs []uint32
}

// DecodePlist decodes a posting's doc list.
func DecodePlist(p *Posting) (*Plist, error) {
	if p.DF > len(p.Docs) || p.DF > len(p.Freqs) { // every doc takes a byte in each stream
		return nil, ErrDamaged
	}
	pl := &Plist{Docs: make([]uint32, p.DF), Freqs: make([]uint32, p.DF)}
	d, fr := dec{b: p.Docs}, dec{b: p.Freqs}
	next := uint64(0)
	for i := range p.DF {
		doc := next + d.uvarint()
		if doc < next || doc >= 1<<32 {
			return nil, ErrDamaged
		}
		pl.Docs[i] = uint32(doc)
		next = doc + 1
		pl.Freqs[i] = uint32(fr.uvarint() + 1)
	}
	if d.err != nil || fr.err != nil || len(d.b) != 0 || len(fr.b) != 0 {
		return nil, ErrDamaged
	}
	return pl, nil
}

// Positions decodes a term's position stream in one field, doc by doc:
// pos[off[i]:off[i+1]] belongs to the list's i-th doc.
func Positions(stream []byte, pl *Plist) (pos, off []uint32, err error) {
	off = make([]uint32, len(pl.Docs)+1)
	total := 0
	for i, f := range pl.Freqs {
		total += int(f)
		if total > len(stream) { // every position takes a byte
			return nil, nil, ErrDamaged
		}
		off[i+1] = uint32(total)
	}
	pos = make([]uint32, total)
	d := dec{b: stream}
	k := 0
	for _, f := range pl.Freqs {
		p := uint64(0)
		for range f {
			p += d.uvarint()
			pos[k] = uint32(p)
			k++
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, nil, ErrDamaged
	}
	return pos, off, nil
}

// EncodeTermPos joins a term chunk and the position chunk of its terms in one file ("C"),
// as small segments after the first are written: there a query fetches one file for a
// word's doc lists and positions, not two in two rounds.
func EncodeTermPos(termChunk, posChunk []byte) []byte {
	var e enc
	e.header('C')
	e.bytes(termChunk)
	e.bytes(posChunk)
	return e.b
}

// SplitTermPos returns the term chunk and the position chunk that EncodeTermPos joined.
func SplitTermPos(data []byte) (termChunk, posChunk []byte, err error) {
	d := dec{b: data}
	d.header('C')
	termChunk, posChunk = d.bytes(), d.bytes()
	if d.err != nil || len(d.b) != 0 {
		return nil, nil, ErrDamaged
	}
	return termChunk, posChunk, nil
}

// IsTermPos says whether data is a file of EncodeTermPos (by its magic letter).
func IsTermPos(data []byte) bool { return len(data) > 0 && data[0] == 'C' }
