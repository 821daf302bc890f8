package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"folio/internal/bundle"
	"folio/internal/search/format"
)

// FieldNames are the names bleve sees for the text fields (format.FieldTitle,
// format.FieldBody).
var FieldNames = [format.NumFields]string{"title", "body"}

// Virtual fields served from the metadata file.
const (
	FieldCategory = "category"
	FieldTag      = "tag"
	FieldYear     = "year"
	// fieldDays takes a term "FROM..TO" (day numbers since 1970-01-01, inclusive) and
	// matches the docs dated in that range: date filters are bleve term queries on it.
	fieldDays = "_days"
)

// reader implements bleve's index.IndexReader over one search's view: doc lists from the
// fetched term chunks, facet fields and date filters from the metadata, phrase terms from
// the phrase matcher. Bleve's query searchers and collector run over it (see
// Searcher.run); nothing else of a bleve index is needed, so the viewer links only
// bleve's search packages.
type reader struct {
	v       *view
	phrases *phraseMatcher
}

func fieldIndex(field string) int {
	for i, f := range FieldNames {
		if f == field {
			return i
		}
	}
	return -1
}

func (r *reader) TermFieldReader(ctx context.Context, term []byte, field string, includeFreq, includeNorm, includeTermVectors bool) (bleveindex.TermFieldReader, error) {
	m := r.v.meta
	m.prepare()
	pr := &postingsReader{field: field, term: string(term), m: m, last: uint32(m.Docs - 1), normField: -1, vectors: includeTermVectors}
	switch f := fieldIndex(field); {
	case f >= 0 && isPhraseTerm(string(term)):
		pr.normField = f
		docs, freqs, err := r.phrases.postings(string(term), f)
		if err != nil {
			return nil, err
		}
		if n := len(docs); n > 0 && int(docs[n-1]) >= m.Docs {
			return nil, &bundle.DataError{File: "search positions", Err: format.ErrDamaged}
		}
		pr.docs, pr.freqs = docs, freqs
	case f >= 0:
		pr.normField = f
		e, rt, err := r.v.entry(string(term))
		if err != nil {
			return nil, err
		}
		if e == nil || !e.has(f) {
			break
		}
		pl, err := e.docs(f)
		if err != nil {
			return nil, &bundle.DataError{File: rt.File, Err: err}
		}
		if n := len(pl.Docs); n > 0 && int(pl.Docs[n-1]) >= m.Docs {
			return nil, &bundle.DataError{File: rt.File, Err: format.ErrDamaged}
		}
		pr.docs, pr.freqs = pl.Docs, pl.Freqs
		if includeTermVectors {
			src, err := r.v.source(string(term), f, true)
			if err != nil {
				return nil, err
			}
			if src != nil {
				if pr.pos, pr.off, err = format.Positions(src.stream, pl); err != nil {
					return nil, &bundle.DataError{File: rt.Pos, Err: err}
				}
			}
		}
	case field == FieldCategory || field == FieldTag:
		pr.docs = m.docsWith(field, string(term))
	case field == fieldDays:
		if from, to, ok := parseDays(string(term)); ok {
			pr.docs = m.docsDated(from, to)
		}
	}
	pr.i = len(pr.docs) - 1
	return pr, nil
}

func (r *reader) DocIDReaderAll() (bleveindex.DocIDReader, error) {
	return &docIDReader{end: uint64(r.v.meta.Docs)}, nil
}

func (r *reader) DocIDReaderOnly(ids []string) (bleveindex.DocIDReader, error) {
	var internal []uint64
	for _, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 32); err == nil && int(n) < r.v.meta.Docs {
			internal = append(internal, uint64(r.v.meta.Docs-1)-n)
		}
	}
	slices.Sort(internal)
	return &docIDReader{only: slices.Compact(internal), end: uint64(r.v.meta.Docs)}, nil
}

func (r *reader) FieldDict(field string) (bleveindex.FieldDict, error) {
	return r.FieldDictRange(field, nil, nil)
}

// FieldDictRange lists the field's terms from startTerm to endTerm, both included (nil:
// open ends), fetching the chunks of the range.
func (r *reader) FieldDictRange(field string, startTerm []byte, endTerm []byte) (bleveindex.FieldDict, error) {
	var hi []byte
	if endTerm != nil {
		hi = append(append([]byte(nil), endTerm...), 0) // first key after endTerm
	}
	return r.dict(field, startTerm, hi)
}

func (r *reader) FieldDictPrefix(field string, termPrefix []byte) (bleveindex.FieldDict, error) {
	return r.dict(field, termPrefix, prefixEnd(termPrefix))
}

