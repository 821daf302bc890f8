package search

import (
	"context"

	"folio/internal/search/fetch"
	"folio/internal/search/format"
	"folio/internal/search/reader"
	"folio/internal/search/route"
)

// view is what one search reads: its context, the metadata, and the chunks fetched for it
// beforehand (held here so the cache cannot drop them halfway through); chunks it did not
// fetch beforehand come from the fetcher. It is the reader.Source of the search's reader.
type view struct {
	ctx    context.Context
	meta   *reader.Meta
	routes *route.Trees
	segs   *segments // nil: one segment
	files  *fetch.Fetcher
	chunks map[string]*reader.TermChunk
	pos    map[string]*reader.PosChunk
}

// Chunk implements reader.Source.
func (v *view) Chunk(name string) (*reader.TermChunk, error) {
	if c := v.chunks[name]; c != nil {
		return c, nil
	}
	return v.files.Chunk(v.ctx, name)
}

// PosChunk implements reader.Source.
func (v *view) PosChunk(name string) (*reader.PosChunk, error) {
	if pc := v.pos[name]; pc != nil {
		return pc, nil
	}
	return v.files.PosChunk(v.ctx, name)
}

// Leaf implements reader.Source.
func (v *view) Leaf(key []byte) (format.Route, bool, error) {
	return v.routes.Leaf(v.ctx, v.routes.Terms(), key)
}

// Leaves implements reader.Source.
func (v *view) Leaves(lo, hi []byte) ([]format.Route, error) {
	return v.routes.Leaves(v.ctx, v.routes.Terms(), lo, hi)
}
