package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readPosts(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "_posts"))
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string][]byte, len(entries))
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, "_posts", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

func TestDeterministic(t *testing.T) {
	const n = 50
	a, b := t.TempDir(), t.TempDir()
	// Different worker counts must not change the output.
	if _, err := generate(a, n, 1, 1); err != nil {
		t.Fatal(err)
	}
	st, err := generate(b, n, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	fa, fb := readPosts(t, a), readPosts(t, b)
	if len(fa) != n || len(fb) != n {
		t.Fatalf("got %d and %d posts, want %d", len(fa), len(fb), n)
	}
	var total int64
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between runs", name)
		}
		if !bytes.HasPrefix(data, []byte("---\n")) {
			t.Errorf("%s does not start with front matter", name)
		}
		total += int64(len(data))
	}
	if total != st.bytes {
		t.Errorf("reported %d bytes, wrote %d", st.bytes, total)
	}
	// File names are dated and numbered so that they sort by index.
	names := make([]string, 0, n)
	for name := range fa {
		names = append(names, name)
	}
	slices.Sort(names)
	if !strings.HasSuffix(names[0], "-000001.md") || !strings.HasSuffix(names[n-1], "-000050.md") {
		t.Errorf("names do not sort by index: first %s, last %s", names[0], names[n-1])
	}
}

func TestSeedChangesOutput(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if _, err := generate(a, 5, 1, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(b, 5, 2, 2); err != nil {
		t.Fatal(err)
	}
	fa, fb := readPosts(t, a), readPosts(t, b)
	same := 0
	for name, data := range fa {
		if bytes.Equal(data, fb[name]) {
			same++
		}
	}
	if same == len(fa) {
		t.Error("seed has no effect")
	}
}
