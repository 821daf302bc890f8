package search

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
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
	f.Fuzz(func(t *testing.T, q string) {
		x, err := Parse(q)
		var qe *QueryError
		if err != nil && !errors.As(err, &qe) {
			t.Fatalf("Parse(%q): %v is not a QueryError", q, err)
		}
		if err == nil {
			_ = x.String()
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
	fuzzDemo.once.Do(func() { fuzzDemo.b = build(f, filepath.Join(repoDir(), "demo", "_posts")) })
	b := fuzzDemo.b
	f.Fuzz(func(t *testing.T, q string, opt uint8) {
		o := Options{Sort: []string{"", SortNewest, SortOldest}[opt%3], Exact: Exactness(opt / 3 % 3), Offset: int(opt % 5)}
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
	f.Add(encodeNode(&routeNode{Leaf: true, Entries: []route{{Key: []byte("a"), File: "s/x.bin", Size: 3}}}))
	f.Add(encodeTermChunk([]*termData{{term: "龙井", fields: [numFields]*posting{nil, {df: 1, docs: []byte{0}, freqs: []byte{0}, pos: []byte{1}}}}}))
	f.Add(encodePosChunk([]*termData{{term: "龙井", fields: [numFields]*posting{nil, {df: 1, docs: []byte{0}, freqs: []byte{0}, pos: []byte{1}}}}}))
	f.Add(encodeMeta(&meta{Docs: 1, Categories: []string{"c"}, Profiles: []profile{{Cats: []uint32{0}}}, DocProfile: []uint32{0}, Days: []int32{19000}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeNode(data)
		if tds, err := decodeTermChunk(data); err == nil {
			for _, td := range tds {
				for _, p := range td.fields {
					if p != nil {
						if pl, err := decodePlist(p); err == nil {
							positions(data, pl)
						}
					}
				}
			}
		}
		decodeChunkFile(data)
		decodePosChunk(data)
		decodeMeta(data)
	})
}
