package builder

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"folio/internal/archive"
	"folio/internal/bundle"
	"folio/internal/pages"
	"folio/internal/post"
)

// Post pages (Options.Prerender) are one HTML file per post at its original URL, for
// static hosts without an edge: a reader or crawler that opens a permalink gets the post
// (title, description, canonical link, Open Graph, the body) instead of the viewer's
// empty page, and the viewer takes the page over from the data it carries. They are the
// server's own pages (internal/pages), rendered by the archive handler over the bundle
// just written, so there is one template for both.

// PostPagesReport is what the post pages cost.
type PostPagesReport struct {
	Files   int     `json:"files"` // without .br/.gz copies
	Bytes   int64   `json:"bytes"` // without copies
	Seconds float64 `json:"seconds"`
}

// postPageFile is the file a static host serves for a post's URL (below the base): the
// URL itself when it names an .html or .htm file, else index.html in the folder it
// names ("/2020/05/tea/" and "/2020/05/tea" both: 2020/05/tea/index.html). ok is false
// for a URL no file may take: the viewer's own pages and folders, dot names, "..".
func postPageFile(u string) (name string, ok bool) {
	rel := strings.TrimPrefix(u, "/")
	if rel == "" || rel == "index.html" {
		return "", false
	}
	for _, r := range reservedPrefixes {
		if strings.HasPrefix(u, r) {
			return "", false
		}
	}
	segs := strings.Split(strings.TrimSuffix(rel, "/"), "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." || strings.HasPrefix(s, ".") || strings.ContainsAny(s, "\\\x00") {
			return "", false
		}
	}
	switch segs[0] {
	case "api", "data", appDir, "wasm", "embed":
		return "", false
	}
	if len(segs) == 1 {
		for _, r := range rootFiles {
			if segs[0] == r {
				return "", false
			}
		}
	}
	switch ext := strings.ToLower(path.Ext(rel)); {
	case strings.HasSuffix(rel, "/"):
		name = rel + "index.html"
	case ext == ".html" || ext == ".htm":
		name = rel
	default:
		name = rel + "/index.html"
	}
	return name, true
}

// postPageNames lists the files of the posts' pages, sorted, each once, with the URL
// (below the base) each is rendered from. A file that exists in out but was not a post
// page of a recorded generation (a static file of the site) is left alone and listed in
// kept.
func postPageNames(posts []*post.Post, out string) (names []string, urls map[string]string, kept []string) {
	ours := map[string]bool{}
	records, _ := filepath.Glob(filepath.Join(out, stateDir, "generation-*.json")) // a bad pattern only
	for _, r := range records {
		for _, n := range pagesOf(r) {
			ours[n] = true
		}
	}
	urls = map[string]string{}
	for _, p := range posts {
		name, ok := postPageFile(p.URL)
		if !ok || urls[name] != "" {
			continue
		}
		if _, err := os.Lstat(filepath.Join(out, filepath.FromSlash(name))); err == nil && !ours[name] {
			kept = append(kept, name)
			continue
		}
		urls[name] = p.URL
		names = append(names, name)
	}
	sort.Strings(names)
	return names, urls, kept
}

// writePostPages renders each post's page with the archive handler and the pages
// extension over the bundle in out/data (its entry already written), inside page (the
// viewer's page, as 404.html has it), and writes it at its name, each file replacing its
// former version in one rename. It returns the bytes written (without copies).
func writePostPages(out string, page []byte, base string, names []string, urls map[string]string, compress bool) (int64, error) {
	shell, err := pages.ParseShell(page)
	if err != nil {
		return 0, fmt.Errorf("post pages: %w", err)
	}
	h := archive.New(bundle.FS(os.DirFS(filepath.Join(out, "data"))), pages.Extension(shell, nil))
	var (
		mu    sync.Mutex
		first error
		total int64
		wg    sync.WaitGroup
	)
	jobs := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range jobs {
				data, err := renderPage(h, strings.TrimSuffix(base, "/")+urls[name])
				if err == nil {
					err = writeWithCopies(filepath.Join(out, filepath.FromSlash(name)), data, compress)
				}
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("post page %s: %w", name, err)
				}
				total += int64(len(data))
				mu.Unlock()
			}
		}()
	}
	for _, name := range names {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			break
		}
		jobs <- name
	}
	close(jobs)
	wg.Wait()
	return total, first
}

// renderPage asks h for the page at the site path p, as a reader without preferred
// languages would.
func renderPage(h http.Handler, p string) ([]byte, error) {
	u := &url.URL{Path: p}
	r, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u.EscapedPath(), nil)
	if err != nil {
		return nil, err
	}
	w := &pageRecorder{header: http.Header{}}
	h.ServeHTTP(w, r)
	if w.status != http.StatusOK {
		return nil, fmt.Errorf("rendered with status %d: %.200s", w.status, w.body)
	}
	return w.body, nil
}

// pageRecorder keeps one response.
type pageRecorder struct {
	header http.Header
	status int
	body   []byte
}

func (w *pageRecorder) Header() http.Header { return w.header }
func (w *pageRecorder) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *pageRecorder) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.body = append(w.body, b...)
	return len(b), nil
}

// pagesOf reads the post pages a generation record lists (none when it cannot be read).
func pagesOf(record string) []string {
	data, err := os.ReadFile(record)
	if err != nil {
		return nil
	}
	var g generation
	if json.Unmarshal(data, &g) != nil {
		return nil
	}
	return g.Pages
}

// removePostPagesOf deletes the post pages of the old generation record (a file name in
// out/.folio) that neither cur nor prev lists, with their copies and the folders they
// leave empty.
func removePostPagesOf(out, record string, cur, prev generation) error {
	if !strings.HasPrefix(record, "generation-") {
		return nil
	}
	keeping := map[string]bool{}
	for _, g := range []generation{cur, prev} {
		for _, n := range g.Pages {
			keeping[n] = true
		}
	}
	for _, n := range pagesOf(filepath.Join(out, stateDir, record)) {
		if keeping[n] {
			continue
		}
		if name, ok := postPageFile("/" + n); !ok || name != n {
			continue // not a name a build writes: never delete it
		}
		file := filepath.Join(out, filepath.FromSlash(n))
		for _, ext := range []string{"", ".br", ".gz"} {
			if err := os.Remove(file + ext); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		for dir := filepath.Dir(file); dir != filepath.Clean(out) && strings.HasPrefix(dir, filepath.Clean(out)); dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil { // not empty (or gone): stop
				break
			}
		}
	}
	return nil
}
