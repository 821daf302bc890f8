package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Fetcher gets one bundle file by its name relative to the bundle folder.
type Fetcher interface {
	Fetch(ctx context.Context, name string) ([]byte, error)
}

// FetchFunc adapts a function to Fetcher.
type FetchFunc func(ctx context.Context, name string) ([]byte, error)

// Fetch calls f.
func (f FetchFunc) Fetch(ctx context.Context, name string) ([]byte, error) { return f(ctx, name) }

// FS reads a bundle from a file system.
func FS(fsys fs.FS) Fetcher {
	return FetchFunc(func(_ context.Context, name string) ([]byte, error) { return fs.ReadFile(fsys, name) })
}

// ErrOffline wraps fetch failures at the network level (no connection, server gone), as
// opposed to a file that came back missing or damaged.
var ErrOffline = errors.New("network unreachable")

// ErrNotFound is returned for a post, URL or term the bundle does not have.
var ErrNotFound = errors.New("not found")

// DataError says a bundle file is missing or damaged.
type DataError struct {
	File string
	Err  error
}

func (e *DataError) Error() string { return fmt.Sprintf("bundle file %s: %v", e.File, e.Err) }
func (e *DataError) Unwrap() error { return e.Err }

// Reader reads a bundle through a Fetcher, fetching only the files a call needs and
// keeping recently used ones decoded. It is safe for concurrent use.
type Reader struct {
	f Fetcher
	m *Manifest

	mu     sync.Mutex
	cache  map[string]any
	order  []string        // oldest first, for eviction
	shards Flights[[]byte] // shard fetches under way, shared by their callers
}

// cacheFiles is how many decoded files (and single posts of shards) a Reader keeps.
const cacheFiles = 256

// Open reads the manifest and checks its format and version. Every other file read
// through the Reader (or its Fetcher) is checked against the hash in its name.
func Open(ctx context.Context, f Fetcher) (*Reader, error) {
	f = Checked(f)
	data, err := f.Fetch(ctx, EntryFile)
	if err != nil {
		return nil, &DataError{File: EntryFile, Err: err}
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, &DataError{File: EntryFile, Err: fmt.Errorf("damaged: %w", err)}
	}
	if m.Format != Format || m.Version != Version {
		return nil, &VersionError{Format: m.Format, Version: m.Version}
	}
	return &Reader{f: f, m: &m, cache: map[string]any{}}, nil
}

// Manifest returns the bundle's manifest.
func (r *Reader) Manifest() *Manifest { return r.m }

// load fetches and decodes a file into a new T, or returns the cached one.
func load[T any](ctx context.Context, r *Reader, name string) (*T, error) {
	r.mu.Lock()
	if v, ok := r.cache[name]; ok {
		r.mu.Unlock()
		if t, ok := v.(*T); ok {
			return t, nil
		}
		return nil, &DataError{File: name, Err: errors.New("read as two different kinds of file")}
	}
	r.mu.Unlock()
	data, err := r.f.Fetch(ctx, name)
	if err != nil {
		return nil, &DataError{File: name, Err: err}
	}
	t := new(T)
	if err := json.Unmarshal(data, t); err != nil {
		return nil, &DataError{File: name, Err: fmt.Errorf("damaged: %w", err)}
	}
	r.keep(name, t)
	return t, nil
}

// keep caches a file's value, dropping the oldest beyond cacheFiles.
func (r *Reader) keep(name string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.cache[name]; !ok {
		r.cache[name] = v
		r.order = append(r.order, name)
		if len(r.order) > cacheFiles {
			delete(r.cache, r.order[0])
			r.order = r.order[1:]
		}
	}
}

// Load fetches and decodes a bundle file of any type (used by packages that add Extra files).
func Load[T any](ctx context.Context, r *Reader, name string) (*T, error) {
	return load[T](ctx, r, name)
}

// Fetcher returns the reader's fetcher; it checks every file against its name.
func (r *Reader) Fetcher() Fetcher { return r.f }

// maxTableDepth bounds a table's depth: TableFanout^10 files is far beyond any archive,
// and a damaged depth must not overflow the span of a table entry.
const maxTableDepth = 10

