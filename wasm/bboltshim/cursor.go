package bbolt

// Cursor walks a bucket's entries in key order. Methods return a nil key past either end,
// and a nil value for nested buckets.
type Cursor struct {
	b       *Bucket
	i       int  // current index into b.n.items; -1 before the first call
	removed bool // Delete removed item i; the next entry now sits at i
}

// Bucket returns the bucket the cursor walks.
func (c *Cursor) Bucket() *Bucket { return c.b }

// First moves to the first entry.
func (c *Cursor) First() (key, value []byte) { return c.at(0) }

// Last moves to the last entry.
func (c *Cursor) Last() (key, value []byte) { return c.at(len(c.b.n.items) - 1) }

// Next moves to the entry after the current one.
func (c *Cursor) Next() (key, value []byte) {
	if c.removed {
		return c.at(c.i)
	}
	return c.at(c.i + 1)
}

// Prev moves to the entry before the current one.
func (c *Cursor) Prev() (key, value []byte) { return c.at(c.i - 1) }

// Seek moves to seek, or to the first entry after it if it is missing.
func (c *Cursor) Seek(seek []byte) (key, value []byte) {
	i, _ := c.b.n.find(seek)
	return c.at(i)
}

// Delete removes the current entry; the next call to Next returns the entry after it.
func (c *Cursor) Delete() error {
	if err := c.b.tx.check(); err != nil {
		return err
	}
	items := c.b.n.items
	if c.removed || c.i < 0 || c.i >= len(items) {
		return nil
	}
	if items[c.i].child != nil {
		return ErrIncompatibleValue
	}
	c.b.n.items = append(items[:c.i], items[c.i+1:]...)
	c.removed = true
	return nil
}

// at moves to index i and returns its entry, or nils when i is out of range (the cursor
// then stays just outside that end).
func (c *Cursor) at(i int) (key, value []byte) {
	c.removed = false
	n := len(c.b.n.items)
	if c.b.tx.closed || i < 0 || i >= n {
		c.i = max(-1, min(i, n))
		return nil, nil
	}
	c.i = i
	it := c.b.n.items[i]
	return it.key, it.value
}
