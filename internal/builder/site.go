package builder

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"sort"

	"folio/internal/bundle"
	"folio/internal/post"
)

// listPage is the plain page written until the viewer is embedded: the newest posts.
var listPage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="zh">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<h1>{{.Title}}</h1>
<p>{{.Count}} posts.</p>
<ul>
{{range .Posts}}<li><time>{{.Date.Format "2006-01-02"}}</time> {{.Title}} <small>{{.File}}</small></li>
{{end}}</ul>
`))

// listLimit is how many posts the plain page lists.
const listLimit = 500

func writeSite(out string, m *bundle.Manifest, posts []*post.Post) error {
	sorted := append([]*post.Post(nil), posts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Date.After(sorted[j].Date) })
	if len(sorted) > listLimit {
		sorted = sorted[:listLimit]
	}
	var b bytes.Buffer
	err := listPage.Execute(&b, map[string]any{"Title": m.Title, "Count": m.Posts, "Posts": sorted})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "index.html"), b.Bytes(), 0o644)
}
