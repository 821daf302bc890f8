package bundle

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"

	"folio/internal/safefile"
)

// Writer writes content-addressed files into a bundle folder. Put may be called from many
// goroutines; files are compressed and written by a pool of workers.
type Writer struct {
	dir      string
	compress bool

	jobs    chan job
	wg      sync.WaitGroup
	mu      sync.Mutex
	names   map[string]bool
	dirs    map[string]bool
	err     error
	stats   Stats
	written atomic.Int64
	closed  bool
	onWrite func(written int64)
	// encoded counts the bytes of every Put, duplicates included: the work of a build,
	// which must grow linearly with its input (tests check it).
	encoded atomic.Int64
	// trusted are the hashes of the copies a former build wrote or checked (see
	// TrustCopies); copies holds those of this build's, for the next.
	trusted map[string]copySums
	copies  map[string]copySums
}

// OnWrite sets a function called after each new file is written, with the count so far.
// Set it before the first Put; it may be called from several goroutines at once.
func (w *Writer) OnWrite(f func(written int64)) { w.onWrite = f }

type job struct {
	name     string
	data     []byte
	compress bool
}

// Stats counts what a build wrote.
type Stats struct {
	// Files is the number of data files in the bundle (not counting .br/.gz copies).
	Files int
	// Written is how many of them were new; the rest were already there from a former build.
	Written int
	// Bytes is the size of all data files; BrotliBytes and GzipBytes of their copies (of
	// the file itself for files written without copies).
	Bytes, BrotliBytes, GzipBytes int64
	// Removed counts stale files of former builds that were deleted.
	Removed int
	// Compressed counts the files whose copies this build made; the others' copies were
	// kept from a former build, or there are none.
	Compressed int
	// Trusted counts the copies kept because their bytes hash to the former build's record
	// (see TrustCopies), without decompressing them.
	Trusted int
}

// NewWriter prepares dir (created when missing) for a bundle. With compress set, every
// file also gets .br and .gz copies for hosts that serve precompressed files.
func NewWriter(dir string, compress bool, workers int) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create bundle folder: %w", err)
	}
	probe := filepath.Join(dir, ".folio-write-test")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		return nil, fmt.Errorf("bundle folder is not writable: %w", err)
	}
	_ = os.Remove(probe) // an empty file left behind harms nothing
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	w := &Writer{dir: dir, compress: compress, jobs: make(chan job, 4*workers), names: map[string]bool{}, dirs: map[string]bool{},
		copies: map[string]copySums{}}
	for range workers {
		w.wg.Go(func() {
			for j := range w.jobs {
				if err := w.write(j); err != nil {
					w.fail(err)
				}
			}
		})
	}
	return w, nil
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

// Put stores JSON data under a name made of kind and its content hash, and returns the
// name ("p/1a2b….json"). The same bytes always get the same name.
func (w *Writer) Put(kind string, data []byte) string { return w.PutFile(kind, "json", data) }

// PutFile stores data of any type (ext names it: "bin" for binary) under a name made of
// kind and its content hash, and returns the name ("s/1a2b….bin").
func (w *Writer) PutFile(kind, ext string, data []byte) string {
	return w.put(kind, ext, data, true)
}

// PutPlain is PutFile without the .br and .gz copies, for data that does not compress
// (hosts then serve the file as it is).
func (w *Writer) PutPlain(kind, ext string, data []byte) string {
	return w.put(kind, ext, data, false)
}

func (w *Writer) put(kind, ext string, data []byte, compress bool) string {
	w.encoded.Add(int64(len(data)))
	sum := sha256.Sum256(data)
	name := kind + "/" + hex.EncodeToString(sum[:8]) + "." + ext
	w.mu.Lock()
	dup := w.names[name]
	w.names[name] = true
	w.mu.Unlock()
	if !dup {
		w.jobs <- job{name, data, compress}
	}
	return name
}

// PutJSON encodes v and stores it as Put does.
func (w *Writer) PutJSON(kind string, v any) string {
	return w.Put(kind, encode(v))
}

