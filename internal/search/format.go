package search

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"sort"
)

// The search data is a set of bundle files reached from one JSON root file (Root), named
// in the bundle manifest's Extra["search"]. Every other file is binary, content-addressed
// and written into the bundle folder "s":
//
//   - term chunks ("D"): for a run of consecutive terms (sorted as bytes), per field
//     (title, body): document frequency, doc numbers (delta varints) and frequencies;
//   - position chunks ("X"): the token positions of the terms of one or more neighbouring
//     term chunks, for phrase matching, split from the doc lists because they are bigger
//     (1.4× at 100k posts) and needed only by phrases;
//   - route nodes ("N"): a small B-tree from the first key of each chunk to its file (the
//     top node is inside the root);
//   - the metadata file ("M"): per doc its profile (categories, tags, body length class)
//     and day, fetched once.
//
// Hits are shown from the bundle's own post shards (entry fields, and the body for
// snippets): a second route tree maps doc numbers to shards. Route tables (Root.TermTable,
// Root.ShardTable) hold each tree's whole leaf level in one node. Position chunks are written
// without .br/.gz copies: varint positions compress by only ~10%.
//
// Encoding and decoding of each file live together below.

// Format and Version name the search data format; a reader refuses other versions.
const (
	Format  = "folio-search"
	Version = 1
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
	// tree in one leaf node (see MaxTableEntries). A viewer fetches them in the background
	// after its first search and then needs no route node at all; until then, and for
	// readers that do not know them, the trees are complete.
	TermTable  string `json:"termTable,omitempty"`
	ShardTable string `json:"shardTable,omitempty"`
	// Chunks and PosChunks count the term and position chunks.
	Chunks    int `json:"chunks"`
	PosChunks int `json:"posChunks"`
}

// Fields of the text index, in the order of field masks.
const (
	fieldTitle = iota
	fieldBody
	numFields
)

// FieldNames are the names bleve sees for the text fields.
var FieldNames = [numFields]string{"title", "body"}

// Virtual fields served from the metadata file.
const (
	FieldCategory = "category"
	FieldTag      = "tag"
	FieldYear     = "year"
	// fieldDays takes a term "FROM..TO" (day numbers since 1970-01-01, inclusive) and
	// matches the docs dated in that range: date filters are bleve term queries on it.
	fieldDays = "_days"
)

// errDamaged says a search file does not decode.
var errDamaged = errors.New("damaged search data")

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
		d.err = errDamaged
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
func (e *enc) header(magic byte) { e.b = append(e.b, magic, Version) }

func (d *dec) header(magic byte) {
	if d.byte() != magic || d.byte() != Version {
		d.fail()
	}
}

// --- route nodes ---

// route is one entry of a route node: the first key of a file's range. In an inner node
// File is a child node; in a term leaf, File is a term chunk and Pos the position chunk
// holding the same terms (shared by neighbouring entries); in a shard leaf (keyed by the
// doc number of the shard's first post, 4 bytes big-endian), File is a bundle post shard.
// Sizes are raw byte counts.
type route struct {
	Key     []byte
	File    string
	Size    int
	Pos     string
	PosSize int
}

// routeNode is a route node: entries sorted by key; Leaf nodes name data files.
type routeNode struct {
	Leaf    bool
	Entries []route
}

func encodeNode(n *routeNode) []byte {
	var e enc
	e.header('N')
	if n.Leaf {
		e.byte(1)
	} else {
		e.byte(0)
	}
	e.uvarint(uint64(len(n.Entries)))
	var prev []byte
	for _, r := range n.Entries {
		shared := commonPrefix(prev, r.Key)
		e.uvarint(uint64(shared))
		e.bytes(r.Key[shared:])
		e.str(r.File)
		e.uvarint(uint64(r.Size))
		e.str(r.Pos)
		e.uvarint(uint64(r.PosSize))
		prev = r.Key
	}
	return e.b
}

func decodeNode(data []byte) (*routeNode, error) {
	d := dec{b: data}
	d.header('N')
	n := &routeNode{Leaf: d.byte() == 1}
	count := d.int(len(data))
	n.Entries = make([]route, 0, count)
	// A route table holds thousands of entries: the names are cut from one copy of the
	// file and the keys from a few shared blocks, rather than allocated one by one (which,
	// with the collections it causes, made a 100k-post table take up to 150 ms to decode
	// in WebAssembly).
	text := string(data)
	name := func() string {
		b := d.bytes()
		end := len(data) - len(d.b)
		return text[end-len(b) : end]
	}
	var keys, prev []byte
	for i := 0; i < count && d.err == nil; i++ {
		shared := d.int(len(prev))
		suffix := d.bytes()
		if size := shared + len(suffix); cap(keys)-len(keys) < size {
			keys = make([]byte, 0, max(4096, size))
		}
		start := len(keys)
		keys = append(append(keys, prev[:shared]...), suffix...)
		key := keys[start:len(keys):len(keys)]
		r := route{Key: key, File: name(), Size: d.int(1 << 40), Pos: name(), PosSize: d.int(1 << 40)}
		if i > 0 && bytes.Compare(key, prev) <= 0 {
			d.fail()
		}
		n.Entries = append(n.Entries, r)
		prev = key
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errDamaged
	}
	return n, nil
}

