package pages

import (
	"bytes"
	"strings"
)

// The pages are written by hand rather than through html/template: text/template calls
// methods by name through reflect, and a binary that can do that keeps every exported
// method of every type it links (the linker cannot tell which ones a template calls).
// With html/template linked in, the Worker's module was 8.4 MB larger (1.58 MB gzip):
// yaml's encoder, crypto/x509's methods, bleve's geometry, all unreachable otherwise.
//
// Each value is escaped as html/template escapes a string in the same place, so the
// pages are the bytes they were: markup_test.go holds the two equal.

// HTML is markup that is safe as it is: a post's body sanitized by internal/render, a
// search hit's snippet (escaped text with <mark>s) from internal/search.
type HTML string

// markup is a page's HTML being written: the views' own markup as it is, every value
// escaped for the place it goes.
type markup struct{ bytes.Buffer }

// tag writes markup of the views' own, never a value.
func (m *markup) tag(s ...string) {
	for _, x := range s {
		m.WriteString(x)
	}
}

// text writes a value as text, inside <title>, or as a double-quoted attribute's value
// (other than a link).
func (m *markup) text(s string) { _, _ = valueEscaper.WriteString(&m.Buffer, s) }

// link writes a value as a double-quoted href: a URL with a scheme other than http,
// https or mailto becomes a harmless fragment, bytes outside URL syntax are
// percent-encoded, and the result is escaped as an attribute's value.
func (m *markup) link(s string) {
	if !safeScheme(s) {
		s = unsafeLink
	}
	m.text(normalizeURL(s))
}

// html writes markup that is safe already.
func (m *markup) html(s HTML) { m.WriteString(string(s)) }

// valueEscaper escapes a value for text and quoted attributes: html/template's choice of
// characters and entities ('+' included, for UTF-7 sniffing; NUL replaced).
var valueEscaper = strings.NewReplacer(
	"\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// unsafeLink replaces a link whose scheme could run code ("javascript:…"); html/template
// writes the same.
const unsafeLink = "#ZgotmplZ"

// safeScheme reports whether a link is relative or has an http, https or mailto scheme.
func safeScheme(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(scheme, "/") {
		return true // no scheme: a path, a query or a fragment
	}
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}

// normalizeURL percent-encodes the bytes of s that are neither unreserved nor reserved in
// URLs (RFC 3986), quotes and parentheses among them, and a '%' that starts no escape;
// existing escapes are kept.
func normalizeURL(s string) string {
	var b strings.Builder
	done := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlByte(c) || c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			continue
		}
		if done == 0 {
			b.Grow(len(s) + 16)
		}
		const hex = "0123456789abcdef"
		b.WriteString(s[done:i])
		b.Write([]byte{'%', hex[c>>4], hex[c&15]})
		done = i + 1
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// urlByte reports whether c may stand in a URL as it is: a letter, a digit, one of
// "-._~" (unreserved) or of "!#$&*+,/:;=?@[]" (reserved, less the quote and parentheses).
func urlByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
