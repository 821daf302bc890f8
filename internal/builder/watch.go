package builder

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// optionsFile records how the site in the output folder was built, so `folio serve
// -watch` can build it again the same way.
const optionsFile = "build.json"

// recorded is the part of Options a rebuild needs; paths are absolute.
type recorded struct {
	SiteDir      string   `json:"site,omitempty"`
	Posts        string   `json:"posts"`
	Config       string   `json:"config,omitempty"`
	Title        string   `json:"title,omitempty"`
	BaseURL      string   `json:"base_url,omitempty"`
	SiteURL      string   `json:"site_url,omitempty"`
	MaxPostBytes int64    `json:"max_post_bytes,omitempty"`
	NoCompress   bool     `json:"no_compress,omitempty"`
	Host         string   `json:"host,omitempty"`
	NoSearch     bool     `json:"no_search,omitempty"`
	Prerender    bool     `json:"prerender,omitempty"`
	Assets       []string `json:"assets,omitempty"`
}

// recordOptions writes o into out/.folio/build.json.
func recordOptions(o Options) error {
	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	r := recorded{SiteDir: abs(o.SiteDir), Posts: abs(o.Posts), Config: abs(o.Config), Title: o.Title, BaseURL: o.BaseURL,
		SiteURL: o.SiteURL, MaxPostBytes: o.MaxPostBytes, NoCompress: o.NoCompress, Host: o.Host, NoSearch: o.NoSearch, Prerender: o.Prerender}
	for _, a := range o.Assets {
		r.Assets = append(r.Assets, abs(a))
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return mkdirWrite(filepath.Join(o.Out, stateDir, optionsFile), append(data, '\n'))
}

// RecordedOptions returns the options the site in out was last built with (Site, Log
// and Progress left for the caller).
func RecordedOptions(out string) (Options, error) {
	data, err := os.ReadFile(filepath.Join(out, stateDir, optionsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Options{}, fmt.Errorf("%s was not built by this version of folio build (no %s/%s): build it again first", out, stateDir, optionsFile)
	}
	if err != nil {
		return Options{}, err
	}
	var r recorded
	if err := json.Unmarshal(data, &r); err != nil {
		return Options{}, fmt.Errorf("%s/%s: %w", stateDir, optionsFile, err)
	}
	return Options{SiteDir: r.SiteDir, Posts: r.Posts, Out: out, Config: r.Config, Title: r.Title, BaseURL: r.BaseURL,
		SiteURL: r.SiteURL, MaxPostBytes: r.MaxPostBytes, NoCompress: r.NoCompress, Host: r.Host, NoSearch: r.NoSearch,
		Prerender: r.Prerender, Assets: r.Assets}, nil
}

// Watch rebuilds the site with o whenever its sources change, until ctx ends: it looks
// at the site folder (or the posts folder, its config and assets) every interval, and
// builds once they have stayed the same for one more look (looks are spaced further
// apart when one takes long), so a save of many files makes
// one build. done receives each build's report or error; after an error the site on disk
// is still the previous one (a build switches only what it has finished).
func Watch(ctx context.Context, o Options, interval time.Duration, done func(*Report, error)) {
	last := fingerprint(o)
	pending := false
	wait := interval
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		start := time.Now()
		now := fingerprint(o)
		// A look at a big site (100k posts) takes a while: look at most a fifth of the time.
		wait = max(interval, 4*time.Since(start))
		switch {
		case now != last:
			last, pending = now, true // changing: wait until it settles
		case pending:
			pending = false
			done(Build(o))
		}
	}
}

// fingerprint hashes the names, sizes and modification times of the build's sources,
// leaving out the output folder and dot folders.
func fingerprint(o Options) uint64 {
	h := fnv.New64a()
	out, _ := filepath.Abs(o.Out)
	roots := []string{o.SiteDir}
	if o.SiteDir == "" {
		roots = append([]string{o.Posts, o.Config}, o.Assets...)
		if o.Assets == nil {
			roots = append(roots, assetsBeside(o.Posts)...)
		}
		if o.Config == "" {
			roots = append(roots, filepath.Join(filepath.Dir(filepath.Clean(o.Posts)), "_config.yml"))
		}
	}
	for _, root := range roots {
		if root == "" {
			continue
		}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				_, _ = fmt.Fprintf(h, "%s error\n", p) // a hash takes every write
				return nil
			}
			if d.IsDir() && p != root && (d.Name()[0] == '.' || samePath(p, out)) {
				return filepath.SkipDir
			}
			if d.IsDir() {
				return nil // a folder's time changes with the output folder in it: files only
			}
			if info, err := d.Info(); err == nil {
				_, _ = fmt.Fprintf(h, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano()) // a hash takes every write
			}
			return nil
		})
	}
	return h.Sum64()
}

func samePath(a, b string) bool {
	a, _ = filepath.Abs(a)
	return a == b
}
