package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/analysis"
	"folio/internal/search/format"
)

// indexer accumulates postings in doc order.
type indexer struct {
	w     *bundle.Writer
	sizes Sizes
	terms map[string]uint32 // term → index into accs
	accs  [][]termAcc       // in blocks of accBlock, so growing never copies
	n     uint32            // terms so far
	bytes int64             // postings bytes in memory
	spill *spiller          // runs written to disk, once bytes passed SpillBytes
	stats WriteStats

	termLeaves []format.Route // every term chunk's route entry, for the term table
	// later says the segment is one after the first: its position chunks get compressed
	// copies (they are smaller, and compress to 74–80 % with brotli 5), and, with termPos
	// (a small segment), each term chunk holds its positions (format.EncodeTermPos).
	later, termPos bool
	tri            map[string]int // the trigram terms indexed (nil until collect picks them)

	// filesMu guards files: the segment's files, for a later build to keep.
	filesMu sync.Mutex
	files   []SegFile

	analyze Analyzer // analysis.Analyze, or a build's cache of its results
}

// put stores a file of the segment (plain: without compressed copies) and notes its name.
func (x *indexer) put(data []byte, plain bool) string {
	var name string
	if plain {
		name = x.w.PutPlain("s", "bin", data)
	} else {
		name = x.w.PutFile("s", "bin", data)
	}
	x.filesMu.Lock()
	x.files = append(x.files, SegFile{Name: name, Plain: plain})
	x.filesMu.Unlock()
	return name
}

const accBlock = 4096

func (x *indexer) acc(k uint32) *termAcc { return &x.accs[k/accBlock][k%accBlock] }

// docOut is what a worker makes of one post.
type docOut struct {
	fields [format.NumFields][]docTerm
	lens   [format.NumFields]int
	cut    bool // the text was longer than MaxIndexedRunes
}

type docTerm struct {
	term string
	pos  []uint32
}

// docLens is what a segment keeps of a doc besides its postings: its token counts per
// field (for length norms) and whether its text was cut (see MaxIndexedRunes).
type docLens struct {
	Title, Body int32
	Cut         bool
}

// collect analyzes every post (in parallel, merged in doc order) into postings and returns
// each doc's lengths. The trigram terms are x.tri, or, when nil, those frequentGrams
// picks.
func (x *indexer) collect(sorted []*post.Post) ([]docLens, error) {
	n := len(sorted)
	lens := make([]docLens, n)
	if x.tri == nil {
		x.tri = frequentGrams(sorted, x.analyze)
	}
	tri := x.tri

	outs := make([]docOut, n)
	ready := make([]chan struct{}, n)
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	// Workers take docs in order; the merger follows, at most `ahead` docs behind.
	const ahead = 256
	slots := make(chan struct{}, ahead)
	jobs := make(chan int, 64)
	go func() {
		for i := range n {
			slots <- struct{}{}
			jobs <- i
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			groups := map[string]int{}
			for i := range jobs {
				outs[i] = analyzePost(sorted[i], groups, tri, x.analyze)
				close(ready[i])
			}
		})
	}
	var err error
	for i, p := range sorted {
		<-ready[i]
		out := &outs[i]
		if out.cut {
			x.stats.Cut = append(x.stats.Cut, p.File)
		}
		for f := range format.NumFields {
			for _, dt := range out.fields[f] {
				x.add(dt, f, uint32(i))
			}
		}
		lens[i] = docLens{Title: int32(out.lens[format.FieldTitle]), Body: int32(out.lens[format.FieldBody]), Cut: out.cut}
		*out = docOut{}
		if x.bytes >= SpillBytes && err == nil {
			err = x.spillRun()
		}
		<-slots
	}
	wg.Wait()
	return lens, err
}

