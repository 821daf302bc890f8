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
	// Bundle is the ID of the bundle the state is of: the entry's Changes compare with
	// its posts only when that bundle is the live one (not when a build without search
	// data, or one killed before it saved its state, came between).
	Bundle string `json:"bundle,omitempty"`
}

// readSearchState reads out's search state, whatever its stamp (nil when there is none
// or it does not decode).
func readSearchState(out string) *searchState {
	data, err := os.ReadFile(filepath.Join(out, stateDir, searchStateFile))
	if err != nil {
		return nil
	}
	var s searchState
	if json.Unmarshal(data, &s) != nil || s.State == nil || s.State.Version != index.StateVersion {
		return nil
	}
	return &s
}

// reusable returns the state when its stamp matches (and reuse is set), else nil.
func (s *searchState) reusable(stamp string, reuse bool) *index.State {
	if s == nil || !reuse || s.Stamp != stamp {
		return nil
	}
	return s.State
}

// saveSearchState replaces out's search state in one rename.
func saveSearchState(out, stamp, bundleID string, st *index.State) error {
	data, err := json.Marshal(searchState{Stamp: stamp, State: st, Bundle: bundleID})
	if err != nil {
		return err
	}
	dir := filepath.Join(out, stateDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return safefile.Write(filepath.Join(dir, searchStateFile), data)
}
