package post

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// excerptMinRunes is how much text an excerpt taken by paragraphs should reach: a first
// paragraph that is only a heading or a byline is joined by the next.
const excerptMinRunes = 60

// excerpt takes the text before sep, or, for the default paragraph separator, the first
// paragraphs up to excerptMinRunes, and returns it as plain text.
func excerpt(body, sep, format string) string {
	if sep != "\n\n" {
		if i := strings.Index(body, sep); i >= 0 {
			return plainExcerpt(body[:i], format)
		}
	}
	var text string
	if format == "markdown" {
		body = mdFence.ReplaceAllString(body, "\n\n") // a code block is never the excerpt
	}
	for _, para := range strings.Split(body, "\n\n") {
		t := plainExcerpt(para, format)
		if t == "" {
			continue
		}
		if text != "" {
			text += " "
		}
		text += t
		if utf8.RuneCountInString(text) >= excerptMinRunes || sep != "\n\n" {
			break
		}
	}
	return Shorten(text, ExcerptRunes)
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	htmlTag     = regexp.MustCompile(`<[^>]*>`)
	htmlBlock   = regexp.MustCompile(`(?i)</?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|section|article|center|hr)\b[^>]*>`)
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdRefLink   = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdRefDef    = regexp.MustCompile(`(?m)^\s{0,3}\[[^\]]+\]:\s+\S.*$`)
	mdFootnote  = regexp.MustCompile(`\[\^[^\]]+\]`)
	mdFence     = regexp.MustCompile("(?s)(```|~~~).*?(```|~~~)")
	mdLeading   = regexp.MustCompile(`(?m)^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)`)
	mdEmphasis  = regexp.MustCompile("[*_`~]{1,3}")
	mdEscape    = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")
	entities    = strings.NewReplacer("&nbsp;", " ", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&amp;", "&")
)

// plainExcerpt strips Markdown and HTML markup from s and shortens it.
func plainExcerpt(s, format string) string {
	s = strings.ReplaceAll(s, refMark, "")
	s = htmlComment.ReplaceAllString(s, " ")
	s = mdFence.ReplaceAllString(s, " ")
	s = htmlBlock.ReplaceAllString(s, " ")
	s = htmlTag.ReplaceAllString(s, "") // inline tags: no space, or Chinese text gets gaps
	if format == "markdown" {
		s = mdRefDef.ReplaceAllString(s, " ")
		s = mdImage.ReplaceAllString(s, "$1")
		s = mdLink.ReplaceAllString(s, "$1")
		s = mdRefLink.ReplaceAllString(s, "$1")
		s = mdFootnote.ReplaceAllString(s, "")
		s = mdLeading.ReplaceAllString(s, "")
		// Escaped punctuation ("\\*") is kept: hide it from the emphasis rule first.
		s = mdEscape.ReplaceAllStringFunc(s, func(m string) string { return string(rune(0xE000 + int(m[1]))) })
		s = mdEmphasis.ReplaceAllString(s, "")
		s = strings.Map(func(r rune) rune {
			if r >= 0xE000 && r < 0xE080 {
				return r - 0xE000
			}
			return r
		}, s)
		s = strings.ReplaceAll(s, "<>", "")
	}
	s = entities.Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	return Shorten(s, ExcerptRunes)
}

// Shorten cuts s to n runes, ending with an ellipsis when it cut.
func Shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
