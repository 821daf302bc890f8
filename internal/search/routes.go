package search

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"folio/internal/bundle"
	"folio/internal/search/fetch"
	"folio/internal/search/format"
)

// routes finds files through the search data's two route trees: term keys to term chunks
// (and their position chunks), doc numbers to the bundle's post shards. Each tree's top
// node is in the root; route nodes below it are fetched as lookups need them, until the
// route tables (each tree's whole leaf level in one file) have been loaded in the
// background after the first search.
type routes struct {
	files             *fetch.Fetcher
	termTop, shardTop *format.RouteNode
	// termTable and shardTable name the route tables ("" when there are none).
	termTable, shardTable string

	// tables is the route tables' background load: nil until it starts (and again after
	// it failed, so that the next search tries again).
	tablesMu        sync.Mutex
	tables          *tablesLoad
	tablesScheduled atomic.Bool // a load is scheduled or under way
}

// tablesDelay is how long after a Searcher's first search its route tables are fetched:
// long enough for the results to reach the page first, short enough for the tables to be
// there when a search typed right after it shows its hits.
const tablesDelay = 50 * time.Millisecond

// newRoutes reads the top nodes of the root's route trees.
func newRoutes(files *fetch.Fetcher, root *format.Root) (*routes, error) {
	r := &routes{files: files, termTable: root.TermTable, shardTable: root.ShardTable}
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
func (r *routes) top(tree *format.RouteNode, table string) *format.RouteNode {
	if table != "" {
		if v, ok := r.files.Peek(table); ok {
			return v.(*format.RouteNode)
		}
	}
	return tree
}

// termsTop is the top of the term routes.
func (r *routes) termsTop() *format.RouteNode { return r.top(r.termTop, r.termTable) }

// scheduleTables fetches the route tables a moment after the first search has returned
// its results (tablesDelay), and again after a search that found them missing (a failed
// load, or pushed out of the cache).
func (r *routes) scheduleTables() {
	if r.tablesScheduled.CompareAndSwap(false, true) {
		time.AfterFunc(tablesDelay, r.startTables)
	}
}

// startTables fetches the route tables in the background, both at once. Lookups of
// searches that begin meanwhile wait for them (see awaitTop) rather than fetch route
// nodes, which cost a request each.
func (r *routes) startTables() {
	load := &tablesLoad{done: make(chan struct{}), began: time.Now()}
	r.tablesMu.Lock()
	r.tables = load
	r.tablesMu.Unlock()
	go func() {
		defer close(load.done)
		if err := r.loadTables(context.Background()); err != nil {
			r.tablesMu.Lock()
			r.tables = nil
			r.tablesMu.Unlock()
			r.tablesScheduled.Store(false)
		}
	}()
}

// tablesLoad is a load of the route tables: began when, done closed when it ends.
type tablesLoad struct {
	done  chan struct{}
	began time.Time
}

// loadTables fetches the route tables (once they are cached, routes need no route node).
func (r *routes) loadTables(ctx context.Context) error {
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
func (r *routes) awaitTop(ctx context.Context, searchBegan time.Time, tree *format.RouteNode, table string) *format.RouteNode {
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

// leaves returns the leaf entries of the tree under top whose ranges meet [lo, hi) (hi nil:
// no upper end), fetching route nodes as needed.
func (r *routes) leaves(ctx context.Context, top *format.RouteNode, lo, hi []byte) ([]format.Route, error) {
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

// leaf returns the leaf entry whose range holds key, if any.
func (r *routes) leaf(ctx context.Context, top *format.RouteNode, key []byte) (format.Route, bool, error) {
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
