// Package builder turns a Jekyll posts folder into a Folio site: it reads the posts
// (internal/post), writes the bundle (internal/bundle) and the site files, and reports
// what went in and what came out.
package builder

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"folio/internal/builder/memo"
	"folio/internal/bundle"
	"folio/internal/jekyll"
	"folio/internal/post"
	"folio/internal/search/index"
)

// Options configure one build.
type Options struct {
	// SiteDir is a whole Jekyll site: its _posts, _config.yml, _includes/, _data/ and
	// static files are read as Jekyll reads them. Posts and Config default to its own.
	SiteDir string
	Posts   string // the posts folder (_posts)
	Out     string // the output folder
	Config  string // _config.yml; "" looks beside the posts folder
	Title   string // overrides _config.yml's title
	// BaseURL is the path the site is served under ("/" or "/archive/").
	BaseURL string
	// SiteURL is the site's address ("https://example.com"), for the feeds' and the
	// sitemap's absolute links; "" means _config.yml's url. Without one, feeds have
	// root-relative links and no sitemap is written (the protocol needs full URLs).
	SiteURL string
	// MaxPostBytes skips bigger post files; 0 means post.DefaultMaxPostBytes.
	MaxPostBytes int64
	// NoCompress skips the .br and .gz copies.
	NoCompress bool
	// Host is the static host the site is for (a key of Hosts): the build writes what it
	// needs, leaves out copies it would not serve, and checks the site against its limits.
	// "" checks nothing and writes nothing for a host.
	Host string
	// Prerender writes one HTML page per post at its original URL (see postpages.go),
	// for static hosts without an edge.
	Prerender bool
	// NoSearch leaves out the search data (the viewer then says search is not available).
	NoSearch bool
	// Full builds from scratch: nothing the previous build into Out kept is reused.
	Full bool
	// Log receives progress and the summary; nil discards them.
	Log io.Writer
	// Progress draws a progress bar on Log (use it only when Log is a terminal).
	Progress bool
	// Site holds the viewer's files (site.Files()); nil writes the data only.
	Site fs.FS
	// Assets are folders copied into the output as they are (a Jekyll site's assets/ or
	// images/, which posts link to). Nil means: those of assets, images and img that exist
	// beside the posts folder.
	Assets []string
}

// Report is what a build did. Read == Built + len(Skipped) always holds.
type Report struct {
	Read     int          `json:"read"`
	Built    int          `json:"built"`
	Skipped  []post.Issue `json:"skipped"`
	Warnings []post.Issue `json:"warnings"`
	Ignored  int          `json:"ignored"`
	// Broken lists the local links and images of posts that point at nothing in the built
	// site (no file, post or view answers them), with the line of the post's source.
	Broken []post.Issue `json:"broken_links"`
	// Reused counts the titles and texts whose search analysis came from the former
	// build's cache (an incremental build); 0 for a full build.
	Reused int `json:"reused_analyses"`
	// Bundle describes the data files written.
	Bundle bundle.Stats `json:"bundle"`
	// Search describes the search data (part of the bundle's files).
	Search index.WriteStats `json:"search"`
	// Notes are problems with the build as a whole that did not stop it.
	Notes []string `json:"notes,omitempty"`
	// Site is the built folder's size (what a host publishes), against -host's limits.
	Site *HostReport `json:"site,omitempty"`
	// PostPages describes the post pages written (Options.Prerender).
	PostPages *PostPagesReport `json:"post_pages,omitempty"`
	Seconds   float64          `json:"seconds"`
}

