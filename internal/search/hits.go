package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"folio/internal/bundle"
	"folio/internal/post"
	"folio/internal/search/hitline"
	"folio/internal/search/snippet"
)

// hits fetches the posts of docs (shards in parallel) and makes each hit with its
// snippet as soon as its post arrives, so that the snippets' work overlaps the other
// fetches. A hit whose post shard is damaged is left out and its file listed in damaged;
// any other failure fails the search.
func (s *Searcher) hits(ctx context.Context, began time.Time, docs []int, phrases []snippet.Phrase) (hits []Hit, damaged []string, err error) {
	out := make([]Hit, len(docs))
	errs := make([]error, len(docs))
	var wg sync.WaitGroup
	for i, n := range docs {
		wg.Go(func() {
			d, err := s.hitDoc(ctx, began, n)
			if err != nil {
				errs[i] = err
				return
			}
			out[i] = Hit{Entry: d.entry, Doc: n, Snippet: snippet.Make(d.text, phrases)}
		})
	}
	wg.Wait()
	hits = out[:0]
	for i, err := range errs {
		var de *bundle.DataError
		switch {
		case err == nil:
			hits = append(hits, out[i])
		case errors.Is(err, bundle.ErrDamaged) && errors.As(err, &de):
			if !slices.Contains(damaged, de.File) {
				damaged = append(damaged, de.File)
			}
		default:
			return nil, nil, err
		}
	}
	return hits, damaged, nil
}

// hitDoc is what a hit shows of a post, kept between searches in the file cache: its
// list entry (without excerpt) and its plain text, the snippets' source.
type hitDoc struct {
	entry bundle.Entry
	text  string
}

// size is the memory a hitDoc holds, roughly.
func (d *hitDoc) size() int64 {
	e := &d.entry
	n := len(d.text) + len(e.ID) + len(e.File) + len(e.URL) + len(e.Title) + len(e.Date) + 200
	for _, t := range e.Categories {
		n += len(t) + 16
	}
	for _, t := range e.Tags {
		n += len(t) + 16
	}
	return int64(n)
}

// hitDoc returns what doc n's hit shows, for a search that began then: from the cache,
// or from the post's line of its bundle shard (only the fields a hit shows are decoded).
func (s *Searcher) hitDoc(ctx context.Context, searchBegan time.Time, n int) (*hitDoc, error) {
	key := hitKey(n)
	if v, ok := s.files.Peek(key); ok {
		return v.(*hitDoc), nil
	}
	shard, i, err := s.routes.Shard(ctx, searchBegan, n)
	if err != nil {
		return nil, err
	}
	line, ok, err := s.rd.ShardLine(ctx, shard, i)
	if err != nil {
		return nil, err
	}
	var hp hitline.Post
	if ok {
		if hp, ok = hitline.Decode(line); !ok {
			var p bundle.Post
			if err := json.Unmarshal(line, &p); err != nil {
				return nil, &bundle.DataError{File: shard, Err: fmt.Errorf("damaged: post %d: %w", i, err)}
			}
			hp, ok = hitline.Post{Entry: p.Entry, Format: p.Format, Body: p.Body}, true
		}
	}
	if !ok { // a shard written otherwise, or the post decoded already
		p, err := s.rd.ShardPost(ctx, shard, i)
		if err != nil {
			return nil, err
		}
		hp = hitline.Post{Entry: p.Entry, Format: p.Format, Body: p.Body}
	}
	hp.Entry.Excerpt = ""
	d := &hitDoc{entry: hp.Entry, text: post.PlainText(hp.Body, hp.Format)}
	s.files.Cache.Put(key, d, d.size())
	return d, nil
}

// hitKey is doc n's hitDoc's name in the file cache (no search file has a space in its
// name).
func hitKey(n int) string { return "hit " + strconv.Itoa(n) }
