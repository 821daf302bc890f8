package hitline

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"folio/internal/bundle"
	"folio/internal/demotest"
	"folio/internal/post"
)

// hitFields is what a hit shows of a post decoded by encoding/json, as Decode must give
// it.
func hitFields(p *bundle.Post) Post {
	e := p.Entry
	e.Excerpt = ""
	return Post{Entry: e, Format: p.Format, Body: p.Body}
}

// writeBundle writes the bundle of posts (no search data) into a temporary folder.
func writeBundle(t *testing.T, posts []*post.Post) string {
	t.Helper()
	dir := t.TempDir()
	w, err := bundle.NewWriter(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := bundle.BuildSized(w, posts, bundle.Site{Title: "test"}, bundle.DefaultSizes())
	if _, err := w.Finish(m); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDecodeHitLine reads every post line of the bundles of the demo and of posts with
// awkward text (escapes, characters beyond the BMP, U+2028, HTML, no terms, many terms)
// and compares the fields with encoding/json's.
func TestDecodeHitLine(t *testing.T) {
	date := time.Date(2020, 1, 2, 3, 4, 5, 0, time.FixedZone("CST", 8*3600))
	awkward := []*post.Post{
		{ID: "a", File: "2020-01-02-a.md", URL: "/a", Title: `"引号" \ 斜杠 / <b>&amp;</b>`, Date: date, Format: "markdown",
			Body: "第一行\n\t第二行 \"q\" \\ \u2028 \u2029 \x7f 😀𝄞 <script>x</script>", Excerpt: "摘要\n"},
		{ID: "b", File: "2020-01-03-b.html", URL: "/b", Title: "无分类", Date: date.Add(time.Hour), Format: "html", Body: ""},
		{ID: "c", File: "2020-01-04-c.md", URL: "/c", Title: "多", Date: date.Add(2 * time.Hour), Format: "markdown", Body: "正文",
			Categories: []string{"甲", "乙\"", "丙"}, Tags: strings.Split(strings.Repeat("标签,", 40)+"末", ",")},
	}
	for name, posts := range map[string][]*post.Post{
		"demo":    demotest.Posts(t),
		"awkward": awkward,
	} {
		dir := writeBundle(t, posts)
		shards, err := filepath.Glob(filepath.Join(dir, "p", "*.json"))
		if err != nil || len(shards) == 0 {
			t.Fatalf("%s: no shards (%v)", name, err)
		}
		lines := 0
		for _, shard := range shards {
			data, err := os.ReadFile(shard)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; ; i++ {
				line, ok := shardLineOf(data, i)
				if !ok {
					break
				}
				lines++
				var p bundle.Post
				if err := json.Unmarshal(line, &p); err != nil {
					t.Fatalf("%s %s line %d: %v", name, shard, i, err)
				}
				got, ok := Decode(line)
				if want := hitFields(&p); !ok || !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s line %d: Decode = %+v, %v\nencoding/json gives %+v", name, shard, i, got, ok, want)
				}
			}
		}
		if lines != len(posts) {
			t.Errorf("%s: read %d lines, want one per post (%d)", name, lines, len(posts))
		}
	}
}

// shardLineOf returns line i of a shard file written one post per line.
func shardLineOf(data []byte, i int) ([]byte, bool) {
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) < 3 || i+2 > len(lines)-1 {
		return nil, false
	}
	return bytes.TrimSuffix(lines[i+1], []byte(",")), true
}

// TestDecodeHitLineRefuses: lines Decode leaves to encoding/json, because it would
// read them differently or they are not JSON.
func TestDecodeHitLineRefuses(t *testing.T) {
	for _, line := range []string{
		`{"title":"a` + "\xff" + `"}`,           // not UTF-8: encoding/json makes U+FFFD
		`{"title":"\ud800"}`,                    // a lone surrogate
		`{"title":"\ud83d\ude00"}`,              // a pair
		`{"Title":"a"}`,                         // another letter case
		`{"ID":"a"}`,                            //
		`{"more_tags":1.5}`,                     // not an int
		`{"more_tags":1e2}`,                     //
		`{"more_tags":99999999999999999999999}`, // too big
		`{"title":5}`,                           // another type
		`{"tags":"a"}`,                          //
		`{"tags":["a",null]}`,                   // null in a list
		`{"tags":[1]}`,                          //
		`{"title":"a"} x`,                       // more after the value
		`{"title":"a",}`,                        // bad syntax
		`{"title":"a"`,                          //
		`{"title":"a` + "\n" + `"}`,             // a control character
		`{"title":"\x"}`,                        // a bad escape
		`{"title":"\u12"}`,                      //
		`{"older":{"id":[1,2,{"a":tru}]}}`,      // bad syntax in a skipped value
		`{"older":01}`,                          //
		`{"\u0069d":"a"}`,                       // an escaped key
		`null`,                                  // not an object
		`[]`,                                    //
		`{"older":` + strings.Repeat("[", 40) + `}`, // too deep
	} {
		if got, ok := Decode([]byte(line)); ok {
			t.Errorf("Decode(%s) = %+v, want it left to encoding/json", line, got)
		}
	}
}

// FuzzDecodeHitLine: whatever Decode accepts, encoding/json reads with the same
// fields.
func FuzzDecodeHitLine(f *testing.F) {
	f.Add(`{"id":"a","file":"a.md","url":"/a","title":"T\n\"\u00e9","date":"2020","categories":[],"tags":["x","y"],"more_tags":2,"excerpt":"e","format":"markdown","body":"b\\/","older":{"id":"o","url":"/o","title":"O"},"newer":null}`)
	f.Add(`{"categories":null,"more_categories":-0,"unknown":[true,false,null,{"k":-1}]}`)
	f.Fuzz(func(t *testing.T, line string) {
		got, ok := Decode([]byte(line))
		if !ok {
			return
		}
		var p bundle.Post
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("Decode accepts %q, encoding/json does not: %v", line, err)
		}
		if want := hitFields(&p); !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%q) = %+v, encoding/json gives %+v", line, got, want)
		}
	})
}