// UsageError is a problem with the folders given, not with a post.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Build runs a build. Bad posts never fail it; they are in the Report. It fails with a
// *UsageError when the posts folder cannot be read or the output folder cannot be written.
func Build(o Options) (*Report, error) {
	start := time.Now()
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	if o.SiteDir != "" && o.Posts == "" {
		o.Posts = filepath.Join(o.SiteDir, "_posts")
	}
	host := Hosts["generic"]
	if o.Host != "" {
		h, ok := Hosts[o.Host]
		if !ok {
			return nil, &UsageError{fmt.Errorf("unknown host %q: use one of %s", o.Host, strings.Join(HostNames(), ", "))}
		}
		host = h
	}
	var hostNotes []string
	if host.Compresses && !o.NoCompress {
		o.NoCompress = true
		hostNotes = append(hostNotes, fmt.Sprintf("no .br/.gz copies written: %s compresses responses itself and does not serve them", host.Name))
	}
	st, err := os.Stat(o.Posts)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("posts folder: %w", err)}
	}
	if !st.IsDir() {
		return nil, &UsageError{fmt.Errorf("posts folder %s is not a folder", o.Posts)}
	}
	if _, err := os.ReadDir(o.Posts); err != nil {
		return nil, &UsageError{fmt.Errorf("posts folder: %w", err)}
	}
	cfg, cfgName, err := loadConfig(o)
	if err != nil {
		return nil, &UsageError{err}
	}
	if o.MaxPostBytes > 0 {
		cfg.MaxPostBytes = o.MaxPostBytes
	}
	var jsite *jekyll.Site
	if o.SiteDir != "" {
		if jsite, err = jekyll.Load(o.SiteDir, cfg.Site); err != nil {
			return nil, &UsageError{err}
		}
		cfg.Liquid = jsite
		if o.BaseURL == "" {
			o.BaseURL = jsite.BaseURL
		}
	}
	if err := checkOverlap(o.Posts, o.Out); err != nil {
		return nil, &UsageError{err}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, &UsageError{fmt.Errorf("output folder: %w", err)}
	}
	prev, hadPrev, err := liveGeneration(o.Out)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	w, err := bundle.NewWriter(filepath.Join(o.Out, "data"), !o.NoCompress, 0)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	w.OnWrite(crashAfterWrites)
	if !o.Full {
		w.TrustCopies(filepath.Join(o.Out, stateDir, copiesFile))
	}
	if cfgName != "" {
		logf(log, "config %s\n", post.Printable(cfgName))
	}

	stamp, err := memo.Stamp(cfgName)
	if err != nil {
		return nil, err
	}
	memoDir := filepath.Join(o.Out, stateDir)
	excerpts := memo.OpenExcerpts(memoDir, stamp, !o.Full)
	cfg.ExcerptMemo = excerpts.Excerpt
	frontMatters := memo.OpenFrontMatters(memoDir, stamp, !o.Full)
	cfg.FrontMatterMemo = frontMatters.FrontMatter

	if jsite != nil && jekyll.UsesSitePosts(o.Posts) {
		// site.posts, site.categories and site.tags need every post first: read them once
		// without the site's Liquid to make those lists.
		plain := cfg
		plain.Liquid = nil
		pre, err := post.ReadAll(os.DirFS(o.Posts), plain, nil)
		if err != nil {
			return nil, &UsageError{fmt.Errorf("posts folder: %w", err)}
		}
		jsite.SetPosts(pre.Posts)
		logf(log, "read %d posts for site.posts, site.categories and site.tags\n", len(pre.Posts))
	}
	bar := newBar(log, o.Progress, "reading")
	res, err := post.ReadAll(os.DirFS(o.Posts), cfg, bar.set)
	bar.done()
	if err != nil {
		return nil, &UsageError{fmt.Errorf("posts folder: %w", err)}
	}
	crashAt("read")
	if jsite != nil {
		res.Warnings = append(res.Warnings, jsite.Issues...)
	}

	site := bundle.Site{Title: o.Title, BaseURL: normalizeBase(o.BaseURL)}
	if site.Title == "" {
		if t, ok := cfg.Site["title"].(string); ok {
			site.Title = t
		}
	}
	if site.Title == "" {
		site.Title = "Folio"
	}
	site.URL, site.Lang, site.Description = siteFacts(cfg.Site)
	logf(log, "writing %d posts…\n", len(res.Posts))
	// The search index is built while the bundle is written: both are CPU-bound, and the
	// bundle alone leaves a core idle much of the time.
	bundleSizes, searchSizes, note := fileSizes(host, len(res.Posts))
	if note != "" {
		hostNotes = append(hostNotes, note)
	}
	var m *bundle.Manifest
	var layout bundle.Layout
	built := make(chan struct{})
	go func() {
		m, layout = bundle.BuildSized(w, res.Posts, site, bundleSizes)
		close(built)
	}()
	var sstats index.WriteStats
	cache := memo.OpenAnalyses(memoDir, stamp, !o.Full)
	var searchNext *index.State
	formerSearch := readSearchState(o.Out)
	prevSearch := formerSearch.reusable(stamp, !o.Full)
	if !o.NoSearch {
		root, st, next, err := index.Update(w, res.Posts, func() bundle.Layout { <-built; return layout }, cache.Analyze, searchSizes, prevSearch)
		searchNext = next
		<-built
		if err != nil {
			return nil, fmt.Errorf("search data: %w", err)
		}
		if m.Extra == nil {
			m.Extra = map[string]string{}
		}
		m.Extra["search"], sstats = root, st
		for _, f := range st.Cut {
			res.Warnings = append(res.Warnings, post.Issue{File: f, Reason: fmt.Sprintf("longer than %d characters: only the first %d are searchable", index.MaxIndexedRunes, index.MaxIndexedRunes)})
		}
	}
	<-built
	crashAt("data")
	// Everything new is written before anything goes live: the data files, the assets,
	// the viewer's versioned folder and the generation record. Then the entry (folio.json)
	// and the pages switch, each in one rename, and only then are stale files removed,
	// keeping those of the generation that was live until now.
	stats, err := w.Wait()
	if err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	var notes []string
	if sh := shadowed(res.Posts); len(sh) > 0 {
		notes = append(notes, fmt.Sprintf("%d posts have an original URL that a viewer page uses (/, /category/…, /tag/…, /archive/…, /search, /saved/); they are reachable from lists and search, not by that URL: %s", len(sh), strings.Join(first(sh, 5), ", ")))
	}
	if jsite != nil {
		n, left, err := copySite(jsite, o.Out)
		if err != nil {
			return nil, &UsageError{err}
		}
		logf(log, "copied %d site files\n", n)
		if len(left) > 0 {
			notes = append(notes, fmt.Sprintf("%d site files not copied: %s", len(left), strings.Join(first(left, 10), "; ")))
		}
	} else {
		assets := o.Assets
		if assets == nil {
			assets = assetsBeside(o.Posts)
		}
		copied, left, err := copyAssets(assets, o.Out, filepath.Dir(filepath.Clean(o.Posts)))
		if err != nil {
			return nil, &UsageError{err}
		}
		for _, c := range copied {
			logf(log, "copied %s\n", post.Printable(c))
		}
		if len(left) > 0 {
			notes = append(notes, fmt.Sprintf("%d asset files not copied: %s", len(left), strings.Join(first(left, 10), "; ")))
		}
	}
	checkStart := time.Now()
	linkMemo := memo.Open(memoDir, linkMemoFile, linkMemoMagic, stamp, !o.Full)
	broken := brokenLinks(res.Posts, o.Posts, o.Out, site.BaseURL, linkMemo)
	logf(log, "checked the local links and images of %d posts in %.1fs: %d point at nothing\n", len(res.Posts), time.Since(checkStart).Seconds(), len(broken))
	more, err := writeDiscovery(o, cfg, jsite, site, res.Posts, log)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	notes = append(notes, more...)
	v, err := loadViewer(o.Site)
	if err != nil {
		if !errors.Is(err, ErrNoViewer) {
			return nil, fmt.Errorf("viewer files: %w", err)
		}
		notes = append(notes, "data written, but no viewer: "+err.Error())
	}
	planName, err := writeOfflinePlan(filepath.Join(o.Out, "data"), w, res.Posts, layout, !o.NoCompress)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	if m.Extra == nil {
		m.Extra = map[string]string{}
	}
	m.Extra[offlineKey] = planName
	cur := generation{ID: w.ID(), Data: append(w.Names(), planName)}
	if v != nil {
		v.description, _ = cfg.Site["description"].(string)
		cur.App = v.version
		if err := v.writeApp(o.Out, !o.NoCompress); err != nil {
			return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
		}
	}
	crashAt("app")
	var postPages *PostPagesReport
	var pageURLs map[string]string
	if o.Prerender && v != nil {
		var kept []string
		cur.Pages, pageURLs, kept = postPageNames(res.Posts, o.Out)
		if len(kept) > 0 {
			notes = append(notes, fmt.Sprintf("%d post pages not written: a file of the site has their name: %s", len(kept), strings.Join(first(kept, 5), ", ")))
		}
	}
	if err := recordGeneration(o.Out, cur); err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	crashAt("record")
	m.Changes = changesOf(o.Out, w.ID(), formerSearch, searchNext, res.Posts)
	if err := w.WriteEntry(m); err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	crashAt("entry")
	if o.Prerender && v != nil {
		t := time.Now()
		n, err := writePostPages(o.Out, v.page(m), m.BaseURL, cur.Pages, pageURLs, !o.NoCompress)
		if err != nil {
			return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
		}
		postPages = &PostPagesReport{Files: len(cur.Pages), Bytes: n, Seconds: time.Since(t).Seconds()}
		logf(log, "wrote %d post pages, %s, in %.1fs\n", postPages.Files, Size(n), postPages.Seconds)
	}
	crashAt("post-pages")
	if v != nil {
		home, err := prerender(m.Title, res.Posts)
		if err != nil {
			return nil, err
		}
		if err := v.writeRoot(o.Out, m, !o.NoCompress, home); err != nil {
			return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
		}
	}
	crashAt("pages")
	stats.Removed, err = removeStale(o.Out, w, cur, prev, hadPrev)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: remove stale files: %w", o.Out, err)}
	}
	for _, m := range []*memo.Memo{excerpts.Memo, frontMatters.Memo, linkMemo} {
		if err := m.Save(memoDir, stamp, nil); err != nil {
			return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
		}
	}
	if err := w.SaveCopies(filepath.Join(o.Out, stateDir, copiesFile)); err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	if !o.NoSearch {
		if err := cache.SaveFor(memoDir, stamp, prevSearch, searchNext, sstats.Rebuilt); err != nil {
			return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
		}
		if err := saveSearchState(o.Out, stamp, m.ID, searchNext); err != nil {
			return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
		}
		logf(log, "search analysis: %d titles and texts reused from the former build\n", cache.Hits())
	}
	var wroteHost []string
	if o.Host != "" {
		var page []byte
		if v != nil {
			page = v.files["index.html"]
		}
		if wroteHost, err = writeHostFiles(host, o.Out, site.BaseURL, page, res.Posts); err != nil {
			return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
		}
		for _, w := range wroteHost {
			logf(log, "wrote %s for %s\n", w, host.Name)
		}
	}
	sizes, err := checkHost(host, o.Out)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	sizes.Wrote = wroteHost
	if o.Host == "" {
		sizes.Host = ""
	}
	notes = append(notes, hostNotes...)
	if err := recordOptions(o); err != nil { // for folio serve -watch
		return nil, &UsageError{fmt.Errorf("output folder %s: %w", o.Out, err)}
	}
	rep := &Report{Site: sizes, PostPages: postPages, Read: res.Read, Built: len(res.Posts), Skipped: res.Skipped, Warnings: res.Warnings,
		Broken: broken, Ignored: res.Ignored, Reused: int(cache.Hits()), Bundle: stats, Search: sstats, Notes: notes, Seconds: time.Since(start).Seconds()}
	if rep.Skipped == nil {
		rep.Skipped = []post.Issue{}
	}
	if rep.Warnings == nil {
		rep.Warnings = []post.Issue{}
	}
	if rep.Broken == nil {
		rep.Broken = []post.Issue{}
	}
	return rep, nil
}

