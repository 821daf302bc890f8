// Package safefile writes and copies files so that a reader (a web server, the next build)
// never sees half a file and nothing is written through a link: data goes to a new
// temporary file in the same folder, which is then renamed over the destination. A
// process killed at any moment leaves either the old file or the new one, plus at most a
// temporary file whose name starts with TempPrefix, which Clean removes.
//
// Renames survive a killed process; they are not synced to disk, so a power loss may
// still lose the newest files (the next build writes them again).
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every temporary file this package makes.
const TempPrefix = ".folio-tmp-"

// Write replaces path with data. When path is a symbolic link, the link itself is
// replaced, never the file it points at.
func Write(path string, data []byte) error {
	return write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Copy replaces dst with the contents of the regular file src. It refuses to copy a file
// onto itself (the same file reached through two paths or a link), which would otherwise
// leave it empty.
func Copy(src, dst string) error {
	if Same(src, dst) {
		return fmt.Errorf("copy %s onto itself", src)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close() //nolint:errcheck // read only: closing it loses nothing
	st, err := in.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("copy %s: not a regular file", src)
	}
	return write(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// Same reports whether a and b both exist and are the same file.
func Same(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}

func write(path string, fill func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, TempPrefix+base+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = fill(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644) // CreateTemp makes 0600; a web server must read it
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp) // should this fail too, Clean removes it later
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Clean removes the temporary files a killed writer left in dir and its subfolders, and
// returns how many it removed.
func Clean(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), TempPrefix) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
