package bbolt

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func open(t *testing.T, o *Options) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "root.bolt"), 0o600, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { must(t, db.Close()) })
	return db
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// keys walks c forwards from First, or backwards from Last, and returns the keys as strings.
func keys(c *Cursor, backwards bool) []string {
	var out []string
	if backwards {
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			out = append(out, string(k))
		}
		return out
	}
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		out = append(out, string(k))
	}
	return out
}

func TestUpdateView(t *testing.T) {
	db := open(t, nil)
	must(t, db.Update(func(tx *Tx) error {
		snaps, err := tx.CreateBucketIfNotExists([]byte("snapshots"))
		if err != nil {
			return err
		}
		s, err := snaps.CreateBucket([]byte("0002"))
		if err != nil {
			return err
		}
		for _, kv := range [][2]string{{"b", "2"}, {"a", "1"}, {"c", "3"}} {
			if err := s.Put([]byte(kv[0]), []byte(kv[1])); err != nil {
				return err
			}
		}
		_, err = s.CreateBucket([]byte("meta"))
		return err
	}))
	must(t, db.View(func(tx *Tx) error {
		s := tx.Bucket([]byte("snapshots")).Bucket([]byte("0002"))
		if s == nil {
			t.Fatal("nested bucket missing")
		}
		if got := string(s.Get([]byte("b"))); got != "2" {
			t.Errorf(`Get(b) = %q, want "2"`, got)
		}
		if s.Get([]byte("meta")) != nil || s.Get([]byte("zz")) != nil {
			t.Error("Get of a bucket or a missing key is not nil")
		}
		var got []string
		must(t, s.ForEach(func(k, v []byte) error {
			got = append(got, string(k)+"="+string(v))
			return nil
		}))
		if want := []string{"a=1", "b=2", "c=3", "meta="}; !slices.Equal(got, want) {
			t.Errorf("ForEach = %v, want %v", got, want)
		}
		return nil
	}))
}

func TestCursor(t *testing.T) {
	db := open(t, nil)
	in := []string{"k05", "k01", "k09", "k03", "k07"}
	must(t, db.Update(func(tx *Tx) error {
		b, _ := tx.CreateBucket([]byte("b"))
		for _, k := range in {
			must(t, b.Put([]byte(k), []byte("v"+k)))
		}
		_, err := b.CreateBucket([]byte("k04"))
		return err
	}))
	must(t, db.View(func(tx *Tx) error {
		c := tx.Bucket([]byte("b")).Cursor()
		want := []string{"k01", "k03", "k04", "k05", "k07", "k09"}
		if got := keys(c, false); !slices.Equal(got, want) {
			t.Errorf("forwards %v, want %v", got, want)
		}
		slices.Reverse(want)
		if got := keys(c, true); !slices.Equal(got, want) {
			t.Errorf("backwards %v, want %v", got, want)
		}
		for seek, want := range map[string]string{"k05": "k05", "k06": "k07", "a": "k01", "k04": "k04"} {
			if k, _ := c.Seek([]byte(seek)); string(k) != want {
				t.Errorf("Seek(%s) = %s, want %s", seek, k, want)
			}
		}
		if k, v := c.Seek([]byte("k04")); v != nil {
			t.Errorf("Seek(%s): value of a bucket is %q, want nil", k, v)
		}
		if k, _ := c.Seek([]byte("z")); k != nil {
			t.Errorf("Seek past the end = %s, want nil", k)
		}
		if k, _ := c.Prev(); string(k) != "k09" {
			t.Errorf("Prev after the end = %s, want k09", k)
		}
		if got := keys(tx.Cursor(), false); !slices.Equal(got, []string{"b"}) {
			t.Errorf("top-level buckets %v", got)
		}
		return nil
	}))
}

func TestCursorDelete(t *testing.T) {
	db := open(t, nil)
	must(t, db.Update(func(tx *Tx) error {
		b, _ := tx.CreateBucket([]byte("b"))
		for _, k := range []string{"a", "b", "c", "d", "e"} {
			must(t, b.Put([]byte(k), nil))
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if k[0] != 'c' {
				must(t, c.Delete())
			}
		}
		if got := keys(b.Cursor(), false); !slices.Equal(got, []string{"c"}) {
			t.Errorf("after deleting all but c: %v", got)
		}
		return nil
	}))
}

