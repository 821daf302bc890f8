package memo

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/search/index"
)

// BenchmarkSaveFor is the save of a day's rebuild at 10k posts: an analysis memo of
// 20,000 titles and texts (1.5 kB each, as gencorpus's are) and the record of the first
// segment, a day's 150 new analyses in a new segment, appended. "live segments" keeps
// what the segments' records list (SaveFor); "everything" keeps every former entry, as
// a rebuild did before the rule, for comparison in the same run.
func BenchmarkSaveFor(b *testing.B) {
	const texts, fresh = 20000, 150
	dir := b.TempDir()
	value := []byte(strings.Repeat("x", 1500))
	first := &index.SegState{}
	for i := range 2000 {
		first.Files = append(first.Files, index.SegFile{Name: fmt.Sprintf("s/%040d.bin", i)})
	}
	m := OpenAnalyses(dir, "stamp", true)
	for i := range texts {
		m.Keep(KeyOf(fmt.Sprint("text ", i)), value)
	}
	prev := &index.State{Segments: []*index.SegState{first}}
	if err := m.SaveFor(dir, "stamp", nil, prev, true); err != nil {
		b.Fatal(err)
	}
	day := &index.SegState{Files: []index.SegFile{{Name: "s/day.bin"}}}
	next := &index.State{Segments: []*index.SegState{first, day}}
	name := filepath.Join(dir, AnalysisFile)
	saved := readFile(b, name)
	for _, c := range []struct {
		name string
		save func(m Analyses) error
	}{
		{"live segments", func(m Analyses) error { return m.SaveFor(dir, "stamp", prev, next, false) }},
		{"everything", func(m Analyses) error { return m.Save(dir, "stamp", func(Key) bool { return true }) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				writeFile(b, name, saved)
				m := OpenAnalyses(dir, "stamp", true)
				for i := range fresh {
					m.Keep(KeyOf(fmt.Sprint("new text ", i)), value)
				}
				b.StartTimer()
				if err := c.save(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
