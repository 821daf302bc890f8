package builder

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"folio/internal/bundle"
)

// entryChanges reads the live entry's ID and Changes.
func entryChanges(t *testing.T, out string) (string, []bundle.Change) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "data", bundle.EntryFile))
	if err != nil {
		t.Fatal(err)
	}
	var m bundle.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m.ID, m.Changes
}

// TestEntryChanges rebuilds an archive into the same output through adds, edits and
// deletes, and checks what its entry tells a returning reader: per build, the bundle it
// replaced, the posts added (with their IDs, newest first), edited and deleted; nothing
// for a first build; the list unchanged by a build of the same posts; the counts unknown
// when the former build left no record of its posts (-no-search); at most MaxChanges
// builds, newest first.
func TestEntryChanges(t *testing.T) {
	posts, out := filepath.Join(t.TempDir(), "_posts"), filepath.Join(t.TempDir(), "out")
	files := archiveFiles(40)
	writeFiles(t, posts, files)
	build := func(noSearch bool) string {
		t.Helper()
		if _, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1"), NoSearch: noSearch}); err != nil {
			t.Fatal(err)
		}
		id, _ := entryChanges(t, out)
		return id
	}
	id0 := build(false)
	if _, ch := entryChanges(t, out); len(ch) != 0 {
		t.Fatalf("first build: changes %+v, want none", ch)
	}
	if build(false); true {
		if id, ch := entryChanges(t, out); id != id0 || len(ch) != 0 {
			t.Fatalf("the same posts again: id %s (was %s), changes %+v, want none", id, id0, ch)
		}
	}

	// Add 3 posts (dated apart, so the newest is known), edit 2, delete 1.
	writeFiles(t, posts, map[string]string{
		postName(40): archivePost(40, ""), // 2024-01-13
		postName(41): archivePost(41, ""), // 2024-01-14
		postName(42): archivePost(42, ""), // 2024-01-15
		postName(3):  archivePost(3, "更正。"),
		postName(9):  archivePost(9, "更正。"),
	})
	if err := os.Remove(filepath.Join(posts, postName(20))); err != nil {
		t.Fatal(err)
	}
	id1 := build(false)
	want := []bundle.Change{{Since: id0, Added: 3, Edited: 2, Deleted: 1, New: []string{"2024-01-15-p0042", "2024-01-14-p0041", "2024-01-13-p0040"}}}
	if _, ch := entryChanges(t, out); !reflect.DeepEqual(ch, want) {
		t.Fatalf("after add, edit, delete: changes\n%+v\nwant\n%+v", ch, want)
	}
	if build(false) != id1 {
		t.Fatal("the same posts again changed the bundle ID")
	}
	if _, ch := entryChanges(t, out); !reflect.DeepEqual(ch, want) {
		t.Fatalf("the same posts again: changes\n%+v\nwant\n%+v", ch, want)
	}

	// A build without search data keeps no record of its posts: the build after it cannot
	// tell what changed.
	writeFiles(t, posts, map[string]string{postName(43): archivePost(43, "")})
	id2 := build(true)
	writeFiles(t, posts, map[string]string{postName(44): archivePost(44, "")})
	id3 := build(false)
	_, ch := entryChanges(t, out)
	if len(ch) != 3 || !reflect.DeepEqual(ch[0], bundle.Change{Since: id2, Unknown: true}) || ch[1].Since != id1 || ch[1].Added != 1 || !reflect.DeepEqual(ch[2], want[0]) {
		t.Fatalf("after a build without search data: changes %+v", ch)
	}

	// The list keeps the last MaxChanges builds.
	prev := id3
	for i := range bundle.MaxChanges {
		writeFiles(t, posts, map[string]string{postName(45 + i): archivePost(45+i, fmt.Sprint(i))})
		id := build(false)
		_, ch := entryChanges(t, out)
		if len(ch) != min(4+i, bundle.MaxChanges) || ch[0].Since != prev || ch[0].Added != 1 || ch[0].Unknown {
			t.Fatalf("build %d more: changes %+v", i+1, ch)
		}
		prev = id
	}
}
