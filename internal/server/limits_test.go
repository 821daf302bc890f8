package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// long is a timeout no test reaches: it keeps the limits a test is not about out of the way.
const long = time.Minute

// bound is how long a test waits for something that should happen much sooner.
const bound = 5 * time.Second

// writeSite writes files (name → content) into a new folder and returns it.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// serve runs s on a loopback port until the test ends and returns its address.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// serveDir serves dir with opts, the timeouts not given set to long. The folders these
// tests make are toy sites without data, so they are served files only (-static);
// pages_test.go checks the hardening with rendered pages.
func serveDir(t *testing.T, dir string, opts Options) (*Server, string) {
	t.Helper()
	opts.Static = true
	for _, d := range []*time.Duration{&opts.ReadHeaderTimeout, &opts.ReadTimeout, &opts.WriteTimeout, &opts.IdleTimeout} {
		if *d == 0 {
			*d = long
		}
	}
	s, err := New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, serve(t, s)
}

// closedWithin reports whether the server closes c (a read ends in EOF or a reset)
// before d has passed. Anything c receives before that is discarded.
func closedWithin(t *testing.T, c net.Conn, d time.Duration) bool {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(d)); err != nil {
		t.Fatal(err)
	}
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// get fetches url on a fresh connection and returns status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return getEncoded(t, url, "")
}

// getEncoded is get with an Accept-Encoding header (the body is left encoded).
func getEncoded(t *testing.T, url, accept string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	client := &http.Client{Timeout: bound, Transport: &http.Transport{DisableKeepAlives: true, DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close() //nolint:errcheck // read to the end, or the test fails already
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: body: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// TestSlowlorisIsCutOff: a client that sends its request head a byte at a time, never
// finishing it, is disconnected once ReadHeaderTimeout has passed.
func TestSlowlorisIsCutOff(t *testing.T) {
	dir := writeSite(t, map[string]string{"index.html": "app"})
	_, addr := serveDir(t, dir, Options{ReadHeaderTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() //nolint:errcheck // the test's own client: the server's side is checked
	start := time.Now()
	head := "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Slow: y\r\n", 20)
	for i := 0; ; i++ {
		if time.Since(start) > bound {
			t.Fatalf("still connected after %v of a byte every 50 ms", bound)
		}
		if _, err := c.Write([]byte{head[i%len(head)]}); err != nil {
			break // the server closed it
		}
		if closedWithin(t, c, 50*time.Millisecond) {
			break
		}
	}
	t.Logf("cut after %v", time.Since(start).Round(time.Millisecond))
}

// TestIdleKeepAliveIsClosed: a kept-alive connection that sends no further request is
// closed once IdleTimeout has passed.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	dir := writeSite(t, map[string]string{"index.html": "app"})
	_, addr := serveDir(t, dir, Options{IdleTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() //nolint:errcheck // the test's own client: the server's side is checked
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // read to the end: nothing left to fail
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("first response: %d, close %v; want 200 kept alive", resp.StatusCode, resp.Close)
	}
	if !closedWithin(t, c, bound) {
		t.Fatalf("idle connection still open after %v", bound)
	}
}

// TestCapMakesRoomForNewClients: with the cap filled by clients that connect and send
// nothing or half a request head, each new connection closes the one waiting longest,
// the server never holds more than the cap, and a normal request is served at once.
func TestCapMakesRoomForNewClients(t *testing.T) {
	const max = 4
	dir := writeSite(t, map[string]string{"index.html": "app"})
	s, addr := serveDir(t, dir, Options{MaxConns: max})
	var idle []net.Conn
	for i := range 2 * max {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close() //nolint:errcheck // the test's own client: the server's side is checked
		if i%2 == 1 {
			// half a head
			if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n"); err != nil {
				t.Fatal(err)
			}
		}
		idle = append(idle, c)
	}
	for i, c := range idle[:max] {
		if !closedWithin(t, c, bound) {
			t.Fatalf("client %d of %d still connected with the cap at %d", i+1, len(idle), max)
		}
	}
	if status, body := get(t, "http://"+addr+"/"); status != 200 || body != "app" {
		t.Fatalf("normal request: %d %q", status, body)
	}
	if st := s.Stats(); st.Open > max || st.Evicted < max {
		t.Errorf("stats %+v: want at most %d open, at least %d evicted", st, max, max)
	}
}

// TestCapKeepsResponsesRunning: connections in the middle of a response are never closed
// to make room; a new one waits until a response ends, and is then served.
func TestCapKeepsResponsesRunning(t *testing.T) {
	const max = 2
	entered := make(chan string, 3)
	release := make(chan struct{})
	var released atomic.Bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/late" && !released.Load() {
			t.Errorf("the request beyond the cap was served while %d responses were running", max)
		}
		entered <- r.URL.Path
		<-release
		_, _ = io.WriteString(w, "done "+r.URL.Path) // the client checks what arrives
	})
	s := newServer(nil, h, Options{MaxConns: max, ReadHeaderTimeout: long, ReadTimeout: long, WriteTimeout: long, IdleTimeout: long})
	addr := serve(t, s)

	results := make(chan string, 3)
	fetch := func(path string) {
		client := &http.Client{Timeout: bound, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			results <- path + ": " + err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close() // what arrived is checked below
		results <- string(body)
	}
	go fetch("/a")
	go fetch("/b")
	<-entered
	<-entered
	go fetch("/late")
	for deadline := time.Now().Add(bound); s.Stats().Queued == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			released.Store(true)
			close(release)
			t.Fatalf("the request beyond the cap was not held back: stats %+v", s.Stats())
		}
	}
	released.Store(true)
	close(release)
	got := map[string]bool{}
	for range 3 {
		got[<-results] = true
	}
	for _, want := range []string{"done /a", "done /b", "done /late"} {
		if !got[want] {
			t.Errorf("missing %q among %v", want, got)
		}
	}
}

