package post

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"folio/internal/sharedtest"
)

// fuzzTarget is a second post for the fuzzed one to link to with {% post_url %}.
const (
	fuzzTargetName = "2010-07-21-target.md"
	fuzzTarget     = "---\ntitle: Target\ncategories: [a, b]\n---\nThe target.\n"
	fuzzDefault    = "2020-01-02-fuzz.md" // the fuzzed post's name when the one given cannot be used
)

// FuzzReadAll reads a posts folder of the fuzzed file and one other post: whatever the
// file holds (front matter, dates, Liquid, permalinks, excerpts) and whatever its name,
// reading must not panic, and every post it builds and every issue it reports must be
// well formed.
func FuzzReadAll(f *testing.F) {
	for _, s := range postSeeds(f) {
		f.Add(s.name, s.data)
	}
	f.Add(fuzzDefault, []byte("---\ntitle: x\n---\n[t]({% post_url 2010-07-21-target %}) {% link _posts/2010-07-21-target.md %}\n"))
	// A file saved by an old DOS editor ends with Ctrl-Z (0x1a).
	f.Add(fuzzDefault, []byte("---\r\ntitle: dos\r\n---\r\n[t]({% post_url 2010-07-21-target %})\r\n\x1a"))
	f.Add(fuzzDefault, []byte("---\r\ntitle: dos\r\n---\r\nNo link.\r\n\x1a"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if !fs.ValidPath(name) || name == "." || name == fuzzTargetName || !IsPostFile(name) {
			name = fuzzDefault
		}
		fsys := fstest.MapFS{name: {Data: data}, fuzzTargetName: {Data: []byte(fuzzTarget)}}
		res, err := ReadAll(fsys, Config{Workers: 1}, nil)
		if err != nil {
			t.Fatalf("ReadAll: %v", err)
		}
		if res.Read != len(res.Posts)+len(res.Skipped) {
			t.Errorf("read %d != built %d + skipped %d", res.Read, len(res.Posts), len(res.Skipped))
		}
		lines := map[string]int{name: lineCount(data), fuzzTargetName: lineCount([]byte(fuzzTarget))}
		for _, is := range append(append([]Issue(nil), res.Skipped...), res.Warnings...) {
			checkIssue(t, is, lines[is.File])
		}
		urls, ids := map[string]bool{}, map[string]bool{}
		for _, p := range res.Posts {
			checkPost(t, p)
			if strings.Contains(p.Body, refMark) {
				t.Errorf("%s: reference mark left in the body %q", p.File, p.Body)
			}
			if urls[p.URL] || ids[p.ID] {
				t.Errorf("%s: URL %q or ID %q repeated", p.File, p.URL, p.ID)
			}
			urls[p.URL], ids[p.ID] = true, true
		}
	})
}

// FuzzConfig parses a fuzzed _config.yml and, when it is accepted, reads a post with it
// (its time zone, permalink pattern, excerpt separator and {{ site.* }} values).
func FuzzConfig(f *testing.F) {
	for _, s := range configSeeds(f) {
		f.Add(s.config, s.post)
	}
	f.Fuzz(func(t *testing.T, config, data []byte) {
		cfg, err := ParseConfig("_config.yml", config)
		if err != nil {
			return
		}
		p, warns, err := Parse(fuzzDefault, data, cfg)
		if err != nil {
			if _, ok := err.(*SkipError); !ok {
				t.Fatalf("Parse: %v is not a *SkipError", err)
			}
			return
		}
		checkPost(t, p)
		for _, w := range warns {
			checkIssue(t, w, lineCount(data))
		}
	})
}

// checkPost asserts what every post the reader builds must have.
func checkPost(t *testing.T, p *Post) {
	t.Helper()
	if strings.TrimSpace(p.Title) == "" {
		t.Errorf("%s: blank title %q", p.File, p.Title)
	}
	if !strings.HasPrefix(p.URL, "/") {
		t.Errorf("%s: URL %q does not start with /", p.File, p.URL)
	}
	if p.Format != "markdown" && p.Format != "html" {
		t.Errorf("%s: format %q", p.File, p.Format)
	}
	if n := utf8.RuneCountInString(p.Excerpt); n > ExcerptRunes {
		t.Errorf("%s: excerpt of %d runes", p.File, n)
	}
	if !utf8.ValidString(p.Body) || !utf8.ValidString(p.Excerpt) || !utf8.ValidString(p.Title) || !utf8.ValidString(p.URL) {
		t.Errorf("%s: invalid UTF-8 in a field", p.File)
	}
}

// checkIssue asserts that an issue names a file, a line of it (lines counts the file's
// lines) and a reason.
func checkIssue(t *testing.T, is Issue, lines int) {
	t.Helper()
	if is.File == "" || is.Reason == "" || is.Line < 1 || is.Line > max(lines, 1) {
		t.Errorf("issue %+v: want a file, a reason and a line in 1..%d", is, max(lines, 1))
	}
}

// lineCount is the number of lines of a file as an editor shows them (CR, LF and CRLF end
// a line; a last line without an end counts).
func lineCount(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Count(s, "\n") + 1
}

type postSeed struct {
	name string
	data []byte
}

// postSeeds returns every post of testdata/cases and demo/_posts, and of the real corpora in
// ../shared when it is there.
func postSeeds(f *testing.F) []postSeed {
	f.Helper()
	var seeds []postSeed
	cases, _ := filepath.Glob("testdata/cases/*.txtar")
	for _, file := range cases {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if name, ok := strings.CutPrefix(af.Name, "_posts/"); ok {
				seeds = append(seeds, postSeed{name, unescape(af.Data)})
			}
		}
	}
	dirs := []string{filepath.Join("..", "..", "demo", "_posts")}
	if shared := sharedtest.SeedDir(f); shared != "" {
		corpora, _ := filepath.Glob(filepath.Join(shared, "corpus", "*", "_posts"))
		dirs = append(dirs, corpora...)
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !IsPostFile(path) {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			seeds = append(seeds, postSeed{filepath.ToSlash(rel), data})
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	if len(seeds) == 0 {
		f.Fatal("no post seeds found")
	}
	return seeds
}

type configSeed struct{ config, post []byte }

// configSeeds pairs each _config.yml of testdata/cases, demo and the real corpora with a
// post read under it.
func configSeeds(f *testing.F) []configSeed {
	f.Helper()
	var seeds []configSeed
	cases, _ := filepath.Glob("testdata/cases/*.txtar")
	for _, file := range cases {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var config []byte
		for _, af := range ar.Files {
			if af.Name == "_config.yml" {
				config = af.Data
			}
		}
		for _, af := range ar.Files {
			if config != nil && strings.HasPrefix(af.Name, "_posts/") {
				seeds = append(seeds, configSeed{config, unescape(af.Data)})
			}
		}
	}
	sites := []string{filepath.Join("..", "..", "demo")}
	if shared := sharedtest.SeedDir(f); shared != "" {
		corpora, _ := filepath.Glob(filepath.Join(shared, "corpus", "*"))
		sites = append(sites, corpora...)
	}
	for _, site := range sites {
		config, err := os.ReadFile(filepath.Join(site, "_config.yml"))
		if err != nil {
			continue // a corpus of posts only
		}
		posts, _ := filepath.Glob(filepath.Join(site, "_posts", "*.md"))
		for i, p := range posts {
			if i == 3 {
				break
			}
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, configSeed{config, data})
		}
	}
	if len(seeds) == 0 {
		f.Fatal("no config seeds found")
	}
	return seeds
}
