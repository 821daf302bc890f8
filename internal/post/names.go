package post

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// File names are the one part of a post its author did not type in an editor: archives
// unzipped from Windows leave GBK bytes in them, scripts leave line breaks and escape
// sequences. The reader's choices:
//
//   - A name that is not UTF-8 cannot be read: io/fs names files by UTF-8 paths only
//     (fs.ValidPath), so os.DirFS refuses to open it ("invalid argument"). Even with the
//     bytes in hand, the name is the post's ID and URL, and guessing its encoding (GBK,
//     Big5, Shift-JIS…) could publish wrong URLs without a word. So the post is skipped,
//     with the true reason and the command that fixes every such name at once.
//   - A name with a line break or another control character is a name the file system
//     and io/fs accept, and the post's text is fine. Dropping a post for a stray byte in
//     its name loses content the author wanted published, so the post is read, its date
//     and slug taken from the name as usual (the control characters become separators),
//     with a warning asking for a rename.
//   - Every name in a warning, a skip reason or on the terminal goes through Printable,
//     so no byte of a name can move the cursor, recolour or retitle the user's terminal.

// Printable returns s with the characters that act on a terminal or hide text written as
// Go escapes: control characters (\n, \x1b, \u009b), format characters such as bidi
// overrides (\u202e) and zero-width spaces, line and paragraph separators, and bytes that
// are not UTF-8 (\xd6). Everything else, Chinese and spaces included, is kept as is, and
// backslashes are not doubled, so Windows paths stay readable and Printable(Printable(s))
// == Printable(s); the price is that a name spelled with a literal "\n" reads the same as
// one holding a line break.
func Printable(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !hidden(r):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	return b.String()
}

func needsEscape(s string) bool {
	return !utf8.ValidString(s) || strings.IndexFunc(s, hidden) >= 0
}

// hidden reports whether r is a character that acts instead of showing: a control or
// format character, or a line or paragraph separator.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// issue makes an Issue whose file and reason are safe to print (see Printable).
func issue(file string, line int, reason string) Issue {
	return Issue{File: Printable(file), Line: line, Reason: Printable(reason)}
}

// notUTF8Reason says why a file or folder whose name is not UTF-8 was not read.
func notUTF8Reason(name string, folder bool) string {
	what, after := "file", ""
	if folder {
		what, after = "folder", "; the posts in it were not read"
	}
	if looksLikeGBK(name) {
		return fmt.Sprintf("%s name is not UTF-8 (it looks like GBK, as names unzipped from Windows archives are)%s: "+
			"rename it to UTF-8, e.g. every name at once with: convmv -r -f gbk -t utf-8 --notest POSTS-FOLDER", what, after)
	}
	return fmt.Sprintf("%s name is not UTF-8%s: rename it to UTF-8 (convmv does it for a whole folder)", what, after)
}

// looksLikeGBK reports whether every non-ASCII byte of name pairs up as a GBK (or other
// two-byte Chinese encoding) character: a lead byte 0x81–0xFE and a trail byte 0x40–0xFE.
func looksLikeGBK(name string) bool {
	wide := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x80 {
			continue
		}
		if c == 0x80 || c == 0xff || i+1 == len(name) {
			return false
		}
		if t := name[i+1]; t < 0x40 || t == 0x7f || t == 0xff {
			return false
		}
		i++
		wide = true
	}
	return wide
}

// nameWarning returns the warning for a name holding control characters, or "".
func nameWarning(name string) string {
	i := strings.IndexFunc(name, hidden)
	if i < 0 {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(name[i:])
	what := fmt.Sprintf("the control character %s", Printable(string(r)))
	if r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85 {
		what = fmt.Sprintf("a line break (%s)", Printable(string(r)))
	}
	return fmt.Sprintf("file name contains %s; the post is read, but rename the file: such names break scripts and confuse terminals", what)
}
