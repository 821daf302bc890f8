package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"sort"

	"folio/internal/safefile"
)

// A rebuild keeps the .br and .gz copies of a former build's files that are still copies
// of them. Checking one by decompressing it was a sixth of a day's rebuild (10k posts), so
// the writer records the SHA-256 of every copy it wrote or checked (SaveCopies), and the
// next writer into the same folder trusts a copy whose bytes still hash to the record
// (TrustCopies): the copy's name is the hash of the data it was made from, so bytes with
// the recorded hash decompress to that data. The record is never wrong, only incomplete:
// a copy with other bytes (damaged in place, or rewritten) is decompressed and checked as
// before, and a missing or damaged record trusts nothing.

// copySum is the first half of a copy's SHA-256; zero means unknown.
type copySum [16]byte

type copySums struct{ br, gz copySum }

func sumOf(b []byte) copySum {
	s := sha256.Sum256(b)
	return copySum(s[:16])
}

// copiesMagic starts a record of copies; its last digit is the format's version.
const copiesMagic = "folio copies 1\n"

// TrustCopies reads the record a former writer into the same folder saved at file (see
// SaveCopies). Call it before the first Put. A missing or damaged record trusts nothing.
func (w *Writer) TrustCopies(file string) {
	data, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(data, []byte(copiesMagic)) {
		return
	}
	trusted := map[string]copySums{}
	for rest := data[len(copiesMagic):]; len(rest) > 0; {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) || len(rest)-k-int(n) < 2*len(copySum{}) {
			return // damaged: trust nothing
		}
		name := string(rest[k : k+int(n)])
		rest = rest[k+int(n):]
		var s copySums
		copy(s.br[:], rest)
		copy(s.gz[:], rest[len(s.br):])
		rest = rest[2*len(copySum{}):]
		trusted[name] = s
	}
	w.trusted = trusted
}

// SaveCopies records the hashes of the copies of this writer's files at file, replacing
// it in one rename, for the next writer's TrustCopies. Call it after Wait.
func (w *Writer) SaveCopies(file string) error {
	w.mu.Lock()
	names := make([]string, 0, len(w.copies))
	for n := range w.copies {
		names = append(names, n)
	}
	sort.Strings(names)
	b := []byte(copiesMagic)
	for _, n := range names {
		s := w.copies[n]
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
		b = append(b, s.br[:]...)
		b = append(b, s.gz[:]...)
	}
	w.mu.Unlock()
	if err := safefile.Write(file, b); err != nil {
		return fmt.Errorf("record of copies: %w", err)
	}
	return nil
}
