package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/analysis"
	"folio/internal/search/format"
)

// A build into an existing output appends to its search data (see format's segments.go):
// the segments of the former build keep their files, the posts that are new or edited go
// into a new segment, and the posts deleted or edited become tombstones. The metadata,
// the shard routes, the layout and the root are written afresh (a few files). State is
// what a build keeps for the next.
//
// Merge policy: the segments after the first fall into tiers by their live docs (log base
// MergeFactor: with 4, 1–3, 4–15, 16–63, …); when a tier holds MergeFactor segments, the
// new segment takes in all of them (and the merged segment may cascade into the next
// tier). The whole index is
// written afresh, as one segment, when the later segments hold more than a RebuildShare
// of the first's live docs, when tombstones are more than a RebuildShare of the docs, and
// whenever there is no usable state (-full, another folio binary or _config.yml, other
// chunk sizes, a damaged or missing file). The trigram terms are picked when the first
// segment is written and kept by the later ones.
var (
	MergeFactor  = 4
	RebuildShare = 0.25
	// SmallSegment is the most docs of a segment written with chunks of half the sizes
	// (see Sizes), and a quarter of it the most with chunks of a quarter: an extra segment
	// costs each word of a query one more term chunk (with its positions, see
	// format.EncodeTermPos), so a small one should cost little. At 10k generated posts, a
	// day's segment (60 posts) added to the search data the 28 benchmark queries fetch
	// cold 43 % with full-size chunks (51 files), 22 % with half (90 files), 12 % with a
	// quarter (172 files; measured with positions in files of their own).
	SmallSegment = 1000
	// LaterFanout is about how many chunk entries a leaf of the later route level holds
	// (see format.LaterKey): the term routes of every segment after the first together,
	// written afresh by every build that has such segments (never in the root: the root
	// is fetched by every page's first search). A query fetches the leaves of its words,
	// one a word however many segments there are, and the level's table (every entry in
	// one file) comes in the background after the first search, as the first segment's
	// does.
	LaterFanout = 64
)

// StateVersion is the version of State's encoding. Version 2: a later segment keeps its
// chunks' route entries (SegState.Routes) rather than route files of its own.
const StateVersion = 2

// State is what a build keeps of its search data for the next build into the same output.
type State struct {
	Version  int         `json:"version"`
	Sizes    Sizes       `json:"sizes"`
	Grams    []string    `json:"trigrams"` // the gram terms the first segment picked (JSON name from when they were trigrams)
	Segments []*SegState `json:"segments"`
}

// SegState is a segment: its routes, its files and its docs. The first segment's term
// routes are a tree (Terms, its top node, in the root; its nodes and TermTable are files
// of the segment); a later segment's are the route entries of its chunks (Routes, a leaf
// node's encoding), which every build puts into the later route level.
type SegState struct {
	Root      format.Segment `json:"root"`
	Terms     []byte         `json:"terms,omitempty"`
	TermTable string         `json:"termTable,omitempty"`
	Routes    []byte         `json:"routes,omitempty"`
	Files     []SegFile      `json:"files"`
	Docs      []DocState     `json:"docs"`
}

// SegFile is a file of a segment; Plain when written without compressed copies.
type SegFile struct {
	Name  string `json:"name"`
	Plain bool   `json:"plain,omitempty"`
}

