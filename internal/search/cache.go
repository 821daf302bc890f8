package search

import (
	"container/list"
	"sync"
)

// cache keeps values within a byte budget, least recently used out first: the decoded
// search files (see fetcher), and apart from them the phrase postings computed from them
// (the reader.Store of the Searcher's readers).
type cache struct {
	limit int64

	mu    sync.Mutex
	size  int64
	items map[string]*list.Element
	order *list.List // front: most recently used
}

type cacheItem struct {
	name string
	val  any
	size int64
}

func newCache(limit int64) *cache {
	return &cache{limit: limit, items: map[string]*list.Element{}, order: list.New()}
}

// Peek returns a cached value.
func (c *cache) Peek(name string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[name]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheItem).val, true
	}
	return nil, false
}

// Put keeps a value of the given memory size, pushing out the least recently used values
// beyond the limit.
func (c *cache) Put(name string, val any, size int64) {
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
