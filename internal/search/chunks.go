package search

import (
	"sort"
	"sync"

	"folio/internal/search/format"
)

// termChunk is a decoded term chunk: terms sorted; each doc list is decoded when first
// used (a chunk holds many terms, a query reads a few).
type termChunk struct {
	terms []termEntry
}

type termEntry struct {
	term string
	raw  [format.NumFields]*format.Posting
	once [format.NumFields]sync.Once
	list [format.NumFields]*format.Plist
	err  [format.NumFields]error
}

// has reports whether the term occurs in field f.
func (e *termEntry) has(f int) bool { return e.raw[f] != nil }

// docs returns the term's doc list in field f (nil when it has none), decoding it once.
func (e *termEntry) docs(f int) (*format.Plist, error) {
	if e.raw[f] == nil {
		return nil, nil
	}
	e.once[f].Do(func() { e.list[f], e.err[f] = format.DecodePlist(e.raw[f]) })
	return e.list[f], e.err[f]
}

func decodeChunkFile(data []byte) (any, int64, error) {
	tds, err := format.DecodeTermChunk(data)
	if err != nil {
		return nil, 0, err
	}
	c := &termChunk{terms: make([]termEntry, len(tds))}
	// Decoded lists take 8 bytes per doc: counted in up front, decoded or not.
	size := int64(len(data)) + 160*int64(len(tds))
	for i := range tds {
		c.terms[i].term = tds[i].Term
		c.terms[i].raw = tds[i].Fields
		for _, p := range tds[i].Fields {
			if p != nil {
				size += 8 * int64(p.DF)
			}
		}
	}
	return c, size, nil
}

// find returns the term's entry in the chunk, or nil.
func (c *termChunk) find(term string) *termEntry {
	i := sort.Search(len(c.terms), func(i int) bool { return c.terms[i].term >= term })
	if i < len(c.terms) && c.terms[i].term == term {
		return &c.terms[i]
	}
	return nil
}

// posChunk holds a position chunk: each term's position streams per field, decoded as a
// phrase reads them (see phraseSource).
type posChunk struct {
	streams map[string][format.NumFields][]byte
}

func decodePosFile(data []byte) (any, int64, error) {
	m, err := format.DecodePosChunk(data)
	if err != nil {
		return nil, 0, err
	}
	return &posChunk{streams: m}, int64(len(data)) + 96*int64(len(m)), nil
}
