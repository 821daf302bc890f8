// Package reader is the index bleve's query searchers run over in the viewer: a bleve
// index.IndexReader (Reader) over the search files one search has fetched. It serves doc
// lists from the term chunks, phrase terms computed from positions (phrase.go), and facet
// fields and date filters from the metadata (meta.go); nothing else of a bleve index is
// needed, so the viewer links only bleve's search packages. Where the files come from
// (fetching, caching, the route trees) is the search runtime's business (Source).
package reader

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"

	index "github.com/blevesearch/bleve_index_api"

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
	// FieldDays takes a term "FROM..TO" (day numbers since 1970-01-01, inclusive) and
	// matches the docs dated in that range: date filters are bleve term queries on it.
	FieldDays = "_days"
)

// Source gives a Reader the search files of one search: those fetched for it beforehand,
// and others as they are asked for.
type Source interface {
	// Chunk returns a term chunk, PosChunk a position chunk.
	Chunk(name string) (*TermChunk, error)
	PosChunk(name string) (*PosChunk, error)
	// Leaf returns the entry of the term routes' leaf level whose range holds key, if
	// any; Leaves the entries whose ranges meet [lo, hi) (hi nil: no upper end).
	Leaf(key []byte) (format.Route, bool, error)
	Leaves(lo, hi []byte) ([]format.Route, error)
}

// Store keeps values within a byte budget: the phrase postings of earlier searches.
type Store interface {
	Peek(key string) (any, bool)
	Put(key string, val any, size int64)
}

// Reader implements bleve's index.IndexReader over one search's files: doc lists from the
// term chunks, facet fields and date filters from the metadata, phrase terms from the
// phrase matcher.
type Reader struct {
	src     Source
	meta    *Meta
	phrases *phraseMatcher
	parts   []*part // the segments, when there are several (see NewSegmented)
}

// New returns the reader of one search over src and the metadata; phrase postings it
// computes are kept in kept for later searches.
func New(src Source, meta *Meta, kept Store) *Reader {
	r := &Reader{src: src, meta: meta}
	r.phrases = &phraseMatcher{r: r, kept: kept, done: map[string][2][]uint32{}}
	return r
}

func fieldIndex(field string) int {
	for i, f := range FieldNames {
		if f == field {
			return i
		}
	}
	return -1
}

func (r *Reader) TermFieldReader(ctx context.Context, term []byte, field string, includeFreq, includeNorm, includeTermVectors bool) (index.TermFieldReader, error) {
	m := r.meta
	m.prepare()
	pr := &postingsReader{field: field, term: string(term), m: m, last: uint32(m.Docs - 1), normField: -1, vectors: includeTermVectors}
	switch f := fieldIndex(field); {
	case f >= 0:
		pr.normField = f
		var err error
		if r.parts != nil {
			pr.docs, pr.freqs, pr.pos, pr.off, err = r.partsPostings(string(term), f, includeTermVectors)
		} else {
			pr.docs, pr.freqs, pr.pos, pr.off, err = r.postings(string(term), f, includeTermVectors)
		}
		if err != nil {
			return nil, err
		}
	case field == FieldCategory || field == FieldTag:
		pr.docs = m.docsWith(field, string(term))
	case field == FieldDays:
		if from, to, ok := parseDays(string(term)); ok {
			pr.docs = m.docsDated(from, to)
		}
	}
	pr.i = len(pr.docs) - 1
	return pr, nil
}

// postings returns a term's doc list in field f (ascending), its frequencies (nil: all 1)
// and, with vectors, its positions (pos[off[i]:off[i+1]] are those of docs[i]).
func (r *Reader) postings(term string, f int, vectors bool) (docs, freqs, pos, off []uint32, err error) {
	m := r.meta
	if isPhraseTerm(term) {
		docs, freqs, err := r.phrases.postings(term, f)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		if n := len(docs); n > 0 && int(docs[n-1]) >= m.Docs {
			return nil, nil, nil, nil, &bundle.DataError{File: "search positions", Err: format.ErrDamaged}
		}
		return docs, freqs, nil, nil, nil
	}
	e, rt, err := r.entry(term)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if e == nil || !e.Has(f) {
		return nil, nil, nil, nil, nil
	}
	pl, err := e.Docs(f)
	if err != nil {
		return nil, nil, nil, nil, &bundle.DataError{File: rt.File, Err: err}
	}
	if n := len(pl.Docs); n > 0 && int(pl.Docs[n-1]) >= m.Docs {
		return nil, nil, nil, nil, &bundle.DataError{File: rt.File, Err: format.ErrDamaged}
	}
	docs, freqs = pl.Docs, pl.Freqs
	if vectors {
		src, err := r.source(term, f, true)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		if src != nil {
			if err := src.loadStream(); err != nil {
				return nil, nil, nil, nil, err
			}
			if pos, off, err = format.Positions(src.stream, pl); err != nil {
				return nil, nil, nil, nil, &bundle.DataError{File: rt.Pos, Err: err}
			}
		}
	}
	return docs, freqs, pos, off, nil
}

