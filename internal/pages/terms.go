package pages

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"folio/internal/archive"
)

// terms reads a taxonomy's terms as the viewer asks for them (/api/terms?kind=), keeping
// the answer for it.
func (pc *pageCtx) terms(kind string) (*archive.TermsResult, error) {
	res, err := archive.TermCounts(pc.ctx, pc.rd, kind)
	if err != nil {
		return nil, err
	}
	pc.record("/api/terms", url.Values{"kind": {kind}}, res)
	return res, nil
}

// termsPage is the index of every category or tag, most posts first or (?sort=name) by name.
func termsPage(pc *pageCtx, kind string) (*view, error) {
	res, err := pc.terms(kind)
	if err != nil {
		return nil, err
	}
	byName := pc.r.URL.Query().Get("sort") == "name"
	sorted := append([]archive.TermCount(nil), res.Terms...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if byName || sorted[i].Count == sorted[j].Count {
			return byNameLess(sorted[i].Name, sorted[j].Name)
		}
		return sorted[i].Count > sorted[j].Count
	})
	most := 1
	for _, t := range sorted {
		most = max(most, t.Count)
	}
	d := Terms{T: pc.t, Title: pc.t.T(kind), Sub: pc.t.Terms(len(sorted), kind), ByName: byName, Here: pc.herePath()}
	var text strings.Builder
	for _, t := range sorted {
		name := t.Name
		if kind == "tags" {
			name = "#" + name
		}
		// Five weights by the share of the largest count, on a log scale (as the viewer).
		w := min(4, int(math.Log(float64(t.Count+1))/math.Log(float64(most+1))*5))
		d.Chips = append(d.Chips, Chip{Href: pc.termHref(kind, t.Name), Name: name, Count: pc.t.Number(t.Count), Weight: w})
		text.WriteString(t.Name + " ")
	}
	return &view{text: text.String(), page: Page{Title: d.Title, Description: d.Sub, Canonical: pc.abs(pc.here(nil)), Main: d.HTML()}}, nil
}

// archivePage shows every year with its months.
func archivePage(pc *pageCtx, _ []string) (*view, error) {
	years, err := pc.terms("years")
	if err != nil {
		return nil, err
	}
	months, err := pc.terms("months")
	if err != nil {
		return nil, err
	}
	perMonth := map[string]int{}
	for _, m := range months.Terms {
		perMonth[m.Name] = m.Count
	}
	d := Archive{T: pc.t, Title: pc.t.T("archive")}
	total := 0
	sorted := append([]archive.TermCount(nil), years.Terms...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name > sorted[j].Name })
	for _, y := range sorted {
		total += y.Count
		yn, _ := strconv.Atoi(y.Name)
		year := Year{Name: y.Name, Href: pc.href("/archive/" + y.Name + "/"), Count: pc.t.Posts(y.Count)}
		for m := 1; m <= 12; m++ {
			mm := strconv.Itoa(100 + m)[1:]
			c := Chip{Name: pc.t.Month(yn, m, true)}
			if n := perMonth[y.Name+"-"+mm]; n > 0 {
				c.Href, c.Count = pc.href("/archive/"+y.Name+"/"+mm+"/"), pc.t.Number(n)
				c.Label = pc.t.Month(yn, m, false) + ": " + pc.t.Posts(n)
			}
			year.Months = append(year.Months, c)
		}
		d.Years = append(d.Years, year)
	}
	d.Sub = pc.t.Posts(total)
	return &view{page: Page{Title: d.Title, Description: d.Sub, Canonical: pc.abs(pc.here(nil)), Main: d.HTML()}}, nil
}

// byNameLess orders names without regard to case first ("archive" before "A股"), close to
// the viewer's localeCompare.
func byNameLess(a, b string) bool {
	if la, lb := strings.ToLower(a), strings.ToLower(b); la != lb {
		return la < lb
	}
	return a < b
}
