package search

import (
	"context"
	"fmt"

	"folio/internal/bundle"
	"folio/internal/search/format"
)

// view is what one search reads: its context, the metadata, and the chunks fetched for it
// beforehand (held here so the cache cannot drop them halfway through); chunks it did not
// fetch beforehand come from the fetcher.
type view struct {
	ctx    context.Context
	meta   *meta
	routes *routes
	files  *fetcher
	chunks map[string]*termChunk
	pos    map[string]*posChunk
}

// chunk returns a term chunk.
func (v *view) chunk(name string) (*termChunk, error) {
	if c := v.chunks[name]; c != nil {
		return c, nil
	}
	return v.files.chunk(v.ctx, name)
}

// posChunk returns a position chunk.
func (v *view) posChunk(name string) (*posChunk, error) {
	if pc := v.pos[name]; pc != nil {
		return pc, nil
	}
	return v.files.posChunk(v.ctx, name)
}

// termLeaves returns the leaf entries of the term routes whose ranges meet [lo, hi).
func (v *view) termLeaves(lo, hi []byte) ([]format.Route, error) {
	return v.routes.leaves(v.ctx, v.routes.termsTop(), lo, hi)
}

// entry finds a term of a text field: its entry (nil when no chunk holds it) and the
// leaf entry of its chunk.
func (v *view) entry(term string) (*termEntry, format.Route, error) {
	rt, ok, err := v.routes.leaf(v.ctx, v.routes.termsTop(), []byte(term))
	if err != nil || !ok {
		return nil, rt, err
	}
	c, err := v.chunk(rt.File)
	if err != nil {
		return nil, rt, err
	}
	return c.find(term), rt, nil
}

// source returns a term's doc list in field f, with its position stream when asked, or
// nil when the field lacks the term.
func (v *view) source(term string, f int, withPositions bool) (*phraseSource, error) {
	e, rt, err := v.entry(term)
	if err != nil || e == nil || !e.has(f) {
		return nil, err
	}
	pl, err := e.docs(f)
	if err != nil {
		return nil, &bundle.DataError{File: rt.File, Err: err}
	}
	if !withPositions {
		return &phraseSource{pl: pl}, nil
	}
	pc, err := v.posChunk(rt.Pos)
	if err != nil {
		return nil, err
	}
	streams, ok := pc.streams[term]
	if !ok {
		return nil, &bundle.DataError{File: rt.Pos, Err: fmt.Errorf("no positions of %q: %w", term, format.ErrDamaged)}
	}
	return &phraseSource{pl: pl, stream: streams[f]}, nil
}
