// Package index is the search index writer of the build (native only: the viewer never
// links it). Write sorts every term (of both fields) and cuts the list into term chunks of
// about ChunkBytes (doc numbers as delta varints, frequencies) and position chunks of
// about PosChunkBytes (token positions, for phrases), reached from the root through a
// route tree; a metadata file holds what facets, date filters and norms need for every
// doc; a second route tree maps doc numbers to the bundle's post shards, which show the
// hits. Each tree's top node sits in the root, and its whole leaf level is also written as
// one route table, which a Searcher fetches in the background after its first search. The
// files are those of package format. A frequent term gets chunks of its own; a rare term
// costs a cold query one ~4 kB (brotli) term chunk and, for a phrase, one ~8 kB position
// chunk. Postings past SpillBytes are spilled to sorted runs on disk (spill.go).
package index

import (
	"folio/internal/bundle"
	"folio/internal/post"
)

// Sizes that shape the search files. Like the bundle's, they are part of the format only
// through the files (a reader takes what it finds), so they may change between builds.
var (
	// ChunkBytes is the raw size a term chunk closes at. A cold query fetches one chunk per
	// rare term (about half this size compressed), so smaller is cheaper per query but
	// makes more files.
	ChunkBytes = 8 << 10
	// PosChunkBytes is the raw size a position chunk closes at; position chunks group
	// whole term chunks.
	PosChunkBytes = 8 << 10
	// Fanout is the most entries a route node holds, except the top node: it sits in the
	// root and holds up to TopFanout, so that up to Fanout×TopFanout chunks (about 700k
	// posts) are one route node away from the root.
	Fanout    = 64
	TopFanout = 1024
	// MaxTableEntries is the most entries of a route table (see Root.TermTable): 32k term
	// chunks or shards, about 260k posts.
	MaxTableEntries = 32768
	// A trigram (three Han characters in a row) becomes a term of its own when it is in
	// at least one post in TrigramShare and in TrigramMinDocs posts, as estimated from a
	// sample of up to trigramSample posts; a gram of four or five characters (up to
	// analysis.MaxGram) when it is in one post in LongGramShare and in TrigramMinDocs.
	// Below that, its word is a phrase and cheap: a phrase costs about the docs of its
	// rarest bigram, and a long gram's are many only where the gram itself is common
	// (新能源汽车, 营业收入 in a news archive). At 100k generated posts the grams held
	// were 5,903 trigrams (about 236 per post) and 1,000 longer grams (about 131 per post).
	TrigramShare   = 100
	LongGramShare  = 20
	TrigramMinDocs = 500
)

const trigramSample = 4096

// Sizes are the chunk sizes of one build (see ChunkBytes and PosChunkBytes).
type Sizes struct {
	ChunkBytes    int
	PosChunkBytes int
}

// DefaultSizes are ChunkBytes and PosChunkBytes: small chunks, so that a cold query
// fetches little.
func DefaultSizes() Sizes { return Sizes{ChunkBytes: ChunkBytes, PosChunkBytes: PosChunkBytes} }

// FewerFiles are the sizes for hosts that limit the number of files: term chunks of twice
// and position chunks of four times the default. At 10k generated posts 2,176 term and
// 1,435 position chunks become 1,000 and 413; a cold query fetches more (the peers' 20
// queries: p50 68 → 213 kB, a third of it the root, which then holds every route), and a
// phrase some 24 kB more per rare word pair.
var FewerFiles = Sizes{ChunkBytes: 16 << 10, PosChunkBytes: 32 << 10}

// WriteStats describes the search data written.
type WriteStats struct {
	Docs      int `json:"docs"`
	Terms     int `json:"terms"`
	Chunks    int `json:"chunks"`
	PosChunks int `json:"posChunks"`
	Nodes     int `json:"nodes"`
	// Bytes counts the raw bytes written per kind of file.
	TermBytes int64   `json:"termBytes"`
	PosBytes  int64   `json:"posBytes"`
	MetaBytes int64   `json:"metaBytes"`
	NodeBytes int64   `json:"nodeBytes"`
	Seconds   float64 `json:"seconds"`
	// Cut lists the posts (by file) whose text is longer than MaxIndexedRunes: only their
	// beginning is searchable.
	Cut []string `json:"cut,omitempty"`
	// Segments counts the segments of the search data (see Update). Rebuilt says the index
	// was written afresh, as one segment; otherwise Fresh posts (new or edited) went into
	// a new segment, which took in Merged smaller segments, Tombstones docs were deleted,
	// and Kept files of former segments were kept. Counts of the segments written (terms,
	// chunks, bytes) leave the kept ones out.
	Segments   int  `json:"segments"`
	Rebuilt    bool `json:"rebuilt,omitempty"`
	Fresh      int  `json:"fresh,omitempty"`
	Merged     int  `json:"merged,omitempty"`
	Tombstones int  `json:"tombstones,omitempty"`
	Kept       int  `json:"kept,omitempty"`
}

// MaxIndexedRunes is how much of a post's text is indexed for search. Real posts are far
// shorter (news: ~1k characters; long essays: ~50k); the limit bounds the cost of a
// hostile or broken post (8 posts of 1.6M random Han characters made 12.8M distinct terms,
// 5.6 GB and almost 4 minutes to build).
const MaxIndexedRunes = 200_000

// indexedText returns the part of a post's plain text that is indexed, and whether it
// was cut.
func indexedText(p *post.Post) (string, bool) {
	text := post.PlainText(p.Body, p.Format)
	if len(text) <= MaxIndexedRunes {
		return text, false // fewer bytes than the limit means fewer runes too
	}
	n := 0
	for i := range text {
		if n == MaxIndexedRunes {
			return text[:i], true
		}
		n++
	}
	return text, false
}

// Write indexes posts and writes the search data into w. It returns the name of the root
// file, for the manifest's Extra["search"]. Doc n is post n of bundle.Sorted(posts).
// layout says where the bundle put each post (hits are shown from the bundle's shards); it
// is called once the term files are written, so Write may run while bundle.Build does.
func Write(w *bundle.Writer, posts []*post.Post, layout func() bundle.Layout) (string, WriteStats, error) {
	return WriteWith(w, posts, layout, nil, DefaultSizes())
}

// WriteSized is Write with chunks of the given sizes (a size of 0 or less is the
// default's).
func WriteSized(w *bundle.Writer, posts []*post.Post, layout func() bundle.Layout, sizes Sizes) (string, WriteStats, error) {
	return WriteWith(w, posts, layout, nil, sizes)
}

// WriteWith is WriteSized with the titles and texts analyzed by analyze (nil:
// analysis.Analyze).
func WriteWith(w *bundle.Writer, posts []*post.Post, layout func() bundle.Layout, analyze Analyzer, sizes Sizes) (string, WriteStats, error) {
	root, st, _, err := Update(w, posts, layout, analyze, sizes, nil)
	return root, st, err
}
