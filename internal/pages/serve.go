package pages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"folio/internal/archive"
	"folio/internal/bundle"
)

// pageRoutes are the viewer's views (site/app.js ROUTES) on the path below the base; any
// other path is a post's original URL.
var pageRoutes = []struct {
	kind string // the navigation link of the view
	re   *regexp.Regexp
	view func(pc *pageCtx, params []string) (*view, error)
}{
	{"home", regexp.MustCompile(`^/(?:index\.html)?$`), homePage},
	{"categories", regexp.MustCompile(`^/category/([^/]+)/?$`), categoryPage},
	{"tags", regexp.MustCompile(`^/tag/([^/]+)/?$`), tagPage},
	{"archive", regexp.MustCompile(`^/archive/?$`), archivePage},
	{"archive", regexp.MustCompile(`^/archive/(\d{4})/?$`), yearPage},
	{"archive", regexp.MustCompile(`^/archive/(\d{4})/(\d{1,2})/?$`), monthPage},
	{"categories", regexp.MustCompile(`^/categories/?$`), func(pc *pageCtx, _ []string) (*view, error) { return termsPage(pc, "categories") }},
	{"tags", regexp.MustCompile(`^/tags/?$`), func(pc *pageCtx, _ []string) (*view, error) { return termsPage(pc, "tags") }},
	{"search", regexp.MustCompile(`^/search(?:\.html)?/?$`), searchPage},
}

// view is what one view gives the page: its head, content and status.
type view struct {
	page   Page
	status int    // 0: 200
	text   string // text to guess the language from, when the site names none
}

// pageCtx is what the views of one request share.
type pageCtx struct {
	e     *extension
	r     *http.Request
	ctx   context.Context
	rd    *bundle.Reader
	m     *bundle.Manifest
	path  string // below the base, with a leading "/"
	t     Text
	state State
}

// Extension returns the archive extension that answers every GET outside /api/ with a
// page rendered inside shell, the viewer's page: the view of a viewer URL, a post at its
// original URL, or the not-found page with status 404. search is the handler's
// archive.SearchExtension (nil: no search), whose engine the search pages use. The
// viewer in the browser does not link this package: it renders its views itself.
func Extension(shell *Shell, search archive.Extension) archive.Extension {
	return &extension{shell: shell, search: search}
}

type extension struct {
	shell  *Shell
	search archive.Extension
}

// Routes implements archive.Extension.
func (e *extension) Routes(mux *http.ServeMux, reader func(context.Context) (*bundle.Reader, error)) {
	mux.HandleFunc("GET /{path...}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
			archive.Error(w, http.StatusNotFound, "not_found", "no such API: "+r.URL.Path)
			return
		}
		e.page(w, r, reader)
	})
}

