// Package pages writes the viewer's views as HTML, for readers and crawlers that do not run
// the viewer: a view's content inside the viewer's own page (the shell: the built site's
// 404.html, with its styles, header and scripts), with the head a page needs to be found
// and shared (title, description, canonical link, Open Graph and Twitter card, rel=prev/
// next) and, for the viewer, the data the page shows (State). Extension serves them as an
// extension of the archive handler; the viewer in the browser does not link this package.
package pages

import (
	"errors"
	"io"
	"regexp"
	"strings"
)

// The places in the viewer's page that a rendered page fills.
const (
	langMark  = `<html lang="`
	titleOpen = `<title>`
	titleEnd  = `</title>`
	mainOpen  = `<main id="main" tabindex="-1">`
	mainEnd   = `</main>`
	queryMark = `<input id="q" name="q"`
	brandMark = `<span>Folio</span>` // the site's name in the header, which the viewer fills
)

// Shell is the viewer's page cut at the places a rendered page fills: the language, the
// title (replaced by the whole head of the page), the site's name, the search box's value
// and the content of <main>; once with its own words in English and once in Chinese.
type Shell struct {
	en, zh shellParts
}

type shellParts struct {
	beforeLang, beforeTitle, beforeBrand, beforeQuery, beforeMain, rest string
}

// ParseShell cuts the viewer's page (the built site's 404.html: the shell without the
// prerendered home list). It fails when the page lacks one of the places.
func ParseShell(page []byte) (*Shell, error) {
	s := string(page)
	cut := func(open, close string) (before, after string, ok bool) {
		i := strings.Index(s, open)
		if i < 0 {
			return "", "", false
		}
		j := strings.Index(s[i+len(open):], close)
		if j < 0 {
			return "", "", false
		}
		return s[:i+len(open)], s[i+len(open)+j:], true
	}
	var p shellParts
	var ok bool
	if p.beforeLang, s, ok = cut(langMark, `"`); !ok {
		return nil, errors.New("pages: the viewer's page has no <html lang>")
	}
	i, j := strings.Index(s, titleOpen), strings.Index(s, titleEnd)
	if i < 0 || j < i {
		return nil, errors.New("pages: the viewer's page has no <title>")
	}
	p.beforeTitle, s = s[:i], s[j+len(titleEnd):]
	if i = strings.Index(s, brandMark); i >= 0 && i < strings.Index(s, queryMark) {
		p.beforeBrand, s = s[:i+len("<span>")], s[i+len(brandMark)-len("</span>"):]
	}
	if i = strings.Index(s, queryMark); i < 0 {
		return nil, errors.New("pages: the viewer's page has no search box (input#q)")
	}
	p.beforeQuery, s = s[:i+len(queryMark)], s[i+len(queryMark):]
	if p.beforeMain, s, ok = cut(mainOpen, mainEnd); !ok {
		return nil, errors.New("pages: the viewer's page has no <main id=main>")
	}
	p.rest = s
	return &Shell{en: p.localize(Text{}), zh: p.localize(Text{zh: true})}, nil
}

// The shell's own words, as the viewer's applyStrings (site/app.js) sets them: an
// element's text (data-i18n), a placeholder or an aria-label; and the language button,
// which names the other language.
var (
	i18nText   = regexp.MustCompile(`(data-i18n="(\w+)"[^>]*>)([^<]*)(<)`)
	i18nAttr   = regexp.MustCompile(`(placeholder|aria-label)="[^"]*"(\s+data-i18n-(?:placeholder|label)="(\w+)")`)
	langButton = regexp.MustCompile(`(<button id="lang"[^>]*>)([^<]*)(<)`)
)

// localize puts the shell's own words into t's language, where it knows them.
func (p shellParts) localize(t Text) shellParts {
	fix := func(s string) string {
		s = i18nText.ReplaceAllStringFunc(s, func(m string) string {
			g := i18nText.FindStringSubmatch(m)
			if _, ok := words[g[2]]; !ok {
				return m
			}
			return g[1] + shellEscaper.Replace(t.T(g[2])) + g[4]
		})
		s = i18nAttr.ReplaceAllStringFunc(s, func(m string) string {
			g := i18nAttr.FindStringSubmatch(m)
			if _, ok := words[g[3]]; !ok {
				return m
			}
			return g[1] + `="` + shellEscaper.Replace(t.T(g[3])) + `"` + g[2]
		})
		other := "中文"
		if t.zh {
			other = "English"
		}
		return langButton.ReplaceAllString(s, "${1}"+other+"${3}")
	}
	return shellParts{fix(p.beforeLang), fix(p.beforeTitle), fix(p.beforeBrand), fix(p.beforeQuery), fix(p.beforeMain), fix(p.rest)}
}

// Write writes the page: the shell in the page's wording with the page's language, head,
// search box value, current navigation link and content. The shell's own bytes come from
// the built site and are written as they are; everything from the page is escaped
// (markup.go), is a view's HTML or is encoded JSON (State).
func (sh *Shell) Write(w io.Writer, p *Page) error {
	parts := sh.en
	if p.Wording.zh {
		parts = sh.zh
	}
	m := &markup{}
	m.tag(parts.beforeLang)
	_, _ = shellEscaper.WriteString(m, p.Lang)
	m.tag(parts.beforeTitle)
	p.writeHead(m)
	if parts.beforeBrand != "" {
		m.tag(parts.beforeBrand)
		_, _ = shellEscaper.WriteString(m, p.SiteName)
	}
	m.tag(parts.beforeQuery)
	if p.Query != "" {
		m.tag(` value="`)
		_, _ = shellEscaper.WriteString(m, p.Query)
		m.tag(`"`)
	}
	m.tag(currentNav(parts.beforeMain, p.Kind), "\n")
	m.Write(p.Main)
	if len(p.State) > 0 {
		m.tag(`<script type="application/json" id="folio-state">`)
		m.Write(p.State)
		m.tag("</script>\n")
	}
	m.tag(parts.rest)
	_, err := w.Write(m.Bytes())
	return err
}

// shellEscaper escapes the values that go into the shell's own markup (its language,
// the site's name, the search box's value, its own words), as the text/template escaper
// did before: like valueEscaper but for '+'.
var shellEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;")

// currentNav marks the navigation link of the page's kind as the viewer does
// (aria-current "page" for home, "true" for the others).
func currentNav(s, kind string) string {
	if kind == "" {
		return s
	}
	mark := `data-kind="` + kind + `"`
	current := "true"
	if kind == "home" {
		current = "page"
	}
	return strings.Replace(s, mark, mark+` aria-current="`+current+`"`, 1)
}
