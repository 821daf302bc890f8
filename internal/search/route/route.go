// Package route finds search files through the search data's two route trees: term keys
// to term chunks (and their position chunks), doc numbers to the bundle's post shards.
// Each tree's top node is in the root; route nodes below it are fetched as lookups need
// them, until the route tables (each tree's whole leaf level in one file) have been loaded
// in the background after the first search.
package route

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"folio/internal/bundle"
	"folio/internal/search/fetch"
	"folio/internal/search/format"
)

// Trees are the route trees of one segment of search data, with their route tables.
type Trees struct {
	files             *fetch.Fetcher
	termTop, shardTop *format.RouteNode
	// termTable and shardTable name the route tables ("" when there are none).
	termTable, shardTable string

	// tables is the route tables' background load: nil until it starts (and again after
	// it failed, so that the next search tries again).
	tablesMu        sync.Mutex
	tables          *TablesLoad
	tablesScheduled atomic.Bool // a load is scheduled or under way
}

// tablesDelay is how long after a Searcher's first search its route tables are fetched:
// long enough for the results to reach the page first, short enough for the tables to be
// there when a search typed right after it shows its hits.
const tablesDelay = 50 * time.Millisecond

// New reads the top nodes of the root's route trees.
func New(files *fetch.Fetcher, root *format.Root) (*Trees, error) {
	r := &Trees{files: files, termTable: root.TermTable, shardTable: root.ShardTable}
	var err error
	if r.termTop, err = format.DecodeNode(root.Terms); err != nil {
		return nil, err
	}
	if r.shardTop, err = format.DecodeNode(root.Shards); err != nil {
		return nil, err
	}
	return r, nil
}

// top returns a route table once it is loaded, and the tree's top node until then.
func (r *Trees) top(tree *format.RouteNode, table string) *format.RouteNode {
	if table != "" {
		if v, ok := r.files.Peek(table); ok {
			return v.(*format.RouteNode)
		}
	}
	return tree
}

// Terms is the top of the term routes: the term table once it is loaded, the tree's top
// node until then.
func (r *Trees) Terms() *format.RouteNode { return r.top(r.termTop, r.termTable) }

// AwaitTerms is Terms for a search that began then (see awaitTop).
func (r *Trees) AwaitTerms(ctx context.Context, searchBegan time.Time) *format.RouteNode {
	return r.awaitTop(ctx, searchBegan, r.termTop, r.termTable)
}

// TermTree is the top node of the term tree, in the root.
func (r *Trees) TermTree() *format.RouteNode { return r.termTop }

// ShardTree is the top node of the shard tree, in the root.
func (r *Trees) ShardTree() *format.RouteNode { return r.shardTop }

// Shard returns the bundle shard of doc n and its place there, for a search that began
// then.
func (r *Trees) Shard(ctx context.Context, searchBegan time.Time, n int) (shard string, i int, err error) {
	rt, ok, err := r.Leaf(ctx, r.awaitTop(ctx, searchBegan, r.shardTop, r.shardTable), format.DocKey(n))
	if err != nil {
		return "", 0, err
	}
	if !ok || len(rt.Key) != 4 {
		return "", 0, &bundle.DataError{File: "search shards", Err: format.ErrDamaged}
	}
	i = n - int(binary.BigEndian.Uint32(rt.Key))
	if i < 0 {
		return "", 0, &bundle.DataError{File: rt.File, Err: fmt.Errorf("doc %d is not in this shard", n)}
	}
	return rt.File, i, nil
}

// ScheduleTables fetches the route tables a moment after the first search has returned
// its results (tablesDelay), and again after a search that found them missing (a failed
// load, or pushed out of the cache).
func (r *Trees) ScheduleTables() {
	if r.tablesScheduled.CompareAndSwap(false, true) {
		time.AfterFunc(tablesDelay, r.StartTables)
	}
}

// StartTables fetches the route tables in the background, both at once. Lookups of
// searches that begin meanwhile wait for them (see awaitTop) rather than fetch route
// nodes, which cost a request each.
func (r *Trees) StartTables() {
	load := &TablesLoad{done: make(chan struct{}), began: time.Now()}
	r.tablesMu.Lock()
	r.tables = load
	r.tablesMu.Unlock()
	go func() {
		defer close(load.done)
		if err := r.LoadTables(context.Background()); err != nil {
			r.tablesMu.Lock()
			r.tables = nil
			r.tablesMu.Unlock()
			r.tablesScheduled.Store(false)
		}
	}()
}