func (r *Reader) DocIDReaderAll() (index.DocIDReader, error) {
	return &docIDReader{end: uint64(r.meta.Docs)}, nil
}

func (r *Reader) DocIDReaderOnly(ids []string) (index.DocIDReader, error) {
	var internal []uint64
	for _, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 32); err == nil && int(n) < r.meta.Docs {
			internal = append(internal, uint64(r.meta.Docs-1)-n)
		}
	}
	slices.Sort(internal)
	return &docIDReader{only: slices.Compact(internal), end: uint64(r.meta.Docs)}, nil
}

func (r *Reader) FieldDict(field string) (index.FieldDict, error) {
	return r.FieldDictRange(field, nil, nil)
}

// FieldDictRange lists the field's terms from startTerm to endTerm, both included (nil:
// open ends), fetching the chunks of the range.
func (r *Reader) FieldDictRange(field string, startTerm []byte, endTerm []byte) (index.FieldDict, error) {
	var hi []byte
	if endTerm != nil {
		hi = append(append([]byte(nil), endTerm...), 0) // first key after endTerm
	}
	return r.dict(field, startTerm, hi)
}

func (r *Reader) FieldDictPrefix(field string, termPrefix []byte) (index.FieldDict, error) {
	return r.dict(field, termPrefix, format.PrefixEnd(termPrefix))
}

// dict lists the field's terms in [lo, hi).
func (r *Reader) dict(field string, lo, hi []byte) (index.FieldDict, error) {
	d := &fieldDict{}
	in := func(t string) bool {
		return bytes.Compare([]byte(t), lo) >= 0 && (hi == nil || bytes.Compare([]byte(t), hi) < 0)
	}
	switch f := fieldIndex(field); {
	case f >= 0 && r.parts != nil:
		return r.partsDict(field, lo, hi)
	case f >= 0:
		leaves, err := r.src.Leaves(lo, hi)
		if err != nil {
			return nil, err
		}
		for _, l := range leaves {
			c, err := r.src.Chunk(l.File)
			if err != nil {
				return nil, err
			}
			for i := range c.Terms {
				if e := &c.Terms[i]; e.Has(f) && in(e.Term) {
					d.entries = append(d.entries, index.DictEntry{Term: e.Term, Count: uint64(e.raw[f].DF)})
				}
			}
		}
	case field == FieldCategory || field == FieldTag:
		names := r.meta.Categories
		if field == FieldTag {
			names = r.meta.Tags
		}
		for _, name := range names {
			if in(name) {
				d.entries = append(d.entries, index.DictEntry{Term: name, Count: uint64(len(r.meta.docsWith(field, name)))})
			}
		}
	}
	return d, nil
}

func (r *Reader) Document(string) (index.Document, error) { return nil, nil }

func (r *Reader) DocValueReader(fields []string) (index.DocValueReader, error) {
	return &docValueReader{m: r.meta, fields: fields}, nil
}

func (r *Reader) Fields() ([]string, error) {
	return []string{FieldNames[format.FieldTitle], FieldNames[format.FieldBody], FieldCategory, FieldTag, FieldYear}, nil
}

func (r *Reader) GetInternal([]byte) ([]byte, error) { return nil, nil }

func (r *Reader) DocCount() (uint64, error) { return uint64(r.meta.Docs), nil }

// Internal IDs count from the newest doc (internal 0 is doc Docs-1), so that bleve's
// natural order, which breaks score ties and is the order of unscored searches, is newest
// first. External IDs are doc numbers, zero-padded to IDWidth digits, so that sorting by
// _id is oldest first.