// metaOf makes the metadata of every doc from the posts (sorted) and their lengths.
func metaOf(sorted []*post.Post, lens []docLens, trigrams []string) *format.Meta {
	n := len(sorted)
	m := &format.Meta{Docs: n, DocProfile: make([]uint32, n), Days: make([]int32, n), Grams: trigrams}
	profiles := map[string]uint32{}
	titleTokens := 0
	catIdx, tagIdx := nameIndex(sorted, func(p *post.Post) []string { return p.Categories }),
		nameIndex(sorted, func(p *post.Post) []string { return p.Tags })
	m.Categories, m.Tags = sortedKeys(catIdx), sortedKeys(tagIdx)
	for i, p := range sorted {
		pr := format.Profile{Cats: indexes(p.Categories, catIdx), Tags: indexes(p.Tags, tagIdx), BodyClass: format.LengthClass(int(lens[i].Body))}
		key := fmt.Sprint(pr.Cats, pr.Tags, pr.BodyClass)
		k, ok := profiles[key]
		if !ok {
			k = uint32(len(m.Profiles))
			profiles[key] = k
			m.Profiles = append(m.Profiles, pr)
		}
		m.DocProfile[i] = k
		m.Days[i] = dayOf(p.Date)
		titleTokens += int(lens[i].Title)
	}
	if n > 0 {
		m.TitleClass = format.LengthClass(titleTokens / n)
	}
	return m
}

// analyzePost tokenizes a post's title and text and groups the tokens by term, adding the
// trigram terms of tri.
func analyzePost(p *post.Post, groups map[string]int, tri map[string]int, analyze Analyzer) docOut {
	text, cut := indexedText(p)
	out := docOut{cut: cut}
	for f, s := range [format.NumFields]string{p.Title, text} {
		toks, n := analyze(s)
		out.lens[f] = n
		clear(groups)
		var dts []docTerm
		add := func(term string, pos int) {
			k, ok := groups[term]
			if !ok {
				k = len(dts)
				groups[term] = k
				dts = append(dts, docTerm{term: term})
			}
			dts[k].pos = append(dts[k].pos, uint32(pos))
		}
		for _, t := range toks {
			add(string(t.Term), t.Pos)
		}
		if len(tri) > 0 {
			analysis.Grams(toks, analysis.MaxGram, func(term []byte, pos, _ int) {
				if _, ok := tri[string(term)]; ok {
					add(string(term), pos)
				}
			})
		}
		out.fields[f] = dts
	}
	return out
}

// frequentGrams returns the gram terms to index (see TrigramShare and LongGramShare),
// counted in a sample of evenly spread posts. A gram of n characters is counted only
// where both its grams of n-1 are common enough to be held: no gram is more common than
// its parts.
func frequentGrams(sorted []*post.Post, analyze Analyzer) map[string]int {
	n := len(sorted)
	need := [analysis.MaxGram + 1]int{}
	for g := 3; g <= analysis.MaxGram; g++ {
		share := TrigramShare
		if g > 3 {
			share = LongGramShare
		}
		need[g] = max(TrigramMinDocs, n/max(1, share))
	}
	if n < need[3] {
		return nil
	}
	step := max(1, n/trigramSample)
	var sample [][]analysis.Token // the sampled posts' fields' tokens
	for i := 0; i < n; i += step {
		p := sorted[i]
		text, _ := indexedText(p)
		for _, s := range []string{p.Title, text} {
			toks, _ := analyze(s)
			sample = append(sample, toks)
		}
	}
	out := map[string]int{}
	for g := 3; g <= analysis.MaxGram; g++ {
		counts := map[string]int{}
		seen := map[string]bool{}
		for f, toks := range sample {
			if f%2 == 0 {
				clear(seen) // a post's title and text are counted as one doc
			}
			analysis.Grams(toks, g, func(term []byte, _, size int) {
				if size != g || seen[string(term)] || g > 3 && !heldParts(out, term) {
					return
				}
				t := string(term)
				seen[t] = true
				counts[t]++
			})
		}
		for t, c := range counts {
			if c*step >= need[g] {
				out[t] = c
			}
		}
	}
	return out
}

// heldParts reports whether both grams one character shorter within the gram term are in
// held.
func heldParts(held map[string]int, term []byte) bool {
	first, rest, _ := strings.Cut(string(term), analysis.GramMark) // first bigram; the next characters
	rs := []rune(first + rest)
	head := analysis.GramTerm(bigramsOf(rs[:len(rs)-1]))
	tail := analysis.GramTerm(bigramsOf(rs[1:]))
	_, a := held[head]
	_, b := held[tail]
	return a && b
}

