package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"folio/internal/pages"
	"folio/internal/server"
)

// brotliModule is the module Debian's libnginx-mod-http-brotli-static installs.
const brotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

// nginxPath finds nginx ($FOLIO_NGINX, else Debian's) with the brotli_static module.
// Without them the test skips locally and fails in CI (make test installs them with
// scripts/ensure-nginx.sh).
func nginxPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("FOLIO_NGINX")
	if p == "" {
		p = "/usr/sbin/nginx"
	}
	_, errN := os.Stat(p)
	_, errM := os.Stat(brotliModule)
	if errN == nil && errM == nil {
		return p
	}
	msg := fmt.Sprintf("nginx (%s) or its brotli_static module (%s) not found: run scripts/ensure-nginx.sh (make test does)", p, brotliModule)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; skipping")
	return ""
}

// startNginx runs nginx with the site's snippet (OUT/.folio/nginx.conf) included in a
// server block on a free loopback port, as its comment tells a site owner to, and returns
// the server's address. nginx stops at the end of the test.
func startNginx(t *testing.T, nginx, site string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nginx takes the port next
	prefix := t.TempDir()
	// Started by root, nginx's workers take the user nobody, who cannot read the test's
	// temporary folders (0700): they stay root here.
	user := ""
	if os.Getuid() == 0 {
		user = "user root;"
	}
	conf := fmt.Sprintf(`load_module %s;
%s
daemon off;
pid %[3]s/nginx.pid;
error_log %[3]s/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path %[3]s; proxy_temp_path %[3]s; fastcgi_temp_path %[3]s;
    uwsgi_temp_path %[3]s; scgi_temp_path %[3]s;
    server {
        listen %[4]s;
        include "%[5]s";
    }
}
`, brotliModule, user, prefix, addr, filepath.Join(site, ".folio", "nginx.conf"))
	if err := os.WriteFile(filepath.Join(prefix, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(nginx, "-t", "-p", prefix, "-c", filepath.Join(prefix, "nginx.conf")).CombinedOutput(); err != nil {
		snippet, _ := os.ReadFile(filepath.Join(site, ".folio", "nginx.conf"))
		t.Fatalf("nginx rejects the snippet: %v\n%s\nthe snippet:\n%s", err, out, snippet)
	}
	var log bytes.Buffer
	cmd := exec.Command(nginx, "-p", prefix, "-c", filepath.Join(prefix, "nginx.conf"))
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to stop its workers with it
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) // it may have ended already
		_ = cmd.Wait()                                      // its status says nothing: we ended it
	})
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			return "http://" + addr
		}
		if time.Since(start) > 10*time.Second {
			errLog, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			t.Fatalf("nginx did not listen on %s within 10 s:\n%s%s", addr, log.Bytes(), errLog)
		}
	}
}

// fetch asks nginx for path with the given Accept-Encoding, following no redirect.
func fetch(t *testing.T, base, path, encoding string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", base+(&url.URL{Path: path}).EscapedPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", encoding)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close() //nolint:errcheck // read whole below
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, body
}

