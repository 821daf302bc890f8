package builder

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"folio/internal/jekyll"
)

// generatedNames are the names at the output's root that the build writes besides the
// viewer's files (rootFiles) and folders (reservedOut): a site file of the same name is not
// copied over them.
var generatedNames = []string{"feed.xml", feedDir, "sitemap.xml", sitemapDir, "robots.txt", ".nojekyll", "_headers", "_redirects", "nginx.conf"}

// ownedName reports whether a name at the output's root belongs to the build.
func ownedName(name string) bool {
	if reservedOut[name] {
		return true
	}
	for _, n := range rootFiles {
		if n == name {
			return true
		}
	}
	for _, n := range generatedNames {
		if n == name {
			return true
		}
	}
	return false
}

// copySite copies the site's static files into out, as Jekyll copies them: every file not
// excluded (exclude list, names starting with _ . or #), and without front matter (a file
// with front matter is a page Jekyll renders with the site's layouts, which Folio does
// not). Links are followed only inside the site, as for asset folders. It returns the
// number of files copied and a line per file left out that the owner may miss.
func copySite(s *jekyll.Site, out string) (int, []string, error) {
	realRoot, err := realPath(s.Root)
	if err != nil {
		return 0, nil, fmt.Errorf("site folder %s: %w", s.Root, err)
	}
	realOut, err := realPath(out)
	if err != nil {
		return 0, nil, fmt.Errorf("output folder %s: %w", out, err)
	}
	c := &assetCopy{root: realRoot, base: realRoot, out: out, seen: map[string]bool{}}
	c.keep = func(rel, real string, dir bool) (bool, string) {
		switch {
		case real == realOut:
			return false, "" // the output folder inside the site
		case s.Excluded(rel), rel == "robots.txt": // the site's robots.txt is merged into the build's
			return false, ""
		case dir && isOutput(real):
			return false, "the output of a Folio build; not copied"
		case !strings.Contains(rel, "/") && ownedName(rel):
			return false, "the build writes its own file of that name; not copied"
		case !dir && hasFrontMatter(real):
			return false, "a page with front matter, rendered by Jekyll's layouts; not published"
		}
		return true, ""
	}
	if err := c.tree(realRoot, out, s.Root, ""); err != nil {
		return c.files, c.skipped, fmt.Errorf("site folder %s: %w", s.Root, err)
	}
	return c.files, c.skipped, nil
}

// hasFrontMatter reports whether a file starts with a "---" line, as Jekyll's pages do.
func hasFrontMatter(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close() //nolint:errcheck // read only
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimPrefix(head[:n], []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(head, []byte("---\n")) || bytes.HasPrefix(head, []byte("---\r"))
}

// isOutput reports whether a folder is the output of a Folio build (it holds the build's
// records), which a site copied whole would otherwise publish inside itself.
func isOutput(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, stateDir))
	return err == nil && st.IsDir()
}
