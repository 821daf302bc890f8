package pages

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"folio/internal/archive"
	"folio/internal/search"
)

// facetGroups are the viewer's facets: the result's field, the filter parameter, its title.
var facetGroups = []struct{ field, param, title string }{
	{"categories", "category", "categories"}, {"tags", "tag", "tags"}, {"years", "year", "year"},
}

// searchPage runs /search?q=&sort=&category=&tag=&year=&page=&exact=1 through the same
// engine as /api/search, with sort, filters, facets and pages as plain links.
func searchPage(pc *pageCtx, _ []string) (*view, error) {
	q := pc.r.URL.Query()
	text := strings.TrimSpace(q.Get("q"))
	d := Search{T: pc.t, Title: pc.t.T("searchTitle")}
	v := &view{text: text, page: Page{Title: d.Title, NoIndex: true, Query: text, Canonical: pc.abs(pc.here(nil))}}
	if text == "" {
		d.Message, d.HelpOpen = pc.t.T("searchEmpty"), true
		return pc.searchView(v, &d)
	}
	sort := q.Get("sort")
	if sort != "newest" && sort != "oldest" {
		sort = "relevance"
	}
	page := pc.pageNumber()
	params := url.Values{"q": {text}, "sort": {sort}, "offset": {strconv.Itoa((page - 1) * pageSize)}, "limit": {strconv.Itoa(pageSize)}}
	for _, f := range []string{"category", "tag", "year"} {
		if x := q.Get(f); x != "" {
			params.Set(f, x)
		}
	}
	if q.Get("exact") == "1" {
		params.Set("exact", "1")
	}
	res, err := pc.search(params)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		pc.recordError("/api/search", params, 400, "bad_query", qe.Msg)
		d.Message, d.HelpOpen = pc.t.BadQuery(qe.Msg), true
		return pc.searchView(v, &d)
	case isNotFound(err):
		pc.recordError("/api/search", params, 404, "not_found", err.Error())
		d.Message = pc.t.T("unavailable")
		return pc.searchView(v, &d)
	case err != nil:
		return nil, err
	}
	kept := *res
	kept.Timing = search.Timing{} // diagnostics the viewer does not show: the page stays the same bytes each time
	pc.record("/api/search", params, &kept)
	d.Title = pc.t.ResultsFor(text)
	d.Sub = pc.t.Results(res.Total)
	v.page.Title, v.page.Description = d.Title, d.Sub
	for _, s := range []string{"relevance", "newest", "oldest"} {
		name := map[string]string{"relevance": "relevance", "newest": "newestFirst", "oldest": "oldestFirst"}[s]
		d.Sorts = append(d.Sorts, Chip{Href: pc.searchLink("sort", strings.TrimPrefix(s, "relevance")), Name: pc.t.T(name), Current: s == sort})
	}
	for _, f := range []string{"category", "tag", "year"} {
		if x := q.Get(f); x != "" {
			name := x
			if f == "tag" {
				name = "#" + x
			}
			d.Active = append(d.Active, Chip{Href: pc.searchLink(f, ""), Name: name, Label: name})
		}
	}
	for _, g := range facetGroups {
		counts := map[string][]search.FacetCount{"categories": res.Facets.Categories, "tags": res.Facets.Tags, "years": res.Facets.Years}[g.field]
		counts = slices.DeleteFunc(slices.Clone(counts), func(c search.FacetCount) bool { return c.Name == q.Get(g.param) })
		limit := 8
		if g.field == "years" {
			slices.SortStableFunc(counts, func(a, b search.FacetCount) int { return strings.Compare(b.Name, a.Name) })
			limit = 12
		}
		f := Facet{Title: pc.t.T(g.title)}
		for _, c := range counts[:min(limit, len(counts))] {
			name := c.Name
			if g.param == "tag" {
				name = "#" + name
			}
			f.Chips = append(f.Chips, Chip{Href: pc.searchLink(g.param, c.Name), Name: name, Count: pc.t.Number(c.Count)})
		}
		if len(f.Chips) > 0 {
			d.Facets = append(d.Facets, f)
		}
	}
	l := &List{T: pc.t, Start: (page-1)*pageSize + 1, Empty: pc.t.T("noResults")}
	highlight := "?" + url.Values{"highlight": {text}}.Encode()
	for _, h := range res.Hits {
		it := pc.item(h.Entry, highlight)
		it.Snippet = HTML(h.Snippet) // HTML-escaped text with <mark>s, from internal/search
		l.Items = append(l.Items, it)
	}
	l.Pager = pc.pager(page, res.Total, "prevPage", "nextPage", &v.page)
	d.Results = l
	return pc.searchView(v, &d)
}

// searchLink is this search with one parameter changed, back at page 1.
func (pc *pageCtx) searchLink(param, value string) string {
	return pc.here(map[string]string{param: value, "page": ""})
}

// search runs a search with the API's parameters.
func (pc *pageCtx) search(params url.Values) (*search.Result, error) {
	s, err := archive.Searcher(pc.ctx, pc.e.search, pc.rd)
	if err != nil {
		return nil, err
	}
	o, err := archive.SearchOptions(params)
	if err != nil {
		return nil, err
	}
	return s.Search(pc.ctx, params.Get("q"), o)
}

func (pc *pageCtx) searchView(v *view, d *Search) (*view, error) {
	v.page.Main = d.HTML()
	return v, nil
}
