package bbolt

// Tx is a read or write transaction. A read transaction sees the database as it was when
// it began; a write transaction changes a private copy that Commit makes current.
type Tx struct {
	db       *DB
	writable bool
	managed  bool // run by View or Update, which end it themselves
	closed   bool
	root     *node
}

// DB returns the database the transaction belongs to.
func (tx *Tx) DB() *DB { return tx.db }

// Writable reports whether the transaction may change the database.
func (tx *Tx) Writable() bool { return tx.writable }

// rootBucket is the bucket of top-level buckets.
func (tx *Tx) rootBucket() *Bucket { return &Bucket{tx: tx, n: tx.root} }

// Bucket returns the top-level bucket name, or nil if there is none.
func (tx *Tx) Bucket(name []byte) *Bucket { return tx.rootBucket().Bucket(name) }

// CreateBucket creates the top-level bucket name; it fails with ErrBucketExists if it exists.
func (tx *Tx) CreateBucket(name []byte) (*Bucket, error) {
	return tx.rootBucket().CreateBucket(name)
}

// CreateBucketIfNotExists returns the top-level bucket name, creating it if needed.
func (tx *Tx) CreateBucketIfNotExists(name []byte) (*Bucket, error) {
	return tx.rootBucket().CreateBucketIfNotExists(name)
}

// DeleteBucket deletes the top-level bucket name and everything in it.
func (tx *Tx) DeleteBucket(name []byte) error { return tx.rootBucket().DeleteBucket(name) }

// Cursor returns a cursor over the names of the top-level buckets (their values are nil).
func (tx *Tx) Cursor() *Cursor { return tx.rootBucket().Cursor() }

// ForEach calls fn for each top-level bucket, in name order, and stops at its first error.
func (tx *Tx) ForEach(fn func(name []byte, b *Bucket) error) error {
	root := tx.rootBucket()
	return root.ForEach(func(k, _ []byte) error { return fn(k, root.Bucket(k)) })
}

// Commit makes a write transaction's changes current and ends it.
func (tx *Tx) Commit() error {
	switch {
	case tx.closed:
		return ErrTxClosed
	case tx.managed:
		return errManagedTx
	case !tx.writable:
		return ErrTxNotWritable
	}
	tx.db.mu.Lock()
	tx.db.root = tx.root
	tx.db.mu.Unlock()
	tx.end()
	return nil
}

// Rollback ends the transaction, dropping a write transaction's changes.
func (tx *Tx) Rollback() error {
	switch {
	case tx.closed:
		return ErrTxClosed
	case tx.managed:
		return errManagedTx
	}
	tx.end()
	return nil
}

// end closes the transaction and releases what it holds.
func (tx *Tx) end() {
	tx.closed = true
	tx.root = nil
	if tx.writable {
		tx.db.writer.Unlock()
		return
	}
	tx.db.mu.Lock()
	tx.db.stats.OpenTxN--
	tx.db.mu.Unlock()
}

// check returns why the transaction cannot change anything, or nil if it can.
func (tx *Tx) check() error {
	switch {
	case tx.closed:
		return ErrTxClosed
	case !tx.writable:
		return ErrTxNotWritable
	}
	return nil
}
