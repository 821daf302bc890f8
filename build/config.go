package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// configKeys are the build flags a config file may set. Paths are relative to the file's
// folder.
var configKeys = map[string]bool{
	"out": true, "title": true, "base-url": true, "site-url": true, "host": true, "strict": true,
	"quiet": true, "no-compress": true, "no-search": true, "max-post-mb": true, "report": true, "prerender": true,
}

var configPaths = map[string]bool{"out": true, "report": true}

// buildConfig finds the build options of a site: folio.yml in the site folder (or beside
// the posts folder), else the folio: key of _config.yml. It returns the values by flag
// name and the file they came from ("" when there is none).
func buildConfig(siteDir, posts, jekyllConfig string) (map[string]any, string, error) {
	root := siteDir
	if root == "" {
		root = filepath.Dir(filepath.Clean(posts))
	}
	name := filepath.Join(root, "folio.yml")
	data, err := os.ReadFile(name)
	switch {
	case err == nil:
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, name, fmt.Errorf("%s: %w", name, err)
		}
		return m, name, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, name, err
	}
	if jekyllConfig == "" {
		jekyllConfig = filepath.Join(root, "_config.yml")
	}
	data, err = os.ReadFile(jekyllConfig)
	if err != nil {
		return nil, "", nil // no _config.yml: the build says so when it needs one
	}
	var site struct {
		Folio map[string]any `yaml:"folio"`
	}
	if err := yaml.Unmarshal(data, &site); err != nil || site.Folio == nil {
		return nil, "", nil // a broken _config.yml is reported by the build itself
	}
	return site.Folio, jekyllConfig + " (folio:)", nil
}

// applyConfig sets each flag the config names that the command line did not set.
func applyConfig(fs *flag.FlagSet, values map[string]any, from string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dir := filepath.Dir(strings.TrimSuffix(from, " (folio:)"))
	for _, k := range keys {
		if !configKeys[k] {
			known := make([]string, 0, len(configKeys))
			for n := range configKeys {
				known = append(known, n)
			}
			sort.Strings(known)
			return fmt.Errorf("%s: unknown option %q (known: %s)", from, k, strings.Join(known, ", "))
		}
		if set[k] {
			continue // the command line wins
		}
		v := values[k]
		if v == nil {
			continue
		}
		s := fmt.Sprint(v)
		if configPaths[k] && !filepath.IsAbs(s) {
			s = filepath.Join(dir, s)
		}
		if err := fs.Set(k, s); err != nil {
			return fmt.Errorf("%s: %s: %w", from, k, err)
		}
	}
	return nil
}
