package memo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A memo of the tests, in a folder of its own.
const (
	testFile  = "cache-test.bin"
	testMagic = "folio test cache 1\n"
)

// TestMemoDamaged checks that a memo file with any byte changed, or cut short, or of
// another stamp, gives an empty memo, and that an intact one gives back its entries.
func TestMemoDamaged(t *testing.T) {
	out := t.TempDir()
	m := Open(out, testFile, testMagic, "stamp", true)
	for i := range 50 {
		m.Keep(KeyOf(fmt.Sprint("input ", i)), []byte(fmt.Sprint("result ", i)))
	}
	if err := m.Save(out, "stamp", nil); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(out, testFile)
	good, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := Open(out, testFile, testMagic, "stamp", true); len(got.old) != 50 {
		t.Fatalf("an intact memo gave %d entries, want 50", len(got.old))
	} else if v, ok := got.Get(KeyOf("input 7")); !ok || string(v) != "result 7" {
		t.Errorf("entry 7 = %q, %v", v, ok)
	}
	if got := Open(out, testFile, testMagic, "other stamp", true); len(got.old) != 0 {
		t.Errorf("a memo of another stamp gave %d entries", len(got.old))
	}
	for _, at := range []int{len(testMagic) + 8, len(good) / 2, len(good) - 40, len(good) - 1} {
		bad := bytes.Clone(good)
		bad[at] ^= 1
		if err := os.WriteFile(name, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := Open(out, testFile, testMagic, "stamp", true); len(got.old) != 0 {
			t.Errorf("a memo with byte %d of %d changed gave %d entries", at, len(good), len(got.old))
		}
	}
	if err := os.WriteFile(name, good[:len(good)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Open(out, testFile, testMagic, "stamp", true); len(got.old) != 0 {
		t.Errorf("a memo cut short gave %d entries", len(got.old))
	}
}

// TestMemoBlocks checks that a save appends a block of the new entries, that a damaged
// later block drops the whole memo, and that a memo most of whose entries went unused, or
// whose file changed since it was read, is written whole again.
func TestMemoBlocks(t *testing.T) {
	out := t.TempDir()
	name := filepath.Join(out, testFile)
	open := func() *Memo { return Open(out, testFile, testMagic, "stamp", true) }
	keep := func(m *Memo, from, to int) {
		for i := from; i < to; i++ {
			k := KeyOf(fmt.Sprint("input ", i))
			if _, ok := m.Get(k); !ok {
				m.Keep(k, []byte(fmt.Sprint("result ", i)))
			}
		}
	}
	m := open()
	keep(m, 0, 40)
	if err := m.Save(out, "stamp", nil); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	m = open()
	keep(m, 0, 45) // 5 new entries
	if err := m.Save(out, "stamp", nil); err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(second, first) || len(second) >= 2*len(first) {
		t.Fatalf("the second save wrote %d bytes after %d: want the first file and a block of 5 entries", len(second), len(first))
	}
	m = open()
	if len(m.old) != 45 || m.blocks != 2 {
		t.Fatalf("after an appended block: %d entries in %d blocks, want 45 in 2", len(m.old), m.blocks)
	}
	if v, ok := m.Get(KeyOf("input 42")); !ok || string(v) != "result 42" {
		t.Errorf("entry 42 = %q, %v", v, ok)
	}
	for _, at := range []int{len(first) + 2, len(second) - 1} {
		bad := bytes.Clone(second)
		bad[at] ^= 1
		if err := os.WriteFile(name, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := open(); len(got.old) != 0 {
			t.Errorf("byte %d of %d changed (in the appended block): %d entries, want none", at, len(second), len(got.old))
		}
	}
	if err := os.WriteFile(name, second[:len(second)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	if got := open(); len(got.old) != 0 {
		t.Errorf("an appended block cut short: %d entries, want none", len(got.old))
	}

	// Most entries unused: written whole, with the used ones only.
	if err := os.WriteFile(name, second, 0o644); err != nil {
		t.Fatal(err)
	}
	m = open()
	keep(m, 40, 46)
	if err := m.Save(out, "stamp", nil); err != nil {
		t.Fatal(err)
	}
	if m = open(); len(m.old) != 6 || m.blocks != 1 {
		t.Errorf("after a save using 6 of 46 entries: %d entries in %d blocks, want 6 in 1", len(m.old), m.blocks)
	}
	// keepOld keeps the unused ones it names, in a block of the new.
	keepAll := func(Key) bool { return true }
	keep(m, 100, 101)
	if err := m.Save(out, "stamp", keepAll); err != nil {
		t.Fatal(err)
	}
	if m = open(); len(m.old) != 7 || m.blocks != 2 {
		t.Errorf("after a save keeping the former entries: %d entries in %d blocks, want 7 in 2", len(m.old), m.blocks)
	}
	// Entries that keepOld names count as used; those neither used nor named are dropped
	// when they are more than a quarter of the file.
	keepSome := func(k Key) bool { return k == KeyOf("input 45") || k == KeyOf("input 100") }
	keep(m, 40, 45)
	keep(m, 300, 301)
	if err := m.Save(out, "stamp", keepSome); err != nil {
		t.Fatal(err)
	}
	if m = open(); len(m.old) != 8 || m.blocks != 3 {
		t.Errorf("after a save using 5 of 7 entries, naming the other 2 and adding 1: %d entries in %d blocks, want 8 in 3", len(m.old), m.blocks)
	}
	keep(m, 40, 42)
	if err := m.Save(out, "stamp", keepSome); err != nil {
		t.Fatal(err)
	}
	if m = open(); len(m.old) != 4 || m.blocks != 1 {
		t.Errorf("after a save using 2 of 8 entries and naming 2: %d entries in %d blocks, want 4 in 1", len(m.old), m.blocks)
	} else if _, ok := m.Former(KeyOf("input 45")); !ok {
		t.Error("an entry keepOld named is gone")
	}
	// The file changed since it was read: written whole.
	keep(m, 200, 201)
	if err := os.WriteFile(name, first, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(out, "stamp", keepAll); err != nil {
		t.Fatal(err)
	}
	if m = open(); len(m.old) != 5 || m.blocks != 1 {
		t.Errorf("after a save over a file changed since: %d entries in %d blocks, want 5 in 1", len(m.old), m.blocks)
	}
}

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func writeFile(tb testing.TB, name string, data []byte) {
	tb.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}