// file returns the name of file i of a table.
func (r *Reader) file(ctx context.Context, t Table, i int) (string, error) {
	if i < 0 || i >= t.Len {
		return "", fmt.Errorf("table index %d out of range [0,%d)", i, t.Len)
	}
	if t.Depth > maxTableDepth {
		return "", &DataError{File: "table", Err: fmt.Errorf("depth %d", t.Depth)}
	}
	for t.Depth > 0 {
		span := 1
		for range t.Depth {
			span *= TableFanout
		}
		j := i / span
		if j >= len(t.Files) {
			return "", &DataError{File: "table", Err: fmt.Errorf("entry %d missing", j)}
		}
		sub, err := load[Table](ctx, r, t.Files[j])
		if err != nil {
			return "", err
		}
		if sub.Depth != t.Depth-1 { // else a table that names itself would loop
			return "", &DataError{File: t.Files[j], Err: fmt.Errorf("sub-table of depth %d in a table of depth %d", sub.Depth, t.Depth)}
		}
		t, i = *sub, i%span
	}
	if i >= len(t.Files) {
		return "", &DataError{File: "table", Err: fmt.Errorf("entry %d missing", i)}
	}
	return t.Files[i], nil
}

// bucket returns the lookup bucket for key.
func (r *Reader) bucket(ctx context.Context, key string) (*Bucket, error) {
	if r.m.Lookup.Len == 0 {
		return nil, ErrNotFound
	}
	name, err := r.file(ctx, r.m.Lookup, BucketOf(key, r.m.Lookup.Len))
	if err != nil {
		return nil, err
	}
	return load[Bucket](ctx, r, name)
}

// Post returns the post with the given ID: its Key from its lookup bucket, its shard from
// the shard table.
func (r *Reader) Post(ctx context.Context, id string) (*Post, error) {
	b, err := r.bucket(ctx, id)
	if err != nil {
		return nil, err
	}
	key, ok := b.IDs[id]
	if !ok {
		return nil, fmt.Errorf("post %q: %w", id, ErrNotFound)
	}
	shard, err := r.shardOf(ctx, key)
	if err != nil {
		return nil, err
	}
	return r.postIn(ctx, shard, id)
}

// shardOf returns the shard that holds the post at key: the last of the shard table whose
// first Key is not after key.
func (r *Reader) shardOf(ctx context.Context, key Key) (string, error) {
	t := r.m.Shards
	name := "the shard table"
	if t.Depth > maxTableDepth {
		return "", &DataError{File: name, Err: fmt.Errorf("depth %d", t.Depth)}
	}
	for {
		if len(t.Keys) != len(t.Files) || len(t.Files) == 0 {
			return "", &DataError{File: name, Err: fmt.Errorf("%d keys for %d files", len(t.Keys), len(t.Files))}
		}
		j := sort.Search(len(t.Keys), func(i int) bool { return key.Less(t.Keys[i]) }) - 1
		if j < 0 {
			return "", &DataError{File: name, Err: fmt.Errorf("no shard holds the post of %s", key.File)}
		}
		if t.Depth == 0 {
			return t.Files[j], nil
		}
		sub, err := load[Table](ctx, r, t.Files[j])
		if err != nil {
			return "", err
		}
		if sub.Depth != t.Depth-1 { // else a table that names itself would loop
			return "", &DataError{File: t.Files[j], Err: fmt.Errorf("sub-table of depth %d in a table of depth %d", sub.Depth, t.Depth)}
		}
		t, name = *sub, t.Files[j]
	}
}

// postIn returns the post with the given ID from a shard. It decodes only that post's line
// of the shard (found by the ID that starts it) and keeps the post, as ShardPost does.
func (r *Reader) postIn(ctx context.Context, shard, id string) (*Post, error) {
	key := shard + "@" + id
	r.mu.Lock()
	v, ok := r.cache[key]
	if !ok {
		v = r.cache[shard]
	}
	r.mu.Unlock()
	switch v := v.(type) {
	case *Post:
		c := *v // callers may change their copy
		return &c, nil
	case *Shard:
		return postWithID(shard, v, id)
	}
	data, err := r.fetchShard(ctx, shard)
	if err != nil {
		return nil, &DataError{File: shard, Err: err}
	}
	line, ok := shardLineOf(data, id)
	if !ok {
		var s Shard
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, &DataError{File: shard, Err: fmt.Errorf("damaged: %w", err)}
		}
		r.keep(shard, &s)
		return postWithID(shard, &s, id)
	}
	var p Post
	if err := json.Unmarshal(line, &p); err != nil {
		return nil, &DataError{File: shard, Err: fmt.Errorf("damaged: post %q: %w", id, err)}
	}
	if p.ID != id {
		return nil, &DataError{File: shard, Err: fmt.Errorf("post %q is not where the lookup says", id)}
	}
	c := p
	r.keep(key, &c)
	return &p, nil
}

