package search

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/format"
	"folio/internal/search/index"
	"folio/internal/search/query"
	"folio/internal/search/reader"
	"folio/internal/sharedtest"
)

// Seeds for the fuzz tests (more are in testdata/fuzz).
var querySeeds = []string{
	"龙井 绿茶", `"明前 龙井"`, "-咖啡 茶", "龙井 OR 碧螺春", "(龙井 | 碧螺春) -绿茶", "title:茶",
	`category:"tea" tag:A股`, "date:2022-01..2022-03", "date:..2021", "A股 5G 沪深300 12.3%",
	"茶", "股A", "A股B", "（茶）", "“龙井”", "標題：龍井", "-(a OR b)", "((((a))))", "OR", "a OR",
	"title:", "date:2022-13-01", "\x00\x01\x02\x03\x04\x05", "\xff\xfe", "- - -", `"""`, "茶茶茶茶",
}

// FuzzParse checks that Parse never panics and fails only with a QueryError.
func FuzzParse(f *testing.F) {
	for _, q := range querySeeds {
		f.Add(q)
	}
	for _, title := range corpusSeeds(f).titles {
		f.Add(title)
	}
	f.Fuzz(func(t *testing.T, q string) {
		x, err := query.Parse(q)
		var qe *QueryError
		if err != nil && !errors.As(err, &qe) {
			t.Fatalf("Parse(%q): %v is not a QueryError", q, err)
		}
		if err == nil {
			_ = x.String()
			_ = query.Marks(x)
		}
		// Typed so far, the same query reads the same, or fails the same.
		y, err2 := query.ParseTyping(q)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("Parse(%q): %v, but ParseTyping: %v", q, err, err2)
		}
		if err2 == nil && strings.ReplaceAll(y.String(), "*", "") != strings.ReplaceAll(x.String(), "*", "") {
			t.Fatalf("ParseTyping(%q) = %s, Parse = %s", q, y, x)
		}
	})
}

var fuzzDemo struct {
	once sync.Once
	b    *built
}

// FuzzSearch runs any query over the demo archive: it must answer or fail with a
// QueryError, and never panic.
func FuzzSearch(f *testing.F) {
	for _, q := range querySeeds {
		f.Add(q, uint8(0))
	}
	for i, title := range corpusSeeds(f).titles {
		f.Add(title, uint8(i))
	}
	fuzzDemo.once.Do(func() { fuzzDemo.b = build(f, filepath.Join(repoDir(), "demo", "_posts")) })
	b := fuzzDemo.b
	f.Fuzz(func(t *testing.T, q string, opt uint8) {
		o := Options{Sort: []string{"", SortNewest, SortOldest}[opt%3], Exact: Exactness(opt / 3 % 3), Offset: int(opt % 5), Prefix: opt/9%2 == 1}
		res, err := b.s.Search(context.Background(), q, o)
		var qe *QueryError
		if err != nil && !errors.As(err, &qe) {
			t.Fatalf("Search(%q): %v is not a QueryError", q, err)
		}
		if err == nil && (res.Total < 0 || res.Total > len(b.posts)) {
			t.Fatalf("Search(%q): total %d", q, res.Total)
		}
	})
}

// FuzzDecode feeds damaged bytes to every decoder: they must fail, never panic.
func FuzzDecode(f *testing.F) {
	f.Add(format.EncodeNode(&format.RouteNode{Leaf: true, Entries: []format.Route{{Key: []byte("a"), File: "s/x.bin", Size: 3}}}))
	f.Add(format.EncodeTermChunk([]*format.TermData{{Term: "龙井", Fields: [format.NumFields]*format.Posting{nil, {DF: 1, Docs: []byte{0}, Freqs: []byte{0}, Pos: []byte{1}}}}}))
	f.Add(format.EncodePosChunk([]*format.TermData{{Term: "龙井", Fields: [format.NumFields]*format.Posting{nil, {DF: 1, Docs: []byte{0}, Freqs: []byte{0}, Pos: []byte{1}}}}}))
	f.Add(format.EncodeTermPos(format.EncodeTermChunk([]*format.TermData{{Term: "龙井", Fields: [format.NumFields]*format.Posting{nil, {DF: 1, Docs: []byte{0}, Freqs: []byte{0}, Pos: []byte{1}}}}}),
		format.EncodePosChunk([]*format.TermData{{Term: "龙井", Fields: [format.NumFields]*format.Posting{nil, {DF: 1, Docs: []byte{0}, Freqs: []byte{0}, Pos: []byte{1}}}}})))
	f.Add(format.EncodeMeta(&format.Meta{Docs: 1, Categories: []string{"c"}, Profiles: []format.Profile{{Cats: []uint32{0}}}, DocProfile: []uint32{0}, Days: []int32{19000}}))
	for _, nd := range corpusSeeds(f).files {
		if nd.name != "root" && nd.name != "p" {
			f.Add(nd.data)
		}
	}
	// Each decoder must return a value or an error, never panic: the results are not the
	// point, so they are dropped.
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = format.DecodeNode(data)
		if tds, err := format.DecodeTermChunk(data); err == nil {
			for _, td := range tds {
				for _, p := range td.Fields {
					if p != nil {
						if pl, err := format.DecodePlist(p); err == nil {
							_, _, _ = format.Positions(data, pl)
						}
					}
				}
			}
		}
		_, _, _ = reader.DecodeChunkFile(data)
		_, _, _ = reader.DecodeTermChunkFile(data)
		_, _, _ = reader.DecodePosChunkFile(data)
		_, _ = format.DecodePosChunk(data)
		_, _ = format.DecodeMeta(data)
	})
}

