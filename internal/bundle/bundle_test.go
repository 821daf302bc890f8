package bundle

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"folio/internal/post"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

var (
	utc      = time.UTC
	shanghai = time.FixedZone("", 8*3600)
	newYork  = time.FixedZone("", -5*3600)
)

// synthPosts makes n posts, oldest first by index, across years, months and three time
// zones, with bodies long enough to fill several shards. Two posts straddle a month end
// in different zones, so that month's posts are not one run of the list of all posts.
func synthPosts(n int) []*post.Post {
	cats := []string{"tech", "tea", "新闻", "Life Notes"}
	tags := []string{"go", "jekyll", "绿茶", "a b", "x"}
	zones := []*time.Location{utc, shanghai, newYork}
	base := time.Date(2019, 1, 3, 8, 0, 0, 0, utc)
	var out []*post.Post
	for i := range n {
		d := base.Add(time.Duration(i)*61*time.Hour + time.Duration(i%7)*time.Minute).In(zones[i%3])
		p := &post.Post{
			Title:   fmt.Sprintf("Post %d: 标题 <%d> & \"quotes\"", i, i),
			Date:    d,
			Excerpt: fmt.Sprintf("Excerpt of post %d. 摘要。", i),
			Format:  "markdown",
			Body:    strings.Repeat(fmt.Sprintf("Paragraph of post %d with some text, 中文内容，and <b>html</b>.\n\n", i), 10+i%40),
		}
		slug := fmt.Sprintf("post-%03d", i)
		switch i % 5 {
		case 0:
			p.Categories = []string{cats[i%len(cats)]}
			p.Tags = []string{tags[i%len(tags)], tags[(i+1)%len(tags)]}
		case 1:
			p.Categories = []string{cats[i%len(cats)], cats[(i+1)%len(cats)]}
		case 2:
			p.Tags = []string{tags[i%len(tags)]}
		case 3:
			p.Format = "html"
			p.Body = "<p>" + p.Body + "</p>"
		case 4: // no categories or tags (nil)
		}
		dir := ""
		if i%4 == 1 {
			dir = "sub dir/"
		}
		name := d.Format("2006-01-02") + "-" + slug
		p.ID = dir + name
		p.File = p.ID + ".md"
		if i%6 == 0 {
			p.URL = "/" + strings.ToLower(strings.Join(p.Categories, "/")) + d.Format("/2006/01/02/") + slug + "/"
			p.URL = strings.ReplaceAll(p.URL, "//", "/")
		} else {
			p.URL = d.Format("/2006/01/02/") + slug + ".html"
		}
		out = append(out, p)
	}
	// A post on the evening of 31 January in New York is 1 February in UTC: it sorts after
	// a UTC post of 1 February 00:30 but belongs to January.
	jan := time.Date(2019, 1, 31, 20, 0, 0, 0, newYork)
	feb := time.Date(2019, 2, 1, 0, 30, 0, 0, utc)
	for k, d := range []time.Time{jan, feb} {
		id := fmt.Sprintf("%s-edge-%d", d.Format("2006-01-02"), k)
		out = append(out, &post.Post{ID: id, File: id + ".md", URL: "/edge/" + id + ".html",
			Title: "Edge " + id, Date: d, Format: "markdown", Body: "edge", Categories: []string{"edge"}})
	}
	// Two posts at the same instant: the file name orders them.
	same := time.Date(2020, 6, 1, 12, 0, 0, 0, utc)
	for _, id := range []string{"2020-06-01-same-b", "2020-06-01-same-a"} {
		out = append(out, &post.Post{ID: id, File: id + ".md", URL: "/" + id + ".html",
			Title: id, Date: same, Format: "markdown", Body: id, Tags: []string{"same"}})
	}
	return out
}

// sortedPosts orders posts as the list of all posts does: by date, then by file.
func sortedPosts(posts []*post.Post) []*post.Post {
	s := slices.Clone(posts)
	sort.SliceStable(s, func(i, j int) bool {
		if !s[i].Date.Equal(s[j].Date) {
			return s[i].Date.Before(s[j].Date)
		}
		return s[i].File < s[j].File
	})
	return s
}

