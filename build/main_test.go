package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/bundle"
	"folio/internal/sharedtest"
)

type issue struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

type report struct {
	Read     int      `json:"read"`
	Built    int      `json:"built"`
	Skipped  []issue  `json:"skipped"`
	Warnings []issue  `json:"warnings"`
	Broken   []issue  `json:"broken_links"`
	Ignored  int      `json:"ignored"`
	Notes    []string `json:"notes"`
	Bundle   struct {
		Files   int `json:"Files"`
		Written int `json:"Written"`
	} `json:"bundle"`
}

// build runs "folio build ARGS -report FILE" in-process and returns the exit status,
// stderr and the report (nil when none was written).
func build(t *testing.T, args ...string) (int, string, *report) {
	t.Helper()
	rep := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	code := runBuild(append(args, "-report", rep), &stdout, &stderr)
	data, err := os.ReadFile(rep)
	if err != nil {
		return code, stderr.String(), nil
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, data)
	}
	if r.Read != r.Built+len(r.Skipped) {
		t.Errorf("report: read %d != built %d + skipped %d", r.Read, r.Built, len(r.Skipped))
	}
	if r.Skipped == nil || r.Warnings == nil {
		t.Errorf("report: skipped and warnings must be lists, not null")
	}
	return code, stderr.String(), &r
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func openBundle(t *testing.T, out string) *bundle.Reader {
	t.Helper()
	r, err := bundle.Open(context.Background(), bundle.FS(os.DirFS(filepath.Join(out, "data"))))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBuildBrokenPosts(t *testing.T) {
	posts := filepath.Join(t.TempDir(), "_posts")
	binary := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	huge := append([]byte("---\ntitle: Huge\n---\n"), bytes.Repeat([]byte("大文件的一行文字。 A line of a huge post.\n"), 20<<20/50)...)
	if len(huge) < 20<<20 {
		huge = append(huge, bytes.Repeat([]byte("x"), 20<<20-len(huge))...)
	}
	writeFiles(t, posts, map[string][]byte{
		"2020-01-01-bad-yaml.md":     []byte("---\ntitle: Bad YAML\ntags: [a, b\n---\nbody\n"),
		"2020-01-02-no-front.md":     []byte("# Just Markdown\n\nNo front matter.\n"),
		"2020-01-03-latin1.md":       []byte("---\ntitle: Latin-1\n---\ncaf\xe9 au lait\n"),
		"x.md":                       binary,
		"2020-01-04-huge.md":         huge,
		"2020-01-05-first.md":        []byte("---\ntitle: First\npermalink: /same/\n---\nfirst\n"),
		"2020-01-06-second.md":       []byte("---\ntitle: Second\npermalink: /same/\n---\nsecond\n"),
		"2020-01-07-empty.md":        nil,
		"2021-02-01-good-one.md":     []byte("---\ntitle: Good one\ndate: 2021-02-01 10:00:00 +0800\ncategories: [tea]\n---\nHello.\n"),
		"tech/2021-2-3-good-two.md":  []byte("---\ntitle: Good two\ntags: go\n---\n{% highlight go %}\nx := 1\n{% endhighlight %}\n"),
		"2021-02-05-good-three.html": []byte("---\ntitle: Good three\n---\n<p>HTML post.</p>\n"),
		".DS_Store":                  []byte("\x00\x00\x00\x01Bud1"),
		"images/cover.png":           binary,
	})
	out := filepath.Join(t.TempDir(), "site")
	code, stderr, rep := build(t, "-posts", posts, "-out", out, "-quiet")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	if rep == nil {
		t.Fatal("no report written")
	}
	if rep.Read != 11 || rep.Built != 4 || len(rep.Skipped) != 7 || rep.Ignored != 2 {
		t.Errorf("read %d built %d skipped %d ignored %d, want 11 4 7 2", rep.Read, rep.Built, len(rep.Skipped), rep.Ignored)
	}
	// Each broken file, at its line (1: the whole file), with a reason that says why.
	want := map[string]struct {
		line   int
		reason []string
	}{
		"2020-01-01-bad-yaml.md": {3, []string{"front matter", "']'"}},
		"2020-01-02-no-front.md": {1, []string{"no front matter"}},
		"2020-01-03-latin1.md":   {4, []string{"invalid UTF-8"}},
		"x.md":                   {3, []string{"binary", "NUL"}},
		"2020-01-04-huge.md":     {1, []string{"MB", "limit", "-max-post-mb"}},
		"2020-01-06-second.md":   {1, []string{"/same/", "2020-01-05-first.md"}},
		"2020-01-07-empty.md":    {1, []string{"empty"}},
	}
	for _, s := range rep.Skipped {
		w, ok := want[s.File]
		if !ok {
			t.Errorf("unexpected skip %+v", s)
			continue
		}
		delete(want, s.File)
		if s.Line != w.line {
			t.Errorf("%s: skipped at line %d, want %d (%s)", s.File, s.Line, w.line, s.Reason)
		}
		for _, r := range w.reason {
			if !strings.Contains(s.Reason, r) {
				t.Errorf("%s: reason %q does not mention %q", s.File, s.Reason, r)
			}
		}
		// The terminal line names the file (and the line when there is one).
		loc := filepath.Join(posts, s.File)
		if s.Line > 0 {
			loc += ":" + itoa(s.Line)
		}
		if !strings.Contains(stderr, loc+": skipped: "+s.Reason) {
			t.Errorf("stderr lacks %q", loc+": skipped: "+s.Reason)
		}
	}
	for f := range want {
		t.Errorf("%s was not skipped", f)
	}
	if !strings.Contains(stderr, "11 posts read, 4 built, 7 skipped") {
		t.Errorf("summary missing from stderr:\n%s", stderr)
	}

	// Every good post is in the bundle, under its ID and its URL.
	r := openBundle(t, out)
	ctx := context.Background()
	for id, url := range map[string]string{
		"2021-02-01-good-one":    "/tea/2021/02/01/good-one.html",
		"tech/2021-2-3-good-two": "/2021/02/03/good-two.html",
		"2021-02-05-good-three":  "/2021/02/05/good-three.html",
		"2020-01-05-first":       "/same/",
	} {
		p, err := r.Post(ctx, id)
		if err != nil {
			t.Errorf("post %s not in the bundle: %v", id, err)
			continue
		}
		if p.URL != url {
			t.Errorf("post %s: URL %s, want %s", id, p.URL, url)
		}
		if got, err := r.IDForURL(ctx, url); err != nil || got != id {
			t.Errorf("IDForURL(%s) = %q, %v", url, got, err)
		}
	}
	if p, err := r.Post(ctx, "tech/2021-2-3-good-two"); err == nil && !strings.Contains(p.Body, "```go\nx := 1\n```") {
		t.Errorf("highlight not turned into a fence: %q", p.Body)
	}
	if p, err := r.Post(ctx, "2021-02-05-good-three"); err == nil && p.Format != "html" {
		t.Errorf("HTML post has format %q", p.Format)
	}
	// The viewer is written when this binary embeds its runtime (make folio); otherwise
	// the report says so.
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil && !strings.Contains(strings.Join(rep.Notes, "\n"), "no viewer") {
		t.Errorf("no index.html (%v) and no note saying why: %q", err, rep.Notes)
	}

	// -strict: the same build fails with 1, and still writes the site and the report.
	code, stderr, rep = build(t, "-posts", posts, "-out", out, "-quiet", "-strict")
	if code != 1 || rep == nil || rep.Built != 4 {
		t.Errorf("-strict: exit %d, report %+v; want 1 and the same build\n%s", code, rep, stderr)
	}
	if !strings.Contains(stderr, "-strict") {
		t.Errorf("-strict: stderr does not say why it failed:\n%s", stderr)
	}
	// A rebuild of the same posts writes no new data file.
	if rep != nil && rep.Bundle.Written != 0 {
		t.Errorf("rebuild wrote %d new files, want 0", rep.Bundle.Written)
	}
	// -max-post-mb raises the limit: the huge post is built too.
	code, _, rep = build(t, "-posts", posts, "-out", filepath.Join(t.TempDir(), "big"), "-quiet", "-no-compress", "-max-post-mb", "25")
	if code != 0 || rep == nil || rep.Built != 5 {
		t.Errorf("-max-post-mb 25: exit %d, report %+v; want 5 built", code, rep)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestBuildUsageErrors(t *testing.T) {
	tmp := t.TempDir()
	posts := filepath.Join(tmp, "_posts")
	writeFiles(t, posts, map[string][]byte{"2020-01-01-a.md": []byte("---\ntitle: A\n---\na\n")})
	file := filepath.Join(tmp, "a-file")
	writeFiles(t, tmp, map[string][]byte{"a-file": []byte("not a folder")})

	cases := []struct {
		name string
		args []string
		says []string
	}{
		{"missing posts folder", []string{"-posts", filepath.Join(tmp, "nope"), "-out", filepath.Join(tmp, "out1")},
			[]string{"posts folder", "nope", "no such file or directory"}},
		{"posts is a file", []string{"-posts", file, "-out", filepath.Join(tmp, "out2")},
			[]string{"posts folder", "is not a folder"}},
		{"out under a regular file", []string{"-posts", posts, "-out", filepath.Join(file, "site")},
			[]string{"output folder", "a-file"}},
		{"out is a regular file", []string{"-posts", posts, "-out", file},
			[]string{"output folder"}},
		{"missing config", []string{"-posts", posts, "-out", filepath.Join(tmp, "out3"), "-config", filepath.Join(tmp, "none.yml")},
			[]string{"config", "none.yml"}},
		{"no -out", []string{"-posts", posts}, []string{"-out, are required"}},
		{"no flags", nil, []string{"-out, are required"}},
		{"unknown flag", []string{"-posts", posts, "-out", filepath.Join(tmp, "out4"), "-bogus"}, []string{"bogus"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runBuild(c.args, &stdout, &stderr)
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, stderr.String())
			}
			for _, s := range c.says {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr does not say %q:\n%s", s, stderr.String())
				}
			}
		})
	}
	if st, err := os.Stat(file); err != nil || st.IsDir() {
		t.Errorf("the regular file was replaced: %v", err)
	}
}

func TestBuildDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	code, stderr, rep := build(t, "-posts", filepath.Join("..", "demo", "_posts"), "-out", out)
	if code != 0 || rep == nil {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if rep.Read != 40 || rep.Built != 39 || len(rep.Skipped) != 1 || rep.Ignored != 1 {
		t.Errorf("read %d built %d skipped %d ignored %d, want 40 39 1 1", rep.Read, rep.Built, len(rep.Skipped), rep.Ignored)
	}
	if len(rep.Skipped) == 1 {
		s := rep.Skipped[0]
		if s.File != "2021-07-07-summer-menu-draft.md" || !strings.Contains(s.Reason, "published: false") || s.Line != 7 {
			t.Errorf("skipped %+v, want the draft at its published line", s)
		}
	}
	for _, w := range rep.Warnings {
		if w.File == "" || w.Line <= 0 {
			t.Errorf("warning without file or line: %+v", w)
		}
	}
	// _config.yml beside the posts folder is used: its title and time zone.
	if !strings.Contains(stderr, "config ") {
		t.Errorf("the demo's _config.yml was not reported:\n%s", stderr)
	}
	r := openBundle(t, out)
	if got := r.Manifest().Title; got != "柳溪茶与码 · Willow Creek Tea & Tech" {
		t.Errorf("title %q", got)
	}
	ctx := context.Background()
	p, err := r.Post(ctx, "2023-05-20-5g-on-the-hill")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(p.Date, "+08:00") {
		t.Errorf("zone-less date not in the config's Asia/Shanghai: %s", p.Date)
	}
	if id, err := r.IDForURL(ctx, "/about-the-harvest/"); err != nil || id != "2021-09-12-harvest" {
		t.Errorf("permalink override: %q, %v", id, err)
	}
	if _, err := r.Post(ctx, "2021-07-07-summer-menu-draft"); err == nil {
		t.Error("the draft is in the bundle")
	}
}

