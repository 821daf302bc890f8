package search

import (
	"context"
	"sync"

	"folio/internal/bundle"
	"folio/internal/search/format"
	"folio/internal/search/reader"
)

// fetcher fetches search files from the bundle and decodes them, keeping the decoded files
// in a cache; it fetches each file once even when many goroutines ask for it at the same
// time.
type fetcher struct {
	fetch   bundle.Fetcher
	cache   *cache
	flights bundle.Flights[any] // fetches under way

	mu      sync.Mutex
	fetched int64 // raw bytes fetched, for measurements
	files   int   // files fetched
}

func newFetcher(f bundle.Fetcher, cacheBytes int64) *fetcher {
	return &fetcher{fetch: f, cache: newCache(cacheBytes)}
}

// peek returns a decoded file if it is cached, without fetching.
func (f *fetcher) peek(name string) (any, bool) { return f.cache.Peek(name) }

// get returns the decoded file, fetching and decoding it (decode returns the value and its
// memory size) when it is not cached.
func (f *fetcher) get(ctx context.Context, name string, decode func([]byte) (any, int64, error)) (any, error) {
	if v, ok := f.cache.Peek(name); ok {
		return v, nil
	}
	return f.flights.Do(ctx, name, func() (any, error) {
		if v, ok := f.cache.Peek(name); ok { // a fetch that ended since the first look
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
		f.cache.Put(name, val, size)
		return val, nil
	})
}

// counters returns the raw bytes and number of files fetched so far.
func (f *fetcher) counters() (int64, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetched, f.files
}

// Loaders of each kind of file.

func (f *fetcher) node(ctx context.Context, name string) (*format.RouteNode, error) {
	v, err := f.get(ctx, name, decodeNodeFile)
	if err != nil {
		return nil, err
	}
	return v.(*format.RouteNode), nil
}

func (f *fetcher) chunk(ctx context.Context, name string) (*reader.TermChunk, error) {
	v, err := f.get(ctx, name, reader.DecodeChunkFile)
	if err != nil {
		return nil, err
	}
	return v.(*reader.TermChunk), nil
}

func (f *fetcher) posChunk(ctx context.Context, name string) (*reader.PosChunk, error) {
	v, err := f.get(ctx, name, reader.DecodePosFile)
	if err != nil {
		return nil, err
	}
	return v.(*reader.PosChunk), nil
}

func (f *fetcher) meta(ctx context.Context, name string) (*reader.Meta, error) {
	v, err := f.get(ctx, name, reader.DecodeMetaFile)
	if err != nil {
		return nil, err
	}
	return v.(*reader.Meta), nil
}

// getAll fetches names in parallel; it returns the first error.
func getAll(ctx context.Context, names []string, get func(context.Context, string) error) error {
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
