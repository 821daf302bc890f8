// Package pages writes the viewer's views as HTML, for readers and crawlers that do not run
// the viewer: a view's content inside the viewer's own page (the shell: the built site's
// 404.html, with its styles, header and scripts), with the head a page needs to be found
// and shared (title, description, canonical link, Open Graph and Twitter card, rel=prev/
// next) and, for the viewer, the data the page shows (State). It knows nothing of HTTP or
// of where the data comes from; internal/archive gathers the data and serves the pages.
package pages

import (
	"bytes"
	"errors"
	"html/template"
	"io"
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
// title (replaced by the whole head of the page), the search box's value and the
// content of <main>.
type Shell struct {
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
	var sh Shell
	var ok bool
	if sh.beforeLang, s, ok = cut(langMark, `"`); !ok {
		return nil, errors.New("pages: the viewer's page has no <html lang>")
	}
	i, j := strings.Index(s, titleOpen), strings.Index(s, titleEnd)
	if i < 0 || j < i {
		return nil, errors.New("pages: the viewer's page has no <title>")
	}
	sh.beforeTitle, s = s[:i], s[j+len(titleEnd):]
	if i = strings.Index(s, brandMark); i >= 0 && i < strings.Index(s, queryMark) {
		sh.beforeBrand, s = s[:i+len("<span>")], s[i+len(brandMark)-len("</span>"):]
	}
	if i = strings.Index(s, queryMark); i < 0 {
		return nil, errors.New("pages: the viewer's page has no search box (input#q)")
	}
	sh.beforeQuery, s = s[:i+len(queryMark)], s[i+len(queryMark):]
	if sh.beforeMain, s, ok = cut(mainOpen, mainEnd); !ok {
		return nil, errors.New("pages: the viewer's page has no <main id=main>")
	}
	sh.rest = s
	return &sh, nil
}

// Write writes the page: the shell with the page's language, head, search box value and
// content. The shell's own bytes come from the built site and are written as they are;
// everything from the page goes through html/template or is encoded JSON (State).
func (sh *Shell) Write(w io.Writer, p *Page) error {
	var b bytes.Buffer
	b.WriteString(sh.beforeLang)
	template.HTMLEscape(&b, []byte(p.Lang))
	b.WriteString(sh.beforeTitle)
	if err := headTemplate.Execute(&b, p); err != nil {
		return err
	}
	if sh.beforeBrand != "" {
		b.WriteString(sh.beforeBrand)
		template.HTMLEscape(&b, []byte(p.SiteName))
	}
	b.WriteString(sh.beforeQuery)
	if p.Query != "" {
		b.WriteString(` value="`)
		template.HTMLEscape(&b, []byte(p.Query))
		b.WriteString(`"`)
	}
	b.WriteString(sh.beforeMain)
	b.WriteString("\n")
	b.Write(p.Main)
	if len(p.State) > 0 {
		b.WriteString(`<script type="application/json" id="folio-state">`)
		b.Write(p.State)
		b.WriteString("</script>\n")
	}
	b.WriteString(sh.rest)
	_, err := w.Write(b.Bytes())
	return err
}
