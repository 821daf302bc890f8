// Package hitline decodes what a search hit shows of a post from the post's line of its
// bundle shard (a bundle.Post in JSON): its list entry and its body, skipping the rest
// (the excerpt, the neighbouring posts) without making them, and making each string once.
// encoding/json's decoding of the whole line was the largest part of showing a hit.
package hitline

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"folio/internal/bundle"
)

// Post is what a hit shows of a post: its list entry (without excerpt) and its body.
type Post struct {
	Entry  bundle.Entry
	Format string
	Body   string
}

// Decode reads the fields of a shard's post line that a hit shows. It reads strict JSON
// as encoding/json writes it; ok is false for anything else it meets (text that is not
// UTF-8, a surrogate escape, a number in a form encoding/json would not put in an int, a
// key in other letter case, a type the field does not have, bad syntax), and the caller
// decodes the line with encoding/json, which gives the same fields for every line this
// accepts.
func Decode(line []byte) (p Post, ok bool) {
	d := lineDecoder{b: line}
	d.space()
	if !d.next('{') {
		return p, false
	}
	d.space()
	if d.next('}') {
		return p, d.end()
	}
	for {
		d.space()
		key, plain, ok := d.rawString()
		if !ok || !plain {
			return p, false
		}
		d.space()
		if !d.next(':') {
			return p, false
		}
		d.space()
		e := &p.Entry
		switch string(key) {
		case "id":
			ok = d.stringInto(&e.ID)
		case "file":
			ok = d.stringInto(&e.File)
		case "url":
			ok = d.stringInto(&e.URL)
		case "title":
			ok = d.stringInto(&e.Title)
		case "date":
			ok = d.stringInto(&e.Date)
		case "format":
			ok = d.stringInto(&p.Format)
		case "body":
			ok = d.stringInto(&p.Body)
		case "categories":
			ok = d.stringsInto(&e.Categories)
		case "tags":
			ok = d.stringsInto(&e.Tags)
		case "more_categories":
			ok = d.intInto(&e.MoreCategories)
		case "more_tags":
			ok = d.intInto(&e.MoreTags)
		case "excerpt", "older", "newer":
			ok = d.skip(0)
		default:
			// encoding/json matches keys in any letter case: leave a key that would
			// match a field to it.
			for _, k := range hitKeys {
				if strings.EqualFold(string(key), k) {
					return p, false
				}
			}
			ok = d.skip(0)
		}
		if !ok {
			return p, false
		}
		d.space()
		if d.next(',') {
			continue
		}
		if d.next('}') {
			return p, d.end()
		}
		return p, false
	}
}

// hitKeys are the keys Decode reads, and those it skips on purpose.
var hitKeys = []string{"id", "file", "url", "title", "date", "format", "body", "categories", "tags", "more_categories", "more_tags", "excerpt", "older", "newer"}

// lineDecoder reads JSON from b at i.
type lineDecoder struct {
	b []byte
	i int
}

func (d *lineDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\r', '\n':
			d.i++
		default:
			return
		}
	}
}

