package render

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// linkAttrs are the attributes holding URLs that relativeLinks rewrites.
var linkAttrs = map[string]bool{"href": true, "src": true, "poster": true}

// relativeLinks rewrites relative URLs in fragment ("../news/", "img/a.png") the way the
// original Jekyll site resolved them, against the post's own URL, and returns them
// relative to the viewer's base (the page has a <base> at the site root, where a relative
// URL would otherwise land). Absolute URLs, root-relative paths and #fragments stay.
func relativeLinks(fragment, postURL string) string {
	base, err := url.Parse(postURL)
	if err != nil || postURL == "" || !strings.ContainsAny(fragment, "=") {
		return fragment
	}
	var out bytes.Buffer
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		changed := false
		for i, a := range tok.Attr {
			if !linkAttrs[a.Key] || !isRelative(a.Val) {
				continue
			}
			ref, err := url.Parse(a.Val)
			if err != nil {
				continue
			}
			abs := base.ResolveReference(ref)
			tok.Attr[i].Val = strings.TrimPrefix(abs.EscapedPath(), "/")
			if abs.RawQuery != "" {
				tok.Attr[i].Val += "?" + abs.RawQuery
			}
			if abs.Fragment != "" {
				tok.Attr[i].Val += "#" + abs.EscapedFragment()
			}
			if v := tok.Attr[i].Val; v == "" || hasScheme(v) {
				// "./javascript:x" resolves to the path "javascript:x": keep it a path.
				tok.Attr[i].Val = "./" + v
			}
			changed = true
		}
		if changed {
			out.WriteString(tok.String())
		} else {
			out.Write(raw)
		}
	}
	return out.String()
}

// isRelative reports whether u is a relative reference that depends on the page's URL.
func isRelative(u string) bool {
	u = strings.TrimSpace(u)
	if u == "" || strings.HasPrefix(u, "#") || strings.HasPrefix(u, "/") || strings.HasPrefix(u, "?") {
		return false
	}
	return !hasScheme(u)
}

// hasScheme reports whether u starts with a scheme ("javascript:", "http:").
func hasScheme(u string) bool {
	i := strings.IndexAny(u, ":/?#")
	return i >= 0 && u[i] == ':'
}
