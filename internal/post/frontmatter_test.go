package post

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"folio/internal/sharedtest"
)

// mapMemo is a FrontMatterMemo over a map, counting the entries it answered.
type mapMemo struct {
	mu   sync.Mutex
	m    map[string][]byte
	hits int
}

func (mm *mapMemo) memo(src string, make func() []byte) []byte {
	mm.mu.Lock()
	v, ok := mm.m[src]
	if ok {
		mm.hits++
	}
	mm.mu.Unlock()
	if ok {
		return v
	}
	v = make()
	if v != nil {
		mm.mu.Lock()
		mm.m[src] = v
		mm.mu.Unlock()
	}
	return v
}

// checkMemoSame reads fsys without a memo, then twice through one (filling it, then
// answered by it), and wants the same posts, skips and warnings each time.
func checkMemoSame(t *testing.T, fsys fs.FS, cfg Config) {
	t.Helper()
	want, err := ReadAll(fsys, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	mm := &mapMemo{m: map[string][]byte{}}
	cfg.FrontMatterMemo = mm.memo
	for pass := range 2 {
		got, err := ReadAll(fsys, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pass %d through the memo differs:\n--- got ---\n%s--- want ---\n%s", pass, dump(got), dump(want))
		}
	}
	if len(want.Posts) > 0 && mm.hits == 0 {
		t.Errorf("the memo answered nothing on the second pass (%d entries)", len(mm.m))
	}
}

// TestFrontMatterMemo reads every case and the real corpora through the memo.
func TestFrontMatterMemo(t *testing.T) {
	files, _ := filepath.Glob("testdata/cases/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases found")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			_, posts, cfg := readCase(t, file)
			checkMemoSame(t, posts, cfg)
		})
	}
	for _, name := range []string{"finews", "yanhaijing", "jekyll"} {
		t.Run(name, func(t *testing.T) {
			checkMemoSame(t, os.DirFS(sharedtest.Corpus(t, name)), Config{})
		})
	}
}

func TestFrontMatterEncoding(t *testing.T) {
	src := `# a head comment
title: "龙井 \"春茶\"" # a line comment
date: 2024-03-01 08:00:00 +0800
categories: [新闻, 茶]
tags:
  - a
  - 'b: c'
nested:
  deep: {x: 1, y: [true, ~]}
text: |
  two
  lines
# a foot comment
`
	doc, err := unmarshalNode(src)
	if err != nil {
		t.Fatal(err)
	}
	enc := encodeNode(nil, doc)
	if enc == nil {
		t.Fatal("a tree without aliases was not encoded")
	}
	got, rest, err := decodeNode(enc, 0)
	if err != nil || len(rest) != 0 {
		t.Fatalf("decode: %v, %d bytes left", err, len(rest))
	}
	if !reflect.DeepEqual(got, doc) {
		t.Errorf("the decoded tree differs from the parsed one")
	}
	var a, b map[string]any
	if err := doc.Decode(&a); err != nil {
		t.Fatal(err)
	}
	if err := got.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("values differ: %v against %v", b, a)
	}

	// Anchors and aliases are not kept.
	withAlias, err := unmarshalNode("a: &x [1, 2]\nb: *x\n")
	if err != nil {
		t.Fatal(err)
	}
	if enc := encodeNode(nil, withAlias); enc != nil {
		t.Errorf("a tree with an alias was encoded (%d bytes)", len(enc))
	}

	// Damaged bytes are refused, never decoded into something else.
	for cut := range len(enc) {
		if n, rest, err := decodeNode(enc[:cut], 0); err == nil && len(rest) == 0 && reflect.DeepEqual(n, doc) {
			t.Fatalf("a truncated entry (%d of %d bytes) decoded to the whole tree", cut, len(enc))
		}
	}
}

// TestFrontMatterMemoDamaged: a memo that answers damaged bytes gives the post as the
// text says.
func TestFrontMatterMemoDamaged(t *testing.T) {
	fsys := fstest.MapFS{"2024-03-01-x.md": {Data: []byte("---\ntitle: Tea\ntags: [a, b]\n---\nbody\n")}}
	want, err := ReadAll(fsys, Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{{0xff}, {}, []byte("garbage that is not an encoding")} {
		got, err := ReadAll(fsys, Config{FrontMatterMemo: func(string, func() []byte) []byte { return bad }}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("memo answering %q: got\n%s want\n%s", bad, dump(got), dump(want))
		}
	}
}