// next consumes c if it comes next.
func (d *lineDecoder) next(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// end reports that only white space is left.
func (d *lineDecoder) end() bool {
	d.space()
	return d.i == len(d.b)
}

// literal consumes word (true, false, null) if it comes next.
func (d *lineDecoder) literal(word string) bool {
	if d.i+len(word) <= len(d.b) && string(d.b[d.i:d.i+len(word)]) == word {
		d.i += len(word)
		return true
	}
	return false
}

// rawString reads a string and returns it as written between its quotes; plain says it
// has no escapes. The string must be valid UTF-8 with valid escapes and no control
// characters.
func (d *lineDecoder) rawString() (raw []byte, plain, ok bool) {
	if !d.next('"') {
		return nil, false, false
	}
	start := d.i
	plain = true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			raw = d.b[start:d.i]
			d.i++
			return raw, plain, utf8.Valid(raw)
		case c == '\\':
			plain = false
			if d.i+1 >= len(d.b) {
				return nil, false, false
			}
			switch d.b[d.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i += 2
			case 'u':
				if _, ok := hex4(d.b[d.i+2:]); !ok {
					return nil, false, false
				}
				d.i += 6
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		default:
			d.i++
		}
	}
	return nil, false, false
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unescape makes the string a raw string stands for, in one allocation. It refuses
// surrogate escapes (encoding/json turns a lone one into U+FFFD; pairs stand for
// characters beyond the Basic Multilingual Plane, which its writer puts as they are).
func unescape(raw []byte) (string, bool) {
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && raw[j] != '\\' {
			j++
		}
		b.Write(raw[i:j])
		if j == len(raw) {
			break
		}
		switch c := raw[j+1]; c {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, _ := hex4(raw[j+2:]) // checked by rawString
			if utf16.IsSurrogate(r) {
				return "", false
			}
			b.WriteRune(r)
			i = j + 6
			continue
		default: // " \ /
			b.WriteByte(c)
		}
		i = j + 2
	}
	return b.String(), true
}

// stringInto reads a string or null (which leaves *s as it is, as encoding/json does).
func (d *lineDecoder) stringInto(s *string) bool {
	if d.literal("null") {
		return true
	}
	raw, plain, ok := d.rawString()
	if !ok {
		return false
	}
	if plain {
		*s = string(raw)
		return true
	}
	*s, ok = unescape(raw)
	return ok
}

// stringsInto reads an array of strings (an empty one is not nil) or null (nil).
func (d *lineDecoder) stringsInto(s *[]string) bool {
	if d.literal("null") {
		*s = nil
		return true
	}
	if !d.next('[') {
		return false
	}
	out := []string{}
	d.space()
	if d.next(']') {
		*s = out
		return true
	}
	for {
		d.space()
		var v string
		if d.literal("null") || !d.stringInto(&v) {
			return false // encoding/json would keep an element's old value
		}
		out = append(out, v)
		d.space()
		if d.next(',') {
			continue
		}
		if d.next(']') {
			*s = out
			return true
		}
		return false
	}
}

// intInto reads an integer without fraction or exponent, or null.
func (d *lineDecoder) intInto(n *int) bool {
	if d.literal("null") {
		return true
	}
	start := d.i
	if !d.number() {
		return false
	}
	v, err := strconv.Atoi(string(d.b[start:d.i]))
	if err != nil {
		return false
	}
	*n = v
	return true
}

// number reads a JSON number; it refuses fractions and exponents, which no field read
// here has.
func (d *lineDecoder) number() bool {
	d.next('-')
	switch {
	case d.next('0'):
	case d.i < len(d.b) && '1' <= d.b[d.i] && d.b[d.i] <= '9':
		for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
			d.i++
		}
	default:
		return false
	}
	if d.i < len(d.b) {
		switch d.b[d.i] {
		case '.', 'e', 'E':
			return false
		}
	}
	return true
}

// maxSkipDepth bounds the nesting of a value skipped.
const maxSkipDepth = 32

// skip reads any value without making it (a number only as number reads it).
func (d *lineDecoder) skip(depth int) bool {
	if depth > maxSkipDepth || d.i >= len(d.b) {
		return false
	}
	switch d.b[d.i] {
	case '"':
		_, _, ok := d.rawString()
		return ok
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	case '[':
		d.i++
		d.space()
		if d.next(']') {
			return true
		}
		for {
			d.space()
			if !d.skip(depth + 1) {
				return false
			}
			d.space()
			if d.next(',') {
				continue
			}
			return d.next(']')
		}
	case '{':
		d.i++
		d.space()
		if d.next('}') {
			return true
		}
		for {
			d.space()
			if _, _, ok := d.rawString(); !ok {
				return false
			}
			d.space()
			if !d.next(':') {
				return false
			}
			d.space()
			if !d.skip(depth + 1) {
				return false
			}
			d.space()
			if d.next(',') {
				continue
			}
			return d.next('}')
		}
	default:
		return d.number()
	}
}
