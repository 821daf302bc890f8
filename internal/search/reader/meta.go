package reader

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"folio/internal/search/format"
)

// Meta is the decoded metadata file with lookups over it, built once per session.
type Meta struct {
	*format.Meta
	ix metaIndex
}

// DecodeMetaFile decodes the metadata file, and returns it with its memory size.
func DecodeMetaFile(data []byte) (any, int64, error) {
	m, err := format.DecodeMeta(data)
	if err != nil {
		return nil, 0, err
	}
	return &Meta{Meta: m}, int64(len(data)) + 40*int64(m.Docs), nil
}

// metaIndex adds lookups to the metadata, built once per session.
type metaIndex struct {
	once      sync.Once
	mu        sync.Mutex
	lists     map[string][]uint32 // field + "\x00" + name → docs
	catBytes  [][]byte
	tagBytes  [][]byte
	years     []string // distinct years, ascending
	yearBytes [][]byte
	docYear   []uint16 // index into years, per doc
	bodyNorm  [32]float64
	titleNorm float64
}

func (m *Meta) prepare() {
	m.ix.once.Do(func() {
		ix := &m.ix
		ix.lists = map[string][]uint32{}
		for _, s := range m.Categories {
			ix.catBytes = append(ix.catBytes, []byte(s))
		}
		for _, s := range m.Tags {
			ix.tagBytes = append(ix.tagBytes, []byte(s))
		}
		ix.docYear = make([]uint16, m.Docs)
		index := map[string]uint16{}
		var last int32 = math.MinInt32
		var y uint16
		for i, d := range m.Days {
			if d != last {
				name := yearOf(d)
				k, ok := index[name]
				if !ok {
					k = uint16(len(ix.years))
					index[name] = k
					ix.years = append(ix.years, name)
					ix.yearBytes = append(ix.yearBytes, []byte(name))
				}
				y, last = k, d
			}
			ix.docYear[i] = y
		}
		for c := range ix.bodyNorm {
			ix.bodyNorm[c] = classNorm(byte(c))
		}
		ix.titleNorm = classNorm(m.TitleClass)
	})
}

// classNorm is bleve's field norm, 1/sqrt(length), of a length class.
func classNorm(class byte) float64 { return 1 / math.Sqrt(math.Exp2(float64(class))) }

// norm returns doc n's norm in a text field.
func (m *Meta) norm(f int, n uint32) float64 {
	if f == format.FieldTitle {
		return m.ix.titleNorm
	}
	return m.ix.bodyNorm[m.Profiles[m.DocProfile[n]].BodyClass&31]
}

// docsWith returns the docs with a category or tag, ascending.
func (m *Meta) docsWith(field, name string) []uint32 {
	m.prepare()
	key := field + "\x00" + name
	m.ix.mu.Lock()
	defer m.ix.mu.Unlock()
	if l, ok := m.ix.lists[key]; ok {
		return l
	}
	names := m.Categories
	if field == FieldTag {
		names = m.Tags
	}
	var docs []uint32
	if k := indexOf(names, name); k >= 0 {
		has := make([]bool, len(m.Profiles))
		for i, p := range m.Profiles {
			l := p.Cats
			if field == FieldTag {
				l = p.Tags
			}
			for _, v := range l {
				has[i] = has[i] || int(v) == k
			}
		}
		for doc, p := range m.DocProfile {
			if has[p] {
				docs = append(docs, uint32(doc))
			}
		}
	}
	m.ix.lists[key] = docs
	return docs
}

func indexOf(names []string, name string) int {
	for i, s := range names {
		if s == name {
			return i
		}
	}
	return -1
}

// docsDated returns the docs dated from day from to day to, inclusive, ascending.
func (m *Meta) docsDated(from, to int32) []uint32 {
	var docs []uint32
	for i, d := range m.Days {
		if d >= from && d <= to {
			docs = append(docs, uint32(i))
		}
	}
	return docs
}

// Resolve finds a category or tag name as written in the posts: exactly, else ignoring
// case. It returns "" when there is none.
func (m *Meta) Resolve(field, name string) string {
	names := m.Categories
	if field == FieldTag {
		names = m.Tags
	}
	if indexOf(names, name) >= 0 {
		return name
	}
	for _, s := range names {
		if strings.EqualFold(s, name) {
			return s
		}
	}
	return ""
}

// Years returns the distinct years of the docs, ascending, and each doc's year as an
// index into them.
func (m *Meta) Years() (names []string, ofDoc []uint16) {
	m.prepare()
	return m.ix.years, m.ix.docYear
}

// yearOf is the year of a day number.
func yearOf(day int32) string {
	return strconv.Itoa(time.Unix(int64(day)*86400, 0).UTC().Year())
}

// DaysTerm is the FieldDays term of a day range.
func DaysTerm(from, to int32) string { return fmt.Sprintf("%d..%d", from, to) }

// parseDays reads a DaysTerm.
func parseDays(term string) (from, to int32, ok bool) {
	a, b, found := strings.Cut(term, "..")
	if !found {
		return 0, 0, false
	}
	x, err1 := strconv.ParseInt(a, 10, 32)
	y, err2 := strconv.ParseInt(b, 10, 32)
	return int32(x), int32(y), err1 == nil && err2 == nil
}