func buildInto(t *testing.T, dir string, posts []*post.Post, workers int) (*Manifest, Stats) {
	t.Helper()
	w, err := NewWriter(dir, true, workers)
	if err != nil {
		t.Fatal(err)
	}
	m := Build(w, posts, Site{Title: "Synthetic <archive>", BaseURL: "/"})
	st, err := w.Finish(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, st
}

func openDir(t *testing.T, dir string) *Reader {
	t.Helper()
	r, err := Open(context.Background(), FS(os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// readTree returns every file under dir by its slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func ids(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	posts := synthPosts(250)
	dir := t.TempDir()
	m, st := buildInto(t, dir, posts, 0)
	r := openDir(t, dir)
	sorted := sortedPosts(posts)

	// The manifest.
	got := r.Manifest()
	if got.Format != Format || got.Version != Version || got.Posts != len(posts) || got.Title != "Synthetic <archive>" {
		t.Errorf("manifest %+v", got)
	}
	if got.Oldest != sorted[0].Date.Format(time.RFC3339) || got.Newest != sorted[len(sorted)-1].Date.Format(time.RFC3339) {
		t.Errorf("oldest %s newest %s", got.Oldest, got.Newest)
	}
	if got.All.Total != len(posts) || got.All.PageSize != PageSize || got.All.Pages.Len != (len(posts)+PageSize-1)/PageSize {
		t.Errorf("all list %+v", got.All)
	}
	if got.Lookup.Len < 2 {
		t.Errorf("lookup has %d buckets; the test needs more than one", got.Lookup.Len)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("manifest read back differs from the one written")
	}
	if st.Files == 0 || st.Written != st.Files || st.Removed != 0 || st.BrotliBytes == 0 || st.GzipBytes == 0 {
		t.Errorf("stats %+v", st)
	}

	// Files: several shards, each named after its content, each with .br/.gz copies of
	// the same bytes; no temporary files left.
	tree := readTree(t, dir)
	shards := 0
	for name, data := range tree {
		switch {
		case name == EntryFile:
		case strings.HasSuffix(name, ".tmp"):
			t.Errorf("temporary file %s left", name)
		case strings.HasSuffix(name, ".br"):
			plain, err := io.ReadAll(brotli.NewReader(bytes.NewReader(data)))
			if err != nil || !bytes.Equal(plain, tree[strings.TrimSuffix(name, ".br")]) {
				t.Errorf("%s does not decompress to its file (%v)", name, err)
			}
		case strings.HasSuffix(name, ".gz"):
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(plain, tree[strings.TrimSuffix(name, ".gz")]) {
				t.Errorf("%s does not decompress to its file (%v)", name, err)
			}
		default:
			sum := sha256.Sum256(data)
			kind, _, _ := strings.Cut(name, "/")
			if want := kind + "/" + hex.EncodeToString(sum[:8]) + ".json"; name != want {
				t.Errorf("file %s should be named %s", name, want)
			}
			if tree[name+".br"] == nil || tree[name+".gz"] == nil {
				t.Errorf("%s has no .br or .gz copy", name)
			}
			if kind == "p" {
				shards++
				var s Shard
				if err := json.Unmarshal(data, &s); err != nil {
					t.Errorf("%s: %v", name, err)
				}
				if len(data) > ShardBytes && len(s.Posts) > 1 {
					t.Errorf("shard %s is %d bytes with %d posts, over ShardBytes", name, len(data), len(s.Posts))
				}
			}
		}
	}
	if shards < 3 {
		t.Errorf("%d shards; the test needs several", shards)
	}
	if st.Files != len(tree)/3-1 {
		t.Errorf("stats count %d data files, the folder has %d (+ copies and the manifest)", st.Files, len(tree)/3-1)
	}

	// Every post by ID, with every field as written and its neighbours.
	for i, p := range sorted {
		bp, err := r.Post(ctx, p.ID)
		if err != nil {
			t.Fatalf("Post(%q): %v", p.ID, err)
		}
		want := Post{
			Entry: Entry{ID: p.ID, File: p.File, URL: p.URL, Title: p.Title, Date: p.Date.Format(time.RFC3339),
				Categories: nonNilStrings(p.Categories), Tags: nonNilStrings(p.Tags)},
			Excerpt: p.Excerpt, Format: p.Format, Body: p.Body,
		}
		if i > 0 {
			q := sorted[i-1]
			want.Older = &Link{ID: q.ID, URL: q.URL, Title: q.Title}
		}
		if i+1 < len(sorted) {
			q := sorted[i+1]
			want.Newer = &Link{ID: q.ID, URL: q.URL, Title: q.Title}
		}
		if !reflect.DeepEqual(*bp, want) {
			t.Errorf("post %s differs:\n got %+v\nwant %+v", p.ID, *bp, want)
		}
		d, err := time.Parse(time.RFC3339, bp.Date)
		if err != nil || !d.Equal(p.Date) {
			t.Errorf("post %s: date %s does not parse back to %s", p.ID, bp.Date, p.Date)
		}
	}
	if _, err := r.Post(ctx, "no/such-post"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Post(missing): %v, want ErrNotFound", err)
	}

	// Every URL, in every form it may be asked for.
	for _, p := range posts {
		forms := []string{p.URL}
		if base, ok := strings.CutSuffix(p.URL, ".html"); ok {
			forms = append(forms, base, base+"/")
		} else if base, ok := strings.CutSuffix(p.URL, "/"); ok {
			forms = append(forms, base, base+".html", base+"/index.html")
		}
		for _, u := range forms {
			id, err := r.IDForURL(ctx, u)
			if err != nil || id != p.ID {
				t.Errorf("IDForURL(%q) = %q, %v; want %q", u, id, err, p.ID)
			}
		}
	}
	if _, err := r.IDForURL(ctx, "/no/such/url.html"); !errors.Is(err, ErrNotFound) {
		t.Errorf("IDForURL(missing): %v, want ErrNotFound", err)
	}

	// The list of all posts, newest first, in slices that cross page boundaries.
	newest := make([]string, len(sorted))
	for i, p := range sorted {
		newest[len(sorted)-1-i] = p.ID
	}
	all := r.AllSpan()
	for _, c := range []struct{ offset, limit int }{
		{0, 10}, {0, len(posts)}, {0, 10000}, {45, 10}, {49, 2}, {50, 100}, {95, 110},
		{len(posts) - 3, 10}, {len(posts) - 1, 1}, {len(posts), 5}, {len(posts) + 7, 5}, {-4, 3}, {10, 0},
	} {
		es, err := r.Entries(ctx, all, c.offset, c.limit)
		if err != nil {
			t.Fatalf("Entries(%d, %d): %v", c.offset, c.limit, err)
		}
		lo := min(max(c.offset, 0), len(newest))
		hi := min(lo+c.limit, len(newest))
		if want := newest[lo:hi]; !slices.Equal(ids(es), want) {
			t.Errorf("Entries(%d, %d) = %v, want %v", c.offset, c.limit, ids(es), want)
		}
	}
	// Entries of the list of all posts carry the excerpt; their other fields match.
	es, _ := r.Entries(ctx, all, 0, len(posts))
	byID := map[string]*post.Post{}
	for _, p := range posts {
		byID[p.ID] = p
	}
	for _, e := range es {
		p := byID[e.ID]
		if e.Excerpt != p.Excerpt || e.URL != p.URL || e.Title != p.Title || e.File != p.File ||
			!slices.Equal(e.Categories, nonNilStrings(p.Categories)) || e.Categories == nil || e.Tags == nil {
			t.Errorf("entry %+v does not match its post", e)
		}
	}

	// Terms: each taxonomy's names, counts and posts (newest first).
	want := map[string]map[string][]string{"categories": {}, "tags": {}, "years": {}, "months": {}}
	for _, p := range sorted {
		add := func(kind, name string) { want[kind][name] = append(want[kind][name], p.ID) }
		for _, c := range p.Categories {
			add("categories", c)
		}
		for _, tg := range p.Tags {
			add("tags", tg)
		}
		add("years", p.Date.Format("2006"))
		add("months", p.Date.Format("2006-01"))
	}
	for _, kind := range Taxonomies {
		idx, err := r.Terms(ctx, kind)
		if err != nil {
			t.Fatalf("Terms(%s): %v", kind, err)
		}
		if idx.Kind != kind || len(idx.Terms) != len(want[kind]) {
			t.Errorf("%s: %d terms, want %d", kind, len(idx.Terms), len(want[kind]))
		}
		if !sort.SliceIsSorted(idx.Terms, func(i, j int) bool { return idx.Terms[i].Name < idx.Terms[j].Name }) {
			t.Errorf("%s: terms not sorted by name", kind)
		}
		for _, term := range idx.Terms {
			wantIDs := want[kind][term.Name]
			if term.Count != len(wantIDs) {
				t.Errorf("%s %q: count %d, want %d", kind, term.Name, term.Count, len(wantIDs))
			}
			span, err := r.TermList(ctx, kind, term.Name)
			if err != nil {
				t.Fatalf("TermList(%s, %q): %v", kind, term.Name, err)
			}
			es, err := r.Entries(ctx, span, 0, 1000)
			if err != nil {
				t.Fatalf("Entries(%s %q): %v", kind, term.Name, err)
			}
			rev := slices.Clone(wantIDs)
			slices.Reverse(rev)
			if !slices.Equal(ids(es), rev) {
				t.Errorf("%s %q: entries %v, want %v", kind, term.Name, ids(es), rev)
			}
			// A slice from the middle of a term.
			if len(rev) > 3 {
				es, err := r.Entries(ctx, span, 1, 2)
				if err != nil || !slices.Equal(ids(es), rev[1:3]) {
					t.Errorf("%s %q: Entries(1, 2) = %v, %v; want %v", kind, term.Name, ids(es), err, rev[1:3])
				}
			}
		}
	}
	if n := len(want["months"]["2019-01"]); n == 0 || want["months"]["2019-01"][n-1] != "2019-01-31-edge-0" {
		t.Fatalf("the month-edge post is not the last of January: %v", want["months"]["2019-01"])
	}
	if _, err := r.TermList(ctx, "tags", "no such tag"); !errors.Is(err, ErrNotFound) {
		t.Errorf("TermList(missing tag): %v, want ErrNotFound", err)
	}
	if _, err := r.Terms(ctx, "authors"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Terms(authors): %v, want ErrNotFound", err)
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestDeepTable resolves every index of a table of 5000 names, which needs two levels of
// sub-tables (64 × 64 < 5000).
func TestDeepTable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := NewWriter(dir, false, 2)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 5000)
	for i := range names {
		names[i] = fmt.Sprintf("x/%05d.json", i)
	}
	tbl := writeTable(w, names)
	if tbl.Len != len(names) || tbl.Depth != 2 || len(tbl.Files) != 2 {
		t.Fatalf("table Len %d Depth %d with %d files, want 5000, 2, 2", tbl.Len, tbl.Depth, len(tbl.Files))
	}
	if _, err := w.Finish(&Manifest{Format: Format, Version: Version}); err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, dir)
	for name, data := range tree {
		if strings.HasPrefix(name, "t/") && len(data) > 4096 {
			t.Errorf("table file %s is %d bytes", name, len(data))
		}
	}
	r := openDir(t, dir)
	for i, want := range names {
		got, err := r.file(ctx, tbl, i)
		if err != nil || got != want {
			t.Fatalf("file(%d) = %q, %v; want %q", i, got, err, want)
		}
	}
	for _, i := range []int{-1, len(names), len(names) + 100} {
		if _, err := r.file(ctx, tbl, i); err == nil {
			t.Errorf("file(%d) gave no error", i)
		}
	}
	// Small tables are flat.
	if tb := writeTableOnly(t, 64); tb.Depth != 0 || len(tb.Files) != 64 {
		t.Errorf("64 names: depth %d, %d files", tb.Depth, len(tb.Files))
	}
	if tb := writeTableOnly(t, 65); tb.Depth != 1 || len(tb.Files) != 2 {
		t.Errorf("65 names: depth %d, %d files", tb.Depth, len(tb.Files))
	}
	if tb := writeTableOnly(t, 0); tb.Len != 0 || tb.Files == nil {
		t.Errorf("no names: %+v (files must encode as [])", tb)
	}
}

func writeTableOnly(t *testing.T, n int) Table {
	w, err := NewWriter(t.TempDir(), false, 1)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range n {
		names = append(names, fmt.Sprint(i))
	}
	tb := writeTable(w, names)
	if _, err := w.Finish(&Manifest{}); err != nil {
		t.Fatal(err)
	}
	return tb
}

// TestDeterministic: the same posts give byte-identical bundles, whatever the number of
// workers and the order the posts come in.
func TestDeterministic(t *testing.T) {
	posts := synthPosts(250)
	a, b := t.TempDir(), t.TempDir()
	buildInto(t, a, posts, 1)
	rev := slices.Clone(posts)
	slices.Reverse(rev)
	buildInto(t, b, rev, 8)
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != len(tb) {
		t.Errorf("%d files vs %d files", len(ta), len(tb))
	}
	for name, data := range ta {
		if other, ok := tb[name]; !ok {
			t.Errorf("%s only in the first build", name)
		} else if !bytes.Equal(data, other) {
			t.Errorf("%s differs between builds", name)
		}
	}
}

// TestStability: adding a newer post rewrites few shards; a rebuild into the same folder
// removes what the new bundle no longer uses, and an identical rebuild writes nothing.
func TestStability(t *testing.T) {
	posts := synthPosts(250)
	dir := t.TempDir()
	buildInto(t, dir, posts, 0)
	before := shardNames(t, dir)

	newer := &post.Post{ID: "2030-01-01-newest", File: "2030-01-01-newest.md", URL: "/2030/01/01/newest.html",
		Title: "Newest", Date: time.Date(2030, 1, 1, 0, 0, 0, 0, utc), Format: "markdown", Body: "new"}
	more := append(slices.Clone(posts), newer)
	_, st := buildInto(t, dir, more, 0)
	after := shardNames(t, dir)
	kept := 0
	for name := range before {
		if after[name] {
			kept++
		}
	}
	if kept < len(before)-2 {
		t.Errorf("adding one newer post kept %d of %d shards; want all but at most 2", kept, len(before))
	}
	if st.Removed == 0 {
		t.Errorf("rebuild removed no stale files: %+v", st)
	}
	if st.Written == 0 || st.Written > st.Files/2 {
		t.Errorf("rebuild wrote %d of %d files; want a few", st.Written, st.Files)
	}
	// Nothing in the folder is unreachable: every data file is a file of this build.
	r := openDir(t, dir)
	if r.Manifest().Posts != len(more) {
		t.Errorf("manifest has %d posts", r.Manifest().Posts)
	}
	if p, err := r.Post(context.Background(), newer.ID); err != nil || p.Older == nil {
		t.Errorf("newest post: %+v, %v", p, err)
	}
	tree := readTree(t, dir)
	if n := len(tree); n != 3*st.Files+3 {
		t.Errorf("folder holds %d files, want %d data files ×3 + the manifest ×3", n, st.Files)
	}

	_, st2 := buildInto(t, dir, more, 0)
	if st2.Written != 0 || st2.Removed != 0 || st2.Files != st.Files {
		t.Errorf("identical rebuild: %+v, want 0 written, 0 removed, %d files", st2, st.Files)
	}
	if !reflect.DeepEqual(readTree(t, dir), tree) {
		t.Error("identical rebuild changed the folder")
	}
}

func shardNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "p"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			names[e.Name()] = true
		}
	}
	return names
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	posts := synthPosts(120)
	dir := t.TempDir()
	buildInto(t, dir, posts, 0)
	manifest, err := os.ReadFile(filepath.Join(dir, EntryFile))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("version", func(t *testing.T) {
		var m map[string]any
		if err := json.Unmarshal(manifest, &m); err != nil {
			t.Fatal(err)
		}
		m["version"] = 99
		data, _ := json.Marshal(m)
		_, err := Open(ctx, FS(fakeFS{EntryFile: data}))
		var ve *VersionError
		if !errors.As(err, &ve) || ve.Version != 99 {
			t.Fatalf("Open(version 99) = %v, want *VersionError", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, "version 99") || !strings.Contains(msg, fmt.Sprintf("reads version %d", Version)) || !strings.Contains(msg, "rebuild") {
			t.Errorf("unclear message: %s", msg)
		}
	})
	t.Run("format", func(t *testing.T) {
		_, err := Open(ctx, FS(fakeFS{EntryFile: []byte(`{"format":"something-else","version":1}`)}))
		var ve *VersionError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), "not a Folio bundle") {
			t.Errorf("Open(other format) = %v", err)
		}
	})
	t.Run("damaged manifest", func(t *testing.T) {
		_, err := Open(ctx, FS(fakeFS{EntryFile: manifest[:len(manifest)/2]}))
		var de *DataError
		if !errors.As(err, &de) || de.File != EntryFile || !strings.Contains(err.Error(), EntryFile) {
			t.Errorf("Open(half a manifest) = %v, want *DataError naming %s", err, EntryFile)
		}
	})
	t.Run("missing manifest", func(t *testing.T) {
		_, err := Open(ctx, FS(fakeFS{}))
		var de *DataError
		if !errors.As(err, &de) || de.File != EntryFile || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(empty folder) = %v, want *DataError wrapping ErrNotExist", err)
		}
	})

	// Find a post's shard through the lookup, then damage it or take it away.
	r := openDir(t, dir)
	id := posts[7].ID
	b, err := r.bucket(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	shard, err := r.shardOf(ctx, b.IDs[id])
	if err != nil {
		t.Fatal(err)
	}
	files := fakeFS{}
	for name, data := range readTree(t, dir) {
		files[name] = data
	}

	t.Run("corrupt shard", func(t *testing.T) {
		bad := files.with(shard, []byte(`{"posts":[{"id":`))
		r, err := Open(ctx, FS(bad))
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Post(ctx, id)
		var de *DataError
		if !errors.As(err, &de) || de.File != shard || !strings.Contains(err.Error(), shard) {
			t.Errorf("Post on a corrupt shard = %v, want *DataError naming %s", err, shard)
		}
	})
	t.Run("shard of another post", func(t *testing.T) {
		// Valid JSON in the wrong place: the post is not at the index the lookup gives.
		bad := files.with(shard, []byte(`{"posts":[]}`))
		r, _ := Open(ctx, FS(bad))
		_, err := r.Post(ctx, id)
		var de *DataError
		if !errors.As(err, &de) || de.File != shard {
			t.Errorf("Post on an empty shard = %v, want *DataError naming %s", err, shard)
		}
	})
	t.Run("missing shard", func(t *testing.T) {
		r, _ := Open(ctx, FS(files.without(shard)))
		_, err := r.Post(ctx, id)
		var de *DataError
		if !errors.As(err, &de) || de.File != shard || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), shard) {
			t.Errorf("Post with its shard missing = %v, want *DataError naming %s", err, shard)
		}
	})
	t.Run("missing page", func(t *testing.T) {
		page := r.Manifest().All.Pages.Files[r.Manifest().All.Pages.Len-1]
		r, _ := Open(ctx, FS(files.without(page)))
		_, err := r.Entries(ctx, r.AllSpan(), 0, 5)
		var de *DataError
		if !errors.As(err, &de) || de.File != page || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Entries with the newest page missing = %v, want *DataError naming %s", err, page)
		}
	})
	t.Run("short page", func(t *testing.T) {
		page := r.Manifest().All.Pages.Files[0]
		r, _ := Open(ctx, FS(files.with(page, []byte(`{"entries":[]}`))))
		_, err := r.Entries(ctx, r.AllSpan(), len(posts)-1, 1)
		var de *DataError
		if !errors.As(err, &de) || de.File != page {
			t.Errorf("Entries on a short page = %v, want *DataError naming %s", err, page)
		}
	})
	t.Run("missing term index", func(t *testing.T) {
		idx := r.Manifest().Terms["tags"]
		r, _ := Open(ctx, FS(files.without(idx)))
		_, err := r.TermList(ctx, "tags", "go")
		var de *DataError
		if !errors.As(err, &de) || de.File != idx {
			t.Errorf("TermList with its index missing = %v, want *DataError naming %s", err, idx)
		}
	})
}

