// Command benchcompare measures Folio beside Pagefind on one generated archive, in one
// headless Chromium, each query run by one engine and then the other:
//
//	go run ./scripts/benchcompare [-n 10000] [-work DIR] [-chromium PATH] [-only warm]   (make bench-compare)
//
// It generates the archive with ../shared/tools/gencorpus (seed 1; kept in
// WORK/gencorpus-N, shared with bench-search), builds it with bin/folio, installs the
// pinned Pagefind with npm into .cache/ and builds one page per post for it (Folio's
// renderer, lang="zh-CN"). The queries are ../shared/bench/peers/queries.json plus the
// archive's needles. For each figure it prints Folio's value, Pagefind's and the ratio:
//   - cold: per query, a new browser context (empty cache) opens the engine's page and
//     waits until it is ready (Folio: its runtime started, no search data; Pagefind: the
//     page, nothing of Pagefind); then the time to the first 10 hits with their data,
//     and the bytes sent for it (compressed, as served);
//   - warm first run: in one page per engine that has searched once, each query's first
//     run (it may fetch new data; data files are no-store for both engines);
//   - recall: every hit of every query against substring truth (the posts whose title or
//     text hold each word of the query), counted over all queries.
//
// The last line is one JSON object with the headline figures. With -only warm it measures
// the warm first runs alone and prints their figures, with no JSON line.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"folio/internal/server"
	"folio/scripts/benchkit"
	"folio/scripts/chrome"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchcompare:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 10000, "posts in the generated archive")
	work := flag.String("work", filepath.Join(os.TempDir(), "folio-bench"), "folder for the archive and both sites")
	shared := flag.String("shared", "../shared", "the shared folder (tools/gencorpus, bench/peers/queries.json)")
	folioBin := flag.String("folio", "bin/folio", "the folio command (make folio)")
	cache := flag.String("cache", ".cache", "folder Pagefind is installed into")
	chromium := flag.String("chromium", chrome.Path, "Chromium binary")
	only := flag.String("only", "", "warm: measure the warm first runs alone (no cold runs, no recall), a few minutes instead of half an hour on a busy machine")
	flag.Parse()
	if *only != "" && *only != "warm" {
		return fmt.Errorf("-only takes warm")
	}
	if _, err := os.Stat("scripts/benchcompare"); err != nil {
		return fmt.Errorf("run it from the repository's top folder (make bench-compare): -folio and -cache are relative to it")
	}

	corpusDir, err := generate(*shared, *work, *n)
	if err != nil {
		return err
	}
	posts := filepath.Join(corpusDir, "_posts")
	dir := filepath.Join(*work, fmt.Sprintf("compare-%d", *n))
	folioSite := filepath.Join(dir, "folio")
	if err := buildFolio(*folioBin, posts, folioSite); err != nil {
		return err
	}
	pf, err := installPagefind(*cache)
	if err != nil {
		return err
	}
	pfSite := filepath.Join(dir, "pagefind")
	if err := buildPagefind(pf, pfSite, posts, fmt.Sprintf("%s corpus n=%d seed=1 pagefind %s", pagesLayout, *n, pagefindVersion)); err != nil {
		return err
	}

	queries, err := benchkit.ReadQueries(filepath.Join(*shared, "bench", "peers", "queries.json"))
	if err != nil {
		return err
	}
	needles, err := benchkit.ReadQueries(filepath.Join(corpusDir, "needles.json"))
	if err != nil {
		return err
	}
	queries = append(queries, needles...)
	c, err := readCorpus(posts)
	if err != nil {
		return err
	}

	fn := &counter{h: server.Handler(os.DirFS(folioSite)), prefix: "/data/", hide: "/sw.js"}
	pn := &counter{h: server.Handler(os.DirFS(pfSite)), prefix: "/pagefind/"}
	fs, ps := httptest.NewServer(fn), httptest.NewServer(pn)
	defer fs.Close()
	defer ps.Close()
	folio, pagefind := folioEngine(fs.URL+"/", fn, c), pagefindEngine(ps.URL+"/", pn)

	profile, err := os.MkdirTemp("", "benchcompare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile) //nolint:errcheck // a temporary profile: best effort
	browser, closeBrowser, err := chrome.Start(chrome.Options(*chromium, profile, 1200, 900))
	if err != nil {
		return err
	}
	defer closeBrowser()

	fmt.Printf("== %d posts, %d queries; load average %s\n", *n, len(queries), loadAvg())
	m := &measure{browser: browser, engines: [2]*engine{folio, pagefind}, rows: make([]row, len(queries))}
	for i, q := range queries {
		m.rows[i].q, m.rows[i].truth = q, c.truth(q)
	}
	if *only == "" {
		if err := m.cold(); err != nil {
			return err
		}
	}
	tabs, err := m.warm()
	if err != nil {
		return err
	}
	defer tabs[0].cancel()
	defer tabs[1].cancel()
	if *only == "warm" {
		fmt.Printf("warm pages: %s, %s; load average %s\n\n", tabs[0].visible(), tabs[1].visible(), loadAvg())
		printWarm(os.Stdout, m.figs[0], m.figs[1])
		return nil
	}
	if err := m.recall(tabs); err != nil {
		return err
	}

	printRows(m.rows)
	fmt.Printf("cold: a new browser context per query and engine; page load before the query: Folio p50 %.1f kB (its runtime), Pagefind p50 %.1f kB (the page)\n",
		benchkit.Pct(m.pageKB[0], 50), benchkit.Pct(m.pageKB[1], 50))
	fmt.Printf("warm pages: %s, %s; load average %s\n\n", tabs[0].visible(), tabs[1].visible(), loadAvg())
	printFigures(os.Stdout, m.figs[0], m.figs[1])
	fmt.Println(summarize(len(c.files), m.figs[0], m.figs[1]).jsonLine())
	return nil
}