// DocState is a doc of a segment: the post's file and a hash of what the segment holds of
// it (so an edit is seen by content), its token counts, and whether it is deleted.
type DocState struct {
	File    string `json:"file"`
	Hash    string `json:"hash"`
	Title   int32  `json:"title"`
	Body    int32  `json:"body"`
	Cut     bool   `json:"cut,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
}

// Docs returns the hash of every live doc of the state, by post file.
func (s *State) Docs() map[string]string {
	out := map[string]string{}
	for _, sg := range s.Segments {
		for _, d := range sg.Docs {
			if !d.Deleted {
				out[d.File] = d.Hash
			}
		}
	}
	return out
}

func (s *SegState) live() int {
	n := 0
	for i := range s.Docs {
		if !s.Docs[i].Deleted {
			n++
		}
	}
	return n
}

// DocHash hashes what decides a post's place and postings: its file, date, title and
// text (DocState.Hash).
func DocHash(p *post.Post) string {
	h := sha256.New()
	for _, s := range []string{p.File, p.Date.Format(time.RFC3339Nano), p.Title, string(p.Format), p.Body} {
		_, _ = fmt.Fprintf(h, "%d:%s", len(s), s) // a hash takes every write
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Update writes the search data of posts into w as Write does, appending to the former
// build's data described by prev (nil: write it afresh). It returns the root's name, the
// statistics and the state to keep for the next build.
func Update(w *bundle.Writer, posts []*post.Post, layout func() bundle.Layout, analyze Analyzer, sizes Sizes, prev *State) (string, WriteStats, *State, error) {
	if sizes.ChunkBytes <= 0 {
		sizes.ChunkBytes = ChunkBytes
	}
	if sizes.PosChunkBytes <= 0 {
		sizes.PosChunkBytes = PosChunkBytes
	}
	if analyze == nil {
		analyze = Analyze
	}
	start := time.Now()
	sorted := bundle.Sorted(posts)
	hashes := make([]string, len(sorted))
	parallel(len(sorted), func(i int) { hashes[i] = DocHash(sorted[i]) })

	u := &update{w: w, sorted: sorted, hashes: hashes, analyze: analyze, sizes: sizes}
	u.stats.Docs = len(sorted)
	if prev == nil || !u.plan(prev) {
		u.afresh()
	}
	if err := u.write(); err != nil {
		return "", u.stats, nil, err
	}
	root, err := u.finish(layout)
	u.stats.Seconds = time.Since(start).Seconds()
	if err != nil {
		return "", u.stats, nil, err
	}
	return root, u.stats, u.next, nil
}

// update is one build's work on the segments.
type update struct {
	w       *bundle.Writer
	sorted  []*post.Post
	hashes  []string
	analyze Analyzer
	sizes   Sizes
	stats   WriteStats

	tri  []string    // the trigram terms (nil: pick them while writing the first segment)
	segs []*SegState // the segments of this build, in order; a nil Root.Terms: to write
	// at[i] is where sorted[i] is: its segment and local number.
	at []docAt
	// fresh is the segment to write (nil: none), with its posts.
	fresh      *SegState
	freshPosts []*post.Post
	freshIdx   []int    // the sorted indexes of freshPosts
	kept       [][]byte // the kept segments' files, read back, in the order of keptFiles
	keptFiles  []SegFile
	next       *State
}

type docAt struct{ seg, local int }

// afresh plans one segment of every post.
func (u *update) afresh() {
	u.tri, u.kept, u.keptFiles = nil, nil, nil
	u.fresh, u.freshPosts, u.freshIdx = &SegState{}, u.sorted, make([]int, len(u.sorted))
	u.segs = []*SegState{u.fresh}
	u.at = make([]docAt, len(u.sorted))
	for i := range u.at {
		u.at[i] = docAt{0, i}
		u.freshIdx[i] = i
	}
	u.stats.Rebuilt, u.stats.Fresh, u.stats.Merged, u.stats.Tombstones = true, 0, 0, 0
}

// plan plans an update of prev: the docs it holds unchanged stay, the rest go into a new
// segment, with the merges of the merge policy. It reports false when the index must be
// written afresh instead.
func (u *update) plan(prev *State) bool {
	if prev.Version != StateVersion || prev.Sizes != u.sizes || len(prev.Segments) == 0 {
		return false
	}
	// Copy the segments: prev is not changed.
	segs := make([]*SegState, len(prev.Segments))
	type ref struct {
		seg, local int
		hash       string
	}
	where := map[string]ref{}
	for s, sg := range prev.Segments {
		c := *sg
		c.Docs = slices.Clone(sg.Docs)
		segs[s] = &c
		for l, d := range c.Docs {
			if !d.Deleted {
				if _, dup := where[d.File]; dup {
					return false
				}
				where[d.File] = ref{s, l, d.Hash}
			}
		}
	}
	u.at = make([]docAt, len(u.sorted))
	var fresh []int // sorted indexes of new and edited posts
	seen := make([]map[int]bool, len(segs))
	for s := range seen {
		seen[s] = map[int]bool{}
	}
	for i, p := range u.sorted {
		r, ok := where[p.File]
		if ok && r.hash == u.hashes[i] {
			u.at[i] = docAt{r.seg, r.local}
			seen[r.seg][r.local] = true
			continue
		}
		u.at[i] = docAt{-1, len(fresh)}
		fresh = append(fresh, i)
	}
	for s, sg := range segs {
		for l := range sg.Docs {
			if !sg.Docs[l].Deleted && !seen[s][l] {
				sg.Docs[l].Deleted = true // deleted or edited: a tombstone
				u.stats.Tombstones++
			}
		}
	}
	// Each segment's docs must keep their order (they do: the order is by date and file,
	// which the hash covers); a state that says otherwise is not used.
	last := make([]int, len(segs))
	for s := range last {
		last[s] = -1
	}
	for _, a := range u.at {
		if a.seg >= 0 {
			if a.local <= last[a.seg] {
				return false
			}
			last[a.seg] = a.local
		}
	}
	// The merge policy.
	deleted, total := 0, 0
	for _, sg := range segs {
		total += len(sg.Docs)
		deleted += len(sg.Docs) - sg.live()
	}
	later := 0
	for _, sg := range segs[1:] {
		later += sg.live()
	}
	later += len(fresh)
	if float64(later) > RebuildShare*float64(segs[0].live()) || float64(deleted) > RebuildShare*float64(total+len(fresh)) {
		return false
	}
	merge := map[int]bool{} // segments the new one takes in
	size := len(fresh)
	for {
		t := tier(size)
		var same []int
		for s := 1; s < len(segs); s++ {
			if !merge[s] && segs[s].live() > 0 && tier(segs[s].live()) == t {
				same = append(same, s)
			}
		}
		if size == 0 || len(same)+1 < MergeFactor {
			break
		}
		for _, s := range same {
			merge[s] = true
			size += segs[s].live()
		}
		u.stats.Merged += len(same)
	}
	// The new segment: the fresh posts and the live docs of the merged segments.
	var take []int // sorted indexes
	for i, a := range u.at {
		if a.seg < 0 || merge[a.seg] {
			take = append(take, i)
		}
	}
	var out []*SegState
	renum := make([]int, len(segs))
	for s, sg := range segs {
		renum[s] = -1
		if merge[s] || sg.live() == 0 && s > 0 {
			continue
		}
		renum[s] = len(out)
		out = append(out, sg)
		u.keptFiles = append(u.keptFiles, sg.Files...)
	}
	if len(take) > 0 {
		u.fresh = &SegState{}
		out = append(out, u.fresh)
	}
	if len(out)-1 > format.MaxLater {
		return false
	}
	for _, sg := range out[1:] {
		if sg == u.fresh {
			continue
		}
		if rn, err := format.DecodeNode(sg.Routes); err != nil || !rn.Leaf {
			return false // a state without a later segment's routes
		}
	}
	local := map[int]int{} // sorted index → local number in the new segment
	for k, i := range take {
		local[i] = k
		u.freshPosts = append(u.freshPosts, u.sorted[i])
	}
	u.freshIdx = take
	for i := range u.at {
		if k, ok := local[i]; ok {
			u.at[i] = docAt{len(out) - 1, k}
		} else {
			u.at[i].seg = renum[u.at[i].seg]
		}
	}
	// Read the kept files back (checked against their names) before writing anything:
	// a file missing or damaged makes the build write the index afresh.
	u.kept = make([][]byte, len(u.keptFiles))
	var failed atomic.Bool
	parallel(len(u.keptFiles), func(k int) {
		data, err := u.w.ReadBack(u.keptFiles[k].Name)
		if err != nil {
			failed.Store(true)
			return
		}
		u.kept[k] = data
	})
	if failed.Load() {
		u.kept, u.keptFiles, u.freshPosts = nil, nil, nil
		u.stats.Merged, u.stats.Tombstones = 0, 0
		return false
	}
	u.segs, u.tri = out, prev.Grams
	u.stats.Fresh = len(fresh)
	return true
}

// tier is a segment's tier: log base MergeFactor of its live docs.
func tier(n int) int {
	t := 0
	for ; n >= MergeFactor; n /= MergeFactor {
		t++
	}
	return t
}

// write puts the kept segments' files again and writes the new segment.
func (u *update) write() error {
	for k, f := range u.keptFiles {
		if f.Plain {
			u.w.PutPlain("s", "bin", u.kept[k])
		} else {
			u.w.PutFile("s", "bin", u.kept[k])
		}
		u.kept[k] = nil
	}
	u.stats.Kept = len(u.keptFiles)
	if u.fresh == nil {
		return nil
	}
	sizes := u.sizes
	if n := len(u.freshPosts); !u.stats.Rebuilt && n < SmallSegment {
		// Every query reads a chunk of every segment for each of its words, and the
		// positions of a phrase's: a small segment's are small.
		div := 2
		if n < SmallSegment/4 {
			div = 4
		}
		sizes = Sizes{ChunkBytes: max(1<<10, sizes.ChunkBytes/div), PosChunkBytes: max(1<<10, sizes.PosChunkBytes/div)}
	}
	x := &indexer{w: u.w, sizes: sizes, terms: map[string]uint32{}, analyze: u.analyze}
	if !u.stats.Rebuilt {
		// A small segment's term chunks hold their positions (one file a word, no second
		// round); a bigger one's positions are big enough to be worth a file of their
		// own, fetched only for the phrases that may match there.
		x.later, x.termPos = true, len(u.freshPosts) < SmallSegment
		// The trigram terms of the first segment, even none: every segment must hold the
		// same ones.
		x.tri = map[string]int{}
		for _, t := range u.tri {
			x.tri[t] = 0
		}
	}
	lens, err := x.collect(u.freshPosts)
	if err != nil {
		if x.spill != nil {
			x.spill.remove()
		}
		return err
	}
	if u.stats.Rebuilt {
		u.tri = sortedKeys(x.tri)
	}
	terms := x.memoryTerms()
	var mergeErr error
	if x.spill != nil {
		terms = x.mergedTerms(&mergeErr)
	}
	x.writeTerms(terms)
	if mergeErr != nil {
		return mergeErr
	}

	u.fresh.Root = format.Segment{Chunks: x.stats.Chunks, PosChunks: x.stats.PosChunks}
	if u.stats.Rebuilt {
		u.fresh.Terms, u.fresh.TermTable = x.tree(x.termLeaves, true), x.table(x.termLeaves, true)
	} else {
		u.fresh.Routes = format.EncodeNode(&format.RouteNode{Leaf: true, Entries: x.termLeaves})
	}
	u.fresh.Files = x.files
	u.fresh.Docs = make([]DocState, len(u.freshPosts))
	for k, p := range u.freshPosts {
		u.fresh.Docs[k] = DocState{File: p.File, Hash: u.hashes[u.freshIdx[k]], Title: lens[k].Title, Body: lens[k].Body, Cut: lens[k].Cut}
	}
	st := &u.stats
	st.Terms += x.stats.Terms
	st.Chunks += x.stats.Chunks
	st.PosChunks += x.stats.PosChunks
	st.Nodes += x.stats.Nodes
	st.TermBytes += x.stats.TermBytes
	st.PosBytes += x.stats.PosBytes
	st.NodeBytes += x.stats.NodeBytes
	return nil
}

// finish writes the metadata, the shard routes, the layout and the root, and makes the
// state to keep.
func (u *update) finish(layout func() bundle.Layout) (string, error) {
	n := len(u.sorted)
	lens := make([]docLens, n)
	for i, a := range u.at {
		d := &u.segs[a.seg].Docs[a.local]
		lens[i] = docLens{Title: d.Title, Body: d.Body, Cut: d.Cut}
	}
	for i, l := range lens {
		if l.Cut {
			u.stats.Cut = append(u.stats.Cut, u.sorted[i].File)
		}
	}
	m := metaOf(u.sorted, lens, u.tri)
	x := &indexer{w: u.w}
	lay := layout()
	if len(lay.Shards) != len(lay.Starts) || n > 0 && (len(lay.Starts) == 0 || lay.Starts[0] != 0) {
		return "", fmt.Errorf("search: bad bundle layout (%d shards, %d starts)", len(lay.Shards), len(lay.Starts))
	}
	shards := make([]format.Route, len(lay.Shards))
	for i, name := range lay.Shards {
		shards[i] = format.Route{Key: format.DocKey(lay.Starts[i]), File: name}
	}
	shardTop := x.tree(shards, false)
	metaData := format.EncodeMeta(m)
	u.stats.MetaBytes = int64(len(metaData))
	first := u.segs[0]
	root := format.Root{Format: format.Format, Version: format.Version, Analyzer: analysis.AnalyzerName, Docs: n,
		Terms: first.Terms, Shards: shardTop, Meta: u.w.PutFile("s", "bin", metaData),
		TermTable: first.TermTable, ShardTable: x.table(shards, false),
		Chunks: first.Root.Chunks, PosChunks: first.Root.PosChunks}
	plain := len(u.segs) == 1 && u.segs[0].live() == len(u.segs[0].Docs)
	if !plain {
		l := &format.Layout{}
		for s, sg := range u.segs {
			l.Sizes = append(l.Sizes, len(sg.Docs))
			var del []int
			for k := range sg.Docs {
				if sg.Docs[k].Deleted {
					del = append(del, k)
				}
			}
			l.Deleted = append(l.Deleted, del)
			if s > 0 {
				root.More = append(root.More, sg.Root)
			}
		}
		for _, a := range u.at {
			if k := len(l.Runs) - 1; k >= 0 && l.Runs[k].Seg == a.seg {
				l.Runs[k].Len++
			} else {
				l.Runs = append(l.Runs, format.Run{Seg: a.seg, Len: 1})
			}
		}
		root.Layout = format.EncodeLayout(l)
		if len(u.segs) > 1 {
			later := make([][]format.Route, 0, len(u.segs)-1)
			for _, sg := range u.segs[1:] {
				rn, err := format.DecodeNode(sg.Routes)
				if err != nil || !rn.Leaf {
					return "", fmt.Errorf("search: the state of a segment has no routes: %w", format.ErrDamaged)
				}
				later = append(later, rn.Entries)
			}
			root.Later, root.LaterTable = x.laterRoutes(later)
		}
	}
	u.stats.Nodes += x.stats.Nodes
	u.stats.NodeBytes += x.stats.NodeBytes
	u.stats.Segments = len(u.segs)
	data, err := json.Marshal(root)
	if err != nil {
		return "", fmt.Errorf("search root: %w", err)
	}
	u.next = &State{Version: StateVersion, Sizes: u.sizes, Grams: u.tri, Segments: u.segs}
	return u.w.Put("s", data), nil
}

// parallel calls f(i) for i in [0, n) on every CPU.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int, 64)
	workers := min(n, 8)
	for range workers {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
