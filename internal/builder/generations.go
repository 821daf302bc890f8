package builder

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"folio/internal/builder/memo"
	"folio/internal/bundle"
	"folio/internal/safefile"
)

// stateDir holds the build's own records in the output folder. Folio's server never
// serves it (a dot folder); on other hosts it is harmless.
const stateDir = ".folio"

// copiesFile is the bundle writer's record of the .br and .gz copies it wrote or checked
// (bundle.Writer.SaveCopies), which the next build trusts.
const copiesFile = "copies.bin"

// memoFiles are the memos' files (see memo.Memo) and the record of copies, which
// removeStale keeps.
var memoFiles = map[string]bool{memo.AnalysisFile: true, memo.ExcerptFile: true, memo.FrontMatterFile: true, linkMemoFile: true, copiesFile: true}

// generation is what one build made live: its bundle's data files and its viewer. A
// rebuild keeps the files of the generation that was live when it started, so a reader
// with the previous version open does not lose files under it; the build after that one
// removes them.
type generation struct {
	ID   string   `json:"id"`   // the manifest ID
	App  string   `json:"app"`  // the viewer version (app/<version>/)
	Data []string `json:"data"` // data file names, sorted
	// Pages are the post pages written (Options.Prerender), relative to the output folder.
	Pages []string `json:"pages,omitempty"`
}

func generationFile(out, id string) string {
	return filepath.Join(out, stateDir, "generation-"+id+".json")
}

// liveGeneration returns the generation the site serves now: the one its folio.json names.
// ok is false when there is no site yet. A site built before generations were recorded
// (or whose record is lost) is described by what is on disk: every data file and viewer
// folder there counts as live, so none is removed before the next build.
func liveGeneration(out string) (g generation, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(out, "data", bundle.EntryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return generation{}, false, nil
	}
	if err != nil {
		return generation{}, false, fmt.Errorf("read the live site's entry: %w", err)
	}
	var m struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &m) == nil && m.ID != "" && !strings.ContainsAny(m.ID, `/\.`) {
		if rec, err := os.ReadFile(generationFile(out, m.ID)); err == nil && json.Unmarshal(rec, &g) == nil && g.ID == m.ID {
			return g, true, nil
		}
	}
	g = generation{ID: m.ID, App: "*"}
	dataDir := filepath.Join(out, "data")
	err = filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dataDir, p)
		g.Data = append(g.Data, filepath.ToSlash(rel))
		return nil
	})
	return g, true, err
}

// recordGeneration writes g's record. It is written before g goes live, so a live
// generation always has one.
func recordGeneration(out string, g generation) error {
	data, err := json.Marshal(g)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, stateDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return safefile.Write(generationFile(out, g.ID), data)
}

// removeStale deletes what neither the new generation nor the one live before it uses:
// data files, viewer folders and generation records of older or killed builds, and
// temporary files left by killed builds. It returns how many data files it removed.
func removeStale(out string, w *bundle.Writer, cur, prev generation, hadPrev bool) (int, error) {
	keepData := map[string]bool{}
	for _, n := range cur.Data {
		keepData[n] = true // w's own files, and those written beside it (the offline plan)
	}
	if hadPrev {
		for _, n := range prev.Data {
			keepData[strings.TrimSuffix(strings.TrimSuffix(n, ".br"), ".gz")] = true
		}
	}
	removed, err := w.RemoveStale(func(name string) bool { return keepData[name] })
	if err != nil {
		return removed, err
	}
	entries, err := os.ReadDir(filepath.Join(out, appDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return removed, err
	}
	for _, e := range entries {
		if e.Name() == cur.App || (hadPrev && (e.Name() == prev.App || prev.App == "*")) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(out, appDir, e.Name())); err != nil {
			return removed, err
		}
	}
	records, err := os.ReadDir(filepath.Join(out, stateDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return removed, err
	}
	for _, e := range records {
		if memoFiles[e.Name()] || e.Name() == searchStateFile || e.Name() == filepath.Base(generationFile(out, cur.ID)) || (hadPrev && e.Name() == filepath.Base(generationFile(out, prev.ID))) {
			continue
		}
		if err := removePostPagesOf(out, e.Name(), cur, prev); err != nil {
			return removed, err
		}
		if err := os.Remove(filepath.Join(out, stateDir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
	}
	// Temporary files of killed builds, wherever they were writing.
	if _, err := safefile.Clean(out); err != nil {
		return removed, err
	}
	return removed, nil
}
