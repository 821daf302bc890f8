package memo

import (
	"encoding/binary"
	"errors"
	"strconv"

	"folio/internal/search/analysis"
	"folio/internal/search/index"
)

// An incremental build reuses what former builds into the same output computed, keyed by
// content: the search analysis of every title and text (a third of a build's work) is kept
// in OUT/.folio/cache-analysis.bin, by the hash of the text analyzed. A text that did not
// change is not analyzed again; a new or edited one is. The memo is never wrong about a
// text, only incomplete, so a build killed at any point leaves nothing to undo. It is
// dropped whole when its stamp differs: another folio binary (the analyzer or this format
// may have changed) or another _config.yml, or when it is damaged. -full ignores it.
//
// It keeps only what a later build can use: the analyses of the docs the search data's
// live segments hold, which a merge of those segments or a fresh write of the search data
// analyzes again. A build analyzes the texts of the docs of the one segment it writes (and
// those alone), so it records that segment's keys in the memo too, under a key made of
// the segment's file names (which name its content); a save keeps the records of the
// live segments and the entries they list, and drops the rest when the file is written
// whole (see Memo). The docs of the live segments are the current posts and their
// tombstones (posts deleted or edited since), which are at most a quarter of them (see
// index.RebuildShare), so the memo is at most 4/3 · 4/3 = 16/9 of what the current posts'
// analyses take, plus the records (16 bytes a text). A segment without a record (a build
// was killed between saving the memo and the search state) keeps nothing: its docs are
// analyzed again when it is merged.

// AnalysisFile is the analysis memo's name in OUT/.folio.
const AnalysisFile = "cache-analysis.bin"

// analysisMagic starts the file; its last digit is the format's version.
const analysisMagic = "folio analysis cache 5\n"

// Analyses remembers index.Analyzer results in a memo. Analyze may be called from many
// goroutines.
type Analyses struct{ *Memo }

// OpenAnalyses reads dir's analysis memo (see Open).
func OpenAnalyses(dir, stamp string, reuse bool) Analyses {
	return Analyses{Open(dir, AnalysisFile, analysisMagic, stamp, reuse)}
}

// Analyze is an index.Analyzer: the remembered result for text, or analysis.Analyze's.
func (c Analyses) Analyze(text string) ([]analysis.Token, int) {
	k := KeyOf(text) // one input: never the key of a segment's record
	if enc, ok := c.Former(k); ok {
		if toks, n, err := decodeTokens(text, enc); err == nil {
			c.hits.Add(1)
			c.Keep(k, enc)
			return toks, n
		}
	}
	// The trigram sample analyzes texts that the postings analyze again.
	if enc, ok := c.Current(k); ok {
		if toks, n, err := decodeTokens(text, enc); err == nil {
			return toks, n
		}
	}
	toks, n := analysis.Analyze([]byte(text))
	c.Keep(k, encodeTokens(text, toks, n))
	return toks, n
}

// segmentKey is the key of a search segment's record in the memo: its file names, which
// name its content (two inputs or more, so never the key of a text).
func segmentKey(sg *index.SegState) Key {
	in := make([]string, 0, 2+len(sg.Files))
	in = append(in, "search segment", strconv.Itoa(len(sg.Files)))
	for _, f := range sg.Files {
		in = append(in, f.Name)
	}
	return KeyOf(in...)
}

// SaveFor keeps for the next build the analyses that the docs of next's segments need,
// with a record of them per segment (see Analyses). prev is the state the build appended
// to (nil: none); rebuilt says it wrote the search data afresh.
func (c Analyses) SaveFor(dir, stamp string, prev, next *index.State, rebuilt bool) error {
	kept := map[Key]bool{} // the segments this build kept
	if prev != nil && !rebuilt {
		for _, sg := range prev.Segments {
			kept[segmentKey(sg)] = true
		}
	}
	var analyzed []byte // the keys of this build's analyses: the texts of its segment's docs
	c.mu.Lock()
	if len(c.used) > 0 {
		analyzed = make([]byte, 0, len(c.used)*len(Key{}))
		for k := range c.used {
			analyzed = append(analyzed, k[:]...)
		}
	}
	c.mu.Unlock()
	records := make([][]byte, 0, len(next.Segments))
	total := 0
	for _, sg := range next.Segments {
		id := segmentKey(sg)
		rec, ok := analyzed, true
		if kept[id] {
			rec, ok = c.Former(id)
		}
		if !ok || len(rec)%len(Key{}) != 0 {
			continue
		}
		c.Keep(id, rec)
		records = append(records, rec)
		total += len(rec) / len(Key{})
	}
	needed := make(map[Key]struct{}, total)
	for _, rec := range records {
		for at := 0; at < len(rec); at += len(Key{}) {
			needed[Key(rec[at:at+len(Key{})])] = struct{}{}
		}
	}
	return c.Save(dir, stamp, func(k Key) bool { _, ok := needed[k]; return ok })
}