// dict lists the field's terms in [lo, hi).
func (r *reader) dict(field string, lo, hi []byte) (bleveindex.FieldDict, error) {
	d := &fieldDict{}
	in := func(t string) bool {
		return bytes.Compare([]byte(t), lo) >= 0 && (hi == nil || bytes.Compare([]byte(t), hi) < 0)
	}
	switch f := fieldIndex(field); {
	case f >= 0:
		leaves, err := r.v.termLeaves(lo, hi)
		if err != nil {
			return nil, err
		}
		for _, l := range leaves {
			c, err := r.v.chunk(l.File)
			if err != nil {
				return nil, err
			}
			for i := range c.terms {
				if e := &c.terms[i]; e.has(f) && in(e.term) {
					d.entries = append(d.entries, bleveindex.DictEntry{Term: e.term, Count: uint64(e.raw[f].DF)})
				}
			}
		}
	case field == FieldCategory || field == FieldTag:
		names := r.v.meta.Categories
		if field == FieldTag {
			names = r.v.meta.Tags
		}
		for _, name := range names {
			if in(name) {
				d.entries = append(d.entries, bleveindex.DictEntry{Term: name, Count: uint64(len(r.v.meta.docsWith(field, name)))})
			}
		}
	}
	return d, nil
}

func (r *reader) Document(string) (bleveindex.Document, error) { return nil, nil }

func (r *reader) DocValueReader(fields []string) (bleveindex.DocValueReader, error) {
	return &docValueReader{m: r.v.meta, fields: fields}, nil
}

func (r *reader) Fields() ([]string, error) {
	return []string{FieldNames[format.FieldTitle], FieldNames[format.FieldBody], FieldCategory, FieldTag, FieldYear}, nil
}

func (r *reader) GetInternal([]byte) ([]byte, error) { return nil, nil }

func (r *reader) DocCount() (uint64, error) { return uint64(r.v.meta.Docs), nil }

// Internal IDs count from the newest doc (internal 0 is doc Docs-1), so that bleve's
// natural order, which breaks score ties and is the order of unscored searches, is newest
// first. External IDs are doc numbers, zero-padded to IDWidth digits, so that sorting by
// _id is oldest first.

// ExternalID implements index.IndexReader.
func (r *reader) ExternalID(id bleveindex.IndexInternalID) (string, error) {
	n, ok := docOf(id, r.v.meta.Docs)
	if !ok {
		return "", fmt.Errorf("search: bad internal id %x", []byte(id))
	}
	return externalID(int(n)), nil
}

func (r *reader) InternalID(id string) (bleveindex.IndexInternalID, error) {
	n, err := strconv.ParseUint(id, 10, 32)
	if err != nil || int(n) >= r.v.meta.Docs {
		return nil, nil
	}
	return bleveindex.NewIndexInternalID(nil, uint64(r.v.meta.Docs-1)-n), nil
}

func (r *reader) Close() error { return nil }

// IDWidth is the width of external doc IDs.
const IDWidth = 9