// loadConfig reads -config, or _config.yml beside the posts folder when there is one.
func loadConfig(o Options) (post.Config, string, error) {
	name := o.Config
	if name == "" {
		root := filepath.Dir(filepath.Clean(o.Posts))
		if o.SiteDir != "" {
			root = o.SiteDir
		}
		guess := filepath.Join(root, "_config.yml")
		if _, err := os.Stat(guess); err != nil {
			return post.Config{}, "", nil
		}
		name = guess
	}
	data, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return post.Config{}, "", fmt.Errorf("config file %s does not exist", name)
		}
		return post.Config{}, "", fmt.Errorf("config file: %w", err)
	}
	cfg, err := post.ParseConfig(name, data)
	return cfg, name, err
}

func normalizeBase(b string) string {
	if b == "" {
		return "/"
	}
	if b[0] != '/' {
		b = "/" + b
	}
	if b[len(b)-1] != '/' {
		b += "/"
	}
	return b
}

// siteFacts reads _config.yml's url (without a trailing slash), lang (else locale, as
// "zh_CN" → "zh-CN") and description, for the pages rendered from the bundle.
func siteFacts(values map[string]any) (url, lang, description string) {
	str := func(k string) string {
		s, _ := values[k].(string)
		return strings.TrimSpace(s)
	}
	url = strings.TrimRight(str("url"), "/")
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		url = ""
	}
	lang = str("lang")
	if lang == "" {
		lang = str("locale")
	}
	lang = strings.ReplaceAll(lang, "_", "-")
	return url, lang, str("description")
}
