package builder

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"folio/internal/bundle"
	"folio/internal/search/analysis"
)

// archivePost is a post of a small generated archive, with Han and Latin text so the
// analysis makes bigrams, end marks and trigrams.
func archivePost(i int, extra string) string {
	return fmt.Sprintf("---\ntitle: 第%d条快讯：市场震荡 market %d\ndate: 2024-01-%02d 10:%02d:00 +0800\ncategories: news\ntags: [t%d]\n---\n"+
		"新能源汽车板块今日上涨%d%%，成交额放大。Analysts said shares of company %d rose.\n\n数字金融持续发展，项目总投资%d万元。%s\n",
		i, i, 1+i%28, i%60, i%7, i%50, i, i*37, extra)
}

func postName(i int) string { return fmt.Sprintf("2024-01-%02d-p%04d.md", 1+i%28, i) }

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

func sameData(t *testing.T, step string, got, want map[string][]byte) {
	t.Helper()
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

// TestIncrementalEqualsFull updates an archive in steps (add, edit, delete, add), rebuilding
// into the same output each time: every rebuild reuses the former build's analysis and its
// data equals, byte for byte, a full build of the same posts into a new folder.
func TestIncrementalEqualsFull(t *testing.T) {
	posts, out := filepath.Join(t.TempDir(), "_posts"), filepath.Join(t.TempDir(), "out")
	files := map[string]string{}
	for i := range 120 {
		files[postName(i)] = archivePost(i, "")
	}
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
		if rep.Reused == 0 {
			t.Errorf("%s: the rebuild reused no analysis of the former build", s.name)
		}
		fresh := filepath.Join(t.TempDir(), fmt.Sprint("full", n))
		full, err := Build(Options{Posts: posts, Out: fresh, Site: fakeViewer("1"), Full: true})
		if err != nil {
			t.Fatalf("%s: full build: %v", s.name, err)
		}
		if full.Reused != 0 || full.Built != rep.Built {
			t.Errorf("%s: full build reused %d analyses and built %d posts, the rebuild %d", s.name, full.Reused, full.Built, rep.Built)
		}
		sameData(t, s.name, liveData(t, out), liveData(t, fresh))
	}
}

// TestIncrementalCacheDropped checks what makes a rebuild analyze everything again: -full,
// another _config.yml, a damaged cache. The output stays that of a full build.
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
	build(false)
	if rep := build(false); rep.Reused == 0 {
		t.Fatal("a rebuild of the same posts reused nothing")
	}
	if rep := build(true); rep.Reused != 0 {
		t.Errorf("-full reused %d analyses", rep.Reused)
	}
	writeFiles(t, root, map[string]string{"_config.yml": "title: Two\n"})
	if rep := build(false); rep.Reused != 0 {
		t.Errorf("after a _config.yml change the rebuild reused %d analyses", rep.Reused)
	}
	cache := filepath.Join(out, stateDir, analysisCacheFile)
	data, err := os.ReadFile(cache)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cache, data[:len(data)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if rep := build(false); rep.Reused != 0 {
		t.Errorf("a damaged cache gave %d analyses", rep.Reused)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(Options{Posts: posts, Out: fresh, Site: fakeViewer("1"), Full: true}); err != nil {
		t.Fatal(err)
	}
	sameData(t, "after a damaged cache", liveData(t, out), liveData(t, fresh))
}

// TestAnalysisCacheRoundTrip checks that a cached analysis gives back exactly what
// analysis.Analyze gives, for texts whose terms the text spells and texts where the
// analyzer changes them (case, full-width forms).
func TestAnalysisCacheRoundTrip(t *testing.T) {
	for _, text := range []string{
		"", "新能源汽车板块今日上涨", "Analysts SAID shares rose 12.5% today",
		"ＡＢＣ全角１２３和ｶﾀｶﾅ混排", "数字金融 Digital-Finance 持续发展，项目总投资100万元。科创50上涨0.19%",
		"한국어 텍스트와 日本語のテキスト", "e\u0301 café Straße",
	} {
		want, wantN := analysis.Analyze([]byte(text))
		got, n, err := decodeTokens(text, encodeTokens(text, want, wantN))
		if err != nil || n != wantN || len(got) != len(want) {
			t.Errorf("%q: decoded %d tokens (n %d, err %v), want %d (n %d)", text, len(got), n, err, len(want), wantN)
			continue
		}
		for i := range want {
			if !bytes.Equal(got[i].Term, want[i].Term) || got[i].Pos != want[i].Pos || got[i].Start != want[i].Start ||
				got[i].End != want[i].End || got[i].Mark != want[i].Mark || got[i].Single != want[i].Single || got[i].Double != want[i].Double {
				t.Errorf("%q: token %d = %+v, want %+v", text, i, got[i], want[i])
			}
		}
	}
}
