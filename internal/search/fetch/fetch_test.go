package fetch

import (
	"context"
	"errors"
	"testing"

	"folio/internal/bundle"
	"folio/internal/search/format"
)

// TestKindMismatch: a file cached as one kind and asked for as another (damaged routes
// naming a chunk as a route node, or a term chunk as positions) is an error naming it.
func TestKindMismatch(t *testing.T) {
	td := []*format.TermData{{Term: "龙井", Fields: [format.NumFields]*format.Posting{nil, {DF: 1, Docs: []byte{0}, Freqs: []byte{0}, Pos: []byte{1}}}}}
	files := map[string][]byte{"s/d.bin": format.EncodeTermChunk(td), "s/c.bin": format.EncodeTermPos(format.EncodeTermChunk(td), format.EncodePosChunk(td))}
	f := New(bundle.FetchFunc(func(_ context.Context, name string) ([]byte, error) { return files[name], nil }), 1<<20)
	ctx := context.Background()
	if _, err := f.Chunk(ctx, "s/d.bin"); err != nil {
		t.Fatal(err)
	}
	var de *bundle.DataError
	if _, err := f.Node(ctx, "s/d.bin"); !errors.As(err, &de) || de.File != "s/d.bin" {
		t.Errorf("a term chunk asked for as a route node: %v", err)
	}
	if _, err := f.PosChunk(ctx, "s/d.bin"); !errors.As(err, &de) || de.File != "s/d.bin" {
		t.Errorf("a term chunk asked for as positions: %v", err)
	}
	c, err := f.Chunk(ctx, "s/c.bin")
	if err != nil || c.Find("龙井") == nil {
		t.Fatalf("the term chunk of a file with positions: %v", err)
	}
	if p, err := f.PosChunk(ctx, "s/c.bin"); err != nil || len(p.Streams) != 1 {
		t.Fatalf("the positions of a file with its term chunk: %v", err)
	}
	if _, files := f.Counters(); files != 2 {
		t.Errorf("%d files fetched; want 2 (each once)", files)
	}
}
