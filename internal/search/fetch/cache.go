package fetch

import (
	"container/list"
	"sync"
)

// Cache keeps values within a byte budget, least recently used out first: the decoded
// search files (see Fetcher), and apart from them the phrase postings computed from them
// (the reader.Store of a Searcher's readers).
type Cache struct {
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

// NewCache returns an empty cache of limit bytes.
func NewCache(limit int64) *Cache {
	return &Cache{limit: limit, items: map[string]*list.Element{}, order: list.New()}
}

// Peek returns a cached value.
func (c *Cache) Peek(name string) (any, bool) {
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
func (c *Cache) Put(name string, val any, size int64) {
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

// Drop forgets a value (tests: a file pushed out of the cache).
func (c *Cache) Drop(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[name]; ok {
		c.size -= e.Value.(*cacheItem).size
		c.order.Remove(e)
		delete(c.items, name)
	}
}

// Len returns the number of values kept.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
