package server

import (
	"os"
	"path/filepath"
	"testing"
)

// link makes a symbolic link at site/name pointing to target.
func link(t *testing.T, site, target, name string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(site, filepath.FromSlash(name))); err != nil {
		t.Fatal(err)
	}
}

// TestSymlinksStayInTheSite: a link to a file or folder outside the site answers as if
// absent (404 for a file name, the app page for a viewer URL), whether the link is
// absolute or relative; a link within the site is followed.
func TestSymlinksStayInTheSite(t *testing.T) {
	outside := writeSite(t, map[string]string{"secret.txt": "SECRET", "secret": "SECRET", "sub/deep.json": "SECRET"})
	dir := writeSite(t, map[string]string{
		"index.html":  "app",
		"real.txt":    "real",
		"data/a.json": `{"a":1}`,
		"app.js":      "plain js",
	})
	link(t, dir, filepath.Join(outside, "secret.txt"), "abs.txt")
	rel, err := filepath.Rel(dir, filepath.Join(outside, "secret.txt"))
	if err != nil {
		t.Fatal(err)
	}
	link(t, dir, rel, "rel.txt")
	link(t, dir, outside, "out")                                    // a folder outside
	link(t, dir, filepath.Join(outside, "secret.txt"), "app.js.br") // a precompressed copy outside
	link(t, dir, "real.txt", "inside.txt")
	link(t, dir, "data", "alias")
	_, addr := serveDir(t, dir, Options{})
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{
		{"/abs.txt", 404, ""},
		{"/rel.txt", 404, ""},
		{"/out/secret.txt", 404, ""},
		{"/out/sub/deep.json", 404, ""},
		{"/out/secret", 200, "app"}, // a viewer URL: the app page, not the file
		{"/out/", 200, "app"},
		{"/inside.txt", 200, "real"},
		{"/alias/a.json", 200, `{"a":1}`},
		{"/app.js", 200, "plain js"}, // the .br copy outside is ignored
	} {
		status, body := getEncoded(t, "http://"+addr+c.path, "br")
		if status != c.status || (c.status == 200 && body != c.body) {
			t.Errorf("%s: %d %q, want %d %q", c.path, status, body, c.status, c.body)
		}
	}
}

// TestDotfilesAreHidden: dotfiles and everything in dot-folders answer 404 at any depth,
// also percent-encoded; /.well-known/ is served.
func TestDotfilesAreHidden(t *testing.T) {
	dir := writeSite(t, map[string]string{
		"index.html":                  "app",
		".env":                        "SECRET",
		".git/config":                 "SECRET",
		".git/HEAD":                   "SECRET",
		"a/.secret":                   "SECRET",
		"a/.hidden/x.txt":             "SECRET",
		"a/.hidden/index.html":        "SECRET",
		".well-known/security.txt":    "contact",
		".well-known/.private":        "SECRET",
		"data/.DS_Store":              "SECRET",
		"posts/2020/.draft/post.html": "SECRET",
	})
	_, addr := serveDir(t, dir, Options{})
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{
		{"/.env", 404, ""},
		{"/%2eenv", 404, ""},
		{"/.git/config", 404, ""},
		{"/.git/", 404, ""},
		{"/.git/HEAD", 404, ""},
		{"/a/.secret", 404, ""},
		{"/a/.hidden/x.txt", 404, ""},
		{"/a/.hidden/", 404, ""},
		{"/a/b/../.secret", 404, ""},
		{"/data/.DS_Store", 404, ""},
		{"/posts/2020/.draft/post.html", 404, ""},
		{"/.well-known/.private", 404, ""},
		{"/.well-known/security.txt", 200, "contact"},
		{"/a/not-hidden", 200, "app"},
	} {
		status, body := get(t, "http://"+addr+c.path)
		if status != c.status || (c.status == 200 && body != c.body) {
			t.Errorf("%s: %d %q, want %d %q", c.path, status, body, c.status, c.body)
		}
	}
}
