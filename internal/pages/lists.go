package pages

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"folio/internal/archive"
	"folio/internal/bundle"
)

// pageSize is how many posts a list page shows (the viewer's PAGE_SIZE).
const pageSize = 20

// list reads one page of a filtered list as the viewer asks for it (/api/list with the
// same parameters), keeping the answer for it. A list that does not exist is nil.
func (pc *pageCtx) list(filters map[string]string, params url.Values, page int) (*archive.ListResult, error) {
	params.Set("offset", strconv.Itoa((page-1)*pageSize))
	params.Set("limit", strconv.Itoa(pageSize))
	res, err := archive.Entries(pc.ctx, pc.rd, filters, (page-1)*pageSize, pageSize)
	if isNotFound(err) {
		pc.recordError("/api/list", params, 404, "not_found", err.Error())
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pc.record("/api/list", params, res)
	return res, nil
}

// listView is a list page: its heading, items and pager; prev/next go into the head.
func (pc *pageCtx) listView(l *List, res *archive.ListResult, page int) (*view, error) {
	var text strings.Builder
	for _, e := range res.Items {
		l.Items = append(l.Items, pc.item(e, ""))
		text.WriteString(e.Title + " " + e.Excerpt + " ")
	}
	if l.Empty == "" {
		l.Empty = pc.t.T("noTerms")
	}
	l.T = pc.t
	v := &view{text: text.String(), page: Page{Title: l.Title, Canonical: pc.abs(pc.here(nil))}}
	l.Pager = pc.pager(page, res.Total, "newer", "older", &v.page)
	if page > 1 {
		v.page.Title = l.Title + " · " + pc.t.PageOf(page, pageCount(res.Total))
	}
	v.page.Main = l.HTML()
	return v, nil
}

// pageCount is the number of list pages for total posts (at least 1).
func pageCount(total int) int { return max(1, (total+pageSize-1)/pageSize) }

// pager links the pages before and after page, and puts them into the head as rel=prev/next.
func (pc *pageCtx) pager(page, total int, back, fwd string, head *Page) *Pager {
	n := pageCount(total)
	if n <= 1 {
		return nil
	}
	p := &Pager{PrevText: pc.t.T(back), NextText: pc.t.T(fwd), Label: pc.t.T("pagination"), Page: pc.t.PageOf(page, n)}
	if page > 1 {
		p.Prev = pc.here(map[string]string{"page": strconv.Itoa(min(page-1, n))})
		head.Prev = pc.abs(p.Prev)
	}
	if page < n {
		p.Next = pc.here(map[string]string{"page": strconv.Itoa(page + 1)})
		head.Next = pc.abs(p.Next)
	}
	return p
}

// item is a post in a list; params go on its link (a search's highlight).
func (pc *pageCtx) item(e bundle.Entry, params string) Item {
	it := Item{Href: pc.href(e.URL) + params, Title: e.Title, Date: e.Date, Day: pc.t.Date(e.Date, true), Excerpt: e.Excerpt}
	if it.Title == "" {
		it.Title = e.ID
	}
	for _, c := range e.Categories {
		it.Categories = append(it.Categories, Link{Href: pc.termHref("categories", c), Text: c})
	}
	return it
}

// termHref links a category's or tag's list.
func (pc *pageCtx) termHref(kind, name string) string {
	if kind == "categories" {
		return pc.href("/category/" + name + "/")
	}
	return pc.href("/tag/" + name + "/")
}

func homePage(pc *pageCtx, _ []string) (*view, error) {
	page := pc.pageNumber()
	res, err := pc.list(nil, url.Values{}, page)
	if err != nil || res == nil {
		return pc.notFound(), err
	}
	l := &List{Title: pc.m.Title}
	if pc.m.Posts > 0 {
		l.Sub = pc.t.PostsSpan(pc.m.Posts, yearOf(pc.m.Oldest), yearOf(pc.m.Newest))
	}
	if page == 1 {
		l.Section = pc.t.T("newest")
	}
	v, err := pc.listView(l, res, page)
	if err == nil {
		v.page.Title = "" // the site's title alone, as the viewer does
		if page > 1 {
			v.page.Title = pc.t.PageOf(page, pageCount(res.Total))
		}
	}
	return v, err
}

func yearOf(iso string) string { return iso[:min(4, len(iso))] }

func categoryPage(pc *pageCtx, params []string) (*view, error) {
	return pc.termList("categories", "category", params[0], pc.t.CategoryTitle(params[0]), "/categories/", "allCategories")
}

func tagPage(pc *pageCtx, params []string) (*view, error) {
	return pc.termList("tags", "tag", params[0], pc.t.TagTitle(params[0]), "/tags/", "allTags")
}

// termList is the list of a category or tag.
func (pc *pageCtx) termList(kind, param, name, title, index, indexText string) (*view, error) {
	page := pc.pageNumber()
	res, err := pc.list(map[string]string{kind: name}, url.Values{param: {name}}, page)
	if err != nil || res == nil {
		return pc.notFound(), err
	}
	l := &List{Title: title, Sub: pc.t.Posts(res.Total), Crumbs: []Link{{Href: pc.href(index), Text: pc.t.T(indexText)}}}
	return pc.listView(l, res, page)
}

func yearPage(pc *pageCtx, params []string) (*view, error) {
	year := params[0]
	page := pc.pageNumber()
	res, err := pc.list(map[string]string{"years": year}, url.Values{"year": {year}}, page)
	if err != nil || res == nil {
		return pc.notFound(), err
	}
	l := &List{Title: year, Sub: pc.t.Posts(res.Total)}
	if err := pc.monthsNav(l, year, ""); err != nil {
		return nil, err
	}
	return pc.listView(l, res, page)
}

func monthPage(pc *pageCtx, params []string) (*view, error) {
	year, m := params[0], params[1]
	month, _ := strconv.Atoi(m)
	if month < 1 || month > 12 {
		return pc.notFound(), nil
	}
	mm := fmt.Sprintf("%02d", month)
	page := pc.pageNumber()
	res, err := pc.list(map[string]string{"months": year + "-" + mm}, url.Values{"year": {year}, "month": {mm}}, page)
	if err != nil || res == nil {
		return pc.notFound(), err
	}
	y, _ := strconv.Atoi(year)
	l := &List{Title: pc.t.Month(y, month, false), Sub: pc.t.Posts(res.Total)}
	if err := pc.monthsNav(l, year, mm); err != nil {
		return nil, err
	}
	return pc.listView(l, res, page)
}

// monthsNav adds the bar of a year's months with posts, as the viewer's monthsNav does.
func (pc *pageCtx) monthsNav(l *List, year, current string) error {
	terms, err := pc.terms("months")
	if err != nil {
		return err
	}
	y, _ := strconv.Atoi(year)
	l.CrumbsLabel = year
	l.Crumbs = []Link{{Href: pc.href("/archive/"), Text: pc.t.T("archiveAll")}}
	if current != "" {
		l.Crumbs = append(l.Crumbs, Link{Href: pc.href("/archive/" + year + "/"), Text: year})
	}
	for _, t := range terms.Terms {
		mm, ok := strings.CutPrefix(t.Name, year+"-")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(mm)
		l.Months = append(l.Months, Chip{Href: pc.href("/archive/" + year + "/" + mm + "/"), Name: pc.t.Month(y, n, true),
			Count: pc.t.Number(t.Count), Current: mm == current})
	}
	return nil
}
