package bbolt

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Limits on key and value sizes, the same as bbolt's.
const (
	// MaxKeySize is the largest key Put accepts.
	MaxKeySize = 32768
	// MaxValueSize is the largest value Put accepts.
	MaxValueSize = (1 << 31) - 2
)

// DefaultFillPercent is bbolt's default Bucket.FillPercent; here it has no effect.
const DefaultFillPercent = 0.5

// Options are the options bleve passes to Open. Only ReadOnly changes behaviour here; the
// others tune bbolt's file handling and are accepted and ignored.
type Options struct {
	// Timeout is how long bbolt waits for the file lock; there is no file lock here.
	Timeout time.Duration
	// ReadOnly makes every write transaction fail with ErrDatabaseReadOnly.
	ReadOnly bool
	// InitialMmapSize is bbolt's initial mmap size; there is no mmap here.
	InitialMmapSize int
	// NoSync skips fsync after commits; nothing is ever synced here.
	NoSync bool
	// OpenFile is bbolt's hook for opening the file; no file is opened here.
	OpenFile func(name string, flag int, perm os.FileMode) (*os.File, error)
}

// DefaultOptions are the options Open uses when it is passed nil.
var DefaultOptions = &Options{}

// Stats counts transactions, as a subset of bbolt's DB statistics.
type Stats struct {
	TxN     int // read transactions begun
	OpenTxN int // read transactions open now
}

// DB is an in-memory database: a tree of buckets, replaced as a whole by each commit.
type DB struct {
	// NoSync mirrors bbolt's field of the same name; nothing is synced here.
	NoSync bool

	path     string
	readOnly bool

	writer sync.Mutex // held by the one open write transaction
	mu     sync.Mutex // guards the fields below
	open   bool
	root   *node // committed top-level buckets; never changed in place
	stats  Stats
}

// Open returns a new, empty in-memory database for path. It does not create or read the
// file; an existing non-empty file at path yields ErrNotSupported, since its contents
// could not be honoured. A nil options means DefaultOptions.
func Open(path string, mode os.FileMode, options *Options) (*DB, error) {
	if options == nil {
		options = DefaultOptions
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("open %s: %w", path, ErrNotSupported)
	}
	return &DB{
		NoSync:   options.NoSync,
		path:     path,
		readOnly: options.ReadOnly,
		open:     true,
		root:     &node{},
	}, nil
}

// Path returns the path the database was opened with.
func (db *DB) Path() string { return db.path }

// IsReadOnly reports whether the database was opened with Options.ReadOnly.
func (db *DB) IsReadOnly() bool { return db.readOnly }

// Close closes the database once the open write transaction, if any, has ended. Open
// read transactions keep the snapshot they began with. Closing twice is not an error.
func (db *DB) Close() error {
	db.writer.Lock()
	defer db.writer.Unlock()
	db.mu.Lock()
	defer db.mu.Unlock()
	db.open = false
	db.root = nil
	return nil
}

// Sync does nothing: the database lives in memory only.
func (db *DB) Sync() error { return nil }

// Stats returns the transaction counts.
func (db *DB) Stats() Stats {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.stats
}

// Begin starts a transaction. Any number of read transactions may be open; a write
// transaction waits until the previous one has been committed or rolled back. Every
// transaction must end with Commit or Rollback.
func (db *DB) Begin(writable bool) (*Tx, error) {
	if writable {
		if db.readOnly {
			return nil, ErrDatabaseReadOnly
		}
		db.writer.Lock()
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if !db.open {
		if writable {
			db.writer.Unlock()
		}
		return nil, ErrDatabaseNotOpen
	}
	tx := &Tx{db: db, writable: writable}
	if writable {
		tx.root = db.root.clone()
	} else {
		tx.root = db.root
		db.stats.TxN++
		db.stats.OpenTxN++
	}
	return tx, nil
}

// View runs fn in a read transaction.
func (db *DB) View(fn func(*Tx) error) error {
	tx, err := db.Begin(false)
	if err != nil {
		return err
	}
	defer tx.end()
	tx.managed = true
	return fn(tx)
}

// Update runs fn in a write transaction and commits it if fn returns nil; otherwise, or
// if fn panics, the transaction is rolled back.
func (db *DB) Update(fn func(*Tx) error) error {
	tx, err := db.Begin(true)
	if err != nil {
		return err
	}
	defer func() {
		if !tx.closed {
			tx.end()
		}
	}()
	tx.managed = true
	if err := fn(tx); err != nil {
		return err
	}
	tx.managed = false
	return tx.Commit()
}

// Batch is Update: bbolt merges concurrent Batch calls into one transaction to save
// fsyncs, which an in-memory database does not need.
func (db *DB) Batch(fn func(*Tx) error) error { return db.Update(fn) }