// TestNginxSnippet serves the demo (prerendered post pages, a redirect_from, at / and under
// a sub-path) with real nginx and the snippet folio build -host nginx writes, and checks
// what a reader gets against the site's files: every file's bytes, the .br/.gz copies
// where the reader takes them, immutable caching on the content-addressed folders only,
// the viewer's and the widget's policies, the viewer page with status 404 for unknown
// paths, dot files hidden, the redirects and the manifest's type.
func TestNginxSnippet(t *testing.T) {
	nginx := nginxPath(t)
	posts := filepath.Join(t.TempDir(), "_posts")
	if err := os.CopyFS(posts, os.DirFS(filepath.Join("..", "demo", "_posts"))); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, posts, map[string][]byte{"2024-05-01-moved.md": []byte("---\ntitle: Moved\ncategories: [tea]\nredirect_from:\n  - /old/moved/\n  - /旧/文章.html\n  - /old page; {x}/\n---\nThis post moved.\n")})
	for _, base := range []string{"/", "/blog/"} {
		t.Run(strings.Trim(base, "/")+"root", func(t *testing.T) {
			site := filepath.Join(t.TempDir(), "my site") // a space, which the snippet quotes
			if code, stderr, _ := build(t, "-posts", posts, "-out", site, "-host", "nginx", "-base-url", base, "-prerender", "-quiet"); code != 0 {
				t.Fatalf("build: exit %d\n%s", code, stderr)
			}
			addr := startNginx(t, nginx, site)
			checkNginxFiles(t, addr, site, base)

			notFound, err := os.ReadFile(filepath.Join(site, "404.html"))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"no/such/page", "2024/05/01/no-such-post.html", ".folio/build.json", "data/.folio-write-test", "app/.hidden"} {
				if resp, body := fetch(t, addr, base+p, "identity"); resp.StatusCode != 404 || !bytes.Equal(body, notFound) {
					t.Errorf("%s%s: status %d, %d bytes; want 404 with the viewer's 404.html", base, p, resp.StatusCode, len(body))
				}
			}
			var moved string
			_ = filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.Name() == "moved.html" {
					moved = base + filepath.ToSlash(strings.TrimPrefix(p, site+string(filepath.Separator)))
				}
				return nil
			})
			if moved == "" {
				t.Fatal("the moved post's page was not prerendered")
			}
			for _, from := range []string{"old/moved/", "旧/文章.html", "old page; {x}/"} {
				resp, _ := fetch(t, addr, base+from, "identity")
				if loc, _ := url.PathUnescape(resp.Header.Get("Location")); resp.StatusCode != 301 || !strings.HasSuffix(loc, moved) {
					t.Errorf("%s%s: status %d, Location %q; want 301 to %s", base, from, resp.StatusCode, resp.Header.Get("Location"), moved)
				}
			}
			if resp, _ := fetch(t, addr, base+"manifest.webmanifest", "identity"); resp.Header.Get("Content-Type") != "application/manifest+json" {
				t.Errorf("manifest.webmanifest: Content-Type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

// checkNginxFiles asks nginx for every file of the site a host publishes and compares
// what comes back with the file, its .br or .gz copy, and the headers folio serve sends.
func checkNginxFiles(t *testing.T, addr, site, base string) {
	t.Helper()
	checked := 0
	err := filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, site+string(filepath.Separator)))
		if d.IsDir() {
			if rel == ".folio" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, ".br") || strings.HasSuffix(rel, ".gz") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		resp, body := fetch(t, addr, base+rel, "identity")
		if resp.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Errorf("%s%s: status %d, %d bytes; want 200 with the file's %d", base, rel, resp.StatusCode, len(body), len(want))
			return nil
		}
		for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			copyBytes, err := os.ReadFile(p + enc.ext)
			if err != nil {
				continue
			}
			resp, body := fetch(t, addr, base+rel, enc.name)
			if resp.Header.Get("Content-Encoding") != enc.name || !bytes.Equal(body, copyBytes) {
				t.Errorf("%s%s with Accept-Encoding %s: Content-Encoding %q, %d bytes; want the %s copy's %d", base, rel, enc.name, resp.Header.Get("Content-Encoding"), len(body), enc.ext, len(copyBytes))
			}
		}
		immutable := strings.HasPrefix(rel, "app/") || (strings.HasPrefix(rel, "data/") && strings.Count(rel, "/") >= 2)
		if cc := resp.Header.Get("Cache-Control"); (cc == "public, max-age=31536000, immutable") != immutable || cc == "" {
			t.Errorf("%s%s: Cache-Control %q (immutable: %v)", base, rel, cc, immutable)
		}
		if strings.HasSuffix(rel, ".html") {
			if got, want := resp.Header.Get("Content-Security-Policy"), pages.Policy(server.CSP, rel); got != want {
				t.Errorf("%s%s: Content-Security-Policy\n%q, want\n%q", base, rel, got, want)
			}
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s%s: no X-Content-Type-Options: nosniff", base, rel)
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("only %d files checked: the site is smaller than the demo's", checked)
	}
	t.Logf("%d files served as built (base %s)", checked, base)
	// A folder's page answers at the folder's path.
	for _, p := range []string{"", "embed/", "embed/frame/"} {
		want, err := os.ReadFile(filepath.Join(site, p, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		resp, body := fetch(t, addr, base+p, "identity")
		if resp.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Errorf("%s%s: status %d; want its index.html", base, p, resp.StatusCode)
		}
		if got, want := resp.Header.Get("Content-Security-Policy"), pages.Policy(server.CSP, p+"index.html"); got != want {
			t.Errorf("%s%s: Content-Security-Policy\n%q, want\n%q", base, p, got, want)
		}
	}
}
