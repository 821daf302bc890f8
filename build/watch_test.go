package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer two goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close() //nolint:errcheck // read only
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// TestServeWatch: folio serve -watch rebuilds the site when a post changes, as it was
// built (here with -prerender), and tells open pages through its event stream; the
// served page and the API then show the change. A post that breaks the build's input is
// reported and the previous site stays served.
func TestServeWatch(t *testing.T) {
	watchInterval = 50 * time.Millisecond
	root := t.TempDir()
	writeFiles(t, root, map[string][]byte{
		"_config.yml":              []byte("title: Tea\n"),
		"_posts/2020-01-01-tea.md": []byte("---\ntitle: First Title\n---\nFirst body.\n"),
	})
	out := filepath.Join(root, "public")
	if code, stderr, _ := build(t, "-site", root, "-out", out, "-quiet"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	stderr := &syncBuffer{}
	go runServe([]string{"-dir", out, "-addr", "127.0.0.1:0", "-watch"}, stderr)
	addrRe := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := addrRe.FindStringSubmatch(stderr.String()); m != nil {
			base = "http://" + m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("folio serve did not start:\n%s", stderr.String())
		}
	}
	const page = "/2020/01/01/tea.html"
	if got := get(t, base+page); !strings.Contains(got, "First Title") {
		t.Fatalf("before the change, the page lacks the title: %.300s", got)
	}
	res, err := http.Get(base + "/api/watch")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close() //nolint:errcheck // read only
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("/api/watch: %s %s", res.Status, ct)
	}
	if st := res.Header.Get("Server-Timing"); st != "folio-watch" {
		t.Errorf("Server-Timing %q: the viewer would not know the server watches", st)
	}
	events := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if e, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- e
			}
		}
	}()

	writeFiles(t, root, map[string][]byte{"_posts/2020-01-01-tea.md": []byte("---\ntitle: Second Title\n---\nSecond body.\n")})
	select {
	case e := <-events:
		if e != "reload" {
			t.Fatalf("event %q", e)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no reload event after a post changed:\n%s", stderr.String())
	}
	if got := get(t, base+page); !strings.Contains(got, "Second Title") || !strings.Contains(got, "Second body.") {
		t.Errorf("after the rebuild the page shows the old post: %.300s", got)
	}
	var resolved struct{ ID string }
	if err := json.Unmarshal([]byte(get(t, base+"/api/resolve?path="+page)), &resolved); err != nil || resolved.ID == "" {
		t.Fatalf("resolve: %v", err)
	}
	var p struct{ Title, HTML string }
	if err := json.Unmarshal([]byte(get(t, base+"/api/post?id="+resolved.ID)), &p); err != nil || p.Title != "Second Title" || !strings.Contains(p.HTML, "Second body.") {
		t.Errorf("the API shows %q %q (%v) after the rebuild", p.Title, p.HTML, err)
	}
	// The line is written once the open pages were told (the event above), by another
	// goroutine: give it a moment.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stderr.String(), "folio serve: rebuilt: 1 posts"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("the rebuild is not reported:\n%s", stderr.String())
			break
		}
	}

	// A broken site config fails the rebuild: reported, the previous site still served.
	writeFiles(t, root, map[string][]byte{"_config.yml": []byte("title: [unclosed\n")})
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "rebuild failed"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("a failed rebuild is not reported:\n%s", stderr.String())
		}
	}
	if got := get(t, base+page); !strings.Contains(got, "Second Title") {
		t.Errorf("after a failed rebuild the page is not the previous one: %.300s", got)
	}
}