// bigramsOf returns the bigrams of a run of characters.
func bigramsOf(rs []rune) []string {
	out := make([]string, len(rs)-1)
	for i := range out {
		out[i] = string(rs[i : i+2])
	}
	return out
}

// add appends doc's occurrences of a term in field f.
func (x *indexer) add(dt docTerm, f int, doc uint32) {
	k, ok := x.terms[dt.term]
	if !ok {
		k = x.n
		x.terms[dt.term] = k
		if k%accBlock == 0 {
			x.accs = append(x.accs, make([]termAcc, accBlock))
		}
		x.n++
	}
	fa := &x.acc(k).f[f]
	n := len(fa.buf)
	b := binary.AppendUvarint(fa.buf, uint64(doc-fa.next))
	b = binary.AppendUvarint(b, uint64(len(dt.pos)-1))
	fa.dsize += uint32(len(b) - n)
	prev := uint32(0)
	for _, p := range dt.pos {
		b = binary.AppendUvarint(b, uint64(p-prev))
		prev = p
	}
	x.bytes += int64(len(b) - n)
	fa.buf = b
	fa.next = doc + 1
	fa.df++
}

// spillRun writes the current postings, sorted by term, to a new run file and starts
// afresh.
func (x *indexer) spillRun() error {
	if x.spill == nil {
		sp, err := newSpiller()
		if err != nil {
			return err
		}
		x.spill = sp
	}
	if err := x.spill.writeRun(x.memoryTerms()); err != nil {
		return err
	}
	x.terms, x.accs, x.n, x.bytes = map[string]uint32{}, nil, 0, 0
	return nil
}

// memoryTerms yields the postings in memory, sorted by term.
func (x *indexer) memoryTerms() iter.Seq2[string, *termAcc] {
	return func(yield func(string, *termAcc) bool) {
		type named struct {
			term string
			k    uint32
		}
		order := make([]named, 0, len(x.terms))
		for t, k := range x.terms {
			order = append(order, named{t, k})
		}
		slices.SortFunc(order, func(a, b named) int { return strings.Compare(a.term, b.term) })
		for _, o := range order {
			if !yield(o.term, x.acc(o.k)) {
				return
			}
		}
	}
}

// mergedTerms writes the last run and yields the postings of all runs merged, sorted by
// term (see spiller.merged). Errors are left in *errp.
func (x *indexer) mergedTerms(errp *error) iter.Seq2[string, *termAcc] {
	return func(yield func(string, *termAcc) bool) {
		defer x.spill.remove()
		if err := x.spillRun(); err != nil {
			*errp = err
			return
		}
		for term, a := range x.spill.merged(errp) {
			if !yield(term, a) {
				return
			}
		}
	}
}

