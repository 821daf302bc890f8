package format

import (
	"encoding/binary"
	"math"
	"slices"
)

// Meta is what the searcher knows about every doc without fetching more: facets, date
// filters and length norms. Docs share profiles (their categories, tags and body length
// class): one small column of profile numbers compresses far better than separate
// columns (at 100k generated posts, 81 kB brotli against 168 kB).
type Meta struct {
	Docs       int
	Categories []string // names, sorted
	Tags       []string
	Profiles   []Profile
	// DocProfile[n] is doc n's profile.
	DocProfile []uint32
	// Days[n] is doc n's date as days since 1970-01-01, in the post's own zone.
	Days []int32
	// TitleClass is the length class of the average title (title norms are taken as
	// equal: titles vary little in length).
	TitleClass byte
	// Grams lists the gram terms (of 3 to analysis.MaxGram characters) the index holds (see
	// analysis.GramMark), sorted. Written as "trigrams" before longer grams came.
	Grams []string
}

// Profile is what docs may share: categories and tags (indexes into the name lists) and
// the body's length class (LengthClass of its token count).
type Profile struct {
	Cats, Tags []uint32
	BodyClass  byte
}

func EncodeMeta(m *Meta) []byte {
	var e enc
	e.header('M')
	e.uvarint(uint64(m.Docs))
	e.byte(m.TitleClass)
	for _, names := range [][]string{m.Categories, m.Tags} {
		e.uvarint(uint64(len(names)))
		for _, s := range names {
			e.str(s)
		}
	}
	e.uvarint(uint64(len(m.Profiles)))
	for _, p := range m.Profiles {
		for _, l := range [][]uint32{p.Cats, p.Tags} {
			e.uvarint(uint64(len(l)))
			for _, v := range l {
				e.uvarint(uint64(v))
			}
		}
		e.byte(p.BodyClass)
	}
	for _, p := range m.DocProfile {
		e.uvarint(uint64(p))
	}
	// Days as runs: docs are sorted by date, so most runs are long.
	var runs [][2]int64
	for i, day := range m.Days {
		if i > 0 && runs[len(runs)-1][0] == int64(day) {
			runs[len(runs)-1][1]++
			continue
		}
		runs = append(runs, [2]int64{int64(day), 1})
	}
	e.uvarint(uint64(len(runs)))
	prev := int64(0)
	for _, r := range runs {
		e.b = binary.AppendVarint(e.b, r[0]-prev)
		e.uvarint(uint64(r[1]))
		prev = r[0]
	}
	if len(m.Grams) > 0 { // optional: data written before trigrams ends here
		e.uvarint(uint64(len(m.Grams)))
		for _, t := range m.Grams {
			e.str(t)
		}
	}
	return e.b
}

func DecodeMeta(data []byte) (*Meta, error) {
	d := dec{b: data}
	d.header('M')
	m := &Meta{Docs: d.int(len(data))}
	m.TitleClass = d.byte()
	names := [2][]string{}
	for k := range names {
		n := d.int(len(data))
		for i := 0; i < n && d.err == nil; i++ {
			names[k] = append(names[k], d.str())
		}
	}
	m.Categories, m.Tags = names[0], names[1]
	np := d.int(len(data))
	m.Profiles = make([]Profile, np)
	for i := 0; i < np && d.err == nil; i++ {
		p := &m.Profiles[i]
		for k, l := range []*[]uint32{&p.Cats, &p.Tags} {
			c := d.int(len(names[k]))
			*l = make([]uint32, c)
			for j := range *l {
				(*l)[j] = uint32(d.int(len(names[k]) - 1))
			}
		}
		p.BodyClass = d.byte()
	}
	m.DocProfile = make([]uint32, m.Docs)
	for i := range m.DocProfile {
		m.DocProfile[i] = uint32(d.int(np - 1))
	}
	nruns := d.int(m.Docs)
	m.Days = make([]int32, 0, m.Docs)
	prev := int64(0)
	for i := 0; i < nruns && d.err == nil; i++ {
		v, n := binary.Varint(d.b)
		if n <= 0 {
			d.fail()
			break
		}
		d.b = d.b[n:]
		prev += v
		count := d.int(m.Docs - len(m.Days))
		for range count {
			m.Days = append(m.Days, int32(prev))
		}
	}
	if len(d.b) > 0 && d.err == nil {
		n := d.int(len(data))
		for i := 0; i < n && d.err == nil; i++ {
			m.Grams = append(m.Grams, d.str())
			if i > 0 && m.Grams[i] <= m.Grams[i-1] {
				d.fail()
			}
		}
	}
	if d.err != nil || len(m.Days) != m.Docs || len(d.b) != 0 {
		return nil, ErrDamaged
	}
	return m, nil
}

// HasGram reports whether the index holds the gram term t.
func (m *Meta) HasGram(t string) bool {
	_, ok := slices.BinarySearch(m.Grams, t)
	return ok
}

// LengthClass is a field length's class: round(log2(n)). The norm of a class c is
// 1/sqrt(2^c).
func LengthClass(n int) byte {
	if n <= 1 {
		return 0
	}
	return byte(min(31, int(math.Round(math.Log2(float64(n))))))
}
