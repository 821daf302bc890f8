package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// detail prints what the cold queries of an output fetched, by kind of search file (its
// magic letter: D term chunks, X positions, N route nodes, M metadata) and by segment
// (from the build's search state; "-" for files of no segment).
func detail(label, out string, costs []cold) error {
	seg := map[string]int{}
	data, err := os.ReadFile(filepath.Join(out, ".folio", "search-segments.json"))
	if err != nil {
		return err
	}
	var st struct {
		State struct {
			Segments []struct {
				Files []struct{ Name string }
				Docs  []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("search state: %w", err)
	}
	sizes := make([]int, len(st.State.Segments))
	for k, sg := range st.State.Segments {
		sizes[k] = len(sg.Docs)
		for _, f := range sg.Files {
			seg[f.Name] = k
		}
	}
	type key struct {
		kind byte
		seg  int
	}
	tally := map[key]*Tally{}
	for _, c := range costs {
		for _, name := range c.names {
			path := filepath.Join(out, "data", filepath.FromSlash(name))
			head := make([]byte, 1)
			if f, err := os.Open(path); err == nil {
				_, _ = f.Read(head)
				_ = f.Close()
			}
			k := key{head[0], -1}
			if s, ok := seg[name]; ok {
				k.seg = s
			}
			t := tally[k]
			if t == nil {
				t = &Tally{}
				tally[k] = t
			}
			t.Files++
			t.Sent += served(path)
		}
	}
	keys := make([]key, 0, len(tally))
	for k := range tally {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].seg != keys[j].seg {
			return keys[i].seg < keys[j].seg
		}
		return keys[i].kind < keys[j].kind
	})
	fmt.Printf("%s: segments of %v docs; over %d cold queries:\n", label, sizes, len(costs))
	for _, k := range keys {
		s := "-"
		if k.seg >= 0 {
			s = fmt.Sprint(k.seg)
		}
		t := tally[k]
		fmt.Printf("  segment %-2s kind %c: %5d files, %8.1f kB\n", s, k.kind, t.Files, float64(t.Sent)/1e3)
	}
	return nil
}