// writeTerms writes term and position chunks from terms (sorted) and keeps their route
// entries in x.termLeaves. A term chunk closes at x.sizes.ChunkBytes; a term bigger than that
// (or with positions bigger than x.sizes.PosChunkBytes) gets chunks of its own. A position chunk holds
// the positions of one or more whole term chunks (a group). Cuts are planned from the
// sizes counted while adding; groups are split into streams and encoded in parallel.
func (x *indexer) writeTerms(terms iter.Seq2[string, *termAcc]) {
	type group struct {
		chunks [][]termEntryAcc
		leaves []format.Route
	}
	var groups []*group
	jobs := make(chan *group, 2)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for g := range jobs {
				x.encodeGroup(g.chunks, &g.leaves, &mu)
				g.chunks = nil
			}
		})
	}
	chunkBytes, posChunkBytes := x.sizes.ChunkBytes, x.sizes.PosChunkBytes
	g := &group{}
	var chunk []termEntryAcc
	chunkSize, groupSize := 0, 0
	closeChunk := func() {
		if len(chunk) > 0 {
			g.chunks = append(g.chunks, chunk)
		}
		chunk, chunkSize = nil, 0
	}
	closeGroup := func() {
		closeChunk()
		if len(g.chunks) > 0 {
			groups = append(groups, g)
			jobs <- g
			g = &group{}
		}
		groupSize = 0
	}
	for term, a := range terms {
		x.stats.Terms++
		size, psize := len(term)+2, 0
		keepPos := !analysis.IsGramTerm(term)
		for f := range format.NumFields {
			if fa := &a.f[f]; fa.df > 0 {
				size += int(fa.dsize) + 6
				psize += 2
				if keepPos {
					psize += len(fa.buf) - int(fa.dsize)
				}
			}
		}
		big := size >= chunkBytes || psize >= posChunkBytes
		if big {
			closeGroup()
		}
		chunk = append(chunk, termEntryAcc{term, a})
		chunkSize += size
		groupSize += psize
		switch {
		case big:
			closeGroup()
		case chunkSize >= chunkBytes:
			closeChunk()
			if groupSize >= posChunkBytes || x.termPos {
				closeGroup()
			}
		}
	}
	closeGroup()
	close(jobs)
	wg.Wait()
	x.accs = nil
	var leaves []format.Route
	for _, g := range groups {
		leaves = append(leaves, g.leaves...)
	}
	x.termLeaves = leaves
}

// termEntryAcc is a term with its accumulated postings.
type termEntryAcc struct {
	term string
	acc  *termAcc
}

// encodeGroup writes a group's term chunks and its position chunk, appending their
// route entries to leaves.
func (x *indexer) encodeGroup(chunks [][]termEntryAcc, leaves *[]format.Route, mu *sync.Mutex) {
	var all []*format.TermData
	var termBytes int64
	var termData []byte
	for _, c := range chunks {
		terms := make([]*format.TermData, 0, len(c))
		for _, e := range c {
			t := &format.TermData{Term: e.term}
			for f := range format.NumFields {
				t.Fields[f] = e.acc.f[f].split(!analysis.IsGramTerm(e.term))
			}
			e.acc.f = [format.NumFields]fieldAcc{}
			terms = append(terms, t)
		}
		termData = format.EncodeTermChunk(terms)
		r := format.Route{Key: []byte(terms[0].Term), Size: len(termData)}
		if !x.termPos {
			r.File = x.put(termData, false)
		}
		*leaves = append(*leaves, r)
		termBytes += int64(len(termData))
		all = append(all, terms...)
	}
	data := format.EncodePosChunk(all)
	var name string
	if x.termPos { // one chunk a group (see writeTerms)
		name = x.put(format.EncodeTermPos(termData, data), false)
		(*leaves)[0].File = name
	} else {
		// Positions compress little (brotli 5: to 84 % at 10k posts), not worth their
		// copies' disk and build time in the first segment.
		name = x.put(data, !x.later)
	}
	for i := range *leaves {
		(*leaves)[i].Pos, (*leaves)[i].PosSize = name, len(data)
	}
	mu.Lock()
	x.stats.Chunks += len(chunks)
	x.stats.PosChunks++
	x.stats.TermBytes += termBytes
	x.stats.PosBytes += int64(len(data))
	mu.Unlock()
}

// tree writes route nodes over leaf entries, Fanout per node, and returns the top node
// (kept in the root). seg says the nodes are the segment's files (the term routes), not
// the build's (the shard routes).
func (x *indexer) tree(entries []format.Route, seg bool) []byte {
	leaf := true
	for len(entries) > TopFanout {
		var up []format.Route
		for i := 0; i < len(entries); i += Fanout {
			part := entries[i:min(i+Fanout, len(entries))]
			data := format.EncodeNode(&format.RouteNode{Leaf: leaf, Entries: part})
			up = append(up, format.Route{Key: part[0].Key, File: x.putRoute(data, seg), Size: len(data)})
			x.stats.Nodes++
			x.stats.NodeBytes += int64(len(data))
		}
		entries, leaf = up, false
	}
	return format.EncodeNode(&format.RouteNode{Leaf: leaf, Entries: entries})
}

