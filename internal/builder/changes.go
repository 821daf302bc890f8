package builder

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/index"
)

// The entry (folio.json) tells a returning reader what the latest builds changed
// (bundle.Manifest.Changes), so that a viewer with an older build open can say "12 new
// posts" without comparing lists. A build compares its posts with the former build's,
// as the search state recorded them (post file and content hash, index.DocHash), and
// puts the count of posts added, edited and deleted, with the IDs of the new ones, in
// front of the former entry's list. Without a search state of the live build (after a
// build with -no-search or one killed before it saved its state, or when the state is
// damaged) it cannot tell, and says so (Change.Unknown).

// changesOf returns the entry's Changes for a build of posts whose bundle ID is id into
// out, whose live entry is the former build's; former is the former build's search state
// (nil: none), next this build's (nil: a build without search data), whose hashes of the
// posts are used rather than hashing them again.
func changesOf(out, id string, former *searchState, next *index.State, posts []*post.Post) []bundle.Change {
	data, err := os.ReadFile(filepath.Join(out, "data", bundle.EntryFile))
	if err != nil {
		return nil // a first build: nothing to tell a returning reader
	}
	var prev struct {
		ID      string          `json:"id"`
		Changes []bundle.Change `json:"changes"`
	}
	if json.Unmarshal(data, &prev) != nil || prev.ID == "" {
		return nil
	}
	if prev.ID == id {
		return prev.Changes // the same data again: nothing changed
	}
	c := bundle.Change{Since: prev.ID, Unknown: true}
	if former != nil && former.Bundle == prev.ID {
		var hashes map[string]string
		if next != nil {
			hashes = next.Docs()
		}
		c = postChanges(former.State.Docs(), hashes, posts)
		c.Since = prev.ID
	}
	return bundle.WithChange(prev.Changes, c)
}

// postChanges compares posts with the former build's (post file → content hash): the
// posts added (their IDs newest first), edited and deleted. current holds the posts'
// hashes where the build has them (its search state); without it, the posts that were
// there before are hashed here.
func postChanges(former, current map[string]string, posts []*post.Post) bundle.Change {
	var c bundle.Change
	seen := make(map[string]bool, len(posts))
	hashes := make([]string, len(posts))
	if current != nil {
		for i, p := range posts {
			hashes[i] = current[p.File]
		}
	} else {
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(posts); i += workers {
					if _, ok := former[posts[i].File]; ok {
						hashes[i] = index.DocHash(posts[i])
					}
				}
			})
		}
		wg.Wait()
	}
	var added []*post.Post
	for i, p := range posts {
		seen[p.File] = true
		h, ok := former[p.File]
		switch {
		case !ok:
			added = append(added, p)
		case h != hashes[i]:
			c.Edited++
		}
	}
	for f := range former {
		if !seen[f] {
			c.Deleted++
		}
	}
	c.Added = len(added)
	added = bundle.Sorted(added) // oldest first
	slices.Reverse(added)
	for _, p := range added[:min(len(added), bundle.MaxChangeIDs)] {
		c.New = append(c.New, p.ID)
	}
	return c
}
