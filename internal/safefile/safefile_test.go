package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesLinkNotTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "secret")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "index.html")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new page")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target was written through: %q", b)
	}
	st, err := os.Lstat(link)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != 0o644 {
		t.Errorf("link not replaced by a 0644 regular file: %v %v", st.Mode(), err)
	}
	if b, _ := os.ReadFile(link); string(b) != "new page" {
		t.Errorf("got %q", b)
	}
}

func TestCopyOntoItself(t *testing.T) {
	dir := t.TempDir()
	photo := filepath.Join(dir, "images", "photo.jpg")
	if err := os.MkdirAll(filepath.Dir(photo), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, []byte("JPEG bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same file through a second path and through a link to its folder.
	if err := os.Symlink(filepath.Join(dir, "images"), filepath.Join(dir, "alias")); err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{photo, filepath.Join(dir, "images", ".", "photo.jpg"), filepath.Join(dir, "alias", "photo.jpg")} {
		if err := Copy(photo, dst); err == nil || !strings.Contains(err.Error(), "onto itself") {
			t.Errorf("Copy onto %s: err %v, want 'onto itself'", dst, err)
		}
	}
	if b, _ := os.ReadFile(photo); string(b) != "JPEG bytes" {
		t.Errorf("photo changed: %q", b)
	}
	other := filepath.Join(dir, "out", "photo.jpg")
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Copy(photo, other); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(other); string(b) != "JPEG bytes" {
		t.Errorf("copy: %q", b)
	}
}

func TestClean(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a/" + TempPrefix + "x-1", "a/b/" + TempPrefix + "y-2", "a/keep.json", TempPrefix + "z"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n, err := Clean(dir)
	if err != nil || n != 3 {
		t.Fatalf("Clean: %d, %v; want 3 removed", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a/keep.json")); err != nil {
		t.Error("removed a file that was not temporary")
	}
}