// TablesLoad is a load of the route tables: began when, done closed when it ends.
type TablesLoad struct {
	done  chan struct{}
	began time.Time
}

// Done is closed when the load ends.
func (l *TablesLoad) Done() <-chan struct{} { return l.done }

// TablesLoad returns the route tables' load under way or done, or nil (none yet, or the
// last one failed).
func (r *Trees) TablesLoad() *TablesLoad {
	r.tablesMu.Lock()
	defer r.tablesMu.Unlock()
	return r.tables
}

// LoadTables fetches the route tables (once they are cached, routes need no route node).
func (r *Trees) LoadTables(ctx context.Context) error {
	var names []string
	for _, name := range []string{r.shardTable, r.termTable} {
		if name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fetch.All(ctx, names, func(ctx context.Context, name string) error {
		_, err := r.files.Node(ctx, name)
		return err
	})
}

// awaitTop is top, but for a search that began while the route tables were on their way
// it waits for the table. (A search that was already running when their load began goes
// on with the tree: the tables would arrive only after its own fetches, and WebAssembly
// cannot start their fetches while the search computes.)
func (r *Trees) awaitTop(ctx context.Context, searchBegan time.Time, tree *format.RouteNode, table string) *format.RouteNode {
	if table == "" {
		return tree
	}
	if v, ok := r.files.Peek(table); ok {
		return v.(*format.RouteNode)
	}
	r.tablesMu.Lock()
	load := r.tables
	r.tablesMu.Unlock()
	if load == nil || !load.began.Before(searchBegan) {
		return tree
	}
	select {
	case <-load.done:
		// The load has ended, and the table is not held: it failed, or the cache has
		// pushed it out since. Load the tables again after this search.
		if _, ok := r.files.Peek(table); !ok {
			r.tablesMu.Lock()
			if r.tables == load {
				r.tables = nil
				r.tablesScheduled.Store(false)
			}
			r.tablesMu.Unlock()
		}
	default:
		// Join the table's fetch (each file is fetched once however many ask).
		if n, err := r.files.Node(ctx, table); err == nil {
			return n
		}
	}
	return r.top(tree, table)
}

// Leaves returns the leaf entries of the tree under top whose ranges meet [lo, hi) (hi nil:
// no upper end), fetching route nodes as needed.
func (r *Trees) Leaves(ctx context.Context, top *format.RouteNode, lo, hi []byte) ([]format.Route, error) {
	var out []format.Route
	var walk func(n *format.RouteNode, depth int) error
	walk = func(n *format.RouteNode, depth int) error {
		if depth > maxRouteDepth {
			return errRouteDepth
		}
		i := max(0, n.Find(lo))
		end := i
		for end < len(n.Entries) && (hi == nil || bytes.Compare(n.Entries[end].Key, hi) < 0) {
			end++
		}
		if !n.Leaf && end-i > 1 {
			// A wide range (a short prefix) spans several nodes: fetch them at once.
			names := make([]string, 0, end-i)
			for _, e := range n.Entries[i:end] {
				names = append(names, e.File)
			}
			if err := fetch.All(ctx, names, func(ctx context.Context, name string) error {
				_, err := r.files.Node(ctx, name)
				return err
			}); err != nil {
				return err
			}
		}
		for ; i < end; i++ {
			e := n.Entries[i]
			if n.Leaf {
				out = append(out, e)
				continue
			}
			child, err := r.files.Node(ctx, e.File)
			if err != nil {
				return err
			}
			if err := walk(child, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(top, 0)
}

// maxRouteDepth bounds a walk down the route tree: a real tree is a few levels deep (its
// fan-out is in the hundreds); a deeper one is damaged data, perhaps a node naming itself,
// and must end in an error rather than a loop.
const maxRouteDepth = 32

var errRouteDepth = fmt.Errorf("%w: the route tree is deeper than %d levels (a node naming itself?)", bundle.ErrDamaged, maxRouteDepth)

// Leaf returns the leaf entry whose range holds key, if any.
func (r *Trees) Leaf(ctx context.Context, top *format.RouteNode, key []byte) (format.Route, bool, error) {
	n := top
	for depth := 0; ; depth++ {
		if depth > maxRouteDepth {
			return format.Route{}, false, errRouteDepth
		}
		i := n.Find(key)
		if i < 0 {
			return format.Route{}, false, nil
		}
		if n.Leaf {
			return n.Entries[i], true, nil
		}
		child, err := r.files.Node(ctx, n.Entries[i].File)
		if err != nil {
			return format.Route{}, false, err
		}
		n = child
	}
}

// Later route level (format.LaterKey): Trees made by NewLater route the terms of every
// segment after the first; their top is the level's inner node over its leaves, and
// their table every entry in one leaf.

// NewLater reads the later route level of the root (nil when it has none).
func NewLater(files *fetch.Fetcher, root *format.Root) (*Trees, error) {
	if len(root.More) == 0 {
		return nil, nil
	}
	if len(root.More) > format.MaxLater || len(root.Later) == 0 {
		return nil, fmt.Errorf("%w: no later route level for %d segments", bundle.ErrDamaged, len(root.More))
	}
	r := &Trees{files: files, termTable: root.LaterTable, shardTop: &format.RouteNode{Leaf: true}}
	var err error
	if r.termTop, err = format.DecodeNode(root.Later); err != nil {
		return nil, err
	}
	if r.termTop.Leaf {
		return nil, fmt.Errorf("%w: the later route level's top is a leaf", bundle.ErrDamaged)
	}
	return r, nil
}

var errLaterInner = fmt.Errorf("%w: a leaf of the later route level is an inner node", bundle.ErrDamaged)

// laterLeaves returns the later route level's leaves whose ranges meet [lo, hi) under top
// (the table: itself), fetching them at once.
func (r *Trees) laterLeaves(ctx context.Context, top *format.RouteNode, lo, hi []byte) ([]*format.RouteNode, error) {
	if top.Leaf {
		return []*format.RouteNode{top}, nil
	}
	i := max(0, top.Find(lo))
	end := i + 1
	for end < len(top.Entries) && (hi == nil || bytes.Compare(top.Entries[end].Key, hi) < 0) {
		end++
	}
	names := make([]string, 0, end-i)
	for _, e := range top.Entries[i:end] {
		names = append(names, e.File)
	}
	out := make([]*format.RouteNode, len(names))
	err := fetch.All(ctx, names, func(ctx context.Context, name string) error {
		n, err := r.files.Node(ctx, name)
		if err == nil && !n.Leaf {
			err = &bundle.DataError{File: name, Err: errLaterInner}
		}
		if err != nil {
			return err
		}
		out[slices.Index(names, name)] = n
		return nil
	})
	return out, err
}

// LaterLeaf is Leaf of segment seg after the first (0: root.More[0]) through the later
// route level under top.
func (r *Trees) LaterLeaf(ctx context.Context, top *format.RouteNode, seg int, key []byte) (format.Route, bool, error) {
	leaf := top
	if !top.Leaf {
		i := top.Find(key)
		if i < 0 {
			return format.Route{}, false, nil
		}
		n, err := r.files.Node(ctx, top.Entries[i].File)
		if err != nil {
			return format.Route{}, false, err
		}
		if !n.Leaf {
			return format.Route{}, false, &bundle.DataError{File: top.Entries[i].File, Err: errLaterInner}
		}
		leaf = n
	}
	rt, ok := format.LaterFind(leaf, seg, key)
	return rt, ok, nil
}

// LaterLeaves is Leaves of segment seg after the first through the later route level
// under top.
func (r *Trees) LaterLeaves(ctx context.Context, top *format.RouteNode, seg int, lo, hi []byte) ([]format.Route, error) {
	leaves, err := r.laterLeaves(ctx, top, lo, hi)
	if err != nil {
		return nil, err
	}
	var out []format.Route
	for _, n := range leaves {
		for _, e := range format.LaterRange(n, seg, lo, hi) {
			// A chunk that begins before a leaf's range is in it too: keep it once.
			if k := len(out) - 1; k >= 0 && bytes.Equal(out[k].Key, e.Key) {
				continue
			}
			out = append(out, e)
		}
	}
	return out, nil
}
