package main

import (
	"sort"
	"strings"
)

// File is one data file of a build's generation: its name under data/, its size and the
// size of its .br copy (what a host that serves precompressed files sends; 0 when it has
// none, and then Size is what is sent).
type File struct {
	Name     string
	Size, Br int64
}

// sent is what a reader fetches for f: the brotli copy when there is one.
func (f File) sent() int64 {
	if f.Br > 0 {
		return f.Br
	}
	return f.Size
}

// Tally counts files and their bytes (plain and as sent).
type Tally struct {
	Files       int
	Bytes, Sent int64
}

func (t *Tally) add(f File) {
	t.Files++
	t.Bytes += f.Size
	t.Sent += f.sent()
}

// Diff is how one build's data files differ from the previous build's. Names are content
// hashes, so a file whose bytes changed is one name gone and one name new; the entry
// (folio.json), whose name is fixed, counts as new when its size or copy changed.
type Diff struct {
	Before, After Tally
	New, Gone     Tally
	// NewByKind and GoneByKind split New and Gone by the file's kind (its folder: p, s, l…).
	NewByKind, GoneByKind map[string]*Tally
}

// Compare diffs two listings (old: the previous build's, new: this build's).
func Compare(old, cur []File) Diff {
	d := Diff{NewByKind: map[string]*Tally{}, GoneByKind: map[string]*Tally{}}
	had := make(map[string]File, len(old))
	for _, f := range old {
		had[f.Name] = f
		d.Before.add(f)
	}
	has := make(map[string]bool, len(cur))
	for _, f := range cur {
		has[f.Name] = true
		d.After.add(f)
		if p, ok := had[f.Name]; ok && p == f {
			continue
		}
		d.New.add(f)
		tallyOf(d.NewByKind, f.Name).add(f)
	}
	for _, f := range old {
		if !has[f.Name] {
			d.Gone.add(f)
			tallyOf(d.GoneByKind, f.Name).add(f)
		}
	}
	return d
}

func tallyOf(m map[string]*Tally, name string) *Tally {
	k := Kind(name)
	if m[k] == nil {
		m[k] = &Tally{}
	}
	return m[k]
}

// Kind is the kind folder of a data file name ("s" for "s/ab12.bin"), or the name itself
// for files at the top (folio.json).
func Kind(name string) string {
	if k, _, ok := strings.Cut(name, "/"); ok {
		return k
	}
	return name
}

// Kinds lists the kinds of both maps, sorted.
func Kinds(ms ...map[string]*Tally) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}
