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

// TestTrustedCopies rebuilds into the same folder with the former writer's record of its
// copies: good copies are kept on the record's word (not decompressed), a copy damaged in
// place (same size, other bytes) is still found and written again, a damaged record
// trusts nothing, and the tree equals a fresh build's.
func TestTrustedCopies(t *testing.T) {
	posts := synthPosts(60)
	dir, record := t.TempDir(), filepath.Join(t.TempDir(), "copies.bin")
	build := func() Stats {
		t.Helper()
		w, err := NewWriter(dir, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		w.TrustCopies(record)
		st, err := w.Finish(Build(w, posts, Site{Title: "Synthetic <archive>", BaseURL: "/"}))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.SaveCopies(record); err != nil {
			t.Fatal(err)
		}
		return st
	}
	first := build()
	if first.Trusted != 0 {
		t.Errorf("the first build trusted %d copies, want 0", first.Trusted)
	}
	if st := build(); st.Trusted != 2*st.Files || st.Compressed != 0 {
		t.Errorf("a rebuild trusted %d copies and compressed %d files, want %d and 0", st.Trusted, st.Compressed, 2*st.Files)
	}
	var damaged string
	for name := range readTree(t, dir) {
		if filepath.Ext(name) == ".gz" && name != EntryFile+".gz" {
			damaged = name
			break
		}
	}
	good, err := os.ReadFile(filepath.Join(dir, damaged))
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 0x55
	if err := os.WriteFile(filepath.Join(dir, damaged), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if st := build(); st.Compressed != 1 || st.Trusted != 2*st.Files-1 {
		t.Errorf("with a copy damaged in place the rebuild compressed %d files (want 1) and trusted %d copies (want %d)", st.Compressed, st.Trusted, 2*st.Files-1)
	}
	if b, err := os.ReadFile(filepath.Join(dir, damaged)); err != nil || !bytes.Equal(b, good) {
		t.Errorf("the damaged copy was not written again (%v)", err)
	}
	rec, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(record, rec[:len(rec)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	if st := build(); st.Trusted != 0 || st.Compressed != 0 {
		t.Errorf("with a damaged record the rebuild trusted %d copies and compressed %d files, want 0 and 0", st.Trusted, st.Compressed)
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
