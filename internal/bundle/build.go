package bundle

import (
	"sort"
	"sync"
	"time"

	"folio/internal/post"
)

// Site is what the manifest says about the site as a whole.
type Site struct {
	Title   string
	BaseURL string
	// URL, Lang and Description come from _config.yml's url, lang (or locale) and
	// description; server-rendered pages use them for canonical links and <html lang>.
	URL, Lang, Description string
}

// Build writes every post, list, lookup bucket and term index into w and returns the
// manifest (not yet written: pass it to w.Finish, after adding any Extra files).
func Build(w *Writer, posts []*post.Post, site Site) *Manifest {
	m, _ := BuildLayout(w, posts, site)
	return m
}

// Layout says which shard holds each post: Shards[i] holds the posts from Starts[i] up to
// Starts[i+1] (the last up to the end), numbered in Sorted order. Packages that add Extra
// files use it to point at posts without the lookup buckets.
type Layout struct {
	Shards []string
	Starts []int
}

// BuildLayout is Build, also returning the shard layout.
func BuildLayout(w *Writer, posts []*post.Post, site Site) (*Manifest, Layout) {
	return BuildSized(w, posts, site, DefaultSizes())
}

// BuildSized is BuildLayout with shards and lookup buckets of the given sizes (a size of
// 0 or less is the default's).
func BuildSized(w *Writer, posts []*post.Post, site Site, sizes Sizes) (*Manifest, Layout) {
	if sizes.ShardBytes <= 0 {
		sizes.ShardBytes = ShardBytes
	}
	if sizes.BucketPosts <= 0 {
		sizes.BucketPosts = BucketPosts
	}
	sorted := Sorted(posts)
	m := &Manifest{Format: Format, Version: Version, Title: site.Title, BaseURL: site.BaseURL,
		URL: site.URL, Lang: site.Lang, Description: site.Description, Posts: len(sorted), Terms: map[string]string{}}
	if len(sorted) > 0 {
		m.Oldest = formatDate(sorted[0].Date)
		m.Newest = formatDate(sorted[len(sorted)-1].Date)
	}
	entries := make([]Entry, len(sorted))
	listed := make([]Entry, len(sorted)) // as lists show them: a bounded number of terms
	for i, p := range sorted {
		entries[i] = entryOf(p)
		listed[i] = listEntry(entries[i])
	}

	var wg sync.WaitGroup
	var lay Layout
	wg.Go(func() { lay = writeShards(w, sorted, entries, sizes.ShardBytes) })
	wg.Go(func() {
		all := make([]Entry, len(listed))
		for i, e := range listed {
			e.Excerpt = post.Shorten(sorted[i].Excerpt, ListExcerptRunes)
			all[i] = e
		}
		m.All = writeList(w, all)
	})
	terms := map[string]string{}
	var mu sync.Mutex
	for _, kind := range Taxonomies {
		wg.Go(func() {
			name := writeTerms(w, kind, entries, listed)
			mu.Lock()
			terms[kind] = name
			mu.Unlock()
		})
	}
	wg.Wait()
	m.Terms = terms
	m.Lookup = writeLookup(w, sorted, sizes.BucketPosts)
	firsts := make([]Key, len(lay.Starts))
	for i, s := range lay.Starts {
		firsts[i] = KeyOf(sorted[s])
	}
	m.Shards = writeKeyedTable(w, lay.Shards, firsts)
	return m, lay
}

// KeyOf is a post's Key.
func KeyOf(p *post.Post) Key {
	return Key{Sec: p.Date.Unix(), Nsec: p.Date.Nanosecond(), File: p.File}
}

// Sorted returns the posts in bundle order: oldest first, posts of the same instant by
// file name. Post n of this order is entry n of the list of all posts (page n/PageSize,
// index n%PageSize) and doc n of the search data.
func Sorted(posts []*post.Post) []*post.Post {
	sorted := append([]*post.Post(nil), posts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].Date.Equal(sorted[j].Date) {
			return sorted[i].Date.Before(sorted[j].Date)
		}
		return sorted[i].File < sorted[j].File
	})
	return sorted
}

