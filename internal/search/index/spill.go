package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"folio/internal/search/format"
)

// SpillBytes bounds the postings an indexer keeps in memory: past it, they are written to
// a temporary file as a sorted run, and the runs are merged at the end. (At 100k posts the
// postings are ~300 MB; kept whole, they and the garbage collector's headroom would double
// the build's memory.)
var SpillBytes int64 = 96 << 20

// spiller holds the runs written so far, in a temporary folder.
type spiller struct {
	dir  string
	runs []string
}

func newSpiller() (*spiller, error) {
	dir, err := os.MkdirTemp("", "folio-search-")
	if err != nil {
		return nil, fmt.Errorf("search: temporary folder for the index: %w", err)
	}
	return &spiller{dir: dir}, nil
}

// remove removes the runs.
func (sp *spiller) remove() { _ = os.RemoveAll(sp.dir) } // a temporary folder: best effort

// writeRun writes postings (sorted by term) to a new run file.
func (sp *spiller) writeRun(terms iter.Seq2[string, *termAcc]) error {
	name := filepath.Join(sp.dir, fmt.Sprintf("run%03d", len(sp.runs)))
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var tmp []byte
	for term, a := range terms {
		tmp = binary.AppendUvarint(tmp[:0], uint64(len(term)))
		tmp = append(tmp, term...)
		for f := range format.NumFields {
			fa := &a.f[f]
			tmp = binary.AppendUvarint(tmp, uint64(fa.df))
			if fa.df > 0 {
				tmp = binary.AppendUvarint(tmp, uint64(fa.next))
				tmp = binary.AppendUvarint(tmp, uint64(fa.dsize))
				tmp = binary.AppendUvarint(tmp, uint64(len(fa.buf)))
			}
		}
		// A bufio.Writer keeps its first error and Flush, below, returns it.
		_, _ = bw.Write(tmp)
		for f := range format.NumFields {
			_, _ = bw.Write(a.f[f].buf)
		}
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("search: write %s: %w", name, err)
	}
	sp.runs = append(sp.runs, name)
	return nil
}

// merged yields the postings of all runs merged, sorted by term. A run covers later docs
// than the runs before it, so a term's lists are the concatenation of its lists in run
// order. Errors are left in *errp.
func (sp *spiller) merged(errp *error) iter.Seq2[string, *termAcc] {
	return func(yield func(string, *termAcc) bool) {
		rs := make([]*runReader, len(sp.runs))
		for i, name := range sp.runs {
			f, err := os.Open(name)
			if err != nil {
				*errp = fmt.Errorf("search: %w", err)
				return
			}
			defer f.Close() //nolint:errcheck // read-only
			rs[i] = &runReader{r: bufio.NewReaderSize(f, 1<<20), name: name}
			rs[i].next()
		}
		for {
			term, found := "", false
			for _, r := range rs {
				if r.err != nil {
					*errp = r.err
					return
				}
				if !r.done && (!found || r.term < term) {
					term, found = r.term, true
				}
			}
			if !found {
				return
			}
			a := &termAcc{}
			for _, r := range rs {
				if !r.done && r.term == term {
					for f := range format.NumFields {
						a.f[f].concat(&r.acc.f[f])
					}
					r.next()
				}
			}
			if !yield(term, a) {
				return
			}
		}
	}
}

// runReader reads a run file term by term.
type runReader struct {
	r    *bufio.Reader
	name string
	term string
	acc  termAcc
	done bool
	err  error
}

func (rr *runReader) next() {
	n, err := binary.ReadUvarint(rr.r)
	if err == io.EOF {
		rr.done = true
		return
	}
	uv := func() uint64 {
		v, e := binary.ReadUvarint(rr.r)
		if e != nil && err == nil {
			err = e
		}
		return v
	}
	term := make([]byte, n)
	if err == nil {
		_, err = io.ReadFull(rr.r, term)
	}
	rr.term = string(term)
	var lens [format.NumFields]uint64
	for f := range format.NumFields {
		fa := &rr.acc.f[f]
		*fa = fieldAcc{df: uint32(uv())}
		if fa.df > 0 {
			fa.next, fa.dsize, lens[f] = uint32(uv()), uint32(uv()), uv()
		}
	}
	for f := range format.NumFields {
		if err == nil && lens[f] > 0 {
			rr.acc.f[f].buf = make([]byte, lens[f])
			_, err = io.ReadFull(rr.r, rr.acc.f[f].buf)
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		rr.err, rr.done = fmt.Errorf("search: read %s: %w", rr.name, err), true
	}
}
