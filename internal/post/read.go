package post

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Result is everything read from a posts folder. Read == len(Posts) + len(Skipped).
type Result struct {
	Posts    []*Post // in file order
	Skipped  []Issue
	Warnings []Issue
	// Read counts the post files (by extension) that were read.
	Read int
	// Ignored counts files that are not posts: other extensions and dot files.
	Ignored int
}

// Progress is told how many of the post files have been read so far.
type Progress func(done, total int)

// ReadAll reads every post under the root of fsys. It fails only when the folder itself
// cannot be listed; a bad post is skipped and reported in the Result.
func ReadAll(fsys fs.FS, cfg Config, progress Progress) (*Result, error) {
	cfg = cfg.withDefaults()
	res := &Result{}
	var files []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			res.Skipped = append(res.Skipped, issue(name, 0, "cannot read: "+errText(err)))
			res.Read++
			return nil
		}
		if name == "." {
			return nil
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			if !utf8.ValidString(d.Name()) {
				// fsys cannot list it (see names.go): one issue for the folder, rather
				// than "cannot read: invalid argument".
				res.Skipped = append(res.Skipped, issue(name, 0, notUTF8Reason(d.Name(), true)))
				res.Read++
				return fs.SkipDir
			}
			return nil
		}
		if !IsPostFile(name) {
			res.Ignored++
			return nil
		}
		if !utf8.ValidString(name) {
			res.Skipped = append(res.Skipped, issue(name, 1, notUTF8Reason(d.Name(), false)))
			res.Read++
			return nil
		}
		files = append(files, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Read += len(files)

	type outcome struct {
		post     *Post
		warnings []Issue
		skip     *Issue
	}
	out := make([]outcome, len(files))
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				p, warns, err := readOne(fsys, files[i], cfg)
				if err != nil {
					line := 1 // the whole file: point at its start
					var se *SkipError
					if errors.As(err, &se) && se.Line > 0 {
						line = se.Line
					}
					is := issue(files[i], line, err.Error())
					out[i].skip = &is
				} else {
					out[i].post, out[i].warnings = p, warns
				}
				if progress != nil {
					progress(int(done.Add(1)), len(files))
				}
			}
		})
	}
	wg.Wait()

	for _, o := range out {
		if o.skip != nil {
			res.Skipped = append(res.Skipped, *o.skip)
			continue
		}
		res.Posts = append(res.Posts, o.post)
		res.Warnings = append(res.Warnings, o.warnings...)
	}
	res.dropDuplicateURLs()
	res.resolveReferences()
	sort.SliceStable(res.Skipped, func(i, j int) bool { return res.Skipped[i].File < res.Skipped[j].File })
	sort.SliceStable(res.Warnings, func(i, j int) bool { return res.Warnings[i].File < res.Warnings[j].File })
	return res, nil
}

func readOne(fsys fs.FS, name string, cfg Config) (*Post, []Issue, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, nil, skip(0, "cannot read: %s", errText(err))
	}
	if info.Size() > cfg.MaxPostBytes {
		return nil, nil, skip(0, "file is %.1f MB, over the %.1f MB limit for one post (raise it with -max-post-mb)",
			float64(info.Size())/(1<<20), float64(cfg.MaxPostBytes)/(1<<20))
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, skip(0, "cannot read: %s", errText(err))
	}
	return Parse(name, data, cfg)
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// dropDuplicateURLs skips every post whose URL an earlier post (in file order) already has,
// since one URL can show only one post. It also skips a post whose ID an earlier post has
// ("x.md" beside "x.html"): the bundle finds posts by ID, so IDs must be unique too.
func (r *Result) dropDuplicateURLs() {
	owner := map[string]string{}
	ids := map[string]string{}
	kept := r.Posts[:0]
	for _, p := range r.Posts {
		if first, dup := owner[p.URL]; dup {
			r.Skipped = append(r.Skipped, issue(p.File, 1,
				fmt.Sprintf("URL %s is already the URL of %s (permalinks must be unique)", p.URL, first)))
			continue
		}
		if first, dup := ids[p.ID]; dup {
			r.Skipped = append(r.Skipped, issue(p.File, 1,
				fmt.Sprintf("%s has the same name as %s apart from the extension (post names must be unique)", p.File, first)))
			continue
		}
		owner[p.URL] = p.File
		ids[p.ID] = p.File
		kept = append(kept, p)
	}
	r.Posts = kept
}

// resolveReferences fills in {% post_url %} and {% link %} with the URLs of the posts they
// name, or "#" with a warning when no post matches.
func (r *Result) resolveReferences() {
	byName := map[string]*Post{}
	for _, p := range r.Posts {
		byName[p.ID] = p
		byName[path.Base(p.ID)] = p
		byName[p.File] = p
	}
	for _, p := range r.Posts {
		if len(p.pending) == 0 {
			continue
		}
		parts := strings.Split(p.Body, refMark)
		var b strings.Builder
		for i, part := range parts {
			if i%2 == 0 {
				b.WriteString(part)
				continue
			}
			n, err := strconv.Atoi(part)
			if err != nil || n >= len(p.pending) {
				b.WriteString(part)
				continue
			}
			ref := p.pending[n]
			target := strings.TrimPrefix(strings.TrimPrefix(ref.Target, "/"), "_posts/")
			q, ok := byName[target]
			if !ok {
				q, ok = byName[strings.TrimSuffix(target, path.Ext(target))]
			}
			if ok {
				b.WriteString(q.URL)
				continue
			}
			r.Warnings = append(r.Warnings, issue(p.File, ref.Line,
				fmt.Sprintf("link to %q: no such post; linked to # instead", ref.Target)))
			b.WriteString("#")
		}
		p.Body = b.String()
		p.pending = nil
	}
}