func postWithID(shard string, s *Shard, id string) (*Post, error) {
	for _, p := range s.Posts {
		if p.ID == id {
			return &p, nil
		}
	}
	return nil, &DataError{File: shard, Err: fmt.Errorf("post %q is not where the lookup says", id)}
}

// shardLineOf returns the line of a shard written one post per line that holds the post
// with the given ID (each line starts with it), without the comma.
func shardLineOf(data []byte, id string) ([]byte, bool) {
	if !bytes.HasPrefix(data, []byte(shardHead)) || !bytes.HasSuffix(data, []byte(shardTail)) {
		return nil, false
	}
	start := append(append([]byte(`{"id":`), encode(id)...), ',')
	rest := data[len(shardHead) : len(data)-len(shardTail)+1] // keep the last line's newline
	for len(rest) > 0 {
		k := bytes.IndexByte(rest, '\n')
		if k < 0 {
			return nil, false
		}
		if line := rest[:k]; bytes.HasPrefix(line, start) {
			return bytes.TrimSuffix(line, []byte(",")), true
		}
		rest = rest[k+1:]
	}
	return nil, false
}

// Shards hold one post per line between these two lines.
const (
	shardHead = "{\"posts\":[\n"
	shardTail = "\n]}"
)

// ShardPost returns post i of a shard. It decodes only that post's line of the shard (a
// whole shard takes ~10 MB/s to decode in WebAssembly) and keeps the post, not the shard;
// a shard written without one post per line is decoded whole.
func (r *Reader) ShardPost(ctx context.Context, shard string, i int) (*Post, error) {
	key := shard + "#" + strconv.Itoa(i)
	r.mu.Lock()
	v, ok := r.cache[key]
	if !ok {
		v = r.cache[shard]
	}
	r.mu.Unlock()
	var line []byte
	switch v := v.(type) {
	case *Post:
		c := *v // callers may change their copy
		return &c, nil
	case *Shard:
		return postAt(shard, v, i)
	case []byte: // kept by ShardLine
		line = v
	}
	if line == nil {
		data, err := r.fetchShard(ctx, shard)
		if err != nil {
			return nil, &DataError{File: shard, Err: err}
		}
		var ok bool
		if line, ok = shardLine(data, i); !ok {
			var s Shard
			if err := json.Unmarshal(data, &s); err != nil {
				return nil, &DataError{File: shard, Err: fmt.Errorf("damaged: %w", err)}
			}
			r.keep(shard, &s)
			return postAt(shard, &s, i)
		}
	}
	var p Post
	if err := json.Unmarshal(line, &p); err != nil {
		return nil, &DataError{File: shard, Err: fmt.Errorf("damaged: post %d: %w", i, err)}
	}
	c := p
	r.keep(key, &c)
	return &p, nil
}

// ShardLine returns the JSON of post i of a shard written one post per line (what
// ShardPost decodes), for a caller that reads only some of its fields. It keeps a copy
// of the line, so that ShardPost gives the post later without a fetch (a search hit
// opened). ok is false when there is no such line at hand: the shard is not written that
// way, has no line i, or the post is decoded already; ShardPost gives the post then. The
// line must not be changed.
func (r *Reader) ShardLine(ctx context.Context, shard string, i int) (line []byte, ok bool, err error) {
	key := shard + "#" + strconv.Itoa(i)
	r.mu.Lock()
	v, cached := r.cache[key]
	r.mu.Unlock()
	if cached {
		line, ok = v.([]byte)
		return line, ok, nil
	}
	data, err := r.fetchShard(ctx, shard)
	if err != nil {
		return nil, false, &DataError{File: shard, Err: err}
	}
	if line, ok = shardLine(data, i); ok {
		line = bytes.Clone(line)
		r.keep(key, line)
	}
	return line, ok, nil
}

// fetchShard fetches a shard file once for all the callers that ask while it is under way
// (a page of search hits sorted by date mostly sits in one or two shards).
func (r *Reader) fetchShard(ctx context.Context, shard string) ([]byte, error) {
	return r.shards.Do(ctx, shard, func() ([]byte, error) { return r.f.Fetch(ctx, shard) })
}

func postAt(shard string, s *Shard, i int) (*Post, error) {
	if i < 0 || i >= len(s.Posts) {
		return nil, &DataError{File: shard, Err: fmt.Errorf("no post %d in a shard of %d", i, len(s.Posts))}
	}
	p := s.Posts[i]
	return &p, nil
}