func externalID(n int) string {
	var b [IDWidth]byte
	for i := IDWidth - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// docOf is the doc number of an internal ID.
func docOf(id []byte, docs int) (uint32, bool) {
	if len(id) != 8 {
		return 0, false
	}
	v := binary.BigEndian.Uint64(id)
	if v >= uint64(docs) {
		return 0, false
	}
	return uint32(uint64(docs-1) - v), true
}

// postingsReader implements index.TermFieldReader over a decoded doc list. The list is
// ascending by doc number, so the reader walks it backwards (internal IDs ascending).
type postingsReader struct {
	field     string
	term      string
	docs      []uint32
	freqs     []uint32 // nil: every freq is 1
	pos, off  []uint32
	m         *meta
	last      uint32 // the last doc number
	normField int    // -1: norm 1
	vectors   bool
	i         int // the next entry, counting down
}

func (p *postingsReader) fill(pre *bleveindex.TermFieldDoc) *bleveindex.TermFieldDoc {
	if p.i < 0 {
		return nil
	}
	tfd := pre
	if tfd == nil {
		tfd = &bleveindex.TermFieldDoc{}
	}
	vecs := tfd.Vectors[:0]
	*tfd = bleveindex.TermFieldDoc{ID: tfd.ID[:0]}
	doc := p.docs[p.i]
	tfd.Term = p.term
	tfd.ID = bleveindex.NewIndexInternalID(tfd.ID, uint64(p.last-doc))
	tfd.Freq = 1
	if p.freqs != nil {
		tfd.Freq = uint64(p.freqs[p.i])
	}
	tfd.Norm = 1
	if p.normField >= 0 {
		tfd.Norm = p.m.norm(p.normField, doc)
	}
	if p.vectors && p.off != nil {
		// Vectors are reused: bleve copies what it keeps into its own locations.
		for k, pos := range p.pos[p.off[p.i]:p.off[p.i+1]] {
			if k < cap(vecs) && vecs[:k+1][k] != nil {
				vecs = vecs[:k+1]
				*vecs[k] = bleveindex.TermFieldVector{Field: p.field, Pos: uint64(pos)}
			} else {
				vecs = append(vecs, &bleveindex.TermFieldVector{Field: p.field, Pos: uint64(pos)})
			}
		}
		tfd.Vectors = vecs
	}
	p.i--
	return tfd
}

func (p *postingsReader) Next(pre *bleveindex.TermFieldDoc) (*bleveindex.TermFieldDoc, error) {
	return p.fill(pre), nil
}

// Advance moves to the first entry at or after the internal ID: the last doc at or
// before doc Docs-1-ID.
func (p *postingsReader) Advance(id bleveindex.IndexInternalID, pre *bleveindex.TermFieldDoc) (*bleveindex.TermFieldDoc, error) {
	if len(id) != 8 {
		return nil, fmt.Errorf("search: bad internal id %x", []byte(id))
	}
	v := binary.BigEndian.Uint64(id)
	if v > uint64(p.last) {
		p.i = -1
		return nil, nil
	}
	target := p.last - uint32(v)
	if p.i >= 0 && p.docs[p.i] > target {
		p.i = sort.Search(p.i+1, func(k int) bool { return p.docs[k] > target }) - 1
	}
	return p.fill(pre), nil
}

func (p *postingsReader) Count() uint64 { return uint64(len(p.docs)) }
func (p *postingsReader) Close() error  { return nil }
func (p *postingsReader) Size() int     { return 64 + 4*len(p.docs) + 4*len(p.pos) }

// docIDReader implements index.DocIDReader over all internal IDs below end, or a given
// set.
type docIDReader struct {
	only []uint64 // nil: all
	end  uint64
	i    uint64
}

func (d *docIDReader) Next() (bleveindex.IndexInternalID, error) {
	if d.only != nil {
		if d.i >= uint64(len(d.only)) {
			return nil, nil
		}
		d.i++
		return bleveindex.NewIndexInternalID(nil, d.only[d.i-1]), nil
	}
	if d.i >= d.end {
		return nil, nil
	}
	d.i++
	return bleveindex.NewIndexInternalID(nil, d.i-1), nil
}

func (d *docIDReader) Advance(id bleveindex.IndexInternalID) (bleveindex.IndexInternalID, error) {
	if len(id) != 8 {
		return nil, fmt.Errorf("search: bad internal id %x", []byte(id))
	}
	target := binary.BigEndian.Uint64(id)
	if d.only != nil {
		rest := d.only[d.i:]
		d.i += uint64(sort.Search(len(rest), func(k int) bool { return rest[k] >= target }))
	} else if target > d.i {
		d.i = min(target, d.end)
	}
	return d.Next()
}

func (d *docIDReader) Size() int    { return 32 + 8*len(d.only) }
func (d *docIDReader) Close() error { return nil }

// fieldDict implements index.FieldDict over a list of entries.
type fieldDict struct {
	entries []bleveindex.DictEntry
	i       int
}

func (d *fieldDict) Next() (*bleveindex.DictEntry, error) {
	if d.i >= len(d.entries) {
		return nil, nil
	}
	d.i++
	return &d.entries[d.i-1], nil
}

func (d *fieldDict) Close() error      { return nil }
func (d *fieldDict) Cardinality() int  { return len(d.entries) }
func (d *fieldDict) BytesRead() uint64 { return 0 }

// docValueReader serves the facet fields from the metadata.
type docValueReader struct {
	m      *meta
	fields []string
}

func (d *docValueReader) VisitDocValues(id bleveindex.IndexInternalID, visit bleveindex.DocValueVisitor) error {
	n, ok := docOf(id, d.m.Docs)
	if !ok {
		return fmt.Errorf("search: bad internal id %x", []byte(id))
	}
	d.m.prepare()
	p := &d.m.Profiles[d.m.DocProfile[n]]
	for _, f := range d.fields {
		switch f {
		case FieldCategory:
			for _, c := range p.Cats {
				visit(f, d.m.ix.catBytes[c])
			}
		case FieldTag:
			for _, t := range p.Tags {
				visit(f, d.m.ix.tagBytes[t])
			}
		case FieldYear:
			visit(f, d.m.ix.yearBytes[d.m.ix.docYear[n]])
		}
	}
	return nil
}

func (d *docValueReader) BytesRead() uint64 { return 0 }
