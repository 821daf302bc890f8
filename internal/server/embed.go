package server

import "folio/internal/pages"

// pagePolicy is the Content-Security-Policy header of the HTML page name: the site's
// pages may be framed by the site only, but the widget's (pages.Policy).
func pagePolicy(name string) string { return pages.Policy(CSP, name) }