// Token flags in the encoding.
const (
	tokLiteral = 1 << iota // the term follows; else it is the text at Start:End (plus EndMark for a mark)
	tokMark
	tokSingle
	tokDouble
	tokFlags = 4 // bits of flags below the token's length
)

// encodeTokens packs Analyze's result for text: n and the count, then per token its
// position and start as differences from the token before, its length and flags in one
// number, and its term only when the text does not spell it (a lower-cased or width-folded
// word).
func encodeTokens(text string, toks []analysis.Token, n int) []byte {
	b := binary.AppendUvarint(nil, uint64(n))
	b = binary.AppendUvarint(b, uint64(len(toks)))
	pos, start := 0, 0
	for _, t := range toks {
		var f uint64
		if t.Mark {
			f |= tokMark
		}
		if t.Single {
			f |= tokSingle
		}
		if t.Double {
			f |= tokDouble
		}
		spelled := t.Start >= 0 && t.Start <= t.End && t.End <= len(text)
		if spelled {
			want := text[t.Start:t.End]
			if t.Mark {
				want += analysis.EndMark
			}
			spelled = string(t.Term) == want
		}
		if !spelled {
			f |= tokLiteral
		}
		b = binary.AppendVarint(b, int64(t.Pos-pos))
		b = binary.AppendVarint(b, int64(t.Start-start))
		b = binary.AppendUvarint(b, uint64(t.End-t.Start)<<tokFlags|f)
		if !spelled {
			b = binary.AppendUvarint(b, uint64(len(t.Term)))
			b = append(b, t.Term...)
		}
		pos, start = t.Pos, t.Start
	}
	return b
}

var errBadTokens = errors.New("damaged cache entry")

// decodeTokens unpacks encodeTokens' bytes for text. The terms are fresh memory.
func decodeTokens(text string, b []byte) ([]analysis.Token, int, error) {
	var err error
	uv := func() int {
		v, w := binary.Uvarint(b)
		if w <= 0 || v > 1<<40 {
			err = errBadTokens
			return 0
		}
		b = b[w:]
		return int(v)
	}
	sv := func() int {
		v, w := binary.Varint(b)
		if w <= 0 || v > 1<<40 || v < -1<<40 {
			err = errBadTokens
			return 0
		}
		b = b[w:]
		return int(v)
	}
	n, count := uv(), uv()
	if err != nil || count > len(b) {
		return nil, 0, errBadTokens
	}
	src := []byte(text)
	toks := make([]analysis.Token, count)
	pos, start := 0, 0
	for i := range toks {
		t := &toks[i]
		pos += sv()
		start += sv()
		h := uv()
		if err != nil {
			return nil, 0, errBadTokens
		}
		f := h & (1<<tokFlags - 1)
		t.Pos, t.Start, t.End = pos, start, start+h>>tokFlags
		t.Mark, t.Single, t.Double = f&tokMark != 0, f&tokSingle != 0, f&tokDouble != 0
		switch {
		case f&tokLiteral != 0:
			l := uv()
			if err != nil || l > len(b) {
				return nil, 0, errBadTokens
			}
			t.Term, b = append([]byte(nil), b[:l]...), b[l:]
		case t.Start < 0 || t.End < t.Start || t.End > len(src):
			return nil, 0, errBadTokens
		case t.Mark:
			t.Term = append(append(make([]byte, 0, t.End-t.Start+len(analysis.EndMark)), src[t.Start:t.End]...), analysis.EndMark...)
		default:
			t.Term = src[t.Start:t.End:t.End]
		}
	}
	if len(b) != 0 {
		return nil, 0, errBadTokens
	}
	return toks, n, nil
}