// fakeFS is a bundle in memory: file name → bytes.
type fakeFS map[string][]byte

func (f fakeFS) Open(name string) (fs.File, error) {
	data, ok := f[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{name: name, r: bytes.NewReader(data), size: int64(len(data))}, nil
}

func (f fakeFS) with(name string, data []byte) fakeFS {
	g := fakeFS{}
	for k, v := range f {
		g[k] = v
	}
	g[name] = data
	return g
}

func (f fakeFS) without(name string) fakeFS {
	g := f.with(name, nil)
	delete(g, name)
	return g
}

type memFile struct {
	name string
	r    *bytes.Reader
	size int64
}

func (m *memFile) Read(p []byte) (int, error) { return m.r.Read(p) }
func (m *memFile) Close() error               { return nil }
func (m *memFile) Stat() (fs.FileInfo, error) { return memInfo{m}, nil }

type memInfo struct{ f *memFile }

func (i memInfo) Name() string       { return i.f.name }
func (i memInfo) Size() int64        { return i.f.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

// TestGolden keeps the bundle of three fixed posts in testdata/golden: the manifest as
// manifest.json and every data file in files.txt (indented), so that any change of the
// format shows in review. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	posts := []*post.Post{
		{ID: "2019-01-12-hello", File: "2019-01-12-hello.md", URL: "/tea/2019/01/12/hello.html", Title: "Hello, 柳溪",
			Date: time.Date(2019, 1, 12, 9, 30, 0, 0, shanghai), Categories: []string{"tea"}, Tags: []string{"hello", "茶"},
			Excerpt: "First post & <welcome>.", Format: "markdown", Body: "First post & <welcome>.\n\n```go\nfmt.Println(1)\n```\n"},
		{ID: "tech/2020-3-7-kettle", File: "tech/2020-3-7-kettle.markdown", URL: "/2020/03/07/kettle/", Title: "Kettle",
			Date: time.Date(2020, 3, 7, 0, 0, 0, 0, utc), Tags: []string{"hello"},
			Excerpt: "A kettle.", Format: "markdown", Body: "A kettle."},
		{ID: "2020-12-31-year-end", File: "2020-12-31-year-end.html", URL: "/news/2020/12/31/year-end.html", Title: "Year end",
			Date: time.Date(2020, 12, 31, 23, 0, 0, 0, newYork), Categories: []string{"news", "tea"},
			Excerpt: "Bye 2020.", Format: "html", Body: "<p>Bye 2020.</p>"},
	}
	dir := t.TempDir()
	buildInto(t, dir, posts, 0)
	tree := readTree(t, dir)

	var names []string
	for name := range tree {
		if !strings.HasSuffix(name, ".br") && !strings.HasSuffix(name, ".gz") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var all bytes.Buffer
	for _, name := range names {
		if name == EntryFile {
			continue
		}
		fmt.Fprintf(&all, "== %s\n%s", name, indentJSON(t, tree[name]))
	}
	checkGolden(t, "manifest.json", indentJSON(t, tree[EntryFile]))
	checkGolden(t, "files.txt", all.Bytes())
}

func indentJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (if the format change is intended, run go test ./internal/bundle -run TestGolden -update)\n--- got ---\n%s", path, got)
	}
}