func (w *Writer) write(j job) error {
	path := filepath.Join(w.dir, filepath.FromSlash(j.name))
	// A file already there from a former build is kept only when its bytes are right: a
	// name is its content, but a file damaged in place (same size, other bytes) must be
	// repaired, as the viewer's error page promises.
	fresh := !sameContent(path, j.data)
	compress := w.compress && j.compress
	var br, gz []byte
	var brKept, gzKept bool
	var sums copySums
	if compress {
		// Compressing is most of a rebuild's writing: copies of a former build that are
		// copies of the data are kept, known by the record's hash (see TrustCopies) or
		// else by decompressing them (which costs a fraction of compressing).
		if !fresh {
			known := w.trusted[j.name]
			br, sums.br, brKept = keptCopy(path+".br", j.data, known.br, func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil })
			gz, sums.gz, gzKept = keptCopy(path+".gz", j.data, known.gz, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
		}
		if !brKept {
			br = brotliBytes(j.data)
			sums.br = sumOf(br)
		}
		if !gzKept {
			gz = gzipBytes(j.data)
			sums.gz = sumOf(gz)
		}
	}
	if fresh {
		if err := w.mkdir(filepath.Dir(path)); err != nil {
			return err
		}
		if err := safefile.Write(path, j.data); err != nil {
			return err
		}
		if n := w.written.Add(1); w.onWrite != nil {
			w.onWrite(n)
		}
	}
	if compress {
		for ext, b := range map[string][]byte{".br": br, ".gz": gz} {
			if kept := ext == ".br" && brKept || ext == ".gz" && gzKept; !kept && (fresh || !sameContent(path+ext, b)) {
				if err := safefile.Write(path+ext, b); err != nil {
					return err
				}
			}
		}
	}
	w.mu.Lock()
	if compress {
		w.copies[j.name] = sums
	}
	w.stats.Files++
	w.stats.Bytes += int64(len(j.data))
	if w.compress && !j.compress { // served as it is
		br, gz = j.data, j.data
	}
	if compress && (!brKept || !gzKept) {
		w.stats.Compressed++
	}
	if brKept && sums.br == w.trusted[j.name].br {
		w.stats.Trusted++
	}
	if gzKept && sums.gz == w.trusted[j.name].gz {
		w.stats.Trusted++
	}
	w.stats.BrotliBytes += int64(len(br))
	w.stats.GzipBytes += int64(len(gz))
	w.mu.Unlock()
	return nil
}

// sameContent reports whether the regular file at path holds exactly data.
func sameContent(path string, data []byte) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(data)) {
		return false
	}
	have, err := os.ReadFile(path)
	return err == nil && bytes.Equal(have, data)
}

// keptCopy returns the compressed copy at path, and true, when it is a regular file that
// decompresses (through open) to exactly data, or whose bytes hash to known (the hash of a
// copy of data that a former build wrote or checked, see TrustCopies): hashing costs a
// fraction of decompressing, and finds a copy damaged in place as surely.
func keptCopy(path string, data []byte, known copySum, open func(io.Reader) (io.Reader, error)) ([]byte, copySum, bool) {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() {
		return nil, copySum{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, copySum{}, false
	}
	sum := sumOf(b)
	if known != (copySum{}) && sum == known {
		return b, sum, true
	}
	r, err := open(bytes.NewReader(b))
	if err != nil {
		return nil, copySum{}, false
	}
	// One byte more than data: a longer stream is not a copy of it.
	got, err := io.ReadAll(io.LimitReader(r, int64(len(data))+1))
	if err != nil || !bytes.Equal(got, data) {
		return nil, copySum{}, false
	}
	return b, sum, true
}

// mkdir creates a kind folder once.
func (w *Writer) mkdir(dir string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dirs[dir] {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w.dirs[dir] = true
	return nil
}

// BrotliQuality trades build time for size (0–11). Measured on 20k synthetic posts:
// quality 6 and 5 give the same size (29.2 vs 29.3 MB) with 5 using 8% less CPU; 4 is 11%
// bigger.
var BrotliQuality = 5

// Compressors are reused: each brotli writer allocates megabytes of tables.
var (
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, BrotliQuality) }}
	gzipPool   = sync.Pool{New: func() any { zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return zw }}
)

