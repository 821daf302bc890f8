package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
)

// deepPosts are bodies nested far deeper than any real post, as a hostile or broken
// archive may hold them. The Markdown ones made the viewer's WebAssembly runtime overflow
// its stack ("Maximum call stack size exceeded"); they must show in full, flattened past
// the limit under a note. Raw HTML is never parsed into a tree in Go, and needs no note.
var deepPosts = []struct {
	file, title, body string
	note              bool
}{
	{"2022-01-01-deep-list.md", "Deep list 深列表", "Before the list.\n\n" + strings.Repeat("- ", 3000) + "bottom of the list\n\nAfter the list.\n", true},
	{"2022-01-02-deep-quote.md", "Deep quote 深引用", strings.Repeat(">", 10000) + " bottom of the quote\n\nAfter the quote.\n", true},
	{"2022-01-03-deep-emphasis.md", "Deep emphasis 深强调", strings.Repeat("*", 3000) + "bottom of the emphasis" + strings.Repeat("*", 3000) + "\n\nAfter the emphasis.\n", true},
	{"2022-01-04-deep-divs.html", "Deep divs 深标签", strings.Repeat("<div>", 10000) + "bottom of the divs" + strings.Repeat("</div>", 10000) + "<p>After the divs.</p>\n", false},
}

// TestDeepNestingRenders opens each deep post in the viewer, by its URL: its title, its text
// at the bottom of the nesting and after it, and the note must show, with no error in the
// page or the worker (NewBrowser's cleanup fails the test on any).
func TestDeepNestingRenders(t *testing.T) {
	dir := t.TempDir()
	for _, p := range deepPosts {
		src := "---\ntitle: " + p.title + "\n---\n" + p.body
		if err := os.WriteFile(filepath.Join(dir, p.file), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := BuildSite(t, dir, "", nil)
	if s.Report.Built != len(deepPosts) {
		t.Fatalf("built %d posts, want %d: %v", s.Report.Built, len(deepPosts), s.Report.Skipped)
	}
	b := NewBrowser(t)
	b.Open(s.URL)
	for _, p := range deepPosts {
		id := strings.TrimSuffix(p.file, filepath.Ext(p.file))
		url := Eval[string](b, `folio.post(`+jsString(id)+`).then(p => p.url, e => "error: " + e.message)`)
		if strings.HasPrefix(url, "error: ") {
			t.Errorf("folio.post(%s): %s", id, url)
			continue
		}
		b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(url, "/")))
		b.WaitText("main h1", p.title)
		b.WaitText("main .prose", "bottom of the")
		b.WaitText("main .prose", "After the")
		if note := Eval[bool](b, `document.querySelector("main .prose").textContent.includes("nested too deeply")`); note != p.note {
			t.Errorf("%s: note shown %v, want %v", p.file, note, p.note)
		}
	}
}

// TestBuildPrintsNamesEscaped runs the folio command on post files whose names hold bytes a
// terminal acts on (a title-setting sequence, colours, a line break) or that are not UTF-8:
// what it prints must name each file with those bytes escaped, and say why it skipped one.
func TestBuildPrintsNamesEscaped(t *testing.T) {
	tmp := t.TempDir()
	folio := filepath.Join(tmp, "folio")
	build := exec.Command("go", "build", "-o", folio, "./build")
	build.Dir = RepoDir()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	posts := filepath.Join(tmp, "_posts")
	if err := os.Mkdir(posts, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"2022-01-05-\x1b]0;pwned\x07title.md": "---\ntitle: Title\n---\nx\n",
		"2022-01-06-line\nbreak.md":           "---\n---\nno title\n",
		"2022-01-07-\xd6\xd0\xce\xc4.md":      "---\ntitle: GBK\n---\nx\n",
		"2022-01-08-\x1b[31mred\x1b[0m.md":    "---\ntitle: Red\npermalink: /tag/red/\n---\nx\n", // a viewer URL: the note names it
		"2022-01-09-正常的名字 copy.md":            "---\ntitle: 正常\n---\nx\n",
		"2022-01-10-bidi\u202eevil\u202c.md":  "---\ntitle: Bidi\n---\nx\n",
		"2022-01-11-c1 csi \u009b31m red.md":  "---\ntitle: C1\n---\nx\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(posts, name), []byte(data), 0o644); err != nil {
			t.Skipf("this file system does not take the name %q: %v", name, err)
		}
	}
	cmd := exec.Command(folio, "build", "-posts", posts, "-out", filepath.Join(tmp, "out"), "-quiet", "-no-compress", "-no-search")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("folio build: %v\n%s", err, stderr.String())
	}
	out := stderr.String()
	if !utf8.ValidString(out) {
		t.Errorf("output is not UTF-8: %q", out)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q raw: %q", bad, out)
		}
	}
	for _, want := range []string{
		`2022-01-05-\x1b]0;pwned\x07title.md:1: warning: file name contains the control character \x1b`,
		`2022-01-06-line\nbreak.md:1: warning: file name contains a line break (\n)`,
		`2022-01-07-\xd6\xd0\xce\xc4.md:1: skipped: file name is not UTF-8 (it looks like GBK`,
		`2022-01-08-\x1b[31mred\x1b[0m.md`, // in the note on viewer URLs
		`2022-01-10-bidi\u202eevil\u202c.md:1: warning:`,
		`2022-01-11-c1 csi \u009b31m red.md:1: warning:`,
		"6 built, 1 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(line, posts) && !strings.HasPrefix(line, "folio build: ") {
			t.Errorf("a line that is neither a post's nor the summary (a name broke a line?): %q", line)
		}
	}
}
