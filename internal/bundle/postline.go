package bundle

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendPost appends p's JSON to b, byte for byte as encode(p) writes it (tests hold it
// and appendPage to that). Encoding the shards' posts through encoding/json was 2.5 of
// 21.7 s CPU of a rebuild of 100k generated posts, most of it escaping Chinese text rune
// by rune; this writes the same bytes about twice as fast (BenchmarkPostLine).
func appendPost(b []byte, p *Post) []byte {
	b = slices.Grow(b, postLineSize(p))
	b = appendEntryFields(b, &p.Entry)
	// Entry.Excerpt is hidden by Post.Excerpt (encoding/json keeps the shallower field).
	b = append(b, `,"excerpt":`...)
	b = appendJSONString(b, p.Excerpt)
	b = append(b, `,"format":`...)
	b = appendJSONString(b, p.Format)
	b = append(b, `,"body":`...)
	b = appendJSONString(b, p.Body)
	b = appendLink(b, `,"older":`, p.Older)
	b = appendLink(b, `,"newer":`, p.Newer)
	return append(b, '}')
}

// appendLink appends key and l's JSON, or nothing when l is nil (omitempty).
func appendLink(b []byte, key string, l *Link) []byte {
	if l == nil {
		return b
	}
	b = append(b, key...)
	b = append(b, `{"id":`...)
	b = appendJSONString(b, l.ID)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, l.URL)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, l.Title)
	return append(b, '}')
}

// appendEntryFields appends e's JSON without its excerpt and closing brace.
func appendEntryFields(b []byte, e *Entry) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, e.ID)
	b = append(b, `,"file":`...)
	b = appendJSONString(b, e.File)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, e.URL)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, e.Title)
	b = append(b, `,"date":`...)
	b = appendJSONString(b, e.Date)
	b = append(b, `,"categories":`...)
	b = appendJSONStrings(b, e.Categories)
	b = append(b, `,"tags":`...)
	b = appendJSONStrings(b, e.Tags)
	if e.MoreCategories != 0 {
		b = append(b, `,"more_categories":`...)
		b = strconv.AppendInt(b, int64(e.MoreCategories), 10)
	}
	if e.MoreTags != 0 {
		b = append(b, `,"more_tags":`...)
		b = strconv.AppendInt(b, int64(e.MoreTags), 10)
	}
	return b
}

// appendPage appends a list page's JSON, byte for byte as encode(p) writes it (list
// pages were the next biggest encoding of a rebuild after the shards).
func appendPage(b []byte, p *Page) []byte {
	b = append(b, `{"entries":`...)
	if p.Entries == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Entries {
			if i > 0 {
				b = append(b, ',')
			}
			e := &p.Entries[i]
			b = appendEntryFields(b, e)
			if e.Excerpt != "" {
				b = append(b, `,"excerpt":`...)
				b = appendJSONString(b, e.Excerpt)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// postLineSize is about the size of p's JSON: its strings plus room for keys and escapes.
func postLineSize(p *Post) int {
	n := 256 + len(p.ID) + len(p.File) + len(p.URL) + len(p.Title) + len(p.Date) + len(p.Excerpt) + len(p.Format) + len(p.Body)
	for _, l := range [][]string{p.Categories, p.Tags} {
		for _, s := range l {
			n += len(s) + 3
		}
	}
	for _, l := range []*Link{p.Older, p.Newer} {
		if l != nil {
			n += len(l.ID) + len(l.URL) + len(l.Title)
		}
	}
	return n + n/16
}

// appendJSONStrings appends a list of strings as encoding/json does (nil is null).
func appendJSONStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes a string without HTML
// escaping: `"` and `\` escaped, control characters as \b \f \n \r \t or \u00XX, U+2028
// and U+2029 as \u2028 and \u2029, every byte of invalid UTF-8 as \ufffd. The common
// three-byte sequences (most of Chinese text) are checked in place instead of decoded.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// A three-byte sequence with a lead byte whose second byte may be any continuation
		// byte (not E0 or ED) is valid when both followers are continuation bytes; E2 80
		// (U+2000 to U+203F, with U+2028 and U+2029) takes the general path.
		if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xE2 || s[i+1] != 0x80) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
