package search

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"folio/internal/search/analysis"
	"folio/internal/search/fetch"
	"folio/internal/search/format"
	"folio/internal/search/query"
	"folio/internal/search/reader"
	"folio/internal/search/route"
)

// Search data of several segments (see format's segments.go): every query is planned in
// each segment (its own term routes; the chunks of all are fetched at once), the words a
// query may match are those some segment holds for a live doc, and the reader merges each
// term's doc lists of every segment (reader.NewSegmented), so that the answer is the one
// a build from scratch gives. What stays approximate, as it is within one segment's
// choices: which chunks type-ahead reads of a prefix's range, and which completions it
// keeps (their doc counts include deleted docs).

// segments are the segments after the first, and where every segment's docs are.
type segments struct {
	later   *route.Trees // the later route level: the term routes of segments 1…
	count   int          // segments after the first
	global  [][]int32    // per segment (the first included), the doc number of each local doc (-1: deleted)
	deleted []bool       // per segment: some of its docs are deleted
}

// openSegments reads the root's segments; nil when the data is one segment.
func openSegments(files *fetch.Fetcher, root *format.Root) (*segments, error) {
	if len(root.More) == 0 && len(root.Layout) == 0 {
		return nil, nil
	}
	l, err := format.DecodeLayout(root.Layout, root.Docs)
	if err != nil {
		return nil, err
	}
	if len(l.Sizes) != len(root.More)+1 {
		return nil, format.ErrDamaged
	}
	s := &segments{global: l.Globals(), count: len(root.More)}
	for _, d := range l.Deleted {
		s.deleted = append(s.deleted, len(d) > 0)
	}
	if s.later, err = route.NewLater(files, root); err != nil {
		return nil, err
	}
	return s, nil
}

// scheduleTables schedules the later route level's table.
func (s *segments) scheduleTables() {
	if s != nil && s.later != nil {
		s.later.ScheduleTables()
	}
}

// router finds term chunks: route.Trees for the first segment, laterRouter for the others.
type router interface {
	AwaitTerms(ctx context.Context, searchBegan time.Time) *format.RouteNode
	Leaf(ctx context.Context, top *format.RouteNode, key []byte) (format.Route, bool, error)
	Leaves(ctx context.Context, top *format.RouteNode, lo, hi []byte) ([]format.Route, error)
}

// laterRouter is the router of segment seg after the first (0: root.More[0]), through the
// later route level.
type laterRouter struct {
	*route.Trees
	seg int
}

func (r laterRouter) Leaf(ctx context.Context, top *format.RouteNode, key []byte) (format.Route, bool, error) {
	return r.LaterLeaf(ctx, top, r.seg, key)
}

func (r laterRouter) Leaves(ctx context.Context, top *format.RouteNode, lo, hi []byte) ([]format.Route, error) {
	return r.LaterLeaves(ctx, top, r.seg, lo, hi)
}

// morePlans plans the query in the segments after the first too (p.more).
func (p *plan) morePlans(x query.Expr, segs *segments) {
	if segs == nil {
		return
	}
	for range segs.count {
		p.more = append(p.more, newPlan(x))
	}
}