// TestLayout checks that BuildLayout's shard layout agrees with the lookup buckets and the
// list of all posts, and that files put without copies get none.
func TestLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	posts := synthPosts(500)
	w, err := NewWriter(dir, true, 2)
	if err != nil {
		t.Fatal(err)
	}
	m, lay := BuildLayout(w, posts, Site{})
	plain := w.PutPlain("s", "bin", []byte{0, 1, 2})
	if _, err := w.Finish(m); err != nil {
		t.Fatal(err)
	}
	r := openDir(t, dir)
	sorted := Sorted(posts)
	if !slices.Equal(ids(entriesOf(sorted)), ids(mustEntries(t, r))) {
		t.Fatal("Sorted is not the order of the list of all posts")
	}
	shard := 0
	for n, p := range sorted {
		for shard+1 < len(lay.Starts) && lay.Starts[shard+1] <= n {
			shard++
		}
		b, err := r.bucket(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.shardOf(ctx, b.IDs[p.ID])
		if err != nil || got != lay.Shards[shard] {
			t.Fatalf("post %d (%s): layout says %s, lookup and shard table %s (%v)", n, p.ID, lay.Shards[shard], got, err)
		}
		if q, err := r.ShardPost(ctx, got, n-lay.Starts[shard]); err != nil || q.ID != p.ID {
			t.Fatalf("post %d (%s): the layout's place in %s holds %v (%v)", n, p.ID, got, q, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, plain)); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, plain+".br")); err == nil {
		t.Error("PutPlain wrote a .br copy")
	}
}

