package bbolt

import "bytes"

// Bucket is a set of key/value pairs and nested buckets, valid during its transaction.
type Bucket struct {
	tx *Tx
	n  *node

	// FillPercent mirrors bbolt's page fill threshold; it has no effect here.
	FillPercent float64
}

// Tx returns the transaction the bucket belongs to.
func (b *Bucket) Tx() *Tx { return b.tx }

// Writable reports whether the bucket's transaction may change it.
func (b *Bucket) Writable() bool { return b.tx.writable }

// Get returns the value of key, or nil if the key is missing or names a nested bucket.
// The returned slice must not be modified.
func (b *Bucket) Get(key []byte) []byte {
	if b.tx.closed {
		return nil
	}
	if i, ok := b.n.find(key); ok && b.n.items[i].child == nil {
		return b.n.items[i].value
	}
	return nil
}

// Put sets key to a copy of value.
func (b *Bucket) Put(key, value []byte) error {
	if err := b.tx.check(); err != nil {
		return err
	}
	switch {
	case len(key) == 0:
		return ErrKeyRequired
	case len(key) > MaxKeySize:
		return ErrKeyTooLarge
	case int64(len(value)) > MaxValueSize:
		return ErrValueTooLarge
	}
	i, ok := b.n.find(key)
	if ok && b.n.items[i].child != nil {
		return ErrIncompatibleValue
	}
	b.n.set(i, ok, item{key: bytes.Clone(key), value: append([]byte{}, value...)})
	return nil
}

// Delete removes key; a missing key is not an error, a nested bucket is.
func (b *Bucket) Delete(key []byte) error {
	if err := b.tx.check(); err != nil {
		return err
	}
	i, ok := b.n.find(key)
	if !ok {
		return nil
	}
	if b.n.items[i].child != nil {
		return ErrIncompatibleValue
	}
	b.n.items = append(b.n.items[:i], b.n.items[i+1:]...)
	return nil
}

// Bucket returns the nested bucket name, or nil if there is none.
func (b *Bucket) Bucket(name []byte) *Bucket {
	if b.tx.closed {
		return nil
	}
	if i, ok := b.n.find(name); ok && b.n.items[i].child != nil {
		return &Bucket{tx: b.tx, n: b.n.items[i].child, FillPercent: DefaultFillPercent}
	}
	return nil
}

// CreateBucket creates the nested bucket name; it fails with ErrBucketExists if it exists.
func (b *Bucket) CreateBucket(name []byte) (*Bucket, error) {
	nb, created, err := b.createBucket(name)
	if err == nil && !created {
		return nil, ErrBucketExists
	}
	return nb, err
}

// CreateBucketIfNotExists returns the nested bucket name, creating it if needed.
func (b *Bucket) CreateBucketIfNotExists(name []byte) (*Bucket, error) {
	nb, _, err := b.createBucket(name)
	return nb, err
}

func (b *Bucket) createBucket(name []byte) (nb *Bucket, created bool, err error) {
	if err := b.tx.check(); err != nil {
		return nil, false, err
	}
	if len(name) == 0 {
		return nil, false, ErrBucketNameRequired
	}
	i, ok := b.n.find(name)
	if ok {
		if b.n.items[i].child == nil {
			return nil, false, ErrIncompatibleValue
		}
		return &Bucket{tx: b.tx, n: b.n.items[i].child, FillPercent: DefaultFillPercent}, false, nil
	}
	child := &node{}
	b.n.set(i, false, item{key: bytes.Clone(name), child: child})
	return &Bucket{tx: b.tx, n: child, FillPercent: DefaultFillPercent}, true, nil
}

// DeleteBucket deletes the nested bucket name and everything in it.
func (b *Bucket) DeleteBucket(name []byte) error {
	if err := b.tx.check(); err != nil {
		return err
	}
	i, ok := b.n.find(name)
	if !ok {
		return ErrBucketNotFound
	}
	if b.n.items[i].child == nil {
		return ErrIncompatibleValue
	}
	b.n.items = append(b.n.items[:i], b.n.items[i+1:]...)
	return nil
}

// ForEach calls fn for each entry in key order (v is nil for nested buckets) and stops at
// fn's first error. fn must not change the bucket.
func (b *Bucket) ForEach(fn func(k, v []byte) error) error {
	if b.tx.closed {
		return ErrTxClosed
	}
	for _, it := range b.n.items {
		if err := fn(it.key, it.value); err != nil {
			return err
		}
	}
	return nil
}

// Cursor returns a cursor over the bucket's entries.
func (b *Bucket) Cursor() *Cursor { return &Cursor{b: b, i: -1} }