// page answers a page request.
func (e *extension) page(w http.ResponseWriter, r *http.Request, reader func(context.Context) (*bundle.Reader, error)) {
	rd, err := reader(r.Context())
	if err != nil {
		pageFail(w, err)
		return
	}
	m := rd.Manifest()
	pc := &pageCtx{e: e, r: r, ctx: r.Context(), rd: rd, m: m, t: TextFor(Wording(r.Header.Get("Accept-Language"), m.Lang)),
		state: State{API: map[string]any{"/api/site": archive.SiteInfo(m)}}}
	pc.path = belowBase(r.URL.Path, m.BaseURL)
	v, err := pc.route()
	if err != nil {
		pageFail(w, err)
		return
	}
	pc.finish(v)
	if v.page.State, err = pc.state.Encode(); err != nil {
		pageFail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Vary", "Accept-Language") // the wording follows the reader's languages
	if v.status == 0 {
		v.status = http.StatusOK
	}
	w.WriteHeader(v.status)
	_ = e.shell.Write(w, &v.page) // the status is out; a client gone is nothing to report
}

// belowBase is a request path below the site's base path ("/blog/tag/x" under "/blog/":
// "/tag/x"). A path outside the base is taken as below it already: a proxy that serves
// the site under its base may pass the path on without it.
func belowBase(path, base string) string {
	if rest, ok := strings.CutPrefix(path, strings.TrimSuffix(base, "/")); ok && (rest == "" || rest[0] == '/') {
		path = rest
	}
	return "/" + strings.TrimPrefix(path, "/")
}

// route runs the view of the path.
func (pc *pageCtx) route() (*view, error) {
	for _, rt := range pageRoutes {
		if m := rt.re.FindStringSubmatch(pc.path); m != nil {
			v, err := rt.view(pc, m[1:])
			if v != nil {
				v.page.Kind = rt.kind
			}
			return v, err
		}
	}
	return postPage(pc)
}

// finish fills what every page's head has: language, full title, site name.
func (pc *pageCtx) finish(v *view) {
	p := &v.page
	if p.Lang = pc.m.Lang; p.Lang == "" {
		if p.Lang = GuessLang(v.text); p.Lang == "" {
			p.Lang = "en"
		}
	}
	if p.Title == "" {
		p.Title = pc.m.Title
	} else {
		p.Title += " · " + pc.m.Title
	}
	if p.Description == "" {
		p.Description = pc.m.Description
	}
	if p.Type == "" {
		p.Type = "website"
	}
	p.SiteName = pc.m.Title
	p.Wording = pc.t
}

// record keeps an API answer for the viewer: key is the request its first render makes.
func (pc *pageCtx) record(path string, q url.Values, v any) {
	pc.state.API[apiKey(path, q)] = v
}

// recordError keeps a failed API request for the viewer.
func (pc *pageCtx) recordError(path string, q url.Values, status int, code, msg string) {
	if pc.state.Errors == nil {
		pc.state.Errors = map[string]APIError{}
	}
	pc.state.Errors[apiKey(path, q)] = APIError{Status: status, Error: msg, Code: code}
}

// apiKey is an API request URL; the viewer compares them with their parameters sorted.
func apiKey(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// href is the link to a path below the base, each segment escaped.
func (pc *pageCtx) href(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return pc.m.BaseURL + strings.Join(parts, "/")
}

// abs makes a link absolute when the site's url is known.
func (pc *pageCtx) abs(link string) string {
	if link == "" || pc.m.URL == "" {
		return link
	}
	return pc.m.URL + link
}

// here is the link to this page with its query changed: changes set (or, empty, drop)
// parameters; page 1 drops "page".
func (pc *pageCtx) here(changes map[string]string) string {
	q := pc.r.URL.Query()
	for k, v := range changes {
		if v == "" || k == "page" && v == "1" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	u := pc.herePath()
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// herePath is this page's path, escaped, under the site's base path.
func (pc *pageCtx) herePath() string {
	return pc.m.BaseURL + strings.TrimPrefix(belowBase(pc.r.URL.EscapedPath(), pc.m.BaseURL), "/")
}

// pageNumber reads ?page= as the viewer does: 1 unless a whole number ≥ 1.
func (pc *pageCtx) pageNumber() int {
	n, ok := archive.IntParam(pc.r.URL.Query().Get("page"), 1, 1<<20)
	if !ok || n < 1 {
		return 1
	}
	return n
}

// notFound is the not-found page (status 404).
func (pc *pageCtx) notFound() *view { return pc.notFoundWith("", "") }

// notFoundWith is the not-found page with a link to a search for words.
func (pc *pageCtx) notFoundWith(search, words string) *view {
	main := (&NotFound{T: pc.t, Home: pc.m.BaseURL, Search: search, SearchText: words}).HTML()
	return &view{status: http.StatusNotFound, page: Page{Title: pc.t.T("notFound"), Main: main}}
}

// isNotFound reports whether err says a post, term or list does not exist.
func isNotFound(err error) bool { return errors.Is(err, bundle.ErrNotFound) }

// pageFail answers a page that could not be made: the archive could not be read.
func pageFail(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var ve *bundle.VersionError
	var de *bundle.DataError
	switch {
	case errors.Is(err, bundle.ErrOffline), errors.As(err, &ve):
		status = http.StatusServiceUnavailable
	case errors.Is(err, bundle.ErrStalled), errors.Is(err, context.DeadlineExceeded):
		status = http.StatusGatewayTimeout
	case errors.As(err, &de):
		status = http.StatusBadGateway
	}
	http.Error(w, fmt.Sprintf("The archive could not be read: %v", err), status)
}
