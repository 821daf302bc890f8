// Package memo keeps the build's memos: results of pure functions of a post's text (its
// excerpt, its parsed front matter, the links of its rendered body, the search analysis
// of its title and text), kept in OUT/.folio from one build for the next, so that a
// rebuild does again only what changed.
package memo

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"folio/internal/safefile"
)

// A Memo is one of the build's caches in OUT/.folio: results of a pure function of some
// text (a post's excerpt, the links of its rendered body, the search analysis of a title),
// by a hash of every input, kept from one build for the next. A memo is never wrong, only
// incomplete: it is dropped whole when its stamp (the folio binary and _config.yml, see
// Stamp) differs or any of its blocks does not match the SHA-256 that ends it. -full
// ignores it.
//
// Its file is a head line (magic and stamp) and blocks of entries, each ending with the
// SHA-256 of its entries. A build appends one block with the entries it made (at 100k
// posts the memos are ~400 MB, and writing them whole took 1.4 s of a 20 s rebuild); the
// file is written whole, in one rename, when it could not be read, when the entries no
// longer needed would be more than a quarter of it, or when it has MaxBlocks blocks.
// Needed are the entries this build used and those Save is told to keep; so after every
// save, at most a quarter of the file is entries no longer needed (the file is at most
// 4/3 of what the needed entries take, plus its head and 40 bytes a block). A build
// killed while appending leaves a block that fails its check, so the next build starts
// that memo afresh.
type Memo struct {
	file  string         // its name in the state folder
	magic string         // its first line, with the format's version
	old   map[Key][]byte // the former build's entries, read only
	mu    sync.Mutex
	used  map[Key][]byte // the entries of this build, kept for the next
	hits  atomic.Int64   // lookups the former build's entries answered
	// blocks and size are the former file's, when it was read whole (blocks 0: it was
	// not, and the next save writes the file whole).
	blocks int
	size   int64
}

// MaxBlocks is the most blocks a memo file holds before it is written whole again.
const MaxBlocks = 32

// A Key names an entry: a hash of its inputs (KeyOf).
type Key [16]byte

// KeyOf is the key of a result: a hash of its inputs, each prefixed by its length so that
// no two lists of inputs give the same bytes.
func KeyOf(inputs ...string) Key {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, s := range inputs {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	var k Key
	copy(k[:], h.Sum(nil))
	return k
}

// Open reads the memo file of that name in dir (OUT/.folio) when its stamp matches (and
// reuse is set); a missing, stale or damaged file gives an empty memo. magic is its
// first line, with the format's version.
func Open(dir, file, magic, stamp string, reuse bool) *Memo {
	m := &Memo{file: file, magic: magic, old: map[Key][]byte{}, used: map[Key][]byte{}}
	if !reuse {
		return m
	}
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return m
	}
	head := magic + stamp + "\n"
	if !bytes.HasPrefix(data, []byte(head)) {
		return m
	}
	entries := map[Key][]byte{}
	blocks := 0
	for rest := data[len(head):]; len(rest) > 0; blocks++ {
		size, w := binary.Uvarint(rest)
		if w <= 0 || size > uint64(len(rest)-w) || uint64(len(rest)-w)-size < sha256.Size {
			return m // damaged: start afresh
		}
		block := rest[w : w+int(size)]
		if sum := sha256.Sum256(block); !bytes.Equal(sum[:], rest[w+int(size):w+int(size)+sha256.Size]) {
			return m
		}
		if !readEntries(block, entries) {
			return m
		}
		rest = rest[w+int(size)+sha256.Size:]
	}
	m.old, m.blocks, m.size = entries, blocks, int64(len(data))
	return m
}

// readEntries adds the entries of one block to entries; false when it is malformed.
func readEntries(block []byte, entries map[Key][]byte) bool {
	for rest := block; len(rest) > 0; {
		var k Key
		if len(rest) < len(k) {
			return false
		}
		copy(k[:], rest)
		size, w := binary.Uvarint(rest[len(k):])
		at := len(k) + w
		if w <= 0 || size > uint64(len(rest)-at) {
			return false
		}
		entries[k] = rest[at : at+int(size) : at+int(size)]
		rest = rest[at+int(size):]
	}
	return true
}

