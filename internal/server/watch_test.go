package server

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWatchStreamOutlivesTimeouts: a page's /api/watch stream on a watching server stays
// open past the server's read and write timeouts and carries "reload" after Reload; the
// site's responses name folio-watch in Server-Timing. A server that does not watch has
// neither.
func TestWatchStreamOutlivesTimeouts(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>home</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	serve := func(watch bool) (*Server, string) {
		s, err := New(dir, Options{Static: true, Watch: watch, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = s.Serve(ln) }()
		t.Cleanup(func() { _ = s.Close() })
		return s, "http://" + ln.Addr().String()
	}
	s, base := serve(true)
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.Header.Get("Server-Timing") != "folio-watch" {
		t.Errorf("a watching server's page has Server-Timing %q", res.Header.Get("Server-Timing"))
	}
	res, err = http.Get(base + "/blog/api/watch") // under a base path too
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close() //nolint:errcheck // read only
	lines := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	time.Sleep(time.Second) // well past both timeouts
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.After(10 * time.Second); ; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the stream closed before the reload")
			}
			if l == "event: reload" {
				goto plain
			}
		case <-deadline:
			t.Fatal("no reload event")
		}
	}
plain:
	_, base = serve(false)
	res, err = http.Get(base + "/api/watch")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.Header.Get("Server-Timing") != "" || strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Errorf("a server that does not watch answers %s %q", res.Header.Get("Content-Type"), res.Header.Get("Server-Timing"))
	}
}