// routeAll is route in every segment, at once.
func (p *plan) routeAll(ctx context.Context, rt *route.Trees, segs *segments, searchBegan time.Time, prefixBytes int) error {
	if len(p.more) == 0 {
		return p.route(ctx, rt, searchBegan, prefixBytes)
	}
	errs := make([]error, len(p.more)+1)
	var wg sync.WaitGroup
	for k, q := range p.all() {
		var r router = rt
		if k > 0 {
			r = laterRouter{segs.later, k - 1}
		}
		wg.Go(func() { errs[k] = q.route(ctx, r, searchBegan, prefixBytes) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// all is the plan of every segment: p itself, then p.more.
func (p *plan) all() []*plan { return append([]*plan{p}, p.more...) }

// allPosFiles is posFiles in every segment.
func (p *plan) allPosFiles(t *query.Text) map[string]int {
	files := p.posFiles(t)
	for _, q := range p.more {
		for f, n := range q.posFiles(t) {
			files[f] = n
		}
	}
	return files
}

// live says whether segment k holds entry e's term in field f for a doc not deleted.
func (v *view) live(k int, e *reader.TermEntry, f int) bool {
	if !e.Has(f) {
		return false
	}
	if v.segs == nil || !v.segs.deleted[k] {
		return true
	}
	pl, err := e.Docs(f)
	if err != nil {
		return true // the reader reports the damage
	}
	g := v.segs.global[k]
	for _, d := range pl.Docs {
		if int(d) < len(g) && g[d] >= 0 {
			return true
		}
	}
	return false
}

// segAlternatives is alternatives over every segment: a slot's terms (in its order) that
// some segment holds for a live doc, then the bigrams of its prefix (in term order).
func (p *plan) segAlternatives(v *view, sl analysis.Slot, f int) []string {
	var out []string
	plans := p.all()
	for _, t := range sl.Terms {
		for k, q := range plans {
			if r, ok := q.leafOf[t]; ok {
				if c := v.chunks[r.File]; c != nil {
					if e := c.Find(t); e != nil && v.live(k, e, f) {
						out = append(out, t)
						break
					}
				}
			}
		}
	}
	if sl.Prefix != "" {
		seen := map[string]bool{}
		var more []string
		for k, q := range plans {
			for _, r := range q.rangeOf[sl.Prefix] {
				c := v.chunks[r.File]
				if c == nil {
					continue
				}
				for i := range c.Terms {
					e := &c.Terms[i]
					if strings.HasPrefix(e.Term, sl.Prefix) && e.Term != sl.Prefix && e.Term != sl.Prefix+analysis.EndMark && !seen[e.Term] && v.live(k, e, f) {
						seen[e.Term] = true
						more = append(more, e.Term)
					}
				}
			}
		}
		slices.Sort(more)
		out = append(out, more...)
	}
	return out
}

// newReader is the reader of one search over its view: of one segment, or of all.
func (s *Searcher) newReader(v *view) *reader.Reader {
	if s.segs == nil {
		return reader.New(v, v.meta, s.phrases)
	}
	parts := []reader.Part{{Src: v, Global: s.segs.global[0]}}
	for k := range s.segs.count {
		parts = append(parts, reader.Part{Src: &segmentView{view: v, rt: laterRouter{s.segs.later, k}}, Global: s.segs.global[k+1]})
	}
	return reader.NewSegmented(parts, v.meta, s.phrases)
}

// segmentView is a search's view of a segment after the first: its chunks come from the
// view, its routes from the later route level.
type segmentView struct {
	*view
	rt laterRouter
}

// Leaf implements reader.Source.
func (v *segmentView) Leaf(key []byte) (format.Route, bool, error) {
	return v.rt.Leaf(v.ctx, v.rt.Terms(), key)
}

// Leaves implements reader.Source.
func (v *segmentView) Leaves(lo, hi []byte) ([]format.Route, error) {
	return v.rt.Leaves(v.ctx, v.rt.Terms(), lo, hi)
}

// laterPos returns the chosen position chunks that only segments after the first need
// (nil for one segment).
func (p *plan) laterPos() map[string]bool {
	if len(p.more) == 0 {
		return nil
	}
	first := map[string]bool{}
	for _, ph := range p.phrases {
		for f := range p.posFiles(ph.t) {
			first[f] = true
		}
	}
	later := map[string]bool{}
	for f := range p.posFile {
		if !first[f] {
			later[f] = true
		}
	}
	return later
}

// laterPosFiles returns the chosen position chunks of the segments after the first that
// the exact phrases may read: those of a segment where some doc holds every slot of the
// phrase in one field, as the segment's doc lists (fetched) say. The phrase matcher reads
// positions only for such docs, and would fetch a chunk left out here itself.
func (p *plan) laterPosFiles(v *view) []string {
	seen := map[string]bool{}
	var out []string
	for _, ph := range p.phrases {
		if !ph.exact || ph.useTri {
			continue
		}
		for _, q := range p.more {
			if !q.mayMatch(v, ph.t) {
				continue
			}
			for f := range q.posFiles(ph.t) {
				if p.posFile[f] && !seen[f] {
					seen[f] = true
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// mayMatch says whether some doc of the plan's segment holds every slot of phrase t in
// one field (deleted docs count). Prefixes and chunks not at hand count as a yes.
func (q *plan) mayMatch(v *view, t *query.Text) bool {
	if t.Prefix != "" {
		return true
	}
	for f := range format.NumFields {
		var common []uint32 // the docs holding every slot so far (nil before the first)
		for k, sl := range t.Slots {
			if sl.Prefix != "" {
				return true
			}
			var docs []uint32
			for _, term := range sl.Terms {
				r, ok := q.leafOf[term]
				if !ok {
					continue
				}
				c := v.chunks[r.File]
				if c == nil {
					return true
				}
				e := c.Find(term)
				if e == nil || !e.Has(f) {
					continue
				}
				pl, err := e.Docs(f)
				if err != nil {
					return true // the reader reports the damage
				}
				docs = append(docs, pl.Docs...)
			}
			if len(sl.Terms) > 1 {
				slices.Sort(docs)
				docs = slices.Compact(docs)
			}
			if k == 0 {
				common = docs
			} else {
				common = intersect(common, docs)
			}
			if len(common) == 0 {
				break
			}
		}
		if len(common) > 0 {
			return true
		}
	}
	return false
}

// intersect returns the docs in both ascending lists.
func intersect(a, b []uint32) []uint32 {
	var out []uint32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
