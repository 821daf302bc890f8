// Package fetch fetches the search data's files from the bundle and decodes them, once
// however many goroutines ask at the same time, keeping the decoded files in a bounded
// cache (Fetcher, Cache).
package fetch

import (
	"context"
	"fmt"
	"sync"

	"folio/internal/bundle"
	"folio/internal/search/format"
	"folio/internal/search/reader"
)

// Fetcher fetches search files from the bundle and decodes them, keeping the decoded files
// in a cache; it fetches each file once even when many goroutines ask for it at the same
// time.
type Fetcher struct {
	fetch   bundle.Fetcher
	Cache   *Cache              // the decoded files
	flights bundle.Flights[any] // fetches under way

	mu      sync.Mutex
	fetched int64 // raw bytes fetched, for measurements
	files   int   // files fetched
}

// New returns a Fetcher of f's files caching cacheBytes of decoded files.
func New(f bundle.Fetcher, cacheBytes int64) *Fetcher {
	return &Fetcher{fetch: f, Cache: NewCache(cacheBytes)}
}

// Peek returns a decoded file if it is cached, without fetching.
func (f *Fetcher) Peek(name string) (any, bool) { return f.Cache.Peek(name) }

// get returns the decoded file, fetching and decoding it (decode returns the value and its
// memory size) when it is not cached.
func (f *Fetcher) get(ctx context.Context, name string, decode func([]byte) (any, int64, error)) (any, error) {
	if v, ok := f.Cache.Peek(name); ok {
		return v, nil
	}
	return f.flights.Do(ctx, name, func() (any, error) {
		if v, ok := f.Cache.Peek(name); ok { // a fetch that ended since the first look
			return v, nil
		}
		data, err := f.fetch.Fetch(ctx, name)
		if err != nil {
			return nil, &bundle.DataError{File: name, Err: err}
		}
		val, size, err := decode(data)
		if err != nil {
			return nil, &bundle.DataError{File: name, Err: err}
		}
		f.mu.Lock()
		f.fetched += int64(len(data))
		f.files++
		f.mu.Unlock()
		f.Cache.Put(name, val, size)
		return val, nil
	})
}

// Counters returns the raw bytes and number of files fetched so far.
func (f *Fetcher) Counters() (int64, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetched, f.files
}

// Loaders of each kind of file.

func (f *Fetcher) Node(ctx context.Context, name string) (*format.RouteNode, error) {
	v, err := f.get(ctx, name, decodeNodeFile)
	if err != nil {
		return nil, err
	}
	if n, ok := v.(*format.RouteNode); ok {
		return n, nil
	}
	return nil, &bundle.DataError{File: name, Err: fmt.Errorf("%w: not a route node", format.ErrDamaged)} // damaged routes naming a chunk
}

// Chunk returns a term chunk, from a file of its own or one with its positions (a later
// segment's, see format.EncodeTermPos).
func (f *Fetcher) Chunk(ctx context.Context, name string) (*reader.TermChunk, error) {
	v, err := f.get(ctx, name, reader.DecodeTermChunkFile)
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case *reader.TermChunk:
		return v, nil
	case *reader.TermPos:
		return v.Chunk, nil
	}
	return nil, &bundle.DataError{File: name, Err: fmt.Errorf("%w: not a term chunk", format.ErrDamaged)}
}

// PosChunk returns a position chunk, from a file of its own or one with its term chunk.
func (f *Fetcher) PosChunk(ctx context.Context, name string) (*reader.PosChunk, error) {
	v, err := f.get(ctx, name, reader.DecodePosChunkFile)
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case *reader.PosChunk:
		return v, nil
	case *reader.TermPos:
		return v.Pos, nil
	}
	return nil, &bundle.DataError{File: name, Err: fmt.Errorf("%w: not a position chunk", format.ErrDamaged)}
}

func (f *Fetcher) Meta(ctx context.Context, name string) (*reader.Meta, error) {
	v, err := f.get(ctx, name, reader.DecodeMetaFile)
	if err != nil {
		return nil, err
	}
	return v.(*reader.Meta), nil
}

// All fetches names in parallel; it returns the first error.
func All(ctx context.Context, names []string, get func(context.Context, string) error) error {
	if len(names) == 1 {
		return get(ctx, names[0])
	}
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		wg.Go(func() { errs[i] = get(ctx, name) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func decodeNodeFile(data []byte) (any, int64, error) {
	n, err := format.DecodeNode(data)
	if err != nil {
		return nil, 0, err
	}
	return n, 2 * int64(len(data)), nil
}
