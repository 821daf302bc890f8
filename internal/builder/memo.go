package builder

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"folio/internal/safefile"
)

// A memo is one of the build's caches in OUT/.folio: results of a pure function of some
// text (a post's excerpt, the links of its rendered body, the search analysis of a title),
// by a hash of every input, kept from one build for the next. A memo is never wrong, only
// incomplete: its file is replaced in one rename after the build went live, and it is
// dropped whole when its stamp (the folio binary and _config.yml, see cacheStamp) differs
// or its bytes do not match the SHA-256 that ends the file. -full ignores it.
type memo struct {
	file  string              // its name in stateDir
	magic string              // its first line, with the format's version
	old   map[cacheKey][]byte // the former build's entries, read only
	mu    sync.Mutex
	used  map[cacheKey][]byte // the entries of this build, kept for the next
	hits  atomic.Int64        // lookups the former build's entries answered
}

type cacheKey [16]byte

// keyOf is the key of a result: a hash of its inputs, each prefixed by its length so that
// no two lists of inputs give the same bytes.
func keyOf(inputs ...string) cacheKey {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, s := range inputs {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	var k cacheKey
	copy(k[:], h.Sum(nil))
	return k
}

// openMemo reads out's memo file when its stamp matches (and reuse is set); a missing,
// stale or damaged file gives an empty memo.
func openMemo(out, file, magic, stamp string, reuse bool) *memo {
	m := &memo{file: file, magic: magic, old: map[cacheKey][]byte{}, used: map[cacheKey][]byte{}}
	if !reuse {
		return m
	}
	data, err := os.ReadFile(filepath.Join(out, stateDir, file))
	if err != nil {
		return m
	}
	head := magic + stamp + "\n"
	if !bytes.HasPrefix(data, []byte(head)) || len(data) < len(head)+sha256.Size {
		return m
	}
	body := data[:len(data)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], data[len(body):]) {
		return m // damaged: start afresh
	}
	entries := map[cacheKey][]byte{}
	for rest := body[len(head):]; len(rest) > 0; {
		var k cacheKey
		if len(rest) < len(k) {
			return m
		}
		copy(k[:], rest)
		size, w := binary.Uvarint(rest[len(k):])
		at := len(k) + w
		if w <= 0 || size > uint64(len(rest)-at) {
			return m // damaged: start afresh
		}
		entries[k] = rest[at : at+int(size) : at+int(size)]
		rest = rest[at+int(size):]
	}
	m.old = entries
	return m
}

// former returns the former build's entry for k.
func (m *memo) former(k cacheKey) ([]byte, bool) {
	v, ok := m.old[k]
	return v, ok
}

// current returns the entry this build made or kept for k.
func (m *memo) current(k cacheKey) ([]byte, bool) {
	m.mu.Lock()
	v, ok := m.used[k]
	m.mu.Unlock()
	return v, ok
}

// keep records k's entry as one of this build's, for the next build.
func (m *memo) keep(k cacheKey, v []byte) {
	m.mu.Lock()
	m.used[k] = v
	m.mu.Unlock()
}

// get returns the entry for k, of this build or the former one (which it keeps, and
// counts as a hit).
func (m *memo) get(k cacheKey) ([]byte, bool) {
	if v, ok := m.current(k); ok {
		return v, true
	}
	if v, ok := m.former(k); ok {
		m.hits.Add(1)
		m.keep(k, v)
		return v, true
	}
	return nil, false
}

// save writes the entries this build used, and with keepOld those of the former memo too,
// and their SHA-256, replacing the former file in one rename.
func (m *memo) save(out, stamp string, keepOld bool) error {
	var b bytes.Buffer
	b.WriteString(m.magic + stamp + "\n")
	var size [binary.MaxVarintLen64]byte
	put := func(k cacheKey, v []byte) {
		b.Write(k[:])
		b.Write(size[:binary.PutUvarint(size[:], uint64(len(v)))])
		b.Write(v)
	}
	if keepOld {
		for k, v := range m.old {
			if _, ok := m.used[k]; !ok {
				put(k, v)
			}
		}
	}
	for k, v := range m.used {
		put(k, v)
	}
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	dir := filepath.Join(out, stateDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return safefile.Write(filepath.Join(dir, m.file), b.Bytes())
}

// The memos besides the search analysis (incremental.go), by file name in stateDir.
const (
	excerptMemoFile     = "cache-excerpts.bin"
	frontMatterMemoFile = "cache-frontmatter.bin"
	linkMemoFile        = "cache-links.bin"
	// linkMemoMagic starts the link memo: the URLs of each rendered post (linkRefsOf).
	linkMemoMagic = "folio link cache 1\n"
)

// copiesFile is the bundle writer's record of the .br and .gz copies it wrote or checked
// (bundle.Writer.SaveCopies), which the next build trusts.
const copiesFile = "copies.bin"

// memoFiles are the memos' files and the record of copies, which removeStale keeps.
var memoFiles = map[string]bool{analysisCacheFile: true, excerptMemoFile: true, frontMatterMemoFile: true, linkMemoFile: true, copiesFile: true}

// openExcerptMemo reads out's excerpt memo: post bodies' excerpts (a third of reading
// the posts), by body, separator and format.
func openExcerptMemo(out, stamp string, reuse bool) *memo {
	return openMemo(out, excerptMemoFile, "folio excerpt cache 1\n", stamp, reuse)
}

// excerpt is a post.Config.ExcerptMemo.
func (m *memo) excerpt(body, sep, format string, take func() string) string {
	k := keyOf(body, sep, format)
	if v, ok := m.get(k); ok {
		return string(v)
	}
	e := take()
	m.keep(k, []byte(e))
	return e
}

// openFrontMatterMemo reads out's front matter memo: the parsed YAML of posts' front
// matter (a third of reading a post), by its text.
func openFrontMatterMemo(out, stamp string, reuse bool) *memo {
	return openMemo(out, frontMatterMemoFile, "folio front matter cache 1\n", stamp, reuse)
}

// frontMatter is a post.Config.FrontMatterMemo.
func (m *memo) frontMatter(src string, parse func() []byte) []byte {
	k := keyOf(src)
	if v, ok := m.get(k); ok {
		return v
	}
	v := parse()
	if v != nil {
		m.keep(k, v)
	}
	return v
}