func entriesOf(posts []*post.Post) []Entry {
	out := make([]Entry, len(posts))
	for i, p := range posts {
		out[i] = Entry{ID: p.ID}
	}
	return out
}

// mustEntries lists every entry of the list of all posts, oldest first.
func mustEntries(t *testing.T, r *Reader) []Entry {
	t.Helper()
	es, err := r.Entries(context.Background(), r.AllSpan(), 0, r.Manifest().All.Total)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(es)
	return es
}

// TestShardPost reads single posts out of shards: written one per line (decoding that line
// only), written any other way (decoding the whole shard), damaged, and out of range.
func TestShardPost(t *testing.T) {
	ctx := context.Background()
	a, b, c := Post{Entry: Entry{ID: "a", Title: "first\nline"}}, Post{Entry: Entry{ID: "b"}}, Post{Entry: Entry{ID: "c", Title: "},\n{"}}
	var framed []byte
	framed = append(framed, shardHead...)
	for i, p := range []Post{a, b, c} {
		if i > 0 {
			framed = append(framed, ",\n"...)
		}
		pj, _ := json.Marshal(p)
		framed = append(framed, pj...)
	}
	framed = append(framed, shardTail...)
	whole, _ := json.MarshalIndent(Shard{Posts: []Post{a, b, c}}, "", " ")
	damaged := bytes.Replace(framed, []byte(`"id":"b"`), []byte(`"id":b"`), 1)
	files := fakeFS{"framed.json": framed, "whole.json": whole, "damaged.json": damaged}
	r := &Reader{f: FS(files), cache: map[string]any{}}
	for _, shard := range []string{"framed.json", "whole.json"} {
		for round := range 2 { // the second round reads from the cache
			for i, want := range []Post{a, b, c} {
				p, err := r.ShardPost(ctx, shard, i)
				if err != nil || p.ID != want.ID || p.Title != want.Title {
					t.Errorf("%s round %d: post %d = %+v, %v; want %q", shard, round, i, p, err, want.ID)
				}
			}
		}
		var de *DataError
		if _, err := r.ShardPost(ctx, shard, 3); !errors.As(err, &de) || de.File != shard {
			t.Errorf("%s: post 3 of 3 = %v, want a DataError naming the shard", shard, err)
		}
	}
	if p, err := r.ShardPost(ctx, "damaged.json", 0); err != nil || p.ID != "a" {
		t.Errorf("damaged shard, intact post 0 = %+v, %v", p, err)
	}
	var de *DataError
	if _, err := r.ShardPost(ctx, "damaged.json", 1); !errors.As(err, &de) || !strings.Contains(err.Error(), "post 1") {
		t.Errorf("damaged post 1 = %v, want a DataError naming post 1", err)
	}

	// Posts of one shard asked for at once share its fetch.
	gate := make(chan struct{})
	var fetches atomic.Int32
	slow := FetchFunc(func(ctx context.Context, name string) ([]byte, error) {
		fetches.Add(1)
		<-gate
		return FS(files).Fetch(ctx, name)
	})
	r = &Reader{f: slow, cache: map[string]any{}}
	var wg sync.WaitGroup
	got := make([]string, 3)
	for i := range 3 {
		wg.Go(func() {
			if p, err := r.ShardPost(ctx, "framed.json", i); err == nil {
				got[i] = p.ID
			}
		})
	}
	for fetches.Load() == 0 {
		runtime.Gosched()
	}
	time.Sleep(100 * time.Millisecond) // let the other two callers find the fetch under way
	close(gate)
	wg.Wait()
	if n := fetches.Load(); n != 1 || strings.Join(got, "") != "abc" {
		t.Errorf("three posts of one shard at once: %d fetches, posts %q; want 1 fetch, a b c", n, got)
	}
}

