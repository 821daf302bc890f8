package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"
	"time"

	"folio/internal/bundle"
	"folio/internal/search/format"
)

// termChunk is a decoded term chunk: terms sorted; each doc list is decoded when first
// used (a chunk holds many terms, a query reads a few).
type termChunk struct {
	terms []termEntry
}

type termEntry struct {
	term string
	raw  [format.NumFields]*format.Posting
	once [format.NumFields]sync.Once
	list [format.NumFields]*format.Plist
	err  [format.NumFields]error
}

// has reports whether the term occurs in field f.
func (e *termEntry) has(f int) bool { return e.raw[f] != nil }

// docs returns the term's doc list in field f (nil when it has none), decoding it once.
func (e *termEntry) docs(f int) (*format.Plist, error) {
	if e.raw[f] == nil {
		return nil, nil
	}
	e.once[f].Do(func() { e.list[f], e.err[f] = format.DecodePlist(e.raw[f]) })
	return e.list[f], e.err[f]
}

func decodeChunkFile(data []byte) (any, int64, error) {
	tds, err := format.DecodeTermChunk(data)
	if err != nil {
		return nil, 0, err
	}
	c := &termChunk{terms: make([]termEntry, len(tds))}
	// Decoded lists take 8 bytes per doc: counted in up front, decoded or not.
	size := int64(len(data)) + 160*int64(len(tds))
	for i := range tds {
		c.terms[i].term = tds[i].Term
		c.terms[i].raw = tds[i].Fields
		for _, p := range tds[i].Fields {
			if p != nil {
				size += 8 * int64(p.DF)
			}
		}
	}
	return c, size, nil
}

// find returns the term's entry in the chunk, or nil.
func (c *termChunk) find(term string) *termEntry {
	i := sort.Search(len(c.terms), func(i int) bool { return c.terms[i].term >= term })
	if i < len(c.terms) && c.terms[i].term == term {
		return &c.terms[i]
	}
	return nil
}

// posChunk holds a position chunk: each term's position streams per field, decoded as a
// phrase reads them (see phraseSource).
type posChunk struct {
	streams map[string][format.NumFields][]byte
}

func decodePosFile(data []byte) (any, int64, error) {
	m, err := format.DecodePosChunk(data)
	if err != nil {
		return nil, 0, err
	}
	return &posChunk{streams: m}, int64(len(data)) + 96*int64(len(m)), nil
}

func decodeNodeFile(data []byte) (any, int64, error) {
	n, err := format.DecodeNode(data)
	if err != nil {
		return nil, 0, err
	}
	return n, 2 * int64(len(data)), nil
}

func decodeMetaFile(data []byte) (any, int64, error) {
	m, err := format.DecodeMeta(data)
	if err != nil {
		return nil, 0, err
	}
	return &meta{Meta: m}, int64(len(data)) + 40*int64(m.Docs), nil
}

// loaders of each kind of file through the cache.

func (s *Searcher) node(ctx context.Context, name string) (*format.RouteNode, error) {
	v, err := s.cache.get(ctx, name, decodeNodeFile)
	if err != nil {
		return nil, err
	}
	return v.(*format.RouteNode), nil
}

func (s *Searcher) chunk(ctx context.Context, name string) (*termChunk, error) {
	v, err := s.cache.get(ctx, name, decodeChunkFile)
	if err != nil {
		return nil, err
	}
	return v.(*termChunk), nil
}

func (s *Searcher) posChunk(ctx context.Context, name string) (*posChunk, error) {
	v, err := s.cache.get(ctx, name, decodePosFile)
	if err != nil {
		return nil, err
	}
	return v.(*posChunk), nil
}

// top returns a route table once it is loaded, and the tree's top node until then.
func (s *Searcher) top(tree *format.RouteNode, table string) *format.RouteNode {
	if table != "" {
		if v, ok := s.cache.peek(table); ok {
			return v.(*format.RouteNode)
		}
	}
	return tree
}

// termsTop is the top of the term routes.
func (s *Searcher) termsTop() *format.RouteNode { return s.top(s.termTop, s.root.TermTable) }

