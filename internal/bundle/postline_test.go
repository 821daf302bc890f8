package bundle

import (
	"bytes"
	"os"
	"testing"

	"folio/internal/post"
	"folio/internal/sharedtest"
)

// hardStrings are strings whose JSON takes every path of appendJSONString.
var hardStrings = []string{"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "\x00\x01\b\f\n\r\t\x1f\x7f",
	"龙井 春茶 碧螺春", "line\u2028para\u2029end", "\u2027\u2030\u2000\u203f", "é ü ß", "emoji 🍵 tea",
	"\xe4", "\xe4\xb8", "\xe4\xb8x", "\xed\xa0\x80", "\xe0\x80\x80", "\xe0\xa0\x80", "\xef\xbf\xbf", "\xff\xfe",
	"\xe2\x80", "\xe2\x80\xa8", "\xe2\x80\xa9x", "\xf0\x9f\x8d", "mixed 中\xc3文\x80"}

func TestAppendJSONString(t *testing.T) {
	for _, s := range hardStrings {
		if got, want := appendJSONString(nil, s), encode(s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range hardStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSONString(nil, s), encode(s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}

// checkPostLine compares appendPost with encoding/json for one post.
func checkPostLine(t *testing.T, p *Post) {
	t.Helper()
	if got, want := appendPost(nil, p), encode(p); !bytes.Equal(got, want) {
		t.Fatalf("post %q:\ngot  %s\nwant %s", p.ID, got, want)
	}
}

// checkPage compares appendPage with encoding/json for a page of entries.
func checkPage(t *testing.T, entries []Entry) {
	t.Helper()
	p := &Page{Entries: entries}
	if got, want := appendPage(nil, p), encode(p); !bytes.Equal(got, want) {
		t.Fatalf("page:\ngot  %s\nwant %s", got, want)
	}
}

func TestAppendPost(t *testing.T) {
	checkPage(t, nil)
	checkPage(t, []Entry{})
	checkPage(t, []Entry{{}, {ID: "a", Categories: []string{}, MoreTags: 4, Excerpt: "摘要\u2028<>"}, {Tags: hardStrings, Excerpt: "\xff"}})
	link := &Link{ID: "x\"y", URL: "/a/<b>", Title: "旧\u2028闻"}
	for _, p := range []Post{
		{},
		{Entry: Entry{ID: "a", Categories: []string{}, Tags: []string{"t\x01"}, MoreCategories: 3, MoreTags: -2, Excerpt: "hidden"}},
		{Entry: Entry{ID: "b", Categories: []string{"新闻", "茶"}}, Excerpt: "e", Format: "html", Body: "<script>\u2029</script>", Older: link},
		{Entry: Entry{ID: "c"}, Newer: link, Older: &Link{}},
	} {
		checkPostLine(t, &p)
	}
	for _, s := range hardStrings {
		checkPostLine(t, &Post{Entry: Entry{ID: s, File: s, URL: s, Title: s, Date: s, Categories: []string{s}, Tags: []string{s, s}}, Excerpt: s, Format: s, Body: s, Newer: &Link{ID: s, URL: s, Title: s}})
	}
	// Every post of the real corpora, as writeShards makes it.
	for _, name := range []string{"finews", "yanhaijing", "jekyll"} {
		t.Run(name, func(t *testing.T) {
			res, err := post.ReadAll(os.DirFS(sharedtest.Corpus(t, name)), post.Config{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			sorted := Sorted(res.Posts)
			var entries []Entry
			for i, p := range sorted {
				e := listEntry(entryOf(p))
				if i%2 == 0 {
					e.Excerpt = p.Excerpt
				}
				entries = append(entries, e)
			}
			checkPage(t, entries)
			for i, p := range sorted {
				sp := Post{Entry: entryOf(p), Excerpt: p.Excerpt, Format: p.Format, Body: p.Body}
				if i > 0 {
					sp.Older = &Link{ID: sorted[i-1].ID, URL: sorted[i-1].URL, Title: sorted[i-1].Title}
				}
				checkPostLine(t, &sp)
			}
		})
	}
}

// BenchmarkPostLine compares appendPost with encoding/json on the news corpus's posts.
func BenchmarkPostLine(b *testing.B) {
	res, err := post.ReadAll(os.DirFS(sharedtest.Corpus(b, "finews")), post.Config{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var posts []Post
	for _, p := range res.Posts {
		posts = append(posts, Post{Entry: entryOf(p), Excerpt: p.Excerpt, Format: p.Format, Body: p.Body})
	}
	for _, c := range []struct {
		name string
		f    func(*Post) []byte
	}{{"appendPost", func(p *Post) []byte { return appendPost(nil, p) }}, {"encoding-json", func(p *Post) []byte { return encode(p) }}} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				for i := range posts {
					n += len(c.f(&posts[i]))
				}
			}
			b.SetBytes(int64(n / b.N))
		})
	}
}
