package search

import (
	"container/list"
	"context"
	"sync"

	"folio/internal/bundle"
)

// cache keeps decoded search files, least recently used out first, within a byte budget;
// it fetches each file once even when many goroutines ask for it at the same time.
type cache struct {
	fetch bundle.Fetcher
	limit int64

	mu      sync.Mutex
	size    int64
	items   map[string]*list.Element
	order   *list.List // front: most recently used
	fetched int64      // raw bytes fetched, for measurements
	files   int        // files fetched

	flights bundle.Flights[any] // fetches under way
}

type cacheItem struct {
	name string
	val  any
	size int64
}

func newCache(f bundle.Fetcher, limit int64) *cache {
	return &cache{fetch: f, limit: limit, items: map[string]*list.Element{}, order: list.New()}
}

// peek returns a cached value without fetching.
func (c *cache) peek(name string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[name]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheItem).val, true
	}
	return nil, false
}

// get returns the decoded file, fetching and decoding it (decode returns the value and its
// memory size) when it is not cached.
func (c *cache) get(ctx context.Context, name string, decode func([]byte) (any, int64, error)) (any, error) {
	if v, ok := c.peek(name); ok {
		return v, nil
	}
	return c.flights.Do(ctx, name, func() (any, error) {
		if v, ok := c.peek(name); ok { // a fetch that ended since the first look
			return v, nil
		}
		data, err := c.fetch.Fetch(ctx, name)
		if err != nil {
			return nil, &bundle.DataError{File: name, Err: err}
		}
		val, size, err := decode(data)
		if err != nil {
			return nil, &bundle.DataError{File: name, Err: err}
		}
		c.mu.Lock()
		c.fetched += int64(len(data))
		c.files++
		c.mu.Unlock()
		c.put(name, val, size)
		return val, nil
	})
}

// put keeps a value that was computed, not fetched.
func (c *cache) put(name string, val any, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[name]; ok {
		c.size -= e.Value.(*cacheItem).size
		c.order.Remove(e)
	}
	c.items[name] = c.order.PushFront(&cacheItem{name: name, val: val, size: size})
	c.size += size
	for c.size > c.limit && c.order.Len() > 1 {
		last := c.order.Back()
		it := last.Value.(*cacheItem)
		c.order.Remove(last)
		delete(c.items, it.name)
		c.size -= it.size
	}
}

// counters returns the raw bytes and number of files fetched so far.
func (c *cache) counters() (int64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetched, c.files
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