// startTables fetches the route tables in the background, both at once. Lookups of
// searches that begin meanwhile wait for them (see awaitTop) rather than fetch route
// nodes, which cost a request each.
func (s *Searcher) startTables() {
	load := &tablesLoad{done: make(chan struct{}), began: time.Now()}
	s.tablesMu.Lock()
	s.tables = load
	s.tablesMu.Unlock()
	go func() {
		defer close(load.done)
		if err := s.loadTables(context.Background()); err != nil {
			s.tablesMu.Lock()
			s.tables = nil
			s.tablesMu.Unlock()
			s.tablesScheduled.Store(false)
		}
	}()
}

// tablesLoad is a load of the route tables: began when, done closed when it ends.
type tablesLoad struct {
	done  chan struct{}
	began time.Time
}

// loadTables fetches the route tables (once they are cached, routes need no route node).
func (s *Searcher) loadTables(ctx context.Context) error {
	var names []string
	for _, name := range []string{s.root.ShardTable, s.root.TermTable} {
		if name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return getAll(ctx, names, func(ctx context.Context, name string) error {
		_, err := s.node(ctx, name)
		return err
	})
}

// awaitTop is top, but for a search that began while the route tables were on their way
// it waits for the table. (A search that was already running when their load began goes
// on with the tree: the tables would arrive only after its own fetches, and WebAssembly
// cannot start their fetches while the search computes.)
func (s *Searcher) awaitTop(ctx context.Context, searchBegan time.Time, tree *format.RouteNode, table string) *format.RouteNode {
	if table == "" {
		return tree
	}
	if v, ok := s.cache.peek(table); ok {
		return v.(*format.RouteNode)
	}
	s.tablesMu.Lock()
	load := s.tables
	s.tablesMu.Unlock()
	if load == nil || !load.began.Before(searchBegan) {
		return tree
	}
	select {
	case <-load.done:
		// The load has ended, and the table is not held: it failed, or the cache has
		// pushed it out since. Load the tables again after this search.
		if _, ok := s.cache.peek(table); !ok {
			s.tablesMu.Lock()
			if s.tables == load {
				s.tables = nil
				s.tablesScheduled.Store(false)
			}
			s.tablesMu.Unlock()
		}
	default:
		// Join the table's fetch (each file is fetched once however many ask).
		if n, err := s.node(ctx, table); err == nil {
			return n
		}
	}
	return s.top(tree, table)
}

// leaves returns the leaf entries of the tree under top whose ranges meet [lo, hi) (hi nil:
// no upper end), fetching route nodes as needed.
func (s *Searcher) leaves(ctx context.Context, top *format.RouteNode, lo, hi []byte) ([]format.Route, error) {
	var out []format.Route
	var walk func(n *format.RouteNode) error
	walk = func(n *format.RouteNode) error {
		i := max(0, n.Find(lo))
		for ; i < len(n.Entries); i++ {
			e := n.Entries[i]
			if hi != nil && bytes.Compare(e.Key, hi) >= 0 {
				break
			}
			if n.Leaf {
				out = append(out, e)
				continue
			}
			child, err := s.node(ctx, e.File)
			if err != nil {
				return err
			}
			if err := walk(child); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(top)
}

// leaf returns the leaf entry whose range holds key, if any.
func (s *Searcher) leaf(ctx context.Context, top *format.RouteNode, key []byte) (format.Route, bool, error) {
	n := top
	for {
		i := n.Find(key)
		if i < 0 {
			return format.Route{}, false, nil
		}
		if n.Leaf {
			return n.Entries[i], true, nil
		}
		child, err := s.node(ctx, n.Entries[i].File)
		if err != nil {
			return format.Route{}, false, err
		}
		n = child
	}
}

// prefixEnd returns the first key after every key starting with prefix, or nil.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// hitPost returns doc n's post from its bundle shard, for a search that began then.
func (s *Searcher) hitPost(ctx context.Context, searchBegan time.Time, n int) (*bundle.Post, error) {
	r, ok, err := s.leaf(ctx, s.awaitTop(ctx, searchBegan, s.shardTop, s.root.ShardTable), format.DocKey(n))
	if err != nil {
		return nil, err
	}
	if !ok || len(r.Key) != 4 {
		return nil, &bundle.DataError{File: "search shards", Err: format.ErrDamaged}
	}
	i := n - int(binary.BigEndian.Uint32(r.Key))
	if i < 0 {
		return nil, &bundle.DataError{File: r.File, Err: fmt.Errorf("doc %d is not in this shard", n)}
	}
	return s.rd.ShardPost(ctx, r.File, i)
}
