package post

import (
	"errors"
	"fmt"
	"strings"
)

// renderLiquid renders a post body's Liquid: with the site's engine when the Config has
// one, else (or when the engine fails on this post) with the reader's own subset.
func (p *parser) renderLiquid(post *Post, fm frontMatter, body string, bodyLine int) {
	if p.cfg.Liquid != nil {
		src := strings.ReplaceAll(body, refMark, "")
		out, warns, err := p.cfg.Liquid.RenderPost(p.file, bodyLine, src, p.page(post, fm))
		if err == nil {
			for _, w := range warns {
				p.warn(w.Line, "%s", w.Reason)
			}
			post.Body, post.pending = takeReferences(out, src, bodyLine)
			return
		}
		line := bodyLine
		var se *SkipError
		if errors.As(err, &se) && se.Line > 0 {
			line = se.Line
		}
		p.warn(line, "Liquid error: %s; this post's Liquid was read without the site (includes and site data left out)", err)
	}
	lq := liquid{p: p, fm: fm, bodyLine: bodyLine}
	post.Body = lq.render(body)
	post.pending = lq.refs
}

// page is page.* for the site's Liquid engine: the front matter's values, and what the
// reader made of the post.
func (p *parser) page(post *Post, fm frontMatter) map[string]any {
	page := map[string]any{}
	for k, n := range fm.nodes {
		var v any
		if err := n.Decode(&v); err == nil {
			page[k] = yamlValue(v)
		}
	}
	page["url"] = post.URL
	page["id"] = strings.TrimSuffix(post.URL, ".html")
	page["date"] = post.Date
	page["title"] = post.Title
	page["path"] = "_posts/" + p.file
	page["categories"] = strs(post.Categories)
	page["tags"] = strs(post.Tags)
	return page
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// yamlValue turns the maps yaml decodes with non-string keys into map[string]any, the
// form Liquid reads.
func yamlValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = yamlValue(x)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = yamlValue(x)
		}
		return m
	case []any:
		for i, x := range v {
			v[i] = yamlValue(x)
		}
		return v
	}
	return v
}

// takeReferences replaces the References an engine wrote with numbered marks, as the
// reader's own subset writes them, and returns the references with the lines of src
// where they are named.
func takeReferences(out, src string, bodyLine int) (string, []reference) {
	if !strings.Contains(out, refMark) {
		return out, nil
	}
	parts := strings.Split(out, refMark)
	var refs []reference
	var b strings.Builder
	for i, part := range parts {
		target, ok := strings.CutPrefix(part, "@")
		if i%2 == 0 || !ok || i == len(parts)-1 {
			b.WriteString(part)
			continue
		}
		line := bodyLine
		if at := strings.Index(src, target); at >= 0 {
			line += strings.Count(src[:at], "\n")
		}
		refs = append(refs, reference{Target: target, Line: line})
		fmt.Fprintf(&b, "%s%d%s", refMark, len(refs)-1, refMark)
	}
	return b.String(), refs
}