// ExternalID implements index.IndexReader.
func (r *Reader) ExternalID(id index.IndexInternalID) (string, error) {
	n, ok := DocOf(id, r.meta.Docs)
	if !ok {
		return "", fmt.Errorf("search: bad internal id %x", []byte(id))
	}
	return externalID(int(n)), nil
}

func (r *Reader) InternalID(id string) (index.IndexInternalID, error) {
	n, err := strconv.ParseUint(id, 10, 32)
	if err != nil || int(n) >= r.meta.Docs {
		return nil, nil
	}
	return index.NewIndexInternalID(nil, uint64(r.meta.Docs-1)-n), nil
}

func (r *Reader) Close() error { return nil }

// entry finds a term of a text field: its entry (nil when no chunk holds it) and the
// leaf entry of its chunk.
func (r *Reader) entry(term string) (*TermEntry, format.Route, error) {
	rt, ok, err := r.src.Leaf([]byte(term))
	if err != nil || !ok {
		return nil, rt, err
	}
	c, err := r.src.Chunk(rt.File)
	if err != nil {
		return nil, rt, err
	}
	return c.Find(term), rt, nil
}

// source returns a term's doc list in field f, with its position stream when asked, or
// nil when the field lacks the term.
func (r *Reader) source(term string, f int, withPositions bool) (*phraseSource, error) {
	e, rt, err := r.entry(term)
	if err != nil || e == nil || !e.Has(f) {
		return nil, err
	}
	pl, err := e.Docs(f)
	if err != nil {
		return nil, &bundle.DataError{File: rt.File, Err: err}
	}
	if !withPositions {
		return &phraseSource{pl: pl}, nil
	}
	// The position chunk is read when a doc first needs its positions: a phrase whose
	// slots share no doc (in a segment, as a rule, for a rare word) fetches none.
	load := func() ([]byte, error) {
		pc, err := r.src.PosChunk(rt.Pos)
		if err != nil {
			return nil, err
		}
		streams, ok := pc.Streams[term]
		if !ok {
			return nil, &bundle.DataError{File: rt.Pos, Err: fmt.Errorf("no positions of %q: %w", term, format.ErrDamaged)}
		}
		return streams[f], nil
	}
	return &phraseSource{pl: pl, load: load}, nil
}

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

// DocOf is the doc number of an internal ID.
func DocOf(id []byte, docs int) (uint32, bool) {
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
	m         *Meta
	last      uint32 // the last doc number
	normField int    // -1: norm 1
	vectors   bool
	i         int // the next entry, counting down
}

func (p *postingsReader) fill(pre *index.TermFieldDoc) *index.TermFieldDoc {
	if p.i < 0 {
		return nil
	}
	tfd := pre
	if tfd == nil {
		tfd = &index.TermFieldDoc{}
	}
	vecs := tfd.Vectors[:0]
	*tfd = index.TermFieldDoc{ID: tfd.ID[:0]}
	doc := p.docs[p.i]
	tfd.Term = p.term
	tfd.ID = index.NewIndexInternalID(tfd.ID, uint64(p.last-doc))
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
				*vecs[k] = index.TermFieldVector{Field: p.field, Pos: uint64(pos)}
			} else {
				vecs = append(vecs, &index.TermFieldVector{Field: p.field, Pos: uint64(pos)})
			}
		}
		tfd.Vectors = vecs
	}
	p.i--
	return tfd
}

func (p *postingsReader) Next(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	return p.fill(pre), nil
}

// Advance moves to the first entry at or after the internal ID: the last doc at or
// before doc Docs-1-ID.
func (p *postingsReader) Advance(id index.IndexInternalID, pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
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

func (d *docIDReader) Next() (index.IndexInternalID, error) {
	if d.only != nil {
		if d.i >= uint64(len(d.only)) {
			return nil, nil
		}
		d.i++
		return index.NewIndexInternalID(nil, d.only[d.i-1]), nil
	}
	if d.i >= d.end {
		return nil, nil
	}
	d.i++
	return index.NewIndexInternalID(nil, d.i-1), nil
}

func (d *docIDReader) Advance(id index.IndexInternalID) (index.IndexInternalID, error) {
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
	entries []index.DictEntry
	i       int
}

func (d *fieldDict) Next() (*index.DictEntry, error) {
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
	m      *Meta
	fields []string
}

func (d *docValueReader) VisitDocValues(id index.IndexInternalID, visit index.DocValueVisitor) error {
	n, ok := DocOf(id, d.m.Docs)
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