// find returns the index of the entry whose range holds key: the last with Key <= key, or
// -1 when key is before the first.
func (n *routeNode) find(key []byte) int {
	return sort.Search(len(n.Entries), func(i int) bool { return bytes.Compare(n.Entries[i].Key, key) > 0 }) - 1
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// --- term chunks ---

// posting is one field's doc list of a term as stored: raw streams, decoded on use.
type posting struct {
	df    int
	docs  []byte // first doc, then gaps minus one (uvarints)
	freqs []byte // freq minus one per doc (uvarints)
	pos   []byte // positions per doc: first, then gaps (uvarints); from the X chunk
}

// termData is one term with its postings per field (nil when the field lacks the term).
type termData struct {
	term   string
	fields [numFields]*posting
}

func fieldMask(t *termData) byte {
	var m byte
	for f := range numFields {
		if t.fields[f] != nil {
			m |= 1 << f
		}
	}
	return m
}

// encodeTermChunk writes terms (sorted) with their doc lists. The dictionary comes first so
// a reader can list terms without touching the lists.
func encodeTermChunk(terms []*termData) []byte {
	var e enc
	e.header('D')
	e.uvarint(uint64(len(terms)))
	prev := ""
	for _, t := range terms {
		shared := commonPrefix([]byte(prev), []byte(t.term))
		e.uvarint(uint64(shared))
		e.str(t.term[shared:])
		e.byte(fieldMask(t))
		for _, p := range t.fields {
			if p != nil {
				e.uvarint(uint64(p.df))
				e.uvarint(uint64(len(p.docs)))
				e.uvarint(uint64(len(p.freqs)))
			}
		}
		prev = t.term
	}
	for _, t := range terms {
		for _, p := range t.fields {
			if p != nil {
				e.b = append(e.b, p.docs...)
				e.b = append(e.b, p.freqs...)
			}
		}
	}
	return e.b
}

// encodePosChunk writes the positions of terms (the same terms as one or more neighbouring
// term chunks, in order).
func encodePosChunk(terms []*termData) []byte {
	var e enc
	e.header('X')
	e.uvarint(uint64(len(terms)))
	prev := ""
	for _, t := range terms {
		shared := commonPrefix([]byte(prev), []byte(t.term))
		e.uvarint(uint64(shared))
		e.str(t.term[shared:])
		e.byte(fieldMask(t))
		for _, p := range t.fields {
			if p != nil {
				e.uvarint(uint64(len(p.pos)))
			}
		}
		prev = t.term
	}
	for _, t := range terms {
		for _, p := range t.fields {
			if p != nil {
				e.b = append(e.b, p.pos...)
			}
		}
	}
	return e.b
}

// decodeTermChunk reads a term chunk; the postings alias data.
func decodeTermChunk(data []byte) ([]termData, error) {
	d := dec{b: data}
	d.header('D')
	n := d.int(len(data))
	terms := make([]termData, n)
	type lens struct{ docs, freqs int }
	ls := make([][numFields]lens, n)
	prev := ""
	for i := 0; i < n && d.err == nil; i++ {
		shared := d.int(len(prev))
		t := &terms[i]
		t.term = prev[:shared] + d.str()
		if i > 0 && t.term <= prev {
			d.fail()
		}
		mask := d.byte()
		for f := range numFields {
			if mask&(1<<f) != 0 {
				t.fields[f] = &posting{df: d.int(1 << 31)}
				ls[i][f] = lens{d.int(len(data)), d.int(len(data))}
			}
		}
		prev = t.term
	}
	for i := 0; i < n && d.err == nil; i++ {
		for f, p := range terms[i].fields {
			if p != nil {
				l := ls[i][f]
				if l.docs+l.freqs > len(d.b) {
					d.fail()
					break
				}
				p.docs, p.freqs = d.b[:l.docs:l.docs], d.b[l.docs:l.docs+l.freqs:l.docs+l.freqs]
				d.b = d.b[l.docs+l.freqs:]
			}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errDamaged
	}
	return terms, nil
}

// decodePosChunk reads a position chunk into term → field → positions stream.
func decodePosChunk(data []byte) (map[string][numFields][]byte, error) {
	d := dec{b: data}
	d.header('X')
	n := d.int(len(data))
	type item struct {
		term string
		lens [numFields]int
		mask byte
	}
	items := make([]item, n)
	prev := ""
	for i := 0; i < n && d.err == nil; i++ {
		shared := d.int(len(prev))
		it := &items[i]
		it.term = prev[:shared] + d.str()
		it.mask = d.byte()
		for f := range numFields {
			if it.mask&(1<<f) != 0 {
				it.lens[f] = d.int(len(data))
			}
		}
		prev = it.term
	}
	out := make(map[string][numFields][]byte, n)
	for _, it := range items {
		if d.err != nil {
			break
		}
		var ps [numFields][]byte
		for f := range numFields {
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
		out[it.term] = ps
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errDamaged
	}
	return out, nil
}

// --- metadata ---

// meta is what the searcher knows about every doc without fetching more: facets, date
// filters and length norms. Docs share profiles (their categories, tags and body length
// class): one small column of profile numbers compresses far better than separate
// columns (at 100k generated posts, 81 kB brotli against 168 kB).
type meta struct {
	Docs       int
	Categories []string // names, sorted
	Tags       []string
	Profiles   []profile
	// DocProfile[n] is doc n's profile.
	DocProfile []uint32
	// Days[n] is doc n's date as days since 1970-01-01, in the post's own zone.
	Days []int32
	// TitleClass is the length class of the average title (title norms are taken as
	// equal: titles vary little in length).
	TitleClass byte
	// Trigrams lists the trigram terms the index holds (see TrigramMark), sorted.
	Trigrams []string

	ix metaIndex
}

// profile is what docs may share: categories and tags (indexes into the name lists) and
// the body's length class (round(log2(tokens)); the norm is 1/sqrt(2^class)).
type profile struct {
	Cats, Tags []uint32
	BodyClass  byte
}

func encodeMeta(m *meta) []byte {
	var e enc
	e.header('M')
	e.uvarint(uint64(m.Docs))
	e.byte(m.TitleClass)
	for _, names := range [][]string{m.Categories, m.Tags} {
		e.uvarint(uint64(len(names)))
		for _, s := range names {
			e.str(s)
		}
	}
	e.uvarint(uint64(len(m.Profiles)))
	for _, p := range m.Profiles {
		for _, l := range [][]uint32{p.Cats, p.Tags} {
			e.uvarint(uint64(len(l)))
			for _, v := range l {
				e.uvarint(uint64(v))
			}
		}
		e.byte(p.BodyClass)
	}
	for _, p := range m.DocProfile {
		e.uvarint(uint64(p))
	}
	// Days as runs: docs are sorted by date, so most runs are long.
	var runs [][2]int64
	for i, day := range m.Days {
		if i > 0 && runs[len(runs)-1][0] == int64(day) {
			runs[len(runs)-1][1]++
			continue
		}
		runs = append(runs, [2]int64{int64(day), 1})
	}
	e.uvarint(uint64(len(runs)))
	prev := int64(0)
	for _, r := range runs {
		e.b = binary.AppendVarint(e.b, r[0]-prev)
		e.uvarint(uint64(r[1]))
		prev = r[0]
	}
	if len(m.Trigrams) > 0 { // optional: data written before trigrams ends here
		e.uvarint(uint64(len(m.Trigrams)))
		for _, t := range m.Trigrams {
			e.str(t)
		}
	}
	return e.b
}

func decodeMeta(data []byte) (*meta, error) {
	d := dec{b: data}
	d.header('M')
	m := &meta{Docs: d.int(len(data))}
	m.TitleClass = d.byte()
	names := [2][]string{}
	for k := range names {
		n := d.int(len(data))
		for i := 0; i < n && d.err == nil; i++ {
			names[k] = append(names[k], d.str())
		}
	}
	m.Categories, m.Tags = names[0], names[1]
	np := d.int(len(data))
	m.Profiles = make([]profile, np)
	for i := 0; i < np && d.err == nil; i++ {
		p := &m.Profiles[i]
		for k, l := range []*[]uint32{&p.Cats, &p.Tags} {
			c := d.int(len(names[k]))
			*l = make([]uint32, c)
			for j := range *l {
				(*l)[j] = uint32(d.int(len(names[k]) - 1))
			}
		}
		p.BodyClass = d.byte()
	}
	m.DocProfile = make([]uint32, m.Docs)
	for i := range m.DocProfile {
		m.DocProfile[i] = uint32(d.int(np - 1))
	}
	nruns := d.int(m.Docs)
	m.Days = make([]int32, 0, m.Docs)
	prev := int64(0)
	for i := 0; i < nruns && d.err == nil; i++ {
		v, n := binary.Varint(d.b)
		if n <= 0 {
			d.fail()
			break
		}
		d.b = d.b[n:]
		prev += v
		count := d.int(m.Docs - len(m.Days))
		for range count {
			m.Days = append(m.Days, int32(prev))
		}
	}
	if len(d.b) > 0 && d.err == nil {
		n := d.int(len(data))
		for i := 0; i < n && d.err == nil; i++ {
			m.Trigrams = append(m.Trigrams, d.str())
			if i > 0 && m.Trigrams[i] <= m.Trigrams[i-1] {
				d.fail()
			}
		}
	}
	if d.err != nil || len(m.Days) != m.Docs || len(d.b) != 0 {
		return nil, errDamaged
	}
	return m, nil
}

// hasTrigram reports whether the index holds the trigram term t.
func (m *meta) hasTrigram(t string) bool {
	_, ok := slices.BinarySearch(m.Trigrams, t)
	return ok
}