func formatDate(t time.Time) string { return t.Format(time.RFC3339) }

func entryOf(p *post.Post) Entry {
	return Entry{ID: p.ID, File: p.File, URL: p.URL, Title: p.Title, Date: formatDate(p.Date),
		Categories: nonNil(p.Categories), Tags: nonNil(p.Tags)}
}

// listEntry is e as list pages hold it: at most ListTerms categories and tags, with the
// number left out. A post listed under each of its N tags would otherwise put all N tags
// in N lists: quadratic work for a post with thousands of tags. The post itself (in its
// shard) keeps them all.
func listEntry(e Entry) Entry {
	if n := len(e.Categories); n > ListTerms {
		e.Categories, e.MoreCategories = e.Categories[:ListTerms:ListTerms], n-ListTerms
	}
	if n := len(e.Tags); n > ListTerms {
		e.Tags, e.MoreTags = e.Tags[:ListTerms:ListTerms], n-ListTerms
	}
	return e
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeShards cuts the posts (oldest first) into shards of about target bytes and returns
// their layout. A shard closes after a post whose ID hash ends in four zero bits
// once the shard is a quarter full, or when it is full: boundaries depend on the posts themselves, so adding
// or removing one post changes only the shards around it.
func writeShards(w *Writer, sorted []*post.Post, entries []Entry, target int) Layout {
	var lay Layout
	var batch [][]byte
	start, size := 0, 0
	flush := func(end int) {
		if len(batch) == 0 {
			return
		}
		// One post per line (JSON text holds no raw newline), so that a reader can decode
		// just the post it needs (see Reader.ShardPost).
		var b []byte
		b = append(b, shardHead...)
		for i, pj := range batch {
			if i > 0 {
				b = append(b, ",\n"...)
			}
			b = append(b, pj...)
		}
		b = append(b, shardTail...)
		lay.Shards = append(lay.Shards, w.Put("p", b))
		lay.Starts = append(lay.Starts, start)
		batch, start, size = nil, end, 0
	}
	for i, p := range sorted {
		sp := Post{Entry: entries[i], Excerpt: p.Excerpt, Format: p.Format, Body: p.Body}
		if i > 0 {
			sp.Older = &Link{ID: sorted[i-1].ID, URL: sorted[i-1].URL, Title: sorted[i-1].Title}
		}
		if i+1 < len(sorted) {
			sp.Newer = &Link{ID: sorted[i+1].ID, URL: sorted[i+1].URL, Title: sorted[i+1].Title}
		}
		pj := appendPost(nil, &sp)
		if size > 0 && size+len(pj) > target {
			flush(i)
		}
		batch = append(batch, pj)
		size += len(pj)
		if size >= target/4 && BucketOf(p.ID, 1<<30)&15 == 0 {
			flush(i + 1)
		}
	}
	flush(len(sorted))
	return lay
}

// writeList writes entries (oldest first) as pages and returns the list.
func writeList(w *Writer, entries []Entry) List {
	var names []string
	for i := 0; i < len(entries); i += PageSize {
		end := min(i+PageSize, len(entries))
		names = append(names, w.Put("l", appendPage(nil, &Page{Entries: entries[i:end]})))
	}
	return List{Total: len(entries), PageSize: PageSize, Pages: writeTable(w, names)}
}

// writeTable returns a table of names, writing sub-tables when there are more than
// TableFanout of them.
func writeTable(w *Writer, names []string) Table {
	if names == nil {
		names = []string{}
	}
	t := Table{Len: len(names), Files: names}
	for len(t.Files) > TableFanout {
		var up []string
		for i := 0; i < len(t.Files); i += TableFanout {
			end := min(i+TableFanout, len(t.Files))
			up = append(up, w.PutJSON("t", Table{Len: end - i, Depth: t.Depth, Files: t.Files[i:end]}))
		}
		t = Table{Len: len(names), Depth: t.Depth + 1, Files: up}
	}
	return t
}

// writeKeyedTable returns a keyed table of names, whose first keys are firsts, writing
// sub-tables (each with the first keys of its files) when there are more than TableFanout.
func writeKeyedTable(w *Writer, names []string, firsts []Key) Table {
	if names == nil {
		names, firsts = []string{}, []Key{}
	}
	t := Table{Len: len(names), Files: names, Keys: firsts}
	for len(t.Files) > TableFanout {
		var up []string
		var upKeys []Key
		for i := 0; i < len(t.Files); i += TableFanout {
			end := min(i+TableFanout, len(t.Files))
			up = append(up, w.PutJSON("t", Table{Len: end - i, Depth: t.Depth, Files: t.Files[i:end], Keys: t.Keys[i:end]}))
			upKeys = append(upKeys, t.Keys[i])
		}
		t = Table{Len: len(names), Depth: t.Depth + 1, Files: up, Keys: upKeys}
	}
	return t
}

// termsOf returns the names an entry is listed under in a taxonomy.
func termsOf(kind string, e Entry) []string {
	switch kind {
	case "categories":
		return e.Categories
	case "tags":
		return e.Tags
	case "years":
		return []string{e.Date[:4]}
	case "months":
		return []string{e.Date[:7]}
	}
	return nil
}

// writeTerms writes one list per category or tag, and the term index. Years and months
// are runs of the list of all posts. A post is listed under every one of its terms
// (entries), as listed shows it.
func writeTerms(w *Writer, kind string, entries, listed []Entry) string {
	idx := TermIndex{Kind: kind, Terms: []Term{}}
	byTerm := map[string][]Entry{}
	if kind == "years" || kind == "months" {
		runs := map[string]int{}
		for i, e := range entries {
			name := termsOf(kind, e)[0]
			if n := len(idx.Terms); n > 0 && idx.Terms[n-1].Name == name {
				idx.Terms[n-1].Count++
				continue
			}
			runs[name]++
			idx.Terms = append(idx.Terms, Term{Name: name, Count: 1, Start: i})
		}
		// Posts in different time zones can interleave around a year or month boundary;
		// such a term is not one run and gets a list of its own.
		kept := idx.Terms[:0]
		for _, t := range idx.Terms {
			if runs[t.Name] == 1 {
				kept = append(kept, t)
			}
		}
		idx.Terms = kept
		for i, e := range entries {
			if name := termsOf(kind, e)[0]; runs[name] > 1 {
				byTerm[name] = append(byTerm[name], listed[i])
			}
		}
	} else {
		for i, e := range entries {
			for _, t := range termsOf(kind, e) {
				byTerm[t] = append(byTerm[t], listed[i])
			}
		}
	}
	for name, es := range byTerm {
		list := writeList(w, es)
		idx.Terms = append(idx.Terms, Term{Name: name, Count: len(es), List: w.PutJSON("t", list)})
	}
	sort.Slice(idx.Terms, func(i, j int) bool { return idx.Terms[i].Name < idx.Terms[j].Name })
	return w.PutJSON("i", idx)
}

// writeLookup writes the lookup buckets, about perBucket posts each: post ID to Key, and
// URL to post ID.
func writeLookup(w *Writer, sorted []*post.Post, perBucket int) Table {
	n := 1
	for n*perBucket < len(sorted) {
		n *= 2
	}
	buckets := make([]Bucket, n)
	for i := range buckets {
		buckets[i] = Bucket{IDs: map[string]Key{}, URLs: map[string]string{}}
	}
	for _, p := range sorted {
		buckets[BucketOf(p.ID, n)].IDs[p.ID] = KeyOf(p)
		buckets[BucketOf(p.URL, n)].URLs[p.URL] = p.ID
	}
	names := make([]string, n)
	for i, b := range buckets {
		names[i] = w.PutJSON("k", b)
	}
	return writeTable(w, names)
}
