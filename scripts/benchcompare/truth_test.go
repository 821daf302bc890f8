package main

import (
	"slices"
	"testing"
)

func TestTruthHoldsEveryWordAsASubstring(t *testing.T) {
	c := &corpus{texts: []string{"新能源汽车 出口", "新能源 汽车", "goodbye", "光伏储能出口"}}
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"新能源汽车", []int{0}}, // a substring, not the words apart
		{"能源", []int{0, 1}}, // inside a longer word
		{"光伏 出口", []int{3}}, // every word, anywhere
		{"Good", []int{2}},  // case-folded
		{"量子计算", nil},       // absent
		{"   ", nil},        // no words: nothing
	} {
		if got := c.truth(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("truth(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestRecallIsOverAllQueries(t *testing.T) {
	var tl tally
	tl.add([]int{1, 2, 3, 4}, []int{1, 2, 9, 2}) // 2 of 4 found, one extra, a repeat
	tl.add([]int{5}, []int{5})                   // 1 of 1
	tl.add(nil, []int{7})                        // nothing to find, one extra
	if tl.want != 5 || tl.found != 3 || tl.extra != 2 {
		t.Fatalf("tally = %+v, want want=5 found=3 extra=2", tl)
	}
	// 3 of 5 over all queries, not the mean of the per-query recalls (0.5, 1 → 0.75).
	if got := tl.recall(); got != 0.6 {
		t.Errorf("recall = %v, want 0.6", got)
	}
	if got := (tally{}).recall(); got != 1 {
		t.Errorf("recall with nothing to find = %v, want 1", got)
	}
}

func TestPageIndex(t *testing.T) {
	for url, want := range map[string]int{
		"/posts/12.html":                  12,
		"http://127.0.0.1:1/posts/0.html": 0,
		"/posts/x.html":                   -1,
		"/other/3.html":                   -1,
	} {
		if got := pageIndex(url); got != want {
			t.Errorf("pageIndex(%q) = %d, want %d", url, got, want)
		}
	}
}
