package builder

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/builder/memo"
	"folio/internal/bundle"
	"folio/internal/search"
)

// archivePost is a post of a small generated archive, with Han and Latin text so the
// analysis makes bigrams, end marks and trigrams.
func archivePost(i int, extra string) string {
	return fmt.Sprintf("---\ntitle: 第%d条快讯：市场震荡 market %d\ndate: 2024-01-%02d 10:%02d:00 +0800\ncategories: news\ntags: [t%d]\n---\n"+
		"新能源汽车板块今日上涨%d%%，成交额放大。Analysts said shares of company %d rose.\n\n数字金融持续发展，项目总投资%d万元。%s\n",
		i, i, 1+i%28, i%60, i%7, i%50, i, i*37, extra)
}

func postName(i int) string { return fmt.Sprintf("2024-01-%02d-p%04d.md", 1+i%28, i) }

// archiveFiles is a generated archive of n posts (archivePost), by file name.
func archiveFiles(n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		files[postName(i)] = archivePost(i, "")
	}
	return files
}

// liveData returns the files of the generation out serves, by name, with folio.json.
func liveData(t *testing.T, out string) map[string][]byte {
	t.Helper()
	entry, err := os.ReadFile(filepath.Join(out, "data", bundle.EntryFile))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ ID string }
	if err := json.Unmarshal(entry, &m); err != nil {
		t.Fatal(err)
	}
	rec, err := os.ReadFile(generationFile(out, m.ID))
	if err != nil {
		t.Fatal(err)
	}
	var g generation
	if err := json.Unmarshal(rec, &g); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{bundle.EntryFile: entry}
	for _, name := range g.Data {
		b, err := os.ReadFile(filepath.Join(out, "data", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	return files
}

// sameData checks that two outputs hold the same data: the same files, byte for byte,
// but for the search data, which appends (see index.Update), and the entry and offline
// plan, which name its files; those must give the same answers to every query.
func sameData(t *testing.T, step string, got, want map[string][]byte, gotOut, wantOut string) {
	t.Helper()
	appended := func(name string) bool {
		return name == bundle.EntryFile || strings.HasPrefix(name, "s/") || strings.HasPrefix(name, "o/")
	}
	for name := range got {
		if appended(name) {
			delete(got, name)
		}
	}
	for name := range want {
		if appended(name) {
			delete(want, name)
		}
	}
	sameAnswers(t, step, gotOut, wantOut)
	for name, b := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s missing from the incremental build", step, name)
		} else if !bytes.Equal(g, b) {
			t.Errorf("%s: %s differs from the full build's", step, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s only in the incremental build", step, name)
		}
	}
}

// archiveQueries are queries over archivePost's posts: words, phrases, Latin words,
// numbers, exclusions, filters and the words of edits.
var archiveQueries = []string{"市场", "新能源汽车", "market", "Analysts shares", "数字金融 -新能源", "更正", "数据有误", "新增",
	"上涨 OR 投资", "title:快讯", "tag:t3", "category:news 成交额", "12", "37", "date:2024-01-05..2024-01-09", "\"项目总投资\""}

// sameAnswers checks that two outputs' search data answer every query of archiveQueries
// alike (in every sort order): totals, hits and their order, snippets, facets.
func sameAnswers(t *testing.T, step, gotOut, wantOut string) {
	t.Helper()
	open := func(out string) *search.Searcher {
		rd, err := bundle.Open(context.Background(), bundle.FS(os.DirFS(filepath.Join(out, "data"))))
		if err != nil {
			t.Fatal(err)
		}
		s, err := search.Open(context.Background(), rd)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	got, want := open(gotOut), open(wantOut)
	if got.Docs() != want.Docs() {
		t.Errorf("%s: the search data holds %d docs, the full build's %d", step, got.Docs(), want.Docs())
	}
	answer := func(s *search.Searcher, q string, o search.Options) string {
		res, err := s.Search(context.Background(), q, o)
		if err != nil {
			return "error: " + err.Error()
		}
		res.Timing = search.Timing{}
		b, _ := json.Marshal(res)
		return string(b)
	}
	for _, q := range archiveQueries {
		for _, o := range []search.Options{{}, {Sort: search.SortNewest}, {Sort: search.SortOldest, Offset: 5}} {
			if g, w := answer(got, q, o), answer(want, q, o); g != w {
				t.Errorf("%s: %q %+v: the rebuild answers\n%.400s\nthe full build\n%.400s", step, q, o, g, w)
			}
		}
	}
}

// TestIncrementalEqualsFull updates an archive in steps (add, edit, delete, add), rebuilding
// into the same output each time: every rebuild appends to the former build's search data
// rather than write it afresh, and its data equals a full build of the same posts into a
// new folder: byte for byte, but for the search data, which gives the same answers. The
// rebuilds reuse the excerpts and rendered links of unchanged posts and trust kept copies
// by their record, so edits change excerpts and links, and a deleted post breaks a link
// of a post that did not change; the broken links equal the full build's.
func TestIncrementalEqualsFull(t *testing.T) {
	posts, out := filepath.Join(t.TempDir(), "_posts"), filepath.Join(t.TempDir(), "out")
	files := archiveFiles(120)
	// Post 10 links to post 7, which the delete step removes.
	files[postName(10)] = archivePost(10, "[旧闻](/news/2024/01/08/p0007.html)")
	writeFiles(t, posts, files)
	rep, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reused != 0 {
		t.Errorf("first build reused %d analyses, want 0", rep.Reused)
	}
	steps := []struct {
		name   string
		change func()
	}{
		{"add", func() {
			for i := 120; i < 126; i++ {
				writeFiles(t, posts, map[string]string{postName(i): archivePost(i, "")})
			}
		}},
		{"edit", func() {
			for _, i := range []int{3, 50, 99} {
				writeFiles(t, posts, map[string]string{postName(i): archivePost(i, "更正：数据有误。")})
			}
		}},
		{"edit excerpts and links", func() {
			writeFiles(t, posts, map[string]string{
				postName(20): strings.Replace(archivePost(20, ""), "新能源汽车板块", "光伏板块[图](/images/missing.png)", 1),
				postName(30): strings.Replace(archivePost(30, "[坏链](/news/2024/01/31/none.html)"), "成交额放大", "成交额萎缩", 1),
			})
		}},
		{"delete", func() {
			for _, i := range []int{7, 64} {
				if err := os.Remove(filepath.Join(posts, postName(i))); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"add again", func() {
			writeFiles(t, posts, map[string]string{postName(200): archivePost(200, "新增。")})
		}},
	}
	for n, s := range steps {
		s.change()
		rep, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if rep.Search.Rebuilt || rep.Search.Kept == 0 {
			t.Errorf("%s: the rebuild wrote the search data afresh (%+v)", s.name, rep.Search)
		}
		fresh := filepath.Join(t.TempDir(), fmt.Sprint("full", n))
		full, err := Build(Options{Posts: posts, Out: fresh, Site: fakeViewer("1"), Full: true})
		if err != nil {
			t.Fatalf("%s: full build: %v", s.name, err)
		}
		if full.Reused != 0 || full.Built != rep.Built {
			t.Errorf("%s: full build reused %d analyses and built %d posts, the rebuild %d", s.name, full.Reused, full.Built, rep.Built)
		}
		sameData(t, s.name, liveData(t, out), liveData(t, fresh), out, fresh)
		if g, w := fmt.Sprint(rep.Broken), fmt.Sprint(full.Broken); g != w {
			t.Errorf("%s: the rebuild's broken links\n%s\nthe full build's\n%s", s.name, g, w)
		}
		if rep.Bundle.Trusted == 0 {
			t.Errorf("%s: the rebuild trusted no kept copies by their record", s.name)
		}
		broken := map[string]int{}
		for _, b := range full.Broken {
			broken[b.File]++
		}
		want := map[string]int{}
		if n >= 2 { // edit excerpts and links
			want = map[string]int{postName(20): 1, postName(30): 1}
		}
		if n >= 3 { // delete: post 10's link to post 7 breaks
			want[postName(10)] = 1
		}
		if fmt.Sprint(broken) != fmt.Sprint(want) {
			t.Errorf("%s: broken links by post %v, want %v", s.name, broken, want)
		}
	}
}

// TestIncrementalCacheDropped checks what makes a rebuild analyze everything again (-full,
// another _config.yml, a damaged cache) and what makes it write the search data afresh
// rather than append to it (the same, and a damaged search state or search file). The
// output stays that of a full build.
func TestIncrementalCacheDropped(t *testing.T) {
	root := t.TempDir()
	posts, out := filepath.Join(root, "_posts"), filepath.Join(t.TempDir(), "out")
	for i := range 20 {
		writeFiles(t, posts, map[string]string{postName(i): archivePost(i, "")})
	}
	writeFiles(t, root, map[string]string{"_config.yml": "title: One\n"})
	build := func(full bool) *Report {
		t.Helper()
		rep, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1"), Full: full})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	edits := 0
	edit := func() {
		edits++
		writeFiles(t, posts, map[string]string{postName(edits): archivePost(edits, fmt.Sprintf("更正%d。", edits))})
	}
	first := build(false)
	if rep := build(false); rep.Search.Rebuilt || rep.Search.Fresh != 0 || rep.Search.Segments != 1 || rep.Bundle.Written != 0 {
		t.Errorf("a rebuild of the same posts: search %+v, %d files written, want none", rep.Search, rep.Bundle.Written)
	} else if rep.Search.Kept != first.Search.Chunks+first.Search.PosChunks {
		t.Errorf("a rebuild of the same posts kept %d search files, want %d", rep.Search.Kept, first.Search.Chunks+first.Search.PosChunks)
	}
	edit()
	if rep := build(false); rep.Reused == 0 || rep.Search.Rebuilt || rep.Search.Fresh != 1 {
		t.Errorf("an edit: %d analyses reused (want the title's), search %+v", rep.Reused, rep.Search)
	}
	if rep := build(true); rep.Reused != 0 || !rep.Search.Rebuilt || rep.Bundle.Trusted != 0 {
		t.Errorf("-full reused %d analyses and trusted %d copies by their record, search %+v", rep.Reused, rep.Bundle.Trusted, rep.Search)
	}
	if rep := build(false); rep.Bundle.Trusted == 0 {
		t.Error("a rebuild after -full trusted no copies by their record")
	}
	writeFiles(t, root, map[string]string{"_config.yml": "title: Two\n"})
	if rep := build(false); rep.Reused != 0 || !rep.Search.Rebuilt {
		t.Errorf("after a _config.yml change the rebuild reused %d analyses, search %+v", rep.Reused, rep.Search)
	}
	damage := func(name string) {
		t.Helper()
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data[:len(data)-3], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name := range memoFiles { // the analysis cache, the other memos, the record of copies
		damage(filepath.Join(out, stateDir, name))
	}
	edit()
	if rep := build(false); rep.Reused != 0 || rep.Search.Rebuilt {
		t.Errorf("a damaged cache gave %d analyses, search %+v", rep.Reused, rep.Search)
	}
	damage(filepath.Join(out, stateDir, searchStateFile))
	edit()
	if rep := build(false); !rep.Search.Rebuilt {
		t.Errorf("a damaged search state: search %+v", rep.Search)
	}
	// A search file damaged in place (same name, other bytes).
	var st searchState
	data, err := os.ReadFile(filepath.Join(out, stateDir, searchStateFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	chunk := filepath.Join(out, "data", st.State.Segments[0].Files[0].Name)
	data, err = os.ReadFile(chunk)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 1
	if err := os.WriteFile(chunk, data, 0o644); err != nil {
		t.Fatal(err)
	}
	edit()
	if rep := build(false); !rep.Search.Rebuilt {
		t.Errorf("a damaged search file: search %+v", rep.Search)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(Options{Posts: posts, Out: fresh, Site: fakeViewer("1"), Full: true}); err != nil {
		t.Fatal(err)
	}
	sameData(t, "after damages", liveData(t, out), liveData(t, fresh), out, fresh)
}

// TestMemosBounded edits and deletes posts over many rebuilds into the same output, then
// adds posts until small segments merge, none of the rebuilds writing the search data
// afresh (which drops every analysis no post uses), and checks that the memos stop
// growing: each stays within the bound its doc comment states against the memo of a
// full build of the same posts (the analyses 16/9 of it, the other memos 4/3, each plus
// its head and 40 bytes a block), that the output stays that of a full build, and that
// the analyses kept are all a fresh write of the search data needs.
func TestMemosBounded(t *testing.T) {
	posts, out := filepath.Join(t.TempDir(), "_posts"), filepath.Join(t.TempDir(), "out")
	files := archiveFiles(100)
	writeFiles(t, posts, files)
	if _, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")}); err != nil {
		t.Fatal(err)
	}
	// 40 rounds of edits and deletes, then 6 of one new post each: the fourth takes the
	// one-post segments of the three before in (index.MergeFactor).
	const edits, rounds = 40, 46
	sizes := make([]map[string]int64, rounds)
	merged := 0
	for r := range rounds {
		var gone []int
		if r < edits {
			// Each round edits the same four posts, adds one and deletes the one added the
			// round before; the first five also delete an old post.
			for _, i := range []int{1, 2, 3, 4} {
				writeFiles(t, posts, map[string]string{postName(i): archivePost(i, fmt.Sprintf("第%d次更正：数据有误，项目总投资%d万元。", r, r*13))})
			}
			if r > 0 {
				gone = append(gone, 1000+r-1)
			}
			if r < 5 {
				gone = append(gone, 50+r)
			}
		}
		writeFiles(t, posts, map[string]string{postName(1000 + r): archivePost(1000+r, fmt.Sprintf("新增%d。", r))})
		for _, i := range gone {
			if err := os.Remove(filepath.Join(posts, postName(i))); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")})
		if err != nil {
			t.Fatalf("round %d: %v", r, err)
		}
		if rep.Search.Rebuilt {
			t.Fatalf("round %d wrote the search data afresh (%+v): the test is of rebuilds that append", r, rep.Search)
		}
		merged += rep.Search.Merged
		sizes[r] = memoSizes(t, out)
	}
	if merged != 3 {
		t.Errorf("the rebuilds merged %d segments, want 3", merged)
	}
	fresh := filepath.Join(t.TempDir(), "full")
	if _, err := Build(Options{Posts: posts, Out: fresh, Site: fakeViewer("1"), Full: true}); err != nil {
		t.Fatal(err)
	}
	sameData(t, "after the rounds", liveData(t, out), liveData(t, fresh), out, fresh)
	full := memoSizes(t, fresh)
	for name, want := range full {
		share := 4.0 / 3
		if name == memo.AnalysisFile {
			share = 16.0 / 9
		}
		limit := int64(share*float64(want)) + int64(memo.MaxBlocks*(binary.MaxVarintLen64+sha256.Size))
		for r := range rounds {
			if got := sizes[r][name]; got > limit {
				t.Errorf("%s after round %d: %d bytes, over %d (%.2f× the full build's %d)", name, r, got, limit, share, want)
			}
		}
		most := int64(0)
		for r := range rounds {
			most = max(most, sizes[r][name])
		}
		t.Logf("%s: %d bytes after round 1, %d after round %d, at most %d; the full build's %d", name, sizes[0][name], sizes[rounds-1][name], rounds, most, want)
	}
	// What the memo kept is what writing the search data afresh needs: every title and
	// text of the current posts (all distinct here).
	if err := os.Remove(filepath.Join(out, stateDir, searchStateFile)); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Search.Rebuilt || rep.Reused != 2*rep.Built {
		t.Errorf("without its search state, the rebuild reused %d analyses for %d posts (search %+v), want every title and text", rep.Reused, rep.Built, rep.Search)
	}
}

// memoSizes returns the sizes of out's memo files, by name.
func memoSizes(t *testing.T, out string) map[string]int64 {
	t.Helper()
	sizes := map[string]int64{}
	for name := range memoFiles {
		if name == copiesFile {
			continue // not a memo: the bundle writer's record
		}
		st, err := os.Stat(filepath.Join(out, stateDir, name))
		if err != nil {
			t.Fatal(err)
		}
		sizes[name] = st.Size()
	}
	return sizes
}
