package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"

	"folio/internal/post"
	"folio/internal/render"
)

// pagefindVersion is the Pagefind release measured against (the one of
// ../shared/research/peers.md). Its npm platform package carries pagefind_extended, the
// build with Chinese word segmentation.
const pagefindVersion = "1.6.0"

// pagesLayout names the way writePages lays out the site; a change to it must change
// this, so that a Pagefind site built before is rebuilt.
const pagesLayout = "pages/1"

// installPagefind installs the pinned Pagefind into cache (with npm, once) and returns
// its binary.
func installPagefind(cache string) (string, error) {
	dir := filepath.Join(cache, "pagefind-"+pagefindVersion)
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	bin := filepath.Join(dir, "node_modules", "@pagefind", runtime.GOOS+"-"+arch, "bin", "pagefind_extended")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	fmt.Printf("installing Pagefind %s into %s (npm, once)\n", pagefindVersion, dir)
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir, "pagefind@"+pagefindVersion)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install pagefind@%s: %w (npm and its registry must be reachable on the first run)", pagefindVersion, err)
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("npm installed no %s (is there a Pagefind build for %s/%s?)", bin, runtime.GOOS, runtime.GOARCH)
	}
	return bin, nil
}

// buildPagefind writes one page per post into dir (posts/N.html, N the post's index in
// the corpus) and runs Pagefind over it, unless dir already holds this build (stamp).
func buildPagefind(bin, dir, postsDir, stamp string) error {
	stampFile := filepath.Join(dir, ".complete")
	if b, err := os.ReadFile(stampFile); err == nil && string(b) == stamp {
		fmt.Printf("Pagefind: reusing %s (%s)\n", dir, stamp)
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := writePages(dir, postsDir); err != nil {
		return err
	}
	start := time.Now()
	cmd := exec.Command(bin, "--site", dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s --site %s: %w\n%s", bin, dir, err, out.String())
	}
	size, files := dirSize(filepath.Join(dir, "pagefind"))
	fmt.Printf("Pagefind %s: built in %.1f s, %d files, %.1f MB\n", pagefindVersion, time.Since(start).Seconds(), files, float64(size)/1e6)
	// Pagefind compresses its index and fragments itself, not its scripts: give them the
	// .br and .gz copies a static host would serve, as Folio's build does for its own.
	for _, name := range []string{"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"} {
		if err := precompress(filepath.Join(dir, "pagefind", name)); err != nil {
			return err
		}
	}
	return os.WriteFile(stampFile, []byte(stamp), 0o644)
}

// writePages writes the bench page (index.html, which loads nothing) and each post as
// a page whose title and body (rendered by Folio's renderer, as the viewer shows it)
// Pagefind indexes. lang="zh-CN" makes Pagefind segment Chinese words.
func writePages(dir, postsDir string) error {
	res, err := post.ReadAll(os.DirFS(postsDir), post.Config{}, nil)
	if err != nil {
		return fmt.Errorf("reading %s: %w", postsDir, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "posts"), 0o755); err != nil {
		return err
	}
	index := `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind</title></head>` +
		"<body><p>bench-compare: Pagefind is loaded by the benchmark's first query.</p></body></html>\n"
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(index), 0o644); err != nil {
		return err
	}
	r := render.Default()
	for i, p := range res.Posts {
		body, err := r.Render(p.Body, p.Format)
		if err != nil {
			return fmt.Errorf("%s: %w", p.File, err)
		}
		title := html.EscapeString(p.Title)
		page := `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>` + title + "</title></head>\n" +
			"<body><main data-pagefind-body><h1>" + title + "</h1>\n" + body + "</main></body></html>\n"
		if err := os.WriteFile(filepath.Join(dir, "posts", strconv.Itoa(i)+".html"), []byte(page), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// pageIndex returns N of a Pagefind result URL ".../posts/N.html", or -1.
func pageIndex(url string) int {
	i := strings.LastIndex(url, "/posts/")
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSuffix(url[i+len("/posts/"):], ".html"))
	if err != nil {
		return -1
	}
	return n
}

// precompress writes name.br and name.gz beside name.
func precompress(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var br, gz bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	_, _ = bw.Write(data) // into a bytes.Buffer: cannot fail
	_ = bw.Close()
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = gw.Write(data)
	_ = gw.Close()
	if err := os.WriteFile(name+".br", br.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(name+".gz", gz.Bytes(), 0o644)
}

// dirSize sums the sizes of the files under dir.
func dirSize(dir string) (size int64, files int) {
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
				files++
			}
		}
		return nil
	})
	return size, files
}
