package builder

import (
	"encoding/json"
	"os"
	"path/filepath"

	"folio/internal/safefile"
	"folio/internal/search/index"
)

// The search data appends (see index.Update): a build keeps its segments' state in
// OUT/.folio/search-segments.json, with the stamp of the analysis cache (the folio binary
// and _config.yml), and the next build into the same output adds to it. A missing, stale
// or damaged state, or -full, writes the search data afresh. The state is saved after the
// new data went live; a build killed before that leaves the former state, whose files the
// former generation still holds.
const searchStateFile = "search-segments.json"

type searchState struct {
	Stamp string       `json:"stamp"`
	State *index.State `json:"state"`
}

// loadSearchState reads out's search state when its stamp matches (and reuse is set).
func loadSearchState(out, stamp string, reuse bool) *index.State {
	if !reuse {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(out, stateDir, searchStateFile))
	if err != nil {
		return nil
	}
	var s searchState
	if json.Unmarshal(data, &s) != nil || s.Stamp != stamp || s.State == nil {
		return nil
	}
	return s.State
}

// saveSearchState replaces out's search state in one rename.
func saveSearchState(out, stamp string, st *index.State) error {
	data, err := json.Marshal(searchState{Stamp: stamp, State: st})
	if err != nil {
		return err
	}
	dir := filepath.Join(out, stateDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return safefile.Write(filepath.Join(dir, searchStateFile), data)
}