// putRoute stores a route node, as a file of the segment when seg is set.
func (x *indexer) putRoute(data []byte, seg bool) string {
	if seg {
		return x.put(data, false)
	}
	return x.w.PutFile("s", "bin", data)
}

// table writes a route table, every leaf entry in one leaf node, and returns its name; ""
// when the entries fit in the top node anyway, or are more than MaxTableEntries. seg is
// as for tree.
func (x *indexer) table(entries []format.Route, seg bool) string {
	if len(entries) <= TopFanout || len(entries) > MaxTableEntries {
		return ""
	}
	data := format.EncodeNode(&format.RouteNode{Leaf: true, Entries: entries})
	x.stats.NodeBytes += int64(len(data))
	return x.putRoute(data, seg)
}

// laterRoutes writes the later route level (see format.LaterKey) over the chunks of the
// segments after the first (later[k]: the route entries of segment k's chunks, in term
// order) and returns its top node and its table ("" for one leaf). Each leaf holds about
// LaterFanout entries of the segments' merged term order, and for each segment also the
// entry of the chunk its range begins in.
func (x *indexer) laterRoutes(later [][]format.Route) (top []byte, table string) {
	type tagged struct {
		seg int
		r   format.Route
	}
	var all []tagged
	for k, rs := range later {
		for _, r := range rs {
			all = append(all, tagged{k, r})
		}
	}
	slices.SortStableFunc(all, func(a, b tagged) int {
		if c := bytes.Compare(a.r.Key, b.r.Key); c != 0 {
			return c
		}
		return a.seg - b.seg
	})
	fanout := max(LaterFanout, (len(all)+TopFanout-1)/TopFanout) // the top node stays within TopFanout
	// The leaves' ranges begin at cuts: the empty key, then every fanout-th entry's key
	// (a key equal to the last cut's is passed over).
	cuts := [][]byte{{}}
	for i := fanout; i < len(all); i += fanout {
		if k := all[i].r.Key; bytes.Compare(k, cuts[len(cuts)-1]) > 0 {
			cuts = append(cuts, k)
		}
	}
	tag := func(k int, r format.Route) format.Route {
		r.Key = format.LaterKey(k, r.Key)
		return r
	}
	var nodes []format.Route
	for c, lo := range cuts {
		var hi []byte
		if c+1 < len(cuts) {
			hi = cuts[c+1]
		}
		var entries []format.Route
		for k, rs := range later {
			// From the chunk the range begins in (if any) to the last that begins in it.
			for i := max(0, (&format.RouteNode{Entries: rs}).Find(lo)); i < len(rs) && (hi == nil || bytes.Compare(rs[i].Key, hi) < 0); i++ {
				entries = append(entries, tag(k, rs[i]))
			}
		}
		data := format.EncodeNode(&format.RouteNode{Leaf: true, Entries: entries})
		nodes = append(nodes, format.Route{Key: lo, File: x.w.PutFile("s", "bin", data), Size: len(data)})
		x.stats.Nodes++
		x.stats.NodeBytes += int64(len(data))
	}
	if len(nodes) > 1 {
		var entries []format.Route
		for k, rs := range later {
			for _, r := range rs {
				entries = append(entries, tag(k, r))
			}
		}
		data := format.EncodeNode(&format.RouteNode{Leaf: true, Entries: entries})
		x.stats.NodeBytes += int64(len(data))
		table = x.w.PutFile("s", "bin", data)
	}
	return format.EncodeNode(&format.RouteNode{Entries: nodes}), table
}

// dayOf is the post's calendar date, in its own zone, as days since 1970-01-01.
func dayOf(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func nameIndex(posts []*post.Post, of func(*post.Post) []string) map[string]uint32 {
	idx := map[string]uint32{}
	for _, p := range posts {
		for _, s := range of(p) {
			idx[s] = 0
		}
	}
	names := sortedKeys(idx)
	for i, s := range names {
		idx[s] = uint32(i)
	}
	return idx
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func indexes(names []string, idx map[string]uint32) []uint32 {
	out := make([]uint32, 0, len(names))
	for _, s := range names {
		out = append(out, idx[s])
	}
	return out
}
