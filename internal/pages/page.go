package pages

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
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
	Main        []byte // the content of <main>, from a view template
	State       []byte // State's JSON, already safe inside <script>
}

var headTemplate = template.Must(template.New("head").Parse(`<title>{{.Title}}</title>
<meta name="description" content="{{.Description}}">
{{if .NoIndex}}<meta name="robots" content="noindex">
{{end}}{{with .Canonical}}<link rel="canonical" href="{{.}}">
{{end}}{{with .Prev}}<link rel="prev" href="{{.}}">
{{end}}{{with .Next}}<link rel="next" href="{{.}}">
{{end}}<meta property="og:title" content="{{.Title}}">
<meta property="og:description" content="{{.Description}}">
<meta property="og:type" content="{{.Type}}">
{{with .SiteName}}<meta property="og:site_name" content="{{.}}">
{{end}}{{with .Canonical}}<meta property="og:url" content="{{.}}">
{{end}}{{with .Published}}<meta property="article:published_time" content="{{.}}">
{{end}}<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="{{.Title}}">
<meta name="twitter:description" content="{{.Description}}">`))

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
