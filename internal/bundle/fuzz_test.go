package bundle

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"folio/internal/post"
	"folio/internal/sharedtest"
)

// fuzzBundle is a real bundle (the demo archive's) in memory, with the IDs and URLs of
// its posts, for the fuzz target to read with files replaced.
type fuzzBundle struct {
	files map[string][]byte
	names []string // sorted; names[0] is EntryFile
	ids   []string
	urls  []string
}

// FuzzReader replaces up to two files of a real bundle with fuzzed bytes, as a tampered
// or broken host would serve them, and reads everything through the Reader: the
// manifest, list pages of all posts and of every term, every post by ID and by URL. Every
// call must return a value or an error, and never panic or loop; lists never return more
// entries than asked.
func FuzzReader(f *testing.F) {
	b := demoBundle(f)
	for i, name := range b.names {
		f.Add(uint16(i), b.files[name], uint16(i), b.files[name])
	}
	// The manifest of an archive big enough for sub-tables (there are none in the demo's).
	var m Manifest
	if err := json.Unmarshal(b.files[EntryFile], &m); err != nil {
		f.Fatal(err)
	}
	m.All.Pages.Depth, m.Lookup.Depth = 1, 1
	f.Add(uint16(0), encode(m), uint16(0), encode(m))
	// Files of the real corpora's bundles, in place of a demo file of the same kind.
	for _, data := range corpusBundleSeeds(f) {
		if i := slices.IndexFunc(b.names, func(name string) bool { return folder(name) == folder(data.name) }); i >= 0 {
			f.Add(uint16(i), data.data, uint16(i), data.data)
		}
	}
	f.Fuzz(func(t *testing.T, i uint16, a []byte, j uint16, c []byte) {
		files := map[string][]byte{}
		for name, data := range b.files {
			files[name] = data
		}
		files[b.names[int(i)%len(b.names)]] = a
		files[b.names[int(j)%len(b.names)]] = c
		// The fetcher claims to check contents itself, so the fuzzed bytes reach the
		// decoders instead of failing Open's hash check (which is what they meet in use).
		fetch := unchecked(func(_ context.Context, name string) ([]byte, error) {
			data, ok := files[name]
			if !ok {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
			}
			return data, nil
		})
		// A loop over damaged data would stall the fuzzer silently: crash instead.
		loop := time.AfterFunc(time.Minute, func() { panic("reading the bundle did not end within a minute") })
		defer loop.Stop()
		readEverything(t, fetch, b)
	})
}

// unchecked is a Fetcher that says it checks contents, and does not.
type unchecked FetchFunc

func (u unchecked) Fetch(ctx context.Context, name string) ([]byte, error) { return u(ctx, name) }
func (u unchecked) ChecksContent() bool                                    { return true }

// readEverything reads the bundle through every Reader call the viewer makes.
func readEverything(t *testing.T, fetch Fetcher, b *fuzzBundle) {
	ctx := context.Background()
	r, err := Open(ctx, fetch)
	if err != nil {
		return
	}
	entries := func(s Span, offset, limit int) {
		es, err := r.Entries(ctx, s, offset, limit)
		if err == nil && len(es) > max(limit, 0) {
			t.Errorf("Entries(offset %d, limit %d) gave %d entries", offset, limit, len(es))
		}
	}
	all := r.AllSpan()
	entries(all, 0, 20)
	entries(all, all.Count-3, 10)
	entries(all, 0, min(all.Count, 500))
	for _, kind := range Taxonomies {
		idx, err := r.Terms(ctx, kind)
		if err != nil {
			continue
		}
		for k, term := range idx.Terms {
			if k == 50 {
				break
			}
			s, err := r.TermList(ctx, kind, term.Name)
			if err != nil {
				continue
			}
			entries(s, 0, 10)
			entries(s, 0, min(s.Count, 500))
		}
	}
	for _, id := range b.ids {
		if p, err := r.Post(ctx, id); err == nil && p.ID != id {
			t.Errorf("Post(%q) gave post %q", id, p.ID)
		}
	}
	for _, u := range b.urls {
		_, _ = r.IDForURL(ctx, u) // damaged data may fail it: only a panic or a stall is a bug
	}
}

// demoBundle builds the bundle of the demo archive in memory.
func demoBundle(f *testing.F) *fuzzBundle {
	f.Helper()
	res, err := post.ReadAll(os.DirFS(filepath.Join("..", "..", "demo", "_posts")), post.Config{}, nil)
	if err != nil {
		f.Fatal(err)
	}
	b := &fuzzBundle{files: buildFiles(f, res.Posts)}
	for name := range b.files {
		if name != EntryFile {
			b.names = append(b.names, name)
		}
	}
	slices.Sort(b.names)
	b.names = append([]string{EntryFile}, b.names...)
	for _, p := range res.Posts {
		b.ids = append(b.ids, p.ID)
		b.urls = append(b.urls, p.URL)
	}
	b.ids = append(b.ids, "no/such/post")
	b.urls = append(b.urls, "/no/such/url/")
	return b
}

// buildFiles builds a bundle of posts (without compressed copies) and returns its files.
func buildFiles(f *testing.F, posts []*post.Post) map[string][]byte {
	f.Helper()
	dir := f.TempDir()
	w, err := NewWriter(dir, false, 1)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := w.Finish(Build(w, posts, Site{Title: "fuzz", BaseURL: "/"})); err != nil {
		f.Fatal(err)
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	return files
}

type namedData struct {
	name string
	data []byte
}

// corpusBundleSeeds builds the bundle of each real corpus in ../shared (none when it is
// missing) and returns a few files of each kind.
func corpusBundleSeeds(f *testing.F) []namedData {
	f.Helper()
	shared := sharedtest.SeedDir(f)
	if shared == "" {
		return nil
	}
	corpora, _ := filepath.Glob(filepath.Join(shared, "corpus", "*", "_posts"))
	var out []namedData
	for _, dir := range corpora {
		res, err := post.ReadAll(os.DirFS(dir), post.Config{}, nil)
		if err != nil {
			f.Fatal(err)
		}
		files := buildFiles(f, res.Posts)
		names := slices.Sorted(func(yield func(string) bool) {
			for name := range files {
				if !yield(name) {
					return
				}
			}
		})
		perKind := map[string]int{}
		for _, name := range names {
			if perKind[folder(name)]++; perKind[folder(name)] <= 4 {
				out = append(out, namedData{name, files[name]})
			}
		}
	}
	if len(out) == 0 {
		f.Fatalf("no bundle files built from the corpora in %s", shared)
	}
	return out
}

// folder returns the folder of a bundle file ("p", "k", …), or the name of the manifest.
func folder(name string) string { return name[:strings.IndexByte(name+"/", '/')] }
