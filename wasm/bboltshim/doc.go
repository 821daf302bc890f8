// Package bbolt is Folio's small in-memory stand-in for go.etcd.io/bbolt, used only when
// Folio is built for GOOS=js GOARCH=wasm.
//
// Why it exists: bleve's top-level package imports its scorch index, and scorch (with
// bleve/v2/util) imports go.etcd.io/bbolt, which does not compile for js/wasm: it needs
// mmap, flock and per-platform constants that upstream does not define for js. Folio's
// browser code never keeps a scorch index on disk, so all it needs is a package with
// bbolt's import path and the part of its public API that bleve compiles against. The
// repository's go.wasm.work replaces go.etcd.io/bbolt with this module for the wasm build;
// native builds still use the real bbolt from go.mod.
//
// What it is: written for Folio from bbolt's documented public API, not from its source.
// A DB is a tree of buckets held in memory; keys are kept in byte order in each bucket.
// Read transactions see the tree that was committed when they began. A write transaction
// works on its own copy of the tree (one writer at a time) and Commit swaps that copy in,
// so Rollback simply drops it. Nothing is ever written to disk: Open refuses an existing
// non-empty file (a real bbolt file cannot be read here) and otherwise starts empty, and
// Sync does nothing. The copy made by each write transaction is fine for the few buckets
// scorch keeps in its root.bolt; it would be slow for a large key-value store.
//
// API: Open, DB (Begin, View, Update, Batch, Sync, Close, Stats, Path, IsReadOnly), Tx,
// Bucket, Cursor, Options, DefaultOptions, DefaultFillPercent, MaxKeySize, MaxValueSize and
// the Err* values bleve checks. Options and DB fields that only tune bbolt's file handling
// are accepted and ignored. If a new bleve release calls more of bbolt, the wasm build's
// compiler errors name what to add.
package bbolt