// TestShardLine reads the JSON line of single posts: that of a shard written one post per
// line decodes to the post, a shard written otherwise or a post out of range has none.
func TestShardLine(t *testing.T) {
	ctx := context.Background()
	posts := []Post{{Entry: Entry{ID: "a", Title: "first\nline"}}, {Entry: Entry{ID: "b"}}, {Entry: Entry{ID: "c", Title: "},\n{"}}}
	framed := []byte(shardHead)
	for i, p := range posts {
		if i > 0 {
			framed = append(framed, ",\n"...)
		}
		pj, _ := json.Marshal(p)
		framed = append(framed, pj...)
	}
	framed = append(framed, shardTail...)
	whole, _ := json.MarshalIndent(Shard{Posts: posts}, "", " ")
	var fetches atomic.Int32
	counted := FetchFunc(func(ctx context.Context, name string) ([]byte, error) {
		fetches.Add(1)
		return FS(fakeFS{"framed.json": framed, "whole.json": whole}).Fetch(ctx, name)
	})
	r := &Reader{f: counted, cache: map[string]any{}}
	for i, want := range posts {
		line, ok, err := r.ShardLine(ctx, "framed.json", i)
		var p Post
		if err != nil || !ok || json.Unmarshal(line, &p) != nil || p.ID != want.ID || p.Title != want.Title {
			t.Errorf("line %d = %q, %v, %v; want post %q", i, line, ok, err, want.ID)
		}
	}
	// The lines are kept: the posts come without fetching the shard again.
	n := fetches.Load()
	for i, want := range posts {
		if p, err := r.ShardPost(ctx, "framed.json", i); err != nil || p.ID != want.ID || p.Title != want.Title {
			t.Errorf("post %d after its line = %+v, %v; want %q", i, p, err, want.ID)
		}
		if line, ok, err := r.ShardLine(ctx, "framed.json", i); !ok || err != nil || !bytes.Contains(line, []byte(want.ID)) {
			t.Errorf("line %d again = %q, %v, %v", i, line, ok, err)
		}
	}
	if m := fetches.Load(); m != n {
		t.Errorf("posts and lines kept: %d more fetches, want none", m-n)
	}
	// A post decoded already has no line at hand.
	r = &Reader{f: counted, cache: map[string]any{}}
	if _, err := r.ShardPost(ctx, "framed.json", 1); err != nil {
		t.Fatal(err)
	}
	if line, ok, err := r.ShardLine(ctx, "framed.json", 1); ok || err != nil {
		t.Errorf("line of a post decoded already = %q, %v, %v; want none", line, ok, err)
	}
	if line, ok, err := r.ShardLine(ctx, "framed.json", 3); ok || err != nil {
		t.Errorf("line 3 of 3 = %q, %v, %v; want none", line, ok, err)
	}
	if line, ok, err := r.ShardLine(ctx, "whole.json", 0); ok || err != nil {
		t.Errorf("line 0 of a shard not written one post per line = %q, %v, %v; want none", line, ok, err)
	}
	var de *DataError
	if _, _, err := r.ShardLine(ctx, "missing.json", 0); !errors.As(err, &de) || de.File != "missing.json" {
		t.Errorf("missing shard = %v, want a DataError naming it", err)
	}
}

