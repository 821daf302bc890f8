package main

import (
	"fmt"
	"os"
	"strings"

	"folio/internal/post"
)

// corpus is the posts of the archive as both engines index them: the file name of each
// post (Folio's hits name it) and its title and plain text, lower-cased.
type corpus struct {
	files  []string
	texts  []string
	byFile map[string]int
}

// readCorpus reads the posts folder the way `folio build` does.
func readCorpus(dir string) (*corpus, error) {
	res, err := post.ReadAll(os.DirFS(dir), post.Config{}, nil)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	c := &corpus{byFile: map[string]int{}}
	for i, p := range res.Posts {
		c.files = append(c.files, p.File)
		c.texts = append(c.texts, strings.ToLower(p.Title+"\n"+post.PlainText(p.Body, p.Format)))
		c.byFile[p.File] = i
	}
	return c, nil
}

// truth returns the posts (by index) whose title or text holds the query: every word of
// it (words are split at spaces; a one-word query is the query string itself) as a
// substring, case-folded.
func (c *corpus) truth(q string) []int {
	words := strings.Fields(strings.ToLower(q))
	var out []int
	for i, t := range c.texts {
		all := len(words) > 0
		for _, w := range words {
			if !strings.Contains(t, w) {
				all = false
				break
			}
		}
		if all {
			out = append(out, i)
		}
	}
	return out
}

// tally is one engine's answers to the queries held against the truth: posts in the
// truth (want), those of them found (found), and posts found outside it (extra).
type tally struct{ want, found, extra int }

// add counts one query: the truth and the posts the engine returned (repeats count once).
func (t *tally) add(truth, got []int) {
	in := make(map[int]bool, len(truth))
	for _, i := range truth {
		in[i] = true
	}
	seen := map[int]bool{}
	for _, i := range got {
		if seen[i] {
			continue
		}
		seen[i] = true
		if in[i] {
			t.found++
		} else {
			t.extra++
		}
	}
	t.want += len(truth)
}

// recall is the fraction of the truth found over all queries (1 when nothing was to be found).
func (t tally) recall() float64 {
	if t.want == 0 {
		return 1
	}
	return float64(t.found) / float64(t.want)
}
