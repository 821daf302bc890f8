package server

import "strings"

// pagePolicy is the Content-Security-Policy header of the HTML page name. Every page may
// be framed by the site only, but two belong to the embeddable widget (site/widget.js):
//   - embed/frame.html, the widget's hidden engine, is framed by other sites by design:
//     any ancestor may frame it (it shows nothing, and answers only with public posts);
//   - embed/index.html, the page with the snippet, frames that engine for its preview.
func pagePolicy(name string) string {
	switch name {
	case "embed/frame.html":
		return CSP + "; frame-ancestors *"
	case "embed/index.html":
		return strings.Replace(CSP, "frame-src 'none'", "frame-src 'self'", 1) + "; frame-ancestors 'self'"
	}
	return CSP + "; frame-ancestors 'self'"
}
