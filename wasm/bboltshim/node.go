package bbolt

import (
	"bytes"
	"slices"
)

// node holds one bucket's entries in ascending key order. Committed nodes are never
// changed: a write transaction changes its own copy (see clone).
type node struct {
	items []item
}

// item is a key with either a value or, for a nested bucket, a child node.
type item struct {
	key   []byte
	value []byte
	child *node
}

// find returns the index of key, or where it would be inserted, and whether it is there.
func (n *node) find(key []byte) (int, bool) {
	return slices.BinarySearchFunc(n.items, key, func(it item, k []byte) int {
		return bytes.Compare(it.key, k)
	})
}

// clone copies the tree of nodes. Keys and values are shared: they are never changed in
// place, only replaced.
func (n *node) clone() *node {
	c := &node{items: slices.Clone(n.items)}
	for i := range c.items {
		if c.items[i].child != nil {
			c.items[i].child = c.items[i].child.clone()
		}
	}
	return c
}

// set stores it at its key's place, replacing an entry with the same key.
func (n *node) set(i int, found bool, it item) {
	if found {
		n.items[i] = it
		return
	}
	n.items = slices.Insert(n.items, i, it)
}