// shardLine returns line i of a shard written one post per line, without the comma.
func shardLine(data []byte, i int) ([]byte, bool) {
	if i < 0 || !bytes.HasPrefix(data, []byte(shardHead)) || !bytes.HasSuffix(data, []byte(shardTail)) {
		return nil, false
	}
	rest := data[len(shardHead) : len(data)-len(shardTail)+1] // keep the last line's newline
	for ; i > 0; i-- {
		k := bytes.IndexByte(rest, '\n')
		if k < 0 {
			return nil, false
		}
		rest = rest[k+1:]
	}
	k := bytes.IndexByte(rest, '\n')
	if k < 0 {
		return nil, false
	}
	line := bytes.TrimSuffix(rest[:k], []byte(","))
	return line, len(line) > 0
}

// IDForURL returns the ID of the post at a URL path. The path may omit a trailing
// "index.html" or ".html".
func (r *Reader) IDForURL(ctx context.Context, url string) (string, error) {
	for _, u := range urlForms(url) {
		b, err := r.bucket(ctx, u)
		if err != nil {
			return "", err
		}
		if id, ok := b.URLs[u]; ok {
			return id, nil
		}
	}
	return "", fmt.Errorf("URL %q: %w", url, ErrNotFound)
}

// urlForms lists the ways a post URL may be written: as is, with or without ".html",
// with or without a trailing slash.
func urlForms(u string) []string {
	forms := []string{u}
	switch {
	case strings.HasSuffix(u, "/index.html"):
		forms = append(forms, strings.TrimSuffix(u, "index.html"))
	case strings.HasSuffix(u, ".html"):
		forms = append(forms, strings.TrimSuffix(u, ".html"), strings.TrimSuffix(u, ".html")+"/")
	case strings.HasSuffix(u, "/"):
		forms = append(forms, strings.TrimSuffix(u, "/")+".html", strings.TrimSuffix(u, "/"))
	default:
		forms = append(forms, u+".html", u+"/")
	}
	return forms
}

// Terms returns the term index of a taxonomy ("categories", "tags", "years", "months").
func (r *Reader) Terms(ctx context.Context, kind string) (*TermIndex, error) {
	name, ok := r.m.Terms[kind]
	if !ok {
		return nil, fmt.Errorf("taxonomy %q: %w", kind, ErrNotFound)
	}
	return load[TermIndex](ctx, r, name)
}

// Span is a run of a list: Count entries from index Start, oldest first.
type Span struct {
	List  *List
	Start int
	Count int
}

// AllSpan is the whole list of all posts.
func (r *Reader) AllSpan() Span { return Span{List: &r.m.All, Count: r.m.All.Total} }

// TermList returns the posts of one term.
func (r *Reader) TermList(ctx context.Context, kind, term string) (Span, error) {
	idx, err := r.Terms(ctx, kind)
	if err != nil {
		return Span{}, err
	}
	for _, t := range idx.Terms {
		if t.Name != term {
			continue
		}
		if t.List == "" {
			if t.Start < 0 || t.Start+t.Count > r.m.All.Total {
				return Span{}, &DataError{File: r.m.Terms[kind], Err: fmt.Errorf("term %q runs past the list", term)}
			}
			return Span{List: &r.m.All, Start: t.Start, Count: t.Count}, nil
		}
		l, err := load[List](ctx, r, t.List)
		if err != nil {
			return Span{}, err
		}
		return Span{List: l, Count: l.Total}, nil
	}
	return Span{}, fmt.Errorf("%s %q: %w", strings.TrimSuffix(kind, "s"), term, ErrNotFound)
}

// Entries returns up to limit entries of a span, newest first, starting offset entries
// from the newest.
func (r *Reader) Entries(ctx context.Context, s Span, offset, limit int) ([]Entry, error) {
	out := []Entry{}
	if offset < 0 {
		offset = 0
	}
	l := s.List
	if l.PageSize <= 0 && offset < s.Count {
		return nil, &DataError{File: "list", Err: fmt.Errorf("page size %d", l.PageSize)}
	}
	for k := offset; k < s.Count && len(out) < limit; {
		i := s.Start + s.Count - 1 - k // index, oldest first
		name, err := r.file(ctx, l.Pages, i/l.PageSize)
		if err != nil {
			return nil, err
		}
		page, err := load[Page](ctx, r, name)
		if err != nil {
			return nil, err
		}
		for j := i % l.PageSize; j >= 0 && len(out) < limit && k < s.Count; j-- {
			if j >= len(page.Entries) {
				return nil, &DataError{File: name, Err: errors.New("page is shorter than its list says")}
			}
			out = append(out, page.Entries[j])
			k++
		}
	}
	return out, nil
}