func TestTransactions(t *testing.T) {
	db := open(t, nil)
	put := func(v string) error {
		return db.Update(func(tx *Tx) error {
			b, _ := tx.CreateBucketIfNotExists([]byte("b"))
			return b.Put([]byte("k"), []byte(v))
		})
	}
	get := func(tx *Tx) string { return string(tx.Bucket([]byte("b")).Get([]byte("k"))) }
	must(t, put("1"))

	old, err := db.Begin(false)
	must(t, err)
	must(t, put("2"))
	if got := get(old); got != "1" {
		t.Errorf("read tx begun before the commit sees %q, want 1", got)
	}
	must(t, old.Rollback())

	// Rolled back: by Rollback, by an error from fn, by a panic in fn.
	tx, err := db.Begin(true)
	must(t, err)
	must(t, tx.Bucket([]byte("b")).Put([]byte("k"), []byte("3")))
	if got := get(tx); got != "3" {
		t.Errorf("write tx does not see its own write: %q", got)
	}
	must(t, tx.Rollback())
	boom := errors.New("boom")
	if err := db.Update(func(tx *Tx) error {
		must(t, tx.Bucket([]byte("b")).Put([]byte("k"), []byte("4")))
		return boom
	}); err != boom {
		t.Errorf("Update returned %v, want fn's error", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Update did not pass fn's panic on")
			}
		}()
		_ = db.Update(func(tx *Tx) error { // fn panics: Update returns nothing
			must(t, tx.Bucket([]byte("b")).Put([]byte("k"), []byte("5")))
			panic("boom")
		})
	}()
	must(t, db.View(func(tx *Tx) error {
		if got := get(tx); got != "2" {
			t.Errorf("after rollbacks: %q, want 2", got)
		}
		return nil
	}))
	must(t, put("6")) // the writer lock was released by every rollback
	if s := db.Stats(); s.OpenTxN != 0 || s.TxN != 2 {
		t.Errorf("Stats = %+v, want 2 read txs, none open", s)
	}
}

func TestErrors(t *testing.T) {
	db := open(t, nil)
	must(t, db.Update(func(tx *Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		must(t, err)
		must(t, b.Put([]byte("v"), []byte("x")))
		must(t, second(b.CreateBucket([]byte("sub"))))
		for _, c := range []struct {
			name string
			err  error
			want error
		}{
			{"CreateBucket existing", second(tx.CreateBucket([]byte("b"))), ErrBucketExists},
			{"CreateBucket empty name", second(b.CreateBucket(nil)), ErrBucketNameRequired},
			{"CreateBucket over a value", second(b.CreateBucketIfNotExists([]byte("v"))), ErrIncompatibleValue},
			{"DeleteBucket missing", tx.DeleteBucket([]byte("nope")), ErrBucketNotFound},
			{"DeleteBucket of a value", b.DeleteBucket([]byte("v")), ErrIncompatibleValue},
			{"Put empty key", b.Put(nil, []byte("x")), ErrKeyRequired},
			{"Put over a bucket", b.Put([]byte("sub"), []byte("x")), ErrIncompatibleValue},
			{"Delete of a bucket", b.Delete([]byte("sub")), ErrIncompatibleValue},
			{"Delete missing", b.Delete([]byte("nope")), nil},
			{"Commit inside Update", tx.Commit(), errManagedTx},
		} {
			if !errors.Is(c.err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
			}
		}
		return nil
	}))
	must(t, db.View(func(tx *Tx) error {
		if err := tx.Bucket([]byte("b")).Put([]byte("k"), nil); err != ErrTxNotWritable {
			t.Errorf("Put in a read tx: %v", err)
		}
		return nil
	}))
	tx, err := db.Begin(false)
	must(t, err)
	must(t, tx.Rollback())
	if err := tx.Rollback(); err != ErrTxClosed {
		t.Errorf("second Rollback: %v", err)
	}
	if err := tx.Commit(); err != ErrTxClosed {
		t.Errorf("Commit after Rollback: %v", err)
	}
}

func second(_ *Bucket, err error) error { return err }

func TestOpenClose(t *testing.T) {
	ro := open(t, &Options{ReadOnly: true})
	if _, err := ro.Begin(true); err != ErrDatabaseReadOnly {
		t.Errorf("Begin(true) on a read-only DB: %v", err)
	}
	must(t, ro.View(func(tx *Tx) error {
		if tx.Bucket([]byte("snapshots")) != nil {
			t.Error("a new DB has buckets")
		}
		return nil
	}))

	dir := t.TempDir()
	path := filepath.Join(dir, "root.bolt")
	db, err := Open(path, 0o600, DefaultOptions)
	must(t, err)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Open touched the file system: %v", err)
	}
	must(t, db.Close())
	must(t, db.Close())
	if err := db.View(func(*Tx) error { return nil }); err != ErrDatabaseNotOpen {
		t.Errorf("View after Close: %v", err)
	}
	if _, err := db.Begin(true); err != ErrDatabaseNotOpen {
		t.Errorf("Begin(true) after Close: %v", err)
	}

	must(t, os.WriteFile(path, []byte("a real bolt file"), 0o600))
	if _, err := Open(path, 0o600, nil); !errors.Is(err, ErrNotSupported) {
		t.Errorf("Open of an existing file: %v, want ErrNotSupported", err)
	}
}