func brotliBytes(data []byte) []byte {
	var b bytes.Buffer
	zw := brotliPool.Get().(*brotli.Writer)
	zw.Reset(&b)
	// The compressor writes into a bytes.Buffer, which never fails.
	_, _ = zw.Write(data)
	_ = zw.Close()
	brotliPool.Put(zw)
	return b.Bytes()
}

func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&b)
	// The compressor writes into a bytes.Buffer, which never fails.
	_, _ = zw.Write(data)
	_ = zw.Close()
	gzipPool.Put(zw)
	return b.Bytes()
}

// Finish waits for every file, writes the manifest last (so a bundle is never half-live),
// and removes files of former builds that the new manifest no longer reaches. A site build
// that must keep the previous version's files for readers who still have it open calls
// Wait, WriteEntry and RemoveStale itself.
func (w *Writer) Finish(m *Manifest) (Stats, error) {
	if _, err := w.Wait(); err != nil {
		return w.stats, err
	}
	if err := w.WriteEntry(m); err != nil {
		return w.stats, err
	}
	_, err := w.RemoveStale(nil)
	return w.stats, err
}

// Wait waits until every file put so far is written. No file may be put after it.
func (w *Writer) Wait() (Stats, error) {
	if !w.closed {
		w.closed = true
		close(w.jobs)
		w.wg.Wait()
	}
	if w.err != nil {
		return w.stats, fmt.Errorf("write bundle: %w", w.err)
	}
	w.stats.Written = int(w.written.Load())
	return w.stats, nil
}

// Names returns the names of the files written, sorted.
func (w *Writer) Names() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	names := make([]string, 0, len(w.names))
	for n := range w.names {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ID is the bundle's ID: a hash of every file name, so equal bundles have equal IDs.
func (w *Writer) ID() string {
	sum := sha256.Sum256([]byte(strings.Join(w.Names(), "\n")))
	return hex.EncodeToString(sum[:8])
}

// WriteEntry sets the manifest's ID (a hash of every file name, so equal bundles have
// equal IDs) and writes it as the entry file, replacing the former one in one rename:
// this is the moment the new bundle goes live. Call it after Wait.
func (w *Writer) WriteEntry(m *Manifest) error {
	m.ID = w.ID()
	data := encode(m)
	path := filepath.Join(w.dir, EntryFile)
	// The copies first: a host serving them must never pair a new copy with an old entry
	// for long, and the plain file (the one every host has) switches last.
	if w.compress {
		if err := safefile.Write(path+".br", brotliBytes(data)); err != nil {
			return fmt.Errorf("write manifest: %w", err)
		}
		if err := safefile.Write(path+".gz", gzipBytes(data)); err != nil {
			return fmt.Errorf("write manifest: %w", err)
		}
	}
	if err := safefile.Write(path, data); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// RemoveStale deletes data files (and their copies) that this build did not write and
// keep does not claim (keep may be nil), and the temporary files of killed builds. It
// returns how many data files it removed.
func (w *Writer) RemoveStale(keep func(name string) bool) (int, error) {
	removed := 0
	err := filepath.WalkDir(w.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(w.dir, path)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(d.Name(), safefile.TempPrefix) {
			return os.Remove(path)
		}
		base := strings.TrimSuffix(strings.TrimSuffix(rel, ".br"), ".gz")
		if base == EntryFile || w.names[base] || (keep != nil && keep(base)) {
			return nil
		}
		if !strings.Contains(rel, "/") {
			return nil // not ours: only kind folders hold data files
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if base == rel {
			removed++
		}
		return nil
	})
	w.stats.Removed = removed
	return removed, err
}

// encode is the one JSON encoding of the format: no HTML escaping, no trailing newline,
// map keys sorted (encoding/json sorts them), so equal values give equal bytes.
func encode(v any) []byte {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		panic(fmt.Sprintf("bundle: encode %T: %v", v, err)) // only plain data types reach here
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Compress returns the brotli and gzip copies of data, as the bundle writes them.
func Compress(data []byte) (br, gz []byte) { return brotliBytes(data), gzipBytes(data) }
