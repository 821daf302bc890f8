package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"folio/internal/bundle"
	"folio/internal/search/format"
)

// detail prints what the cold queries of an output fetched, by kind of search file (its
// magic letter: D term chunks, X positions, C term chunks with positions, N route nodes,
// M metadata) and by segment
// (from the build's search state; "L" for the later route level, which routes to the
// chunks of every segment after the first; "-" for the other files of no segment).
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
	later, err := laterLeaves(out)
	if err != nil {
		return err
	}
	type key struct {
		kind byte
		seg  int // -1: no segment's; -2: the later route level's
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
			} else if later[name] {
				k.seg = -2
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
		switch {
		case k.seg >= 0:
			s = fmt.Sprint(k.seg)
		case k.seg == -2:
			s = "L" // the later route level
		}
		t := tally[k]
		fmt.Printf("  segment %-2s kind %c: %5d files, %8.1f kB\n", s, k.kind, t.Files, float64(t.Sent)/1e3)
	}
	return nil
}

// laterLeaves returns the names of the later route level's files of out's search data.
func laterLeaves(out string) (map[string]bool, error) {
	ctx := context.Background()
	rd, err := bundle.Open(ctx, bundle.FS(os.DirFS(filepath.Join(out, "data"))))
	if err != nil {
		return nil, err
	}
	data, err := rd.Fetcher().Fetch(ctx, rd.Manifest().Extra["search"])
	if err != nil {
		return nil, err
	}
	var root format.Root
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("search root: %w", err)
	}
	names := map[string]bool{root.LaterTable: true}
	if len(root.Later) > 0 {
		top, err := format.DecodeNode(root.Later)
		if err != nil {
			return nil, fmt.Errorf("later route level: %w", err)
		}
		for _, e := range top.Entries {
			names[e.File] = true
		}
	}
	return names, nil
}
