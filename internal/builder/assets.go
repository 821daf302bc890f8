package builder

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"folio/internal/safefile"
)

// defaultAssets are the folders beside _posts copied when Options.Assets is nil.
var defaultAssets = []string{"assets", "images", "img"}

// reservedOut are output names the viewer owns; an asset folder may not replace them.
var reservedOut = map[string]bool{"data": true, "wasm": true, "views": true, "embed": true, appDir: true, stateDir: true}

// assetCopy copies asset folders into the output. Links are followed only when they
// resolve inside the site (the folder that holds the posts folder): a link to /etc/passwd
// in images/ is never published. Dot files and dot folders are left out.
type assetCopy struct {
	root    string // the site folder, links resolved
	base    string // the asset folder, links resolved (it may itself be a link the owner made)
	out     string
	files   int
	skipped []string        // what was not copied, and why
	seen    map[string]bool // the folders being copied, from the asset folder down
	// keep, when set, chooses what is copied: rel is the slash-separated path under the
	// copied folder, from the real file or folder at real. A note says why a file was left
	// out, for the build's list; a silent refusal has none.
	keep func(rel, real string, dir bool) (ok bool, note string)
}

// copyAssets copies each folder into out/<its name> and returns a line per folder copied,
// and a line per file or link left out. root is the site folder links must stay inside.
func copyAssets(dirs []string, out, root string) (copied, skipped []string, err error) {
	realRoot, err := realPath(root)
	if err != nil {
		return nil, nil, fmt.Errorf("site folder %s: %w", root, err)
	}
	for _, dir := range dirs {
		name := filepath.Base(filepath.Clean(dir))
		if reservedOut[name] {
			return copied, nil, fmt.Errorf("asset folder %s: the name %q is used by the viewer", dir, name)
		}
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return copied, nil, fmt.Errorf("asset folder %s: not a folder", dir)
		}
		dst := filepath.Join(out, name)
		if safefile.Same(dir, dst) {
			copied = append(copied, fmt.Sprintf("%s is already in place", dir))
			continue
		}
		real, err := realPath(dir)
		if err != nil {
			return copied, nil, fmt.Errorf("asset folder %s: %w", dir, err)
		}
		c := &assetCopy{root: realRoot, base: real, out: out, seen: map[string]bool{}}
		if err := c.tree(real, dst, dir, ""); err != nil {
			return copied, nil, fmt.Errorf("asset folder %s: %w", dir, err)
		}
		copied = append(copied, fmt.Sprintf("%s (%d files) → %s/", dir, c.files, name))
		skipped = append(skipped, c.skipped...)
	}
	return copied, skipped, nil
}

// tree copies the folder src (a real path) into dst; shown is src as the owner named it,
// rel its path under the copied folder.
func (c *assetCopy) tree(src, dst, shown, rel string) error {
	if c.seen[src] {
		return nil // a link back to a folder being copied: no loops
	}
	c.seen[src] = true
	defer delete(c.seen, src)
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		from, to, name := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), filepath.Join(shown, e.Name())
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(from)
			if err != nil {
				c.skipped = append(c.skipped, fmt.Sprintf("%s: broken link, not copied", name))
				continue
			}
			if !c.inside(target) {
				c.skipped = append(c.skipped, fmt.Sprintf("%s: links outside the site (%s), not copied", name, target))
				continue
			}
			st, err := os.Stat(target)
			if err != nil {
				return err
			}
			from, mode = target, st.Mode().Type()
		}
		r := path.Join(rel, e.Name())
		if c.keep != nil && (mode.IsDir() || mode.IsRegular()) {
			ok, note := c.keep(r, from, mode.IsDir())
			if !ok {
				if note != "" {
					c.skipped = append(c.skipped, fmt.Sprintf("%s: %s", name, note))
				}
				continue
			}
		}
		switch {
		case mode.IsDir():
			if err := c.tree(from, to, name, r); err != nil {
				return err
			}
		case mode.IsRegular():
			if safefile.Same(from, to) {
				continue // the output already is this file
			}
			if err := safefile.Copy(from, to); err != nil {
				return err
			}
			c.files++
		default:
			c.skipped = append(c.skipped, fmt.Sprintf("%s: not a regular file, not copied", name))
		}
	}
	return nil
}

// inside reports whether a link's target may be published.
func (c *assetCopy) inside(target string) bool {
	return target == c.root || within(target, c.root) || target == c.base || within(target, c.base)
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

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}