// FuzzSearchData replaces one file of a demo bundle with search data (a search file, or a
// post shard that hits are shown from) with fuzzed bytes, as a tampered or broken host
// would serve it, and runs the search runtime over it: Open, the metadata, every route
// node and table, every term chunk with its doc lists and positions, the post of every
// doc, and searches that read all kinds of file. Each must answer or fail with an error,
// never panic or loop.
func FuzzSearchData(f *testing.F) {
	b := searchDataBundle(f)
	for i, name := range b.names {
		f.Add(uint16(i), b.files[name])
	}
	// Search files of the real corpora, in place of a demo file of the same kind.
	for _, nd := range corpusSeeds(f).files { // named by kind
		if i := slices.IndexFunc(b.names, func(name string) bool { return kindOf(name, b.files[name], b.root) == nd.name }); i >= 0 {
			f.Add(uint16(i), nd.data)
		}
	}
	// A recursion over damaged data should crash soon, not after a gigabyte of stack.
	maxStack := debug.SetMaxStack(64 << 20)
	f.Cleanup(func() { debug.SetMaxStack(maxStack) })
	f.Fuzz(func(t *testing.T, i uint16, data []byte) {
		files := make(map[string][]byte, len(b.files))
		for name, d := range b.files {
			files[name] = d
		}
		files[b.names[int(i)%len(b.names)]] = data
		// The fetcher claims to check contents itself, so the fuzzed bytes reach the
		// decoders instead of failing bundle.Open's hash check (as they would in use).
		fetch := unchecked(func(_ context.Context, name string) ([]byte, error) {
			d, ok := files[name]
			if !ok {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
			}
			return d, nil
		})
		// A loop over damaged data would stall the fuzzer silently: crash instead.
		loop := time.AfterFunc(time.Minute, func() { panic("searching did not end within a minute") })
		defer loop.Stop()
		searchEverything(t, fetch, b.docs)
	})
}

// unchecked is a Fetcher that says it checks contents, and does not.
type unchecked bundle.FetchFunc

func (u unchecked) Fetch(ctx context.Context, name string) ([]byte, error) { return u(ctx, name) }
func (u unchecked) ChecksContent() bool                                    { return true }

// searchDataQueries read words, phrases, prefixes (a lone Han character), fields, facets
// and dates of the demo archive.
var searchDataQueries = []struct {
	q string
	o Options
}{
	{"茶", Options{}}, {"龙井 OR 5G", Options{Sort: SortOldest}}, {`"A股"`, Options{Exact: ExactAlways}},
	{"title:茶 category:market", Options{Sort: SortNewest}}, {"沪深300 12.3%", Options{}},
	{"茶 -5G", Options{Exact: ExactAlways, Offset: 3}}, {"tag:沪深300", Options{Year: 2023}},
	{"茶 date:2020..2022", Options{Tag: "绿茶"}}, {"明前龙井 碧螺春", Options{Exact: ExactAlways}},
}

// searchEverything opens the search runtime through fetch and reads every search file.
func searchEverything(t *testing.T, fetch bundle.Fetcher, docs int) {
	ctx := context.Background()
	rd, err := bundle.Open(ctx, fetch)
	if err != nil {
		return
	}
	s, err := Open(ctx, rd)
	if err != nil {
		return
	}
	defer s.Close() //nolint:errcheck // only frees memory
	// As above: damaged data must give errors, not panics; which errors is not the point.
	if m, err := s.loadMeta(ctx); err == nil {
		fc := newFacetCounter(m)
		for n := range m.Docs {
			fc.add(uint32(n))
		}
		fc.facets()
	}
	_ = s.routes.LoadTables(ctx)
	for _, top := range []*format.RouteNode{s.routes.TermTree(), s.routes.Terms()} {
		leaves, err := s.routes.Leaves(ctx, top, nil, nil)
		if err != nil {
			continue
		}
		for _, l := range leaves {
			readChunk(ctx, s, l)
		}
	}
	_, _ = s.routes.Leaves(ctx, s.routes.ShardTree(), nil, nil)
	for n := range docs {
		_, _ = s.shown.Doc(ctx, time.Now(), n)
	}
	for _, c := range searchDataQueries {
		res, err := s.Search(ctx, c.q, c.o)
		if err == nil && len(res.Hits) > MaxLimit {
			t.Errorf("Search(%q): %d hits", c.q, len(res.Hits))
		}
	}
}

