package pages

import "strings"

// WidgetPages are the site's pages whose Content-Security-Policy differs from the rest,
// both for the embeddable widget (site/widget.js): its hidden engine, framed by other
// sites, and the page with its snippet, which frames that engine for a live preview.
var WidgetPages = []string{"embed/frame/index.html", "embed/index.html"}

// Policy is the Content-Security-Policy header of the site's page name (a path in the
// site, such as "index.html" or "embed/frame/index.html"), given the pages' own policy csp.
// Every page may be framed by the site only (frame-ancestors, which only a header can
// carry), but the widget's:
//   - embed/frame/index.html shows nothing and answers only with public posts: any site may
//     frame it;
//   - embed/index.html frames it for its preview.
func Policy(csp, name string) string {
	switch name {
	case "embed/frame/index.html":
		return csp + "; frame-ancestors *"
	case "embed/index.html":
		return strings.Replace(csp, "frame-src 'none'", "frame-src 'self'", 1) + "; frame-ancestors 'self'"
	}
	return csp + "; frame-ancestors 'self'"
}
