package jekyll

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/osteele/liquid"
	"github.com/osteele/liquid/render"

	"folio/internal/post"
)

// stateKey holds the *renderState in a post's bindings; a Liquid name cannot contain ':',
// so no template can read or replace it.
const stateKey = "folio:state"

// exportTag ends every template the engine renders: it hands the variables the template
// assigned back to the renderer (an include's assignments are the page's, as in Jekyll).
const exportTag = "folio_export"

// renderState is what one post's rendering collects besides its output.
type renderState struct {
	file     string
	warnings []post.Issue
	exported map[string]any // the bindings at the end of the last template rendered
	checks   []valueUse     // {{ values }} of the post to check once it is rendered
	depth    int            // include nesting
}

// warn records a warning at line of the post (the include tag's line inside includes).
func (st *renderState) warn(line int, format string, a ...any) {
	st.warnings = append(st.warnings, post.Issue{File: st.file, Line: line, Reason: fmt.Sprintf(format, a...)})
}

func stateOf(ctx render.Context) *renderState {
	st, _ := ctx.Get(stateKey).(*renderState)
	if st == nil {
		st = &renderState{} // a template rendered outside RenderPost: warnings go nowhere
	}
	return st
}

// lineOf is the line of the current tag: in the post, or, inside an include, the line of
// the post's include tag (kept by includeTag).
func lineOf(ctx render.Context, st *renderState) int {
	if l, ok := ctx.Get("folio:line").(int); ok {
		return l
	}
	return ctx.Errorf("").LineNumber()
}

func newEngine(s *Site) *liquid.Engine {
	e := liquid.NewEngine()
	e.RegisterTag("include", s.includeTag)
	e.RegisterTag("include_relative", func(ctx render.Context) (string, error) {
		st := stateOf(ctx)
		st.warn(lineOf(ctx, st), "{%% include_relative %s %%} removed: only includes from _includes/ are read", strings.TrimSpace(ctx.TagArgs()))
		return "", nil
	})
	e.RegisterTag(exportTag, func(ctx render.Context) (string, error) {
		st := stateOf(ctx)
		st.exported = ctx.Bindings()
		if st.depth == 0 {
			st.checkValues(ctx)
		}
		return "", nil
	})
	e.RegisterBlock("highlight", highlightBlock)
	e.RegisterTag("post_url", referenceTag)
	e.RegisterTag("link", referenceTag)
	addFilters(e, s)
	return e
}

// includeArg splits "name.html key=value key2="x y"" into the name and parameters.
var includeParam = regexp.MustCompile(`([\w-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"']+)`)

// includeTag renders a file of _includes/ in the page's context, with its parameters as
// include.*; what it assigns stays assigned, as in Jekyll.
func (s *Site) includeTag(ctx render.Context) (string, error) {
	st := stateOf(ctx)
	line := lineOf(ctx, st)
	args, err := ctx.ExpandTagArg()
	if err != nil {
		st.warn(line, "{%% include %s %%} removed: %v", strings.TrimSpace(ctx.TagArgs()), err)
		return "", nil
	}
	args = strings.TrimSpace(args)
	name, rest, _ := strings.Cut(args, " ")
	params := map[string]any{}
	for _, m := range includeParam.FindAllStringSubmatch(rest, -1) {
		v := m[2]
		if v[0] == '"' || v[0] == '\'' {
			params[m[1]] = v[1 : len(v)-1]
			continue
		}
		val, err := ctx.EvaluateString(v)
		if err != nil {
			st.warn(line, "{%% include %s %%}: parameter %s: %v", args, m[1], err)
		}
		params[m[1]] = val
	}
	if st.depth >= 16 {
		st.warn(line, "{%% include %s %%} removed: includes nest deeper than 16 (an include that includes itself?)", name)
		return "", nil
	}
	f := s.include(name)
	if f.err != nil {
		st.warn(line, "{%% include %s %%} removed: %v", name, f.err)
		return "", nil
	}
	b := map[string]any{}
	for k, v := range ctx.Bindings() {
		b[k] = v
	}
	b["include"] = params
	b["folio:line"] = line
	st.depth++
	st.exported = nil
	out, rerr := f.tpl.RenderString(b)
	st.depth--
	if rerr != nil {
		st.warn(line, "{%% include %s %%} removed: _includes/%s line %d: %s", name, name, rerr.LineNumber(), cause(rerr))
		return "", nil
	}
	for k, v := range st.exported {
		if k != "include" && !strings.HasPrefix(k, "folio:") {
			ctx.Set(k, v)
		}
	}
	st.exported = nil
	return out, nil
}

// include parses _includes/name once; names that leave _includes/ are refused.
func (s *Site) include(name string) *includeFile {
	if v, ok := s.includes.Load(name); ok {
		return v.(*includeFile)
	}
	f := &includeFile{}
	clean := path.Clean("/" + name)[1:]
	switch {
	case name == "" || clean != name || !fs.ValidPath(clean):
		f.err = fmt.Errorf("%q is not a file name inside _includes/", name)
	default:
		src, err := os.ReadFile(filepath.Join(s.Root, "_includes", filepath.FromSlash(clean)))
		if err != nil {
			f.err = fmt.Errorf("_includes/%s: %w", clean, unwrapPath(err))
			break
		}
		text := strings.ReplaceAll(string(src), post.RefMark, "") + "{% " + exportTag + " %}"
		tpl, perr := s.engine.ParseTemplateLocation([]byte(text), "_includes/"+clean, 1)
		if perr != nil {
			f.err = fmt.Errorf("_includes/%s line %d: %s", clean, perr.LineNumber(), cause(perr))
			break
		}
		f.tpl = tpl
	}
	v, _ := s.includes.LoadOrStore(name, f)
	return v.(*includeFile)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// cause is a Liquid error's message without the engine's "Liquid error (line N): " prefix
// and " in FILE" suffix, which the warning gives in its own form.
func cause(err liquid.SourceError) string {
	if c := err.Cause(); c != nil {
		return c.Error()
	}
	msg := err.Error()
	if i := strings.Index(msg, "): "); i >= 0 && strings.HasPrefix(msg, "Liquid error") {
		msg = msg[i+3:]
	}
	if err.Path() != "" {
		msg = strings.TrimSuffix(msg, " in "+err.Path())
	}
	return msg
}

// highlightBlock turns {% highlight lang %}…{% endhighlight %} into a fenced code block.
func highlightBlock(ctx render.Context) (string, error) {
	code, err := ctx.InnerString()
	if err != nil {
		return "", err
	}
	lang := ""
	if f := strings.Fields(ctx.TagArgs()); len(f) > 0 {
		lang = f[0]
	}
	code = strings.TrimRight(strings.TrimPrefix(code, "\n"), "\n ")
	fence := "```"
	for strings.Contains(code, fence) {
		fence += "`"
	}
	return "\n" + fence + lang + "\n" + code + "\n" + fence + "\n", nil
}

// referenceTag leaves {% post_url %} and {% link %} for the reader, which resolves them
// once every post is read.
func referenceTag(ctx render.Context) (string, error) {
	target, err := ctx.ExpandTagArg()
	if err != nil {
		return "", err
	}
	return post.Reference(strings.TrimSpace(target)), nil
}
