package builder

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// defaultAssets are the folders beside _posts copied when Options.Assets is nil.
var defaultAssets = []string{"assets", "images", "img"}

// reservedOut are output names the viewer owns; an asset folder may not replace them.
var reservedOut = map[string]bool{"data": true, "wasm": true, "views": true}

// copyAssets copies each folder into out/<its name>, skipping dot files, and returns what
// it copied. With dirs nil it looks beside the posts folder (given in posts).
func copyAssets(dirs []string, out string) ([]string, error) {
	var copied []string
	for _, dir := range dirs {
		name := filepath.Base(filepath.Clean(dir))
		if reservedOut[name] {
			return copied, fmt.Errorf("asset folder %s: the name %q is used by the viewer", dir, name)
		}
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return copied, fmt.Errorf("asset folder %s: not a folder", dir)
		}
		n := 0
		err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			dst := filepath.Join(out, name, rel)
			if d.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			n++
			return copyFile(p, dst)
		})
		if err != nil {
			return copied, fmt.Errorf("asset folder %s: %w", dir, err)
		}
		copied = append(copied, fmt.Sprintf("%s (%d files) → %s/", dir, n, name))
	}
	return copied, nil
}

// assetsBeside returns the default asset folders that exist beside the posts folder.
func assetsBeside(posts string) []string {
	var out []string
	root := filepath.Dir(filepath.Clean(posts))
	for _, n := range defaultAssets {
		if st, err := os.Stat(filepath.Join(root, n)); err == nil && st.IsDir() {
			out = append(out, filepath.Join(root, n))
		}
	}
	return out
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	o, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}
