package builder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/post"
)

const testPage = `<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'"></head>`

func hostOut(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	for _, f := range []string{"data/folio.json", "data/p/abc.json", "data/k/def.json", "app/v1/app.js", "index.html", "old/index.html"} {
		if err := mkdirWrite(filepath.Join(out, filepath.FromSlash(f)), []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func read(t *testing.T, out, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("%s not written: %v", name, err)
	}
	return string(data)
}

// TestHostFiles: each host gets what it needs to serve the site as folio serve does: the
// CSP and immutable caching of content-addressed files only (never data/folio.json), and
// the posts' redirect_from in the host's own form.
func TestHostFiles(t *testing.T) {
	posts := []*post.Post{{URL: "/2020/01/01/new.html", RedirectFrom: []string{"/old/", "/older.html"}}}
	for _, name := range []string{"cloudflare", "netlify"} {
		out := hostOut(t)
		if _, err := writeHostFiles(Hosts[name], out, "/b/", []byte(testPage), posts); err != nil {
			t.Fatal(err)
		}
		h := read(t, out, "_headers")
		for _, w := range []string{"/b/*\n", "Content-Security-Policy: default-src 'self'; object-src 'none'; frame-ancestors 'self'", "/b/data/p/*\n  Cache-Control: public, max-age=31536000, immutable", "/b/data/k/*", "/b/app/*"} {
			if !strings.Contains(h, w) {
				t.Errorf("%s: _headers lacks %q:\n%s", name, w, h)
			}
		}
		if strings.Contains(h, "/b/data/*") || strings.Contains(h, "folio.json") {
			t.Errorf("%s: _headers makes the entry immutable:\n%s", name, h)
		}
		if r := read(t, out, "_redirects"); r != "/b/old/ /b/2020/01/01/new.html 301\n/b/older.html /b/2020/01/01/new.html 301\n" {
			t.Errorf("%s: _redirects %q", name, r)
		}
	}

	out := hostOut(t)
	if _, err := writeHostFiles(Hosts["github-pages"], out, "/", []byte(testPage), posts); err != nil {
		t.Fatal(err)
	}
	read(t, out, ".nojekyll")
	if p := read(t, out, "older.html"); !strings.Contains(p, `http-equiv="refresh" content="0; url=/2020/01/01/new.html"`) {
		t.Errorf("redirect page %q", p)
	}
	if p := read(t, out, "old/index.html"); p != "x" {
		t.Errorf("a redirect page replaced a file of the site: %q", p)
	}
	if _, err := os.Stat(filepath.Join(out, "_headers")); err == nil {
		t.Error("_headers written for GitHub Pages, which does not read it")
	}

	out = hostOut(t)
	if _, err := writeHostFiles(Hosts["nginx"], out, "/", []byte(testPage), posts); err != nil {
		t.Fatal(err)
	}
	conf := read(t, out, ".folio/nginx.conf")
	for _, w := range []string{"root " + out + ";", "brotli_static on;", "gzip_static on;", "error_page 404 /404.html;", "location /data/p/ {", `add_header Content-Security-Policy "default-src 'self'; object-src 'none'; frame-ancestors 'self'" always;`, "location = /old/ { return 301 /2020/01/01/new.html; }", `location ~ /\.(?!well-known/) { return 404; }`} {
		if !strings.Contains(conf, w) {
			t.Errorf("nginx.conf lacks %q:\n%s", w, conf)
		}
	}
	if strings.Count(conf, "{") != strings.Count(conf, "}") {
		t.Errorf("nginx.conf braces do not balance:\n%s", conf)
	}
}

// TestCheckHost: the site's files, total and largest file against each limit; the
// build's own records (.folio/) are not published, so not counted.
func TestCheckHost(t *testing.T) {
	out := hostOut(t)
	if err := mkdirWrite(filepath.Join(out, "app/v1/app.wasm"), make([]byte, 3000)); err != nil {
		t.Fatal(err)
	}
	if err := mkdirWrite(filepath.Join(out, ".folio/gen.json"), make([]byte, 9000)); err != nil {
		t.Fatal(err)
	}
	r, err := checkHost(Host{Name: "tiny", MaxFiles: 5, MaxBytes: 2000, MaxFileBytes: 1000}, out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Files != 7 || r.Bytes != 3006 || r.Largest != "app/v1/app.wasm" || r.LargestBytes != 3000 {
		t.Errorf("measured %+v", r)
	}
	if len(r.Over) != 3 || !strings.Contains(r.Over[0], "7 files, over tiny's 5") || !strings.Contains(r.Over[2], "app/v1/app.wasm") {
		t.Errorf("over: %q", r.Over)
	}
	if r, _ := checkHost(Hosts["cloudflare"], out); len(r.Over) != 0 {
		t.Errorf("a small site over Cloudflare's limits: %q", r.Over)
	}
}
