package reader

import (
	"sort"
	"sync"

	"folio/internal/search/format"
)

// TermChunk is a decoded term chunk: terms sorted; each doc list is decoded when first
// used (a chunk holds many terms, a query reads a few).
type TermChunk struct {
	Terms []TermEntry
}

// TermEntry is one term of a chunk, with its doc list per field.
type TermEntry struct {
	Term string
	raw  [format.NumFields]*format.Posting
	once [format.NumFields]sync.Once
	list [format.NumFields]*format.Plist
	err  [format.NumFields]error
}

// Has reports whether the term occurs in field f.
func (e *TermEntry) Has(f int) bool { return e.raw[f] != nil }

// DF is the number of docs with the term in field f.
func (e *TermEntry) DF(f int) int {
	if e.raw[f] == nil {
		return 0
	}
	return e.raw[f].DF
}

// Docs returns the term's doc list in field f (nil when it has none), decoding it once.
func (e *TermEntry) Docs(f int) (*format.Plist, error) {
	if e.raw[f] == nil {
		return nil, nil
	}
	e.once[f].Do(func() { e.list[f], e.err[f] = format.DecodePlist(e.raw[f]) })
	return e.list[f], e.err[f]
}

// DecodeChunkFile decodes a term chunk, and returns it with its memory size.
func DecodeChunkFile(data []byte) (any, int64, error) {
	tds, err := format.DecodeTermChunk(data)
	if err != nil {
		return nil, 0, err
	}
	c := &TermChunk{Terms: make([]TermEntry, len(tds))}
	// Decoded lists take 8 bytes per doc: counted in up front, decoded or not.
	size := int64(len(data)) + 160*int64(len(tds))
	for i := range tds {
		c.Terms[i].Term = tds[i].Term
		c.Terms[i].raw = tds[i].Fields
		for _, p := range tds[i].Fields {
			if p != nil {
				size += 8 * int64(p.DF)
			}
		}
	}
	return c, size, nil
}

// Find returns the term's entry in the chunk, or nil.
func (c *TermChunk) Find(term string) *TermEntry {
	i := sort.Search(len(c.Terms), func(i int) bool { return c.Terms[i].Term >= term })
	if i < len(c.Terms) && c.Terms[i].Term == term {
		return &c.Terms[i]
	}
	return nil
}

// PosChunk holds a position chunk: each term's position streams per field, decoded as a
// phrase reads them (see phraseSource).
type PosChunk struct {
	Streams map[string][format.NumFields][]byte
}

// DecodePosFile decodes a position chunk, and returns it with its memory size.
func DecodePosFile(data []byte) (any, int64, error) {
	m, err := format.DecodePosChunk(data)
	if err != nil {
		return nil, 0, err
	}
	return &PosChunk{Streams: m}, int64(len(data)) + 96*int64(len(m)), nil
}

// TermPos is a decoded file of a term chunk with its positions (format.EncodeTermPos).
type TermPos struct {
	Chunk *TermChunk
	Pos   *PosChunk
}

// DecodeTermChunkFile decodes a term chunk, or a term chunk with its positions (a
// *TermPos), and returns it with its memory size.
func DecodeTermChunkFile(data []byte) (any, int64, error) {
	if !format.IsTermPos(data) {
		return DecodeChunkFile(data)
	}
	return decodeTermPos(data)
}

// DecodePosChunkFile is DecodeTermChunkFile for a position chunk.
func DecodePosChunkFile(data []byte) (any, int64, error) {
	if !format.IsTermPos(data) {
		return DecodePosFile(data)
	}
	return decodeTermPos(data)
}

func decodeTermPos(data []byte) (any, int64, error) {
	td, pd, err := format.SplitTermPos(data)
	if err != nil {
		return nil, 0, err
	}
	c, cs, err := DecodeChunkFile(td)
	if err != nil {
		return nil, 0, err
	}
	p, ps, err := DecodePosFile(pd)
	if err != nil {
		return nil, 0, err
	}
	return &TermPos{Chunk: c.(*TermChunk), Pos: p.(*PosChunk)}, cs + ps, nil
}
