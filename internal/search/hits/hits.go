// Package hits shows the hits of a search: the posts of its page of hits, read from their
// bundle shards in parallel (through the shard routes), each with its snippet. What a hit
// shows of a post is kept between searches in the search's file cache.
package hits

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
	"folio/internal/search/fetch"
	"folio/internal/search/hitline"
	"folio/internal/search/route"
	"folio/internal/search/snippet"
)

// Hit is one post found: its list entry (without excerpt) and a snippet.
type Hit struct {
	bundle.Entry
	// Snippet is the best passage of the post's text around the matches, HTML-escaped,
	// with the matched words in <mark>.
	Snippet string `json:"snippet"`
	// Doc is the hit's doc number (its place in the list of all posts, oldest first).
	Doc int `json:"-"`
}

// Maker makes the hits of one bundle's search data.
type Maker struct {
	files  *fetch.Fetcher // the search's files, and their cache
	rd     *bundle.Reader
	routes *route.Trees // the shard routes
}

// New returns the Maker of the hits of rd's posts; files is the search's fetcher, whose
// cache keeps what hits show, and routes its route trees.
func New(files *fetch.Fetcher, rd *bundle.Reader, routes *route.Trees) *Maker {
	return &Maker{files: files, rd: rd, routes: routes}
}

// Make fetches the posts of docs (shards in parallel), for a search that began then, and
// makes each hit with its snippet as soon as its post arrives, so that the snippets' work
// overlaps the other fetches. A hit whose post shard is damaged is left out and its file
// listed in damaged; any other failure fails the search.
func (m *Maker) Make(ctx context.Context, began time.Time, docs []int, phrases []snippet.Phrase) (hits []Hit, damaged []string, err error) {
	out := make([]Hit, len(docs))
	errs := make([]error, len(docs))
	var wg sync.WaitGroup
	for i, n := range docs {
		wg.Go(func() {
			d, err := m.Doc(ctx, began, n)
			if err != nil {
				errs[i] = err
				return
			}
			out[i] = Hit{Entry: d.Entry, Doc: n, Snippet: snippet.Make(d.Text, phrases)}
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

// Doc is what a hit shows of a post, kept between searches in the file cache: its list
// entry (without excerpt) and its plain text, the snippets' source.
type Doc struct {
	Entry bundle.Entry
	Text  string
}

// size is the memory a Doc holds, roughly.
func (d *Doc) size() int64 {
	e := &d.Entry
	n := len(d.Text) + len(e.ID) + len(e.File) + len(e.URL) + len(e.Title) + len(e.Date) + 200
	for _, t := range e.Categories {
		n += len(t) + 16
	}
	for _, t := range e.Tags {
		n += len(t) + 16
	}
	return int64(n)
}

// Doc returns what doc n's hit shows, for a search that began then: from the cache, or
// from the post's line of its bundle shard (only the fields a hit shows are decoded).
func (m *Maker) Doc(ctx context.Context, searchBegan time.Time, n int) (*Doc, error) {
	key := Key(n)
	if v, ok := m.files.Peek(key); ok {
		return v.(*Doc), nil
	}
	shard, i, err := m.routes.Shard(ctx, searchBegan, n)
	if err != nil {
		return nil, err
	}
	line, ok, err := m.rd.ShardLine(ctx, shard, i)
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
		p, err := m.rd.ShardPost(ctx, shard, i)
		if err != nil {
			return nil, err
		}
		hp = hitline.Post{Entry: p.Entry, Format: p.Format, Body: p.Body}
	}
	hp.Entry.Excerpt = ""
	d := &Doc{Entry: hp.Entry, Text: post.PlainText(hp.Body, hp.Format)}
	m.files.Cache.Put(key, d, d.size())
	return d, nil
}

// Key is doc n's Doc's name in the file cache (no search file has a space in its name).
func Key(n int) string { return "hit " + strconv.Itoa(n) }
