package jekyll

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/osteele/liquid/render"

	"folio/internal/post"
)

// RenderPost renders the Liquid of one post body (post.Liquid). bodyLine is the body's
// first line in the file, so that warnings and errors name lines of the file. page is
// page.* (the front matter, with url, date, title, categories and tags).
//
// A template the engine cannot parse or render returns an error (the reader then falls
// back to its own subset); what renders but is missing (an include that does not exist,
// a value that is not defined) is a warning, and renders as nothing, as in Jekyll.
func (s *Site) RenderPost(file string, bodyLine int, body string, page map[string]any) (string, []post.Issue, error) {
	st := &renderState{file: file, checks: valueUses(body, bodyLine)}
	tpl, perr := s.engine.ParseTemplateLocation([]byte(body+"{% "+exportTag+" %}"), file, bodyLine)
	if perr != nil {
		return "", nil, &post.SkipError{Line: perr.LineNumber(), Reason: cause(perr)}
	}
	b := map[string]any{"site": s.Values, "page": page, "jekyll": map[string]any{"environment": "production"}, stateKey: st}
	out, rerr := tpl.RenderString(b)
	if rerr != nil {
		return "", nil, &post.SkipError{Line: rerr.LineNumber(), Reason: cause(rerr)}
	}
	return out, st.warnings, nil
}

// valueUse is one {{ value }} of a post, to check once the post is rendered.
type valueUse struct {
	expr string // the value without filters: "site.data.books" or "BLOG_IMG"
	line int
}

var (
	outputRe  = regexp.MustCompile(`\{\{-?\s*(.*?)\s*-?\}\}`)
	pathRe    = regexp.MustCompile(`^[A-Za-z_][\w-]*(\.[\w-]+|\[\d+\])*$`)
	skippedRe = regexp.MustCompile(`(?s)\{%-?\s*(raw|comment)\s*-?%\}.*?\{%-?\s*end(raw|comment)\s*-?%\}`)
	loopVarRe = regexp.MustCompile(`\{%-?\s*(?:for|tablerow)\s+(\w+)\s+in\b`)
)

// valueUses lists the plain values ({{ a.b }}, filters left off) a body outputs, outside
// raw and comment blocks and loop variables, with their lines.
func valueUses(body string, bodyLine int) []valueUse {
	masked := skippedRe.ReplaceAllStringFunc(body, func(m string) string {
		return strings.Map(func(r rune) rune {
			if r == '\n' {
				return r
			}
			return ' '
		}, m)
	})
	loopVars := map[string]bool{"forloop": true, "tablerowloop": true}
	for _, m := range loopVarRe.FindAllStringSubmatch(masked, -1) {
		loopVars[m[1]] = true
	}
	var out []valueUse
	for _, loc := range outputRe.FindAllStringSubmatchIndex(masked, -1) {
		expr := strings.TrimSpace(strings.SplitN(masked[loc[2]:loc[3]], "|", 2)[0])
		if !pathRe.MatchString(expr) {
			continue
		}
		root := strings.FieldsFunc(expr, func(r rune) bool { return r == '.' || r == '[' })[0]
		if loopVars[root] || root == "nil" || root == "true" || root == "false" || root == "empty" || root == "blank" {
			continue
		}
		out = append(out, valueUse{expr: expr, line: bodyLine + strings.Count(masked[:loc[0]], "\n")})
	}
	return out
}

// checkValues warns about every value the post outputs that is not defined once it has
// rendered: Jekyll renders those as nothing, and the owner should know. A variable the
// post or an include assigned, even to nil, is defined.
func (st *renderState) checkValues(ctx render.Context) {
	seen := map[string]bool{}
	bindings := ctx.Bindings()
	for _, u := range st.checks {
		if seen[u.expr] {
			continue
		}
		seen[u.expr] = true
		if _, ok := bindings[u.expr]; ok {
			continue
		}
		v, err := ctx.EvaluateString(u.expr)
		if err == nil && v != nil {
			continue
		}
		reason := "not defined in _config.yml, _data/, the front matter or an include"
		if err != nil {
			reason = err.Error()
		}
		st.warnings = append(st.warnings, post.Issue{File: st.file, Line: u.line,
			Reason: fmt.Sprintf("Liquid value {{ %s }} rendered as nothing: %s", u.expr, reason)})
	}
}