// bigFile writes a sparse file of n bytes into dir as name.
func bigFile(t *testing.T, dir, name string, n int64) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(n); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSlowDownloadIsNotCut: a download that takes many WriteTimeouts but keeps moving
// completes; the deadline bounds each piece, not the whole response.
func TestSlowDownloadIsNotCut(t *testing.T) {
	const size = 32 << 20
	dir := writeSite(t, map[string]string{"index.html": "app"})
	bigFile(t, dir, "big.bin", size)
	// A second per piece: on a loaded machine the client can sit unscheduled for a few
	// hundred milliseconds, which is not what this test is about.
	timeout := time.Second
	_, addr := serveDir(t, dir, Options{WriteTimeout: timeout})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() //nolint:errcheck // the test's own client: the server's side is checked
	if err := c.(*net.TCPConn).SetReadBuffer(64 << 10); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	buf := make([]byte, 128<<10)
	var n int64
	for {
		k, err := resp.Body.Read(buf)
		n += int64(k)
		if err != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	took := time.Since(start)
	if n != size {
		t.Fatalf("got %d of %d bytes in %v (write timeout %v)", n, size, took, timeout)
	}
	if took < 2*timeout {
		t.Fatalf("the download took %v, too fast to show anything about a %v timeout", took, timeout)
	}
}

// TestStalledDownloadIsCut: a client that asks for a big file and stops reading is
// disconnected after WriteTimeout, freeing its place.
func TestStalledDownloadIsCut(t *testing.T) {
	dir := writeSite(t, map[string]string{"index.html": "app"})
	bigFile(t, dir, "big.bin", 64<<20)
	s, addr := serveDir(t, dir, Options{WriteTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() //nolint:errcheck // the test's own client: the server's side is checked
	if err := c.(*net.TCPConn).SetReadBuffer(64 << 10); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(bound); s.Stats().Open > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("a stalled download still holds its connection after %v", bound)
		}
	}
}

// TestPacedRanges: range requests come out whole and exact through the paced writer.
func TestPacedRanges(t *testing.T) {
	data := make([]byte, 3*piece+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	dir := writeSite(t, map[string]string{"index.html": "app", "data/x.bin": string(data)})
	_, addr := serveDir(t, dir, Options{})
	client := &http.Client{Timeout: bound}
	for _, c := range []struct {
		rng  string
		want []byte
	}{
		{"", data},
		{"bytes=100-299", data[100:300]},
		{"bytes=" + strconv.Itoa(piece-5) + "-", data[piece-5:]},
	} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/data/x.bin", nil)
		if c.rng != "" {
			req.Header.Set("Range", c.rng)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close() // read to the end; a read error is reported below
		if err != nil || string(body) != string(c.want) {
			t.Errorf("range %q: %d bytes (%v), want %d", c.rng, len(body), err, len(c.want))
		}
	}
}

// TestDefaultMaxConns: the default cap stays at most half the file limit, less a reserve.
func TestDefaultMaxConns(t *testing.T) {
	for _, c := range []struct {
		limit uint64
		want  int
	}{{0, DefaultMaxConns}, {1 << 20, DefaultMaxConns}, {20000, DefaultMaxConns}, {1024, 480}, {256, 96}, {40, 16}} {
		if got := defaultMaxConns(c.limit); got != c.want {
			t.Errorf("file limit %d: cap %d, want %d", c.limit, got, c.want)
		}
	}
}