// TestBuildSized checks that bigger Sizes make fewer, bigger shards and buckets, none
// over its target, and a bundle that reads back every post as the default one does.
func TestBuildSized(t *testing.T) {
	ctx := context.Background()
	posts := synthPosts(500)
	build := func(sizes Sizes) (*Reader, Layout, string) {
		dir := t.TempDir()
		w, err := NewWriter(dir, false, 2)
		if err != nil {
			t.Fatal(err)
		}
		m, lay := BuildSized(w, posts, Site{}, sizes)
		if _, err := w.Finish(m); err != nil {
			t.Fatal(err)
		}
		return openDir(t, dir), lay, dir
	}
	small, smallLay, _ := build(Sizes{})
	bigSizes := Sizes{ShardBytes: 4 * ShardBytes, BucketPosts: 4 * BucketPosts}
	big, bigLay, bigDir := build(bigSizes)
	if len(bigLay.Shards)*2 > len(smallLay.Shards) || len(smallLay.Shards) < 4 {
		t.Errorf("%d shards at %d bytes, %d at %d: want fewer than half", len(bigLay.Shards), bigSizes.ShardBytes, len(smallLay.Shards), ShardBytes)
	}
	if got, want := big.Manifest().Lookup.Len, small.Manifest().Lookup.Len/4; got != want || want < 1 {
		t.Errorf("%d lookup buckets of %d posts, want %d", got, bigSizes.BucketPosts, want)
	}
	for _, name := range bigLay.Shards {
		data, err := os.ReadFile(filepath.Join(bigDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > bigSizes.ShardBytes && bytes.Count(data, []byte("\n")) > 0 {
			t.Errorf("shard %s is %d bytes with several posts, over %d", name, len(data), bigSizes.ShardBytes)
		}
	}
	for _, p := range posts {
		want, err := small.Post(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := big.Post(ctx, p.ID)
		if err != nil {
			t.Fatalf("Post(%q) of the bigger bundle: %v", p.ID, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("post %s differs between sizes", p.ID)
		}
		if id, err := big.IDForURL(ctx, p.URL); err != nil || id != p.ID {
			t.Fatalf("IDForURL(%q) = %q, %v", p.URL, id, err)
		}
	}
}

// TestEditRenamesNoBucket edits one post and deletes another: their shards get new names,
// but lookup buckets name no shard file, so only the buckets of the deleted post's ID and
// URL change; the shard table (two levels here) finds every post of both builds.
func TestEditRenamesNoBucket(t *testing.T) {
	ctx := context.Background()
	sizes := Sizes{ShardBytes: 4096, BucketPosts: 16}
	build := func(posts []*post.Post) (string, *Manifest) {
		dir := t.TempDir()
		w, err := NewWriter(dir, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := BuildSized(w, posts, Site{}, sizes)
		if _, err := w.Finish(m); err != nil {
			t.Fatal(err)
		}
		return dir, m
	}
	posts := synthPosts(500)
	before, m := build(posts)
	if m.Shards.Depth < 1 {
		t.Fatalf("the shard table of %d shards has depth %d, want sub-tables", m.Shards.Len, m.Shards.Depth)
	}
	edited := *posts[250]
	edited.Body += "A correction.\n"
	changed := append(append(append([]*post.Post{}, posts[:100]...), posts[101:250]...), &edited)
	changed = append(changed, posts[251:]...)
	after, _ := build(changed)
	names := func(dir, kind string) map[string]bool {
		out := map[string]bool{}
		for name := range readTree(t, dir) {
			if strings.HasPrefix(name, kind+"/") {
				out[name] = true
			}
		}
		return out
	}
	newNames := func(kind string) int {
		was, n := names(before, kind), 0
		for name := range names(after, kind) {
			if !was[name] {
				n++
			}
		}
		return n
	}
	if n := newNames("k"); n > 2 {
		t.Errorf("%d lookup buckets got new names, want at most 2 (the deleted post's ID and URL)", n)
	}
	if n := newNames("p"); n == 0 || n > 4 {
		t.Errorf("%d shards got new names, want 1 to 4 (around the edit and the delete)", n)
	}
	for dir, ps := range map[string][]*post.Post{before: posts, after: changed} {
		r := openDir(t, dir)
		for _, p := range ps {
			got, err := r.Post(ctx, p.ID)
			if err != nil || got.ID != p.ID || got.Body != p.Body {
				t.Fatalf("Post(%q) = %v, %v", p.ID, got, err)
			}
		}
	}
	if _, err := openDir(t, after).Post(ctx, posts[100].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the deleted post: %v, want ErrNotFound", err)
	}
}