// readChunk decodes every doc list of a term chunk and, from its position chunk, every
// list's positions.
func readChunk(ctx context.Context, s *Searcher, l format.Route) {
	c, err := s.files.Chunk(ctx, l.File)
	if err != nil {
		return
	}
	var pc *reader.PosChunk
	if l.Pos != "" {
		pc, _ = s.files.PosChunk(ctx, l.Pos)
	}
	for i := range c.Terms {
		e := &c.Terms[i]
		for f := range format.NumFields {
			pl, err := e.Docs(f)
			if err != nil || pl == nil || pc == nil {
				continue
			}
			_, _, _ = format.Positions(pc.Streams[e.Term][f], pl)
		}
	}
}

// searchBundle is a bundle with search data in memory: the files the search runtime
// reads (names[i] is what input i replaces) and the other bundle files.
type searchBundle struct {
	files map[string][]byte
	names []string
	root  string
	docs  int
}

// searchDataBundle builds the demo archive with small chunks, route nodes below the root
// and route tables, so that every kind of search file is there.
func searchDataBundle(f *testing.F) *searchBundle {
	f.Helper()
	saved := [5]int{index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, bundle.ShardBytes}
	index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, bundle.ShardBytes = 1024, 1024, 4, 4, 8192
	defer func() {
		index.ChunkBytes, index.PosChunkBytes, index.Fanout, index.TopFanout, bundle.ShardBytes = saved[0], saved[1], saved[2], saved[3], saved[4]
	}()
	built := build(f, filepath.Join(repoDir(), "demo", "_posts"))
	if built.s.root.TermTable == "" || built.stats.Nodes == 0 {
		f.Fatal("the demo bundle for FuzzSearchData has no route nodes or tables")
	}
	b := &searchBundle{files: readFiles(f, built.dir), root: built.root, docs: len(built.posts)}
	for name := range b.files {
		if name == built.root || strings.HasPrefix(name, "s/") || strings.HasPrefix(name, "p/") {
			b.names = append(b.names, name)
		}
	}
	slices.Sort(b.names)
	return b
}

// kindOf names the kind of a file the search runtime reads: "root", a post shard "p", or
// a search file by its magic letter ("D", "X", "N", "M").
func kindOf(name string, data []byte, root string) string {
	switch {
	case name == root:
		return "root"
	case strings.HasPrefix(name, "p/"):
		return "p"
	case strings.HasPrefix(name, "s/") && len(data) > 0:
		return string(data[:1])
	}
	return ""
}

// corpusSeed holds seeds from the real corpora in ../shared (none when it is missing):
// each corpus's search root and a few files of each other kind (named by kind, see
// kindOf), and post titles as queries. They are built once per process.
type corpusSeed struct {
	files  []namedData
	titles []string
}

var corpusSeedsOnce struct {
	sync.Once
	seeds corpusSeed
}

func corpusSeeds(f *testing.F) corpusSeed {
	f.Helper()
	shared := sharedtest.SeedDir(f)
	if shared == "" {
		return corpusSeed{}
	}
	corpusSeedsOnce.Do(func() {
		c := &corpusSeedsOnce.seeds
		corpora, _ := filepath.Glob(filepath.Join(shared, "corpus", "*", "_posts"))
		for _, dir := range corpora {
			res, err := post.ReadAll(os.DirFS(dir), post.Config{}, nil)
			if err != nil {
				f.Fatal(err)
			}
			for i, p := range res.Posts {
				if i%4 == 0 {
					c.titles = append(c.titles, p.Title)
				}
			}
			built := buildPosts(f, res.Posts)
			files := readFiles(f, built.dir)
			perKind := map[string]int{}
			for _, name := range slices.Sorted(maps.Keys(files)) {
				kind := kindOf(name, files[name], built.root)
				if kind == "" {
					continue
				}
				if perKind[kind]++; perKind[kind] <= 3 {
					c.files = append(c.files, namedData{kind, files[name]})
				}
			}
		}
	})
	if len(corpusSeedsOnce.seeds.files) == 0 {
		f.Fatalf("no search files built from the corpora in %s", shared)
	}
	return corpusSeedsOnce.seeds
}

type namedData struct {
	name string
	data []byte
}

// readFiles returns every file under dir by its slash path.
func readFiles(f *testing.F, dir string) map[string][]byte {
	f.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
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
