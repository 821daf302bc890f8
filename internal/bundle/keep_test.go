package bundle

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCopiesKeptOrRepaired rebuilds into the same folder: compressed copies that
// decompress to their file are kept as they are (not compressed again, nor written), a
// copy damaged in place is made and written again, and the tree equals a fresh build's.
func TestCopiesKeptOrRepaired(t *testing.T) {
	posts := synthPosts(60)
	dir := t.TempDir()
	buildInto(t, dir, posts, 0)
	tree := readTree(t, dir)
	var damaged, kept string
	for name := range tree {
		if filepath.Ext(name) == ".br" && name != EntryFile+".br" {
			if damaged == "" {
				damaged = name
			} else if kept == "" {
				kept = name
			}
		}
	}
	if kept == "" {
		t.Fatal("no compressed copies")
	}
	bad := bytes.Clone(tree[damaged])
	bad[len(bad)/2] ^= 0x55
	if err := os.WriteFile(filepath.Join(dir, damaged), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second) // whole seconds: file systems (and Node, for js/wasm) keep less than nanoseconds
	if err := os.Chtimes(filepath.Join(dir, kept), old, old); err != nil {
		t.Fatal(err)
	}
	_, st := buildInto(t, dir, posts, 0)
	if fi, err := os.Stat(filepath.Join(dir, kept)); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("a good copy was written again (%v)", err)
	}
	if st.Compressed != 1 {
		t.Errorf("the rebuild compressed %d files, want 1 (the one with a damaged copy)", st.Compressed)
	}
	fresh := t.TempDir()
	buildInto(t, fresh, posts, 0)
	got, want := readTree(t, dir), readTree(t, fresh)
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s differs from a fresh build's", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files, a fresh build %d", len(got), len(want))
	}
}

// TestReadBack checks that a file read back must match its name.
func TestReadBack(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := w.PutFile("s", "bin", []byte("segment file"))
	if _, err := w.Wait(); err != nil {
		t.Fatal(err)
	}
	if b, err := w.ReadBack(name); err != nil || string(b) != "segment file" {
		t.Fatalf("ReadBack = %q, %v", b, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte("segment filE"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ReadBack(name); !errors.Is(err, ErrDamaged) {
		t.Errorf("a file damaged in place read back with %v", err)
	}
	if _, err := w.ReadBack("s/0123456789abcdef.bin"); err == nil {
		t.Error("a missing file read back")
	}
}
