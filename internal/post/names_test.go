package post

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// readFiles writes files (name → content) into a temporary folder and reads it through
// os.DirFS, as folio build does: names with odd bytes fail there, not in an fstest.MapFS.
func readFiles(t *testing.T, files map[string]string) *Result {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Skipf("this file system does not take the name %q: %v", name, err)
		}
	}
	res, err := ReadAll(os.DirFS(dir), Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != len(res.Posts)+len(res.Skipped) {
		t.Errorf("read %d != built %d + skipped %d", res.Read, len(res.Posts), len(res.Skipped))
	}
	return res
}

// checkPrintable fails when an issue's file or reason holds bytes that are not UTF-8 or
// characters a terminal would act on (ESC starts colour, cursor and title sequences).
func checkPrintable(t *testing.T, res *Result) {
	t.Helper()
	for _, is := range append(append([]Issue(nil), res.Skipped...), res.Warnings...) {
		for _, s := range []string{is.File, is.Reason} {
			if !utf8.ValidString(s) {
				t.Errorf("issue %q: not UTF-8", s)
			}
			if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
				t.Errorf("issue %q: control character at byte %d", s, i)
			}
		}
	}
}

const namePost = "---\ntitle: 名字\n---\n正文。\n"

// TestNameNotUTF8: a post whose name is GBK (as unzipping a Windows archive leaves it) is
// skipped with the real reason, named with its bytes escaped, not as "invalid argument".
func TestNameNotUTF8(t *testing.T) {
	res := readFiles(t, map[string]string{
		"2020-01-02-\xd6\xd0\xce\xc4.md": namePost, // "中文" in GBK
		"2020-01-03-ok.md":               namePost,
	})
	checkResult(t, res)
	checkPrintable(t, res)
	if len(res.Posts) != 1 || len(res.Skipped) != 1 {
		t.Fatalf("built %d skipped %v, want 1 and the GBK one", len(res.Posts), res.Skipped)
	}
	s := res.Skipped[0]
	if s.File != `2020-01-02-\xd6\xd0\xce\xc4.md` || s.Line != 1 {
		t.Errorf("skipped %q line %d, want the name with its bytes escaped, line 1", s.File, s.Line)
	}
	if !strings.Contains(s.Reason, "file name is not UTF-8") || !strings.Contains(s.Reason, "GBK") {
		t.Errorf("reason %q, want it to say the name is not UTF-8 and looks like GBK", s.Reason)
	}
}

// TestFolderNotUTF8: a folder with a GBK name is reported once as a folder whose posts were
// not read, not as a post that "cannot read: invalid argument".
func TestFolderNotUTF8(t *testing.T) {
	res := readFiles(t, map[string]string{
		"\xd0\xc2\xce\xc5/2020-01-02-a.md": namePost, // "新闻" in GBK
		"\xd0\xc2\xce\xc5/2020-01-03-b.md": namePost,
		"2020-01-04-ok.md":                 namePost,
	})
	checkPrintable(t, res)
	if len(res.Posts) != 1 || len(res.Skipped) != 1 {
		t.Fatalf("built %d skipped %v, want 1 and the folder", len(res.Posts), res.Skipped)
	}
	s := res.Skipped[0]
	// A folder has no lines: line 0, printed as "folder: reason".
	if s.File != `\xd0\xc2\xce\xc5` || s.Line != 0 || !strings.Contains(s.Reason, "folder name is not UTF-8") || !strings.Contains(s.Reason, "not read") {
		t.Errorf("skipped %v, want the folder, its name not UTF-8, its posts not read", s)
	}
}

// TestNameWithControlCharacters: a line break or an escape sequence in a name does not keep
// the post out (its content is fine and can be read); the post is built, its date read
// from the name, with a warning that names the file with the characters escaped.
func TestNameWithControlCharacters(t *testing.T) {
	res := readFiles(t, map[string]string{
		"2020-01-05-line\nbreak.md":            "---\n---\nA post with no title.\n",
		"2020-01-06-\x1b[31mred\x1b[0m.md":     namePost,
		"2020-01-07-\x1b]0;pwned\x07title.md":  namePost,
		"2020-01-08-bidi\u202eevil\u202c.md":   namePost,
		"2020-01-09-ok \u3000中文 copy.markdown": namePost,
	})
	checkResult(t, res)
	checkPrintable(t, res)
	if len(res.Skipped) != 0 || len(res.Posts) != 5 {
		t.Fatalf("built %d, skipped %v; want all 5 built", len(res.Posts), res.Skipped)
	}
	want := map[string]string{ // escaped file name → reason
		`2020-01-05-line\nbreak.md`:           "line break",
		`2020-01-06-\x1b[31mred\x1b[0m.md`:    "control character",
		`2020-01-07-\x1b]0;pwned\x07title.md`: "control character",
		`2020-01-08-bidi\u202eevil\u202c.md`:  "control character",
	}
	for _, w := range res.Warnings {
		if r, ok := want[w.File]; ok && strings.Contains(w.Reason, r) {
			delete(want, w.File)
		}
	}
	for f, r := range want {
		t.Errorf("no %q warning for %s; warnings: %v", r, f, res.Warnings)
	}
	for _, p := range res.Posts {
		if p.Date.Format("2006-01-02") != strings.Join(strings.SplitN(p.File, "-", 4)[:3], "-") {
			t.Errorf("%q: date %s, not the name's", p.File, p.Date.Format("2006-01-02"))
		}
		if strings.ContainsFunc(p.URL+p.Title, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			t.Errorf("%q: control character in URL %q or title %q", p.File, p.URL, p.Title)
		}
	}
	// The title made from "line\nbreak" splits at the line break.
	if p := findPost(t, res, "2020-01-05-line\nbreak"); p.Title != "Line Break" || p.URL != "/2020/01/05/line-break.html" {
		t.Errorf("title %q URL %q, want \"Line Break\" and /2020/01/05/line-break.html", p.Title, p.URL)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"2020-01-02-中文 copy.md":  "2020-01-02-中文 copy.md",
		"a\nb\tc\rd":             `a\nb\tc\rd`,
		"\x1b[31mred":            `\x1b[31mred`,
		"\u009b31m":              `\u009b31m`, // C1 CSI, which some terminals act on
		"\u202eevil\u2028":       `\u202eevil\u2028`,
		"\xd6\xd0\xce\xc4.md":    `\xd6\xd0\xce\xc4.md`,
		`C:\posts\x.md`:          `C:\posts\x.md`,
		"ideographic\u3000space": "ideographic\u3000space",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
		if again := Printable(Printable(in)); again != want {
			t.Errorf("Printable twice of %q = %q, want %q (once is enough)", in, again, want)
		}
	}
}
