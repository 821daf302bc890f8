package jekyll

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"folio/internal/post"
)

// loadData reads _data/ into site.data: each .yml, .yaml, .json or .csv file under its name
// without the extension, folders as nested maps. A file that cannot be read is an Issue
// (named as shown, relative to the posts folder) and is left out.
func loadData(dir, shown string) (map[string]any, []post.Issue) {
	out := map[string]any{}
	var issues []post.Issue
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out, nil // no _data folder
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		if e.IsDir() {
			sub, is := loadData(p, shown+"/"+name)
			out[name] = sub
			issues = append(issues, is...)
			continue
		}
		ext := strings.ToLower(filepath.Ext(name))
		key := strings.TrimSuffix(name, filepath.Ext(name))
		data, err := os.ReadFile(p)
		if err != nil {
			issues = append(issues, post.Issue{File: shown + "/" + name, Reason: "cannot read: " + err.Error()})
			continue
		}
		var v any
		switch ext {
		case ".yml", ".yaml":
			err = yaml.Unmarshal(data, &v)
		case ".json":
			err = json.Unmarshal(data, &v)
		case ".csv", ".tsv":
			v, err = readTable(data, ext == ".tsv")
		default:
			continue
		}
		if err != nil {
			issues = append(issues, post.Issue{File: shown + "/" + name, Line: 1, Reason: "site.data." + key + " left out: " + err.Error()})
			continue
		}
		out[key] = v
	}
	return out, issues
}

// readTable reads a CSV or TSV file with a header row as a list of maps, as Jekyll does.
func readTable(data []byte, tabs bool) (any, error) {
	r := csv.NewReader(bytes.NewReader(data))
	if tabs {
		r.Comma = '\t'
	}
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		return []any{}, err
	}
	var out []any
	for _, row := range rows[1:] {
		m := map[string]any{}
		for i, h := range rows[0] {
			if i < len(row) {
				m[h] = row[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}
