package pages

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Page is one rendered page: its head, its content and the data the viewer reuses.
type Page struct {
	Lang        string // <html lang>
	Title       string // the whole <title>
	Description string // <meta name=description>, og:description
	SiteName    string // og:site_name
	Canonical   string // the page's URL: absolute when the site's url is known, else a path
	Type        string // og:type: "website" or "article"
	Published   string // article:published_time (RFC 3339), for posts
	Prev, Next  string // rel=prev/next links of a paged list
	NoIndex     bool   // search pages: not for search engines' indexes
	Query       string // the search box's value
	Kind        string // the navigation link marked current: home, archive, categories, tags, search
	Wording     Text   // the language of the shell's own words
	Main        []byte // the content of <main>, from a view
	State       []byte // State's JSON, already safe inside <script>
}

// writeHead writes the page's head tags: its title, description, canonical link and
// rel=prev/next, and the same for Open Graph and Twitter cards.
func (p *Page) writeHead(m *markup) {
	m.tag(`<title>`)
	m.text(p.Title)
	m.tag("</title>\n")
	writeMeta(m, "name", "description", p.Description)
	if p.NoIndex {
		writeMeta(m, "name", "robots", "noindex")
	}
	for _, l := range [][2]string{{"canonical", p.Canonical}, {"prev", p.Prev}, {"next", p.Next}} {
		if l[1] != "" {
			m.tag(`<link rel="`, l[0], `" href="`)
			m.link(l[1])
			m.tag("\">\n")
		}
	}
	writeMeta(m, "property", "og:title", p.Title)
	writeMeta(m, "property", "og:description", p.Description)
	writeMeta(m, "property", "og:type", p.Type)
	for _, t := range [][2]string{{"og:site_name", p.SiteName}, {"og:url", p.Canonical}, {"article:published_time", p.Published}} {
		if t[1] != "" {
			writeMeta(m, "property", t[0], t[1])
		}
	}
	writeMeta(m, "name", "twitter:card", "summary")
	writeMeta(m, "name", "twitter:title", p.Title)
	m.tag(`<meta name="twitter:description" content="`)
	m.text(p.Description)
	m.tag(`">`) // the shell's own line break follows
}

// writeMeta writes a <meta> tag: attr ("name" or "property") names it, content is a value.
func writeMeta(m *markup, attr, name, content string) {
	m.tag(`<meta `, attr, `="`, name, `" content="`)
	m.text(content)
	m.tag("\">\n")
}

// State is what the page shows, as the viewer's API answers it: the JSON of each API
// request the viewer's first render of this URL makes (by request URL: "/api/post?id=…"),
// and the errors of those that fail, so the viewer takes the page over without asking
// again (site/folio.js reads it).
type State struct {
	API    map[string]any      `json:"api"`
	Errors map[string]APIError `json:"errors,omitempty"`
}

// APIError is a failed API request: its status and JSON error body.
type APIError struct {
	Status int    `json:"status"`
	Error  string `json:"error"`
	Code   string `json:"code"`
}

// Encode returns the state as JSON that is safe inside a <script> element: encoding/json
// writes <, > and & as \u003c, \u003e and \u0026 (and U+2028/U+2029 escaped), so no
// "</script>" or "<!--" can appear in it.
func (s *State) Encode() ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(b, []byte("</")) || bytes.Contains(b, []byte("<!--")) {
		return nil, errors.New("pages: markup left in the page state") // encoding/json escapes <: never
	}
	return b, nil
}
