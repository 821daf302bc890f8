package reader

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"folio/internal/bundle"
	"folio/internal/search/format"
)

// Exact phrases are matched by the index reader, not by bleve's phrase searcher: a phrase
// compiles to one virtual term (PhraseTerm) whose postings the phrase matcher computes for
// the reader by merging the sorted doc and position lists of its slots. Bleve then runs it
// like any term: it scores it (frequency = occurrences of the phrase), intersects it, sorts
// and pages. The matches are those of bleve's MultiPhraseQuery without slop (a test checks
// that); but bleve's searcher builds a map of term locations for every candidate doc,
// which made phrase queries 3–10× slower.
//
// A word whose positions are not fetched (see Config.PhraseBytes) compiles the same way to
// an "all slots" term: the docs where every slot occurs somewhere in the field (frequency:
// the least slot frequency).
//
// A lone Han character compiles to an "any" term: the docs with any term starting with the
// character (its unigram, its end mark, its bigrams), frequencies summed.
const (
	phraseMark = '\x01' // starts a phrase term
	allMark    = '\x04' // starts an all-slots term
	anyMark    = '\x05' // starts an any-term-with-this-prefix term
	slotSep    = '\x02' // between slots
	altSep     = '\x03' // between the alternatives of a slot
)

// PhraseTerm encodes a phrase: for each position, the terms that may stand there. With
// exact false, it is an all-slots term.
func PhraseTerm(alts [][]string, exact bool) string {
	var b strings.Builder
	if exact {
		b.WriteByte(phraseMark)
	} else {
		b.WriteByte(allMark)
	}
	for i, a := range alts {
		if i > 0 {
			b.WriteByte(slotSep)
		}
		for j, t := range a {
			if j > 0 {
				b.WriteByte(altSep)
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

func isPhraseTerm(term string) bool {
	return len(term) > 0 && (term[0] == phraseMark || term[0] == allMark || term[0] == anyMark)
}

// AnyPrefixTerm encodes the any term of a prefix.
func AnyPrefixTerm(prefix string) string { return string(anyMark) + prefix }

// phraseMatcher computes the postings of phrase, all-slots and any terms for one search's
// reader. What it computes is kept for the rest of the search (done) and, in kept (the
// Searcher's cache), for later searches.
type phraseMatcher struct {
	r    *Reader
	kept Store

	mu   sync.Mutex
	done map[string][2][]uint32 // postings computed in this search: docs, freqs
}

// postings returns the docs (ascending) where the phrase occurs in field f, and how
// often (for an all-slots term: where every slot occurs, and the least slot frequency).
//
// The result is kept for the rest of the search, and in the Searcher for later ones
// (paging, sorting, a facet clicked, the next query typed with the same word), which would
// otherwise merge the positions again: tens of milliseconds for a common word in
// WebAssembly. It depends on the bundle's data alone.
func (m *phraseMatcher) postings(term string, f int) (docs, freqs []uint32, err error) {
	key := fmt.Sprint(f) + term
	m.mu.Lock()
	if c, ok := m.done[key]; ok {
		m.mu.Unlock()
		return c[0], c[1], nil
	}
	m.mu.Unlock()
	if v, ok := m.kept.Peek(key); ok {
		c := v.([2][]uint32)
		m.keep(key, c[0], c[1], false)
		return c[0], c[1], nil
	}
	if term[0] == anyMark {
		docs, freqs, err = m.anyPostings(term[1:], f)
		if err == nil {
			m.keep(key, docs, freqs, true)
		}
		return docs, freqs, err
	}
	exact := term[0] == phraseMark
	var slots [][]*phraseSource
	for _, s := range strings.Split(term[1:], string(slotSep)) {
		var srcs []*phraseSource
		for _, t := range strings.Split(s, string(altSep)) {
			src, err := m.r.source(t, f, exact)
			if err != nil {
				return nil, nil, err
			}
			if src != nil {
				srcs = append(srcs, src)
			}
		}
		if len(srcs) == 0 {
			return nil, nil, nil // a slot with no term in the field: no match
		}
		slots = append(slots, srcs)
	}
	if !exact && len(slots) == 1 {
		// One slot of alternatives (a typed word's completions): their union, in one
		// pass over their doc lists rather than a seek per doc and alternative.
		docs, freqs = union(slots[0], m.r.meta.Docs)
		m.keep(key, docs, freqs, true)
		return docs, freqs, nil
	}
	// Walk the docs of the slot with the fewest.
	count := func(srcs []*phraseSource) int {
		n := 0
		for _, s := range srcs {
			n += len(s.pl.Docs)
		}
		return n
	}
	lead := 0
	for k := range slots {
		if count(slots[k]) < count(slots[lead]) {
			lead = k
		}
	}
	leadDocs := slots[lead][0].pl.Docs // read only
	if len(slots[lead]) > 1 {
		leadDocs = nil
		for _, s := range slots[lead] {
			leadDocs = append(leadDocs, s.pl.Docs...)
		}
		slices.Sort(leadDocs)
		leadDocs = slices.Compact(leadDocs)
	}
	// The lead's docs bound the matches: room for all of them up front, rather than
	// growing the lists (for a common word, tens of thousands of docs, most of which
	// match, copied again at every doubling: a sixth of the phrase's time at 100k posts).
	// What is kept is cut to size below.
	docs = make([]uint32, 0, len(leadDocs))
	freqs = make([]uint32, 0, len(leadDocs))
	posAt := make([][]uint32, len(slots))
	at := make([]int, len(slots)) // the phrase check's cursor in each slot's positions
	for _, d := range leadDocs {
		// First find the doc in every slot (cheap); positions only when all have it.
		ok := true
		least := uint32(1<<32 - 1)
		for _, srcs := range slots {
			var freq uint32
			for _, s := range srcs {
				if s.seek(d) {
					freq += s.pl.Freqs[s.i]
				}
			}
			if freq == 0 {
				ok = false
				break
			}
			least = min(least, freq)
		}
		if !ok {
			continue
		}
		if !exact {
			docs = append(docs, d)
			freqs = append(freqs, least)
			continue
		}
		for k, srcs := range slots {
			posAt[k] = posAt[k][:0]
			for _, s := range srcs {
				if s.i < len(s.pl.Docs) && s.pl.Docs[s.i] == d {
					if err := s.loadStream(); err != nil {
						return nil, nil, err
					}
					if posAt[k], err = s.positionsOf(s.i, posAt[k]); err != nil {
						return nil, nil, &bundle.DataError{File: "search positions", Err: err}
					}
				}
			}
			if len(srcs) > 1 {
				slices.Sort(posAt[k])
			}
			at[k] = 0
		}
		// Count the positions p of slot 0 with p+k in every slot k: the lists ascend, so
		// each slot's cursor only moves forward.
		n := 0
		for _, p := range posAt[0] {
			match := true
			for k := 1; k < len(slots); k++ {
				ps, want := posAt[k], p+uint32(k)
				j := at[k]
				for j < len(ps) && ps[j] < want {
					j++
				}
				at[k] = j
				if j == len(ps) || ps[j] != want {
					match = false
					break
				}
			}
			if match {
				n++
			}
		}
		if n > 0 {
			docs = append(docs, d)
			freqs = append(freqs, uint32(n))
		}
	}
	if cap(docs) > 2*len(docs)+64 { // few of the lead's docs matched: keep no more than is used
		docs, freqs = slices.Clone(docs), slices.Clone(freqs)
	}
	m.keep(key, docs, freqs, true)
	return docs, freqs, nil
}

// anyPostings returns the docs with any term starting with prefix in field f, and the
// summed frequencies.
func (m *phraseMatcher) anyPostings(prefix string, f int) (docs, freqs []uint32, err error) {
	lo := []byte(prefix)
	leaves, err := m.r.src.Leaves(lo, format.PrefixEnd(lo))
	if err != nil {
		return nil, nil, err
	}
	var counts []uint32
	for _, l := range leaves {
		c, err := m.r.src.Chunk(l.File)
		if err != nil {
			return nil, nil, err
		}
		for i := range c.Terms {
			e := &c.Terms[i]
			if !e.Has(f) || !strings.HasPrefix(e.Term, prefix) {
				continue
			}
			pl, err := e.Docs(f)
			if err != nil {
				return nil, nil, &bundle.DataError{File: l.File, Err: err}
			}
			if counts == nil {
				counts = make([]uint32, m.r.meta.Docs)
			}
			for i, d := range pl.Docs {
				if int(d) < len(counts) {
					counts[d] += pl.Freqs[i]
				}
			}
		}
	}
	for d, n := range counts {
		if n > 0 {
			docs = append(docs, uint32(d))
			freqs = append(freqs, n)
		}
	}
	return docs, freqs, nil
}

// union returns the docs (below n) of any of srcs, with their summed frequencies.
func union(srcs []*phraseSource, n int) (docs, freqs []uint32) {
	counts := make([]uint32, n)
	for _, s := range srcs {
		for i, d := range s.pl.Docs {
			if int(d) < n {
				counts[d] += s.pl.Freqs[i]
			}
		}
	}
	for d, c := range counts {
		if c > 0 {
			docs = append(docs, uint32(d))
			freqs = append(freqs, c)
		}
	}
	return docs, freqs
}

// keep keeps computed phrase postings for this search and, when new, in the Searcher.
func (m *phraseMatcher) keep(key string, docs, freqs []uint32, fresh bool) {
	m.mu.Lock()
	m.done[key] = [2][]uint32{docs, freqs}
	m.mu.Unlock()
	if fresh {
		m.kept.Put(key, [2][]uint32{docs, freqs}, int64(4*(len(docs)+len(freqs))+len(key)+64))
	}
}

// phraseSource is one alternative of a slot: its doc list and a cursor, and, for exact
// phrases, its position stream in the field, read as the cursor moves (only the docs a
// phrase checks are decoded, and nothing is kept: positions are the bulk of a phrase's
// data).
type phraseSource struct {
	pl     *format.Plist
	i      int
	stream []byte                 // positions per doc: first, then gaps (uvarints)
	load   func() ([]byte, error) // reads stream when first needed (nil once read)
	at     int                    // byte offset in stream of the positions of doc index ati
	ati    int
}

// loadStream reads the source's position stream, once.
func (s *phraseSource) loadStream() error {
	if s.load == nil {
		return nil
	}
	stream, err := s.load()
	if err != nil {
		return err
	}
	s.stream, s.load = stream, nil
	return nil
}

// seek moves the cursor to the first doc at or after d (the docs ascend, and so do the
// calls) and says whether that doc is d. It gallops: most steps are short.
func (s *phraseSource) seek(d uint32) bool {
	docs := s.pl.Docs
	i := s.i
	if i < len(docs) && docs[i] < d {
		// Double the step until past d, then search the last stretch.
		lo, step := i+1, 1
		for lo < len(docs) && docs[lo] < d {
			i = lo
			step *= 2
			lo = i + step
		}
		hi := min(lo, len(docs)) // docs[i] < d <= docs[hi] (or hi is the end)
		i++
		for i < hi {
			m := int(uint(i+hi) >> 1)
			if docs[m] < d {
				i = m + 1
			} else {
				hi = m
			}
		}
	}
	s.i = i
	return i < len(docs) && docs[i] == d
}

// positionsOf appends the positions of doc index i (at or after the last one read) to buf.
func (s *phraseSource) positionsOf(i int, buf []uint32) ([]uint32, error) {
	if s.ati < i { // skip the docs in between
		n := 0
		for _, f := range s.pl.Freqs[s.ati:i] {
			n += int(f)
		}
		if s.at = skipUvarints(s.stream, s.at, n); s.at < 0 {
			s.at = len(s.stream)
			return buf, format.ErrDamaged
		}
		s.ati = i
	}
	p := uint64(0)
	stream, at := s.stream, s.at
	for range s.pl.Freqs[i] {
		// Most gaps take one or two bytes: read those inline.
		var v uint64
		switch {
		case at < len(stream) && stream[at] < 0x80:
			v = uint64(stream[at])
			at++
		case at+1 < len(stream) && stream[at+1] < 0x80:
			v = uint64(stream[at]&0x7f) | uint64(stream[at+1])<<7
			at += 2
		default:
			var n int
			v, n = binary.Uvarint(stream[at:])
			if n <= 0 {
				s.at = at
				return buf, format.ErrDamaged
			}
			at += n
		}
		p += v
		buf = append(buf, uint32(p))
	}
	s.at = at
	s.ati = i + 1
	return buf, nil
}

// skipUvarints returns the offset after the n uvarints that start at b[at:], or -1 when b
// ends first. It counts the bytes that end a uvarint (top bit clear) eight at a time.
func skipUvarints(b []byte, at, n int) int {
	for n > 8 && at+8 <= len(b) {
		// A word ends at most 8 < n uvarints, so it never reaches past the n-th: whole
		// words while more than 8 are left, the rest byte by byte.
		n -= bits.OnesCount64(^binary.LittleEndian.Uint64(b[at:]) & 0x8080808080808080)
		at += 8
	}
	for ; n > 0; at++ {
		if at >= len(b) {
			return -1
		}
		if b[at] < 0x80 {
			n--
		}
	}
	return at
}
