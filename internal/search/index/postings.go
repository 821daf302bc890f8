package index

import (
	"encoding/binary"

	"folio/internal/search/format"
)

// termAcc holds a term's postings per field while docs stream in.
type termAcc struct {
	f [format.NumFields]fieldAcc
}

// fieldAcc is one field's postings, interleaved per doc as
// gap, freq-1, positions (first, then gaps); split into streams when written.
type fieldAcc struct {
	next  uint32 // last doc + 1
	df    uint32
	dsize uint32 // bytes of gaps and freqs
	buf   []byte
}

// split turns an accumulated field into its streams; without positions when keepPos is
// false (a trigram term's are never read: it matches whole words, not phrases).
func (fa *fieldAcc) split(keepPos bool) *format.Posting {
	if fa.df == 0 {
		return nil
	}
	p := &format.Posting{DF: int(fa.df), Docs: make([]byte, 0, fa.dsize), Freqs: make([]byte, 0, fa.df)}
	if keepPos {
		p.Pos = make([]byte, 0, len(fa.buf)-int(fa.dsize))
	}
	d := uvarints(fa.buf)
	for len(d) > 0 {
		p.Docs = binary.AppendUvarint(p.Docs, d.next())
		freq := d.next()
		p.Freqs = binary.AppendUvarint(p.Freqs, freq)
		for range freq + 1 {
			if v := d.next(); keepPos {
				p.Pos = binary.AppendUvarint(p.Pos, v)
			}
		}
	}
	return p
}

// uvarints reads the uvarints of an accumulated buffer; a damaged one reads as zeros from
// there on.
type uvarints []byte

func (u *uvarints) next() uint64 {
	v, n := binary.Uvarint(*u)
	if n <= 0 {
		*u = nil
		return 0
	}
	*u = (*u)[n:]
	return v
}

// concat appends the later postings b to fa: b's first doc, stored as a gap from 0, becomes
// a gap from fa's last doc.
func (fa *fieldAcc) concat(b *fieldAcc) {
	if b.df == 0 {
		return
	}
	if fa.df == 0 {
		*fa = *b
		return
	}
	first, n := binary.Uvarint(b.buf)
	buf := binary.AppendUvarint(fa.buf, first-uint64(fa.next))
	fa.dsize += b.dsize + uint32(len(buf)-len(fa.buf)) - uint32(n)
	fa.buf = append(buf, b.buf[n:]...)
	fa.df += b.df
	fa.next = b.next
}
