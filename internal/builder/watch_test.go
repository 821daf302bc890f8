package builder

import (
	"path/filepath"
	"testing"
	"time"
)

// TestFingerprint: what folio serve -watch looks at changes with a post, a site file or
// the config, and not with the output folder inside the site (each build writes there)
// or a dot folder (.git).
func TestFingerprint(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"_config.yml": "title: A\n", "_posts/2020-01-01-a.md": postText("A"), "img/x.png": "x"})
	o := Options{SiteDir: root, Posts: filepath.Join(root, "_posts"), Out: filepath.Join(root, "_site")}
	before := fingerprint(o)
	writeFiles(t, root, map[string]string{"_site/index.html": "built", ".git/index": "git"})
	if fingerprint(o) != before {
		t.Error("the output folder or .git counts as a change of the sources")
	}
	for name, data := range map[string]string{"_posts/2020-01-01-a.md": postText("B"), "img/y.png": "y", "_config.yml": "title: Changed\n"} {
		time.Sleep(10 * time.Millisecond) // a later modification time, whatever the size
		writeFiles(t, root, map[string]string{name: data})
		if now := fingerprint(o); now == before {
			t.Errorf("a change of %s is not seen", name)
		} else {
			before = now
		}
	}
}
