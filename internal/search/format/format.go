// Package format is the search data format.
//
// The search data is a set of bundle files reached from one JSON root file (Root), named
// in the bundle manifest's Extra["search"]. Every other file is binary, content-addressed
// and written into the bundle folder "s":
//
//   - term chunks ("D"): for a run of consecutive terms (sorted as bytes), per field
//     (title, body): document frequency, doc numbers (delta varints) and frequencies;
//   - position chunks ("X"): the token positions of the terms of one or more neighbouring
//     term chunks, for phrase matching, split from the doc lists because they are bigger
//     (1.4× at 100k posts) and needed only by phrases;
//   - term chunks with their positions ("C"), in small segments after the first, where a
//     query should fetch one file a word, not two (segments.go);
//   - route nodes ("N"): a small B-tree from the first key of each chunk to its file (the
//     top node is inside the root), and the leaves of the later route level (segments.go);
//   - the metadata file ("M"): per doc its profile (categories, tags, body length class)
//     and day, fetched once.
//
// Hits are shown from the bundle's own post shards (entry fields, and the body for
// snippets): a second route tree maps doc numbers to shards. Route tables (Root.TermTable,
// Root.ShardTable) hold each tree's whole leaf level in one node. Position chunks are written
// without .br/.gz copies: varint positions compress little (brotli 5: to 84 % in a
// 10k-post build).
//
// A rebuild appends: the term and position chunks form segments, new and edited posts
// going into a new one, deleted posts becoming tombstones; the root lists the segments and
// the layout of the docs in them (segments.go). Small segments after the first write each
// term chunk with its positions in one file ("C", EncodeTermPos), and one later route
// level routes to the chunks of all the segments after the first.
//
// Encoding and decoding of each file live together here, shared by the index writer
// (internal/search/index) and the search runtime (internal/search).
package format

import (
	"encoding/binary"
	"errors"
)

// Format and Version name the search data format; a reader refuses other versions.
// Version 2 added segments (Root.More, Root.Layout); version 3 the later route level
// (Root.Later) in place of each later segment's own term routes. The binary files did not
// change and keep fileVersion in their headers.
const (
	Format  = "folio-search"
	Version = 3

	fileVersion = 1
)

// Root is the search data's entry file.
type Root struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Analyzer names the bleve analyzer of the text fields (always "cjk").
	Analyzer string `json:"analyzer"`
	// Docs is the number of documents; doc n is the n-th post, oldest first.
	Docs int `json:"docs"`
	// Terms is the top route node over term chunks; Shards over the bundle's post shards
	// (keyed by the doc number of each shard's first post), which show the hits.
	Terms  []byte `json:"terms"`
	Shards []byte `json:"shards"`
	// Meta names the metadata file.
	Meta string `json:"meta"`
	// TermTable and ShardTable, when set, name route tables: the whole leaf level of the
	// tree in one leaf node (see index.MaxTableEntries). A viewer fetches them in the
	// background after its first search and then needs no route node at all; until then,
	// and for readers that do not know them, the trees are complete.
	TermTable  string `json:"termTable,omitempty"`
	ShardTable string `json:"shardTable,omitempty"`
	// Chunks and PosChunks count the term and position chunks.
	Chunks    int `json:"chunks"`
	PosChunks int `json:"posChunks"`
	// More lists the segments after the first (Terms, TermTable, Chunks and PosChunks are
	// the first's), and Layout (EncodeLayout) says where each doc is; both are empty when
	// the data is one segment of docs 0..Docs-1 (see segments.go). Later and LaterTable
	// are the later route level over the chunks of the segments of More (LaterKey).
	More       []Segment `json:"more,omitempty"`
	Layout     []byte    `json:"layout,omitempty"`
	Later      []byte    `json:"later,omitempty"`
	LaterTable string    `json:"laterTable,omitempty"`
}

// Fields of the text index, in the order of field masks.
const (
	FieldTitle = iota
	FieldBody
	NumFields
)

// ErrDamaged says a search file does not decode.
var ErrDamaged = errors.New("damaged search data")

// enc appends the varint-based encoding used by every binary file.
type enc struct{ b []byte }

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) byte(c byte)      { e.b = append(e.b, c) }
func (e *enc) bytes(p []byte)   { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }

// dec reads what enc wrote; the first error sticks and later reads return zeros.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = ErrDamaged
	}
	d.b = nil
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// int reads a uvarint that must be at most max.
func (d *dec) int(max int) int {
	v := d.uvarint()
	if max < 0 || v > uint64(max) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *dec) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *dec) bytes() []byte {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	n := int(v)
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *dec) str() string { return string(d.bytes()) }

// header writes and checks a file's magic letter and version.
func (e *enc) header(magic byte) { e.b = append(e.b, magic, fileVersion) }

func (d *dec) header(magic byte) {
	if d.byte() != magic || d.byte() != fileVersion {
		d.fail()
	}
}
