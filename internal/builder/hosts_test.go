package builder

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/post"
)

const testPage = `<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; frame-src 'none'; object-src 'none'"></head>`

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
		for _, w := range []string{"/b/*\n", "Content-Security-Policy: default-src 'self'; frame-src 'none'; object-src 'none'; frame-ancestors 'self'", "/b/data/p/*\n  Cache-Control: public, max-age=31536000, immutable", "/b/data/k/*", "/b/app/*"} {
			if !strings.Contains(h, w) {
				t.Errorf("%s: _headers lacks %q:\n%s", name, w, h)
			}
		}
		if strings.Contains(h, "/b/data/*") || strings.Contains(h, "folio.json") {
			t.Errorf("%s: _headers makes the entry immutable:\n%s", name, h)
		}
		// The policy each path gets, as the host combines the rules that match it.
		for path, want := range map[string]string{
			"/b/":                       "frame-ancestors 'self'",
			"/b/2020/01/01/new":         "frame-ancestors 'self'",
			"/b/embed/frame/":           "frame-ancestors *",
			"/b/embed/frame/index.html": "frame-ancestors *",
			"/b/embed/":                 "frame-src 'self'; object-src 'none'; frame-ancestors 'self'",
			"/b/embed/index.html":       "frame-src 'self'; object-src 'none'; frame-ancestors 'self'",
		} {
			got := hostHeader(t, h, name == "cloudflare", path, "Content-Security-Policy")
			if len(got) != 1 || !strings.HasSuffix(got[0], want) {
				t.Errorf("%s: %s gets Content-Security-Policy %q, want one ending %q", name, path, got, want)
			}
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
	for _, w := range []string{`root "` + out + `";`, "brotli_static on;", "gzip_static on;", "error_page 404 /404.html;", "location /data/p/ {", `add_header Content-Security-Policy "default-src 'self'; frame-src 'none'; object-src 'none'; frame-ancestors 'self'" always;`, `location = "/old/" { return 301 "/2020/01/01/new.html"; }`, `location ~ /\.(?!well-known/) { return 404; }`} {
		if !strings.Contains(conf, w) {
			t.Errorf("nginx.conf lacks %q:\n%s", w, conf)
		}
	}
	if !strings.Contains(conf, "location = /embed/frame/index.html {") || !strings.Contains(conf, "frame-src 'none'; object-src 'none'; frame-ancestors *\" always;") {
		t.Errorf("nginx.conf lacks the widget frame's own policy:\n%s", conf)
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

// TestFewerFilesForFileLimits: for a host that limits the number of files (Cloudflare),
// the build writes fewer, bigger post shards, lookup buckets and search chunks than for
// one without (the same posts, and the same posts found); the report says so.
func TestFewerFilesForFileLimits(t *testing.T) {
	posts := filepath.Join(t.TempDir(), "_posts")
	files := map[string]string{}
	rnd := uint32(1)
	for i := range 400 {
		var b strings.Builder
		for range 500 {
			rnd = rnd*1664525 + 1013904223
			fmt.Fprintf(&b, "w%d ", rnd>>20)
		}
		files[fmt.Sprintf("2020-01-%02d-post-%d.md", i%28+1, i)] = fmt.Sprintf("---\ntitle: Post %d\n---\n%s\n", i, b.String())
	}
	writeFiles(t, posts, files)
	count := func(out, kind string) int {
		entries, err := os.ReadDir(filepath.Join(out, "data", kind))
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	build := func(host string) (string, *Report) {
		out := filepath.Join(t.TempDir(), "site")
		rep, err := Build(Options{Posts: posts, Out: out, Host: host, NoCompress: true, Site: fakeViewer("1")})
		if err != nil {
			t.Fatal(err)
		}
		return out, rep
	}
	plain, plainRep := build("netlify") // compresses, no file limit
	// 400 posts are far from Cloudflare's 20,000 files: the default sizes, and no note.
	small, smallRep := build("cloudflare")
	if n, m := count(small, "p"), count(plain, "p"); n != m || strings.Contains(strings.Join(smallRep.Notes, "\n"), "fewer, bigger") {
		t.Errorf("a small site on cloudflare: %d shards (netlify %d), notes %q: want the default sizes", n, m, smallRep.Notes)
	}
	defer func(share float64) { fewerFilesShare = share }(fewerFilesShare)
	fewerFilesShare = 0 // as if the site came near the limit
	fewer, fewerRep := build("cloudflare")
	if n, m := count(fewer, "p"), count(plain, "p"); n*4 > m*3 || m < 8 {
		t.Errorf("data/p: %d shards for cloudflare, %d for netlify: want under three quarters", n, m)
	}
	if n, m := count(fewer, "k"), count(plain, "k"); n*4 != m {
		t.Errorf("data/k: %d buckets for cloudflare, %d for netlify: want a quarter", n, m)
	}
	if n, m := fewerRep.Search.Chunks, plainRep.Search.Chunks; n*3 > m*2 || m < 8 {
		t.Errorf("%d term chunks for cloudflare, %d for netlify: want under two thirds", n, m)
	}
	if n, m := fewerRep.Search.PosChunks, plainRep.Search.PosChunks; n*2 > m {
		t.Errorf("%d position chunks for cloudflare, %d for netlify: want under half", n, m)
	}
	if fewerRep.Site.Files >= plainRep.Site.Files || fewerRep.Built != plainRep.Built {
		t.Errorf("cloudflare: %d files for %d posts, netlify: %d for %d", fewerRep.Site.Files, fewerRep.Built, plainRep.Site.Files, plainRep.Built)
	}
	if !strings.Contains(strings.Join(fewerRep.Notes, "\n"), "fewer, bigger data files for cloudflare's 20000-file limit") {
		t.Errorf("cloudflare's notes do not say the files are bigger: %q", fewerRep.Notes)
	}
	if strings.Contains(strings.Join(plainRep.Notes, "\n"), "fewer, bigger") {
		t.Errorf("netlify's notes say the files are bigger: %q", plainRep.Notes)
	}
}

// hostHeader is the values of header name that a host sends for path under the _headers
// file h, as the hosts document their rules: a rule is a path pattern ("*" matches the
// rest) and its headers; every matching rule applies in order. Cloudflare (detach) adds
// every rule's values and drops a header on "! Name"; Netlify keeps the last value.
func hostHeader(t *testing.T, h string, detach bool, path, name string) []string {
	t.Helper()
	var values []string
	matching := false
	for _, line := range strings.Split(h, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case !strings.HasPrefix(line, " "):
			pattern := strings.TrimSpace(line)
			prefix, wild := strings.CutSuffix(pattern, "*")
			matching = pattern == path || wild && strings.HasPrefix(path, prefix)
		case !matching:
		case strings.TrimSpace(line) == "! "+name:
			if !detach {
				t.Errorf("a detach line for a host that does not know it: %q", line)
			}
			values = nil
		default:
			k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
			if !ok || k != name {
				continue
			}
			if detach {
				values = append(values, v)
			} else {
				values = []string{v}
			}
		}
	}
	return values
}
