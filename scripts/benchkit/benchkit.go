// Package benchkit holds what the browser benchmarks (scripts/benchsearch,
// scripts/benchcompare) share: reading query lists, taking percentiles, logging requests
// and the fetch floor (floor.go).
package benchkit

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
)

// ReadQueries reads a list of strings, a list of objects with "query" (or "q"), or an
// object holding such a list under "queries" or "needles" (gencorpus's needles.json).
func ReadQueries(name string) ([]string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m, ok := v.(map[string]any); ok {
		switch {
		case m["queries"] != nil:
			v = m["queries"]
		case m["needles"] != nil:
			v = m["needles"]
		}
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: no list of queries", name)
	}
	var out []string
	for _, e := range list {
		switch e := e.(type) {
		case string:
			out = append(out, e)
		case map[string]any:
			if s, ok := e["query"].(string); ok {
				out = append(out, s)
			} else if s, ok := e["q"].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// Pct is the p-th percentile of xs (nearest rank); p=100 is the maximum, and an empty
// list gives NaN.
func Pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
