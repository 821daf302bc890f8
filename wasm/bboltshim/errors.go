package bbolt

import "errors"

// Errors returned by DB, Tx, Bucket and Cursor methods, under the names bbolt uses.
var (
	// ErrDatabaseNotOpen is returned when a DB is used after Close.
	ErrDatabaseNotOpen = errors.New("bbolt shim: database not open")
	// ErrDatabaseReadOnly is returned when a write transaction is begun on a read-only DB.
	ErrDatabaseReadOnly = errors.New("bbolt shim: database is in read-only mode")
	// ErrTxNotWritable is returned when a read transaction is asked to change something.
	ErrTxNotWritable = errors.New("bbolt shim: transaction is not writable")
	// ErrTxClosed is returned when a transaction is used after Commit or Rollback.
	ErrTxClosed = errors.New("bbolt shim: transaction is closed")
	// ErrBucketNotFound is returned when a bucket to delete does not exist.
	ErrBucketNotFound = errors.New("bbolt shim: bucket not found")
	// ErrBucketExists is returned by CreateBucket when the bucket already exists.
	ErrBucketExists = errors.New("bbolt shim: bucket already exists")
	// ErrBucketNameRequired is returned for an empty bucket name.
	ErrBucketNameRequired = errors.New("bbolt shim: bucket name required")
	// ErrKeyRequired is returned by Put for an empty key.
	ErrKeyRequired = errors.New("bbolt shim: key required")
	// ErrKeyTooLarge is returned by Put for a key longer than MaxKeySize.
	ErrKeyTooLarge = errors.New("bbolt shim: key too large")
	// ErrValueTooLarge is returned by Put for a value longer than MaxValueSize.
	ErrValueTooLarge = errors.New("bbolt shim: value too large")
	// ErrIncompatibleValue is returned when a key holds a value where a bucket is
	// expected, or the other way round.
	ErrIncompatibleValue = errors.New("bbolt shim: incompatible value")
	// ErrNotSupported is returned by Open for an existing bolt file: this stand-in keeps
	// data only in memory and cannot read bbolt's file format. (Not a bbolt error.)
	ErrNotSupported = errors.New("bbolt shim: on-disk bolt files are not supported in this build")

	errManagedTx = errors.New("bbolt shim: Commit or Rollback called inside View, Update or Batch")
)
