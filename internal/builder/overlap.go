package builder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// checkOverlap refuses an output folder that would overwrite the owner's own files: the
// posts folder itself, a folder inside it (the next build would read the site as posts),
// or a folder that holds it (the Jekyll site's root, whose index.html, images and pages the
// build would replace). Links are resolved first, so an alias of one of these is refused
// too.
func checkOverlap(posts, out string) error {
	p, err := realPath(posts)
	if err != nil {
		return fmt.Errorf("posts folder: %w", err)
	}
	o, err := realPath(out)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	switch {
	case o == p:
		return fmt.Errorf("output folder %s is the posts folder: choose another -out, for example %s", out, filepath.Join(filepath.Dir(filepath.Clean(posts)), "_site"))
	case within(o, p):
		return fmt.Errorf("output folder %s is inside the posts folder %s (the next build would read the site as posts): choose another -out", out, posts)
	case within(p, o):
		return fmt.Errorf("output folder %s holds the posts folder %s: the build would overwrite the site's own files (index.html, images, pages); choose a folder of its own, for example %s", out, posts, filepath.Join(filepath.Dir(filepath.Clean(posts)), "_site"))
	}
	return nil
}

// within reports whether path lies strictly inside dir (both clean and absolute).
func within(path, dir string) bool {
	return strings.HasPrefix(path, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// realPath returns the absolute path of p with links resolved; for a path that does not
// exist yet, its nearest existing parent is resolved and the rest appended.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for {
		r, err := filepath.EvalSymlinks(abs)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		if !os.IsNotExist(err) && !errors.Is(err, syscall.ENOTDIR) {
			return "", fmt.Errorf("%s: %w", p, err)
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return filepath.Join(abs, rest), nil
		}
		rest = filepath.Join(filepath.Base(abs), rest)
		abs = parent
	}
}