// TestBuildCorpora builds the three real corpora (skipped without ../shared).
func TestBuildCorpora(t *testing.T) {
	for _, c := range []struct {
		name                         string
		read, built, skipped, ignore int
	}{
		{"finews", 151, 150, 1, 0},
		{"yanhaijing", 176, 176, 0, 0},
		{"jekyll", 102, 102, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			posts := sharedtest.Corpus(t, c.name)
			t.Parallel()
			out := filepath.Join(t.TempDir(), c.name)
			code, stderr, rep := build(t, "-posts", posts, "-out", out, "-quiet", "-no-compress")
			if code != 0 || rep == nil {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if rep.Read != c.read || rep.Built != c.built || len(rep.Skipped) != c.skipped || rep.Ignored != c.ignore {
				t.Errorf("read %d built %d skipped %d ignored %d, want %d %d %d %d",
					rep.Read, rep.Built, len(rep.Skipped), rep.Ignored, c.read, c.built, c.skipped, c.ignore)
			}
			for _, is := range append(rep.Skipped, rep.Warnings...) {
				if is.File == "" || is.Line <= 0 {
					t.Errorf("issue without file or line: %+v", is)
				}
			}
			r := openBundle(t, out)
			if r.Manifest().Posts != c.built {
				t.Errorf("bundle has %d posts, want %d", r.Manifest().Posts, c.built)
			}
			es, err := r.Entries(context.Background(), r.AllSpan(), 0, c.built+10)
			if err != nil || len(es) != c.built {
				t.Errorf("list of all posts: %d entries, %v", len(es), err)
			}
		})
	}
}