// Former returns the former build's entry for k.
func (m *Memo) Former(k Key) ([]byte, bool) {
	v, ok := m.old[k]
	return v, ok
}

// Current returns the entry this build made or kept for k.
func (m *Memo) Current(k Key) ([]byte, bool) {
	m.mu.Lock()
	v, ok := m.used[k]
	m.mu.Unlock()
	return v, ok
}

// Keep records k's entry as one of this build's, for the next build.
func (m *Memo) Keep(k Key, v []byte) {
	m.mu.Lock()
	m.used[k] = v
	m.mu.Unlock()
}

// Hits counts the lookups the former build's entries answered.
func (m *Memo) Hits() int64 { return m.hits.Load() }

// Get returns the entry for k, of this build or the former one (which it keeps, and
// counts as a hit).
func (m *Memo) Get(k Key) ([]byte, bool) {
	if v, ok := m.Current(k); ok {
		return v, true
	}
	if v, ok := m.Former(k); ok {
		m.hits.Add(1)
		m.Keep(k, v)
		return v, true
	}
	return nil, false
}

// Save keeps the entries this build used, and those of the former memo for which
// keepOld is true (nil: none), for the next build: as a block appended to the former
// file, or as a new file replacing it in one rename (see Memo).
func (m *Memo) Save(dir, stamp string, keepOld func(Key) bool) error {
	size := func(v []byte) int64 { return int64(len(Key{}) + binary.MaxVarintLen64 + len(v)) }
	var made []Key // entries not in the former file
	for k := range m.used {
		if _, ok := m.old[k]; !ok {
			made = append(made, k)
		}
	}
	kept := func(k Key) bool {
		if _, ok := m.used[k]; ok {
			return true
		}
		return keepOld != nil && keepOld(k)
	}
	var unused int64
	for k, v := range m.old {
		if !kept(k) {
			unused += size(v)
		}
	}
	name := filepath.Join(dir, m.file)
	if m.blocks > 0 && m.blocks < MaxBlocks && unused*4 <= m.size {
		if len(made) == 0 {
			return nil
		}
		block := make([]byte, 0, 1024)
		for _, k := range made {
			block = appendEntry(block, k, m.used[k])
		}
		if ok, err := appendBlock(name, m.size, block); ok || err != nil {
			return err
		}
		// The file is not the one this build read: write it whole.
	}
	var total int64
	for _, v := range m.used {
		total += size(v)
	}
	var older []Key // the former entries kept besides those used
	if keepOld != nil {
		for k, v := range m.old {
			if _, ok := m.used[k]; !ok && keepOld(k) {
				older = append(older, k)
				total += size(v)
			}
		}
	}
	block := make([]byte, 0, total)
	for _, k := range older {
		block = appendEntry(block, k, m.old[k])
	}
	for k, v := range m.used {
		block = appendEntry(block, k, v)
	}
	head := m.magic + stamp + "\n"
	data := make([]byte, 0, len(head)+binary.MaxVarintLen64+len(block)+sha256.Size)
	data = append(data, head...)
	data = appendBlockTo(data, block)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return safefile.Write(name, data)
}

// appendEntry appends one entry of a block: its key, the size of its value, its value.
func appendEntry(b []byte, k Key, v []byte) []byte {
	b = append(b, k[:]...)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// appendBlockTo appends a block: the size of its entries, the entries, their SHA-256.
func appendBlockTo(b, entries []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(entries)))
	b = append(b, entries...)
	sum := sha256.Sum256(entries)
	return append(b, sum[:]...)
}

// appendBlock appends a block of entries to the memo file name when it still has the
// size the build read; false (and no error) when it has not, or is not a regular file.
func appendBlock(name string, size int64, entries []byte) (bool, error) {
	st, err := os.Lstat(name)
	if err != nil || !st.Mode().IsRegular() || st.Size() != size {
		return false, nil
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return false, nil
	}
	if _, err := f.Write(appendBlockTo(nil, entries)); err != nil {
		_ = f.Close() // the write's error is the one to report
		return true, fmt.Errorf("memo %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return true, fmt.Errorf("memo %s: %w", name, err)
	}
	return true, nil
}
