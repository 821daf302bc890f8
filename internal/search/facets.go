package search

import "folio/internal/search/reader"

// facetCounter counts hits per profile and year; facets turns that into counts per
// category, tag and year.
type facetCounter struct {
	m        *reader.Meta
	profiles []int
	years    []int
	docYear  []uint16 // each doc's year: an index into yearName
	yearName []string
}

func newFacetCounter(m *reader.Meta) *facetCounter {
	names, ofDoc := m.Years()
	return &facetCounter{m: m, profiles: make([]int, len(m.Profiles)), years: make([]int, len(names)), docYear: ofDoc, yearName: names}
}

func (c *facetCounter) add(doc uint32) {
	c.profiles[c.m.DocProfile[doc]]++
	c.years[c.docYear[doc]]++
}

func (c *facetCounter) facets() Facets {
	cats := make([]int, len(c.m.Categories))
	tags := make([]int, len(c.m.Tags))
	for i, n := range c.profiles {
		if n == 0 {
			continue
		}
		for _, k := range c.m.Profiles[i].Cats {
			cats[k] += n
		}
		for _, k := range c.m.Profiles[i].Tags {
			tags[k] += n
		}
	}
	return Facets{Categories: counts(c.m.Categories, cats), Tags: counts(c.m.Tags, tags), Years: counts(c.yearName, c.years)}
}