func printRows(rows []row) {
	fmt.Printf("%-26s %6s | %6s %6s %8s %8s %7s | %6s %6s %8s %8s %7s\n", "query", "truth",
		"Folio", "found", "cold ms", "cold kB", "warm", "Pf", "found", "cold ms", "cold kB", "warm")
	for _, r := range rows {
		fmt.Printf("%s %6d | %6d %6d %8.1f %8.1f %7.1f | %6d %6d %8.1f %8.1f %7.1f\n", pad(r.q, 26), len(r.truth),
			r.total[0], r.found[0], r.cold[0], r.coldKB[0], r.warm[0], r.total[1], r.found[1], r.cold[1], r.coldKB[1], r.warm[1])
	}
}

// generate makes the gencorpus archive of n posts (seed 1) in work/gencorpus-n, unless
// it is there (as bench-search leaves it).
func generate(shared, work string, n int) (string, error) {
	dir := filepath.Join(work, fmt.Sprintf("gencorpus-%d", n))
	stamp := fmt.Sprintf("n=%d seed=1", n)
	if b, err := os.ReadFile(filepath.Join(dir, ".complete")); err == nil && string(b) == stamp+"\n" {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	cmd := exec.Command("go", "-C", filepath.Join(shared, "tools", "gencorpus"), "run", ".", "-n", fmt.Sprint(n), "-out", dir, "-seed", "1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("gencorpus: %w", err)
	}
	return dir, os.WriteFile(filepath.Join(dir, ".complete"), []byte(stamp+"\n"), 0o644)
}

// buildFolio builds the archive with the folio command, unless out holds a build of the
// same command (same content) already.
func buildFolio(bin, posts, out string) error {
	exe, err := os.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("%w: run make folio first", err)
	}
	stamp := fmt.Sprintf("%s %x", posts, sha256.Sum256(exe))
	stampFile := out + ".stamp"
	if b, err := os.ReadFile(stampFile); err == nil && string(b) == stamp {
		fmt.Printf("Folio: reusing %s\n", out)
		return nil
	}
	// The stamp goes first: a build cut short must not pass for a finished one.
	if err := os.RemoveAll(stampFile); err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	start := time.Now()
	cmd := exec.Command(bin, "build", "-posts", posts, "-out", out, "-quiet")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("folio build: %w", err)
	}
	size, files := dirSize(filepath.Join(out, "data"))
	fmt.Printf("Folio: built in %.1f s, data/ %d files, %.1f MB (with .br/.gz copies)\n", time.Since(start).Seconds(), files, float64(size)/1e6)
	return os.WriteFile(stampFile, []byte(stamp), 0o644)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

// pad pads s to w display columns, counting East Asian characters as two.
func pad(s string, w int) string {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	for ; n < w; n++ {
		s += " "
	}
	return s
}
