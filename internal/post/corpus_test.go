package post

import (
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the cases use _config.yml time zones; keep them working without zoneinfo

	"folio/internal/sharedtest"
)

// readCorpus reads one of the real corpora in ../shared (skips when it is not there).
func readCorpus(t *testing.T, name string) *Result {
	t.Helper()
	res, err := ReadAll(os.DirFS(sharedtest.Corpus(t, name)), Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	return res
}

// checkResult asserts what must hold for every result: counts add up, every issue names
// a file and a line, every post has a title, a date and a unique URL starting with "/".
func checkResult(t *testing.T, res *Result) {
	t.Helper()
	if res.Read != len(res.Posts)+len(res.Skipped) {
		t.Errorf("read %d != built %d + skipped %d", res.Read, len(res.Posts), len(res.Skipped))
	}
	for _, is := range append(append([]Issue(nil), res.Skipped...), res.Warnings...) {
		if is.File == "" || is.Line <= 0 || is.Reason == "" {
			t.Errorf("issue without file, line or reason: %+v", is)
		}
	}
	urls := map[string]string{}
	ids := map[string]string{}
	for _, p := range res.Posts {
		if strings.TrimSpace(p.Title) == "" {
			t.Errorf("%s: empty title", p.File)
		}
		if !strings.HasPrefix(p.URL, "/") {
			t.Errorf("%s: URL %q does not start with /", p.File, p.URL)
		}
		if p.Date.IsZero() {
			t.Errorf("%s: zero date", p.File)
		}
		if p.Format != "markdown" && p.Format != "html" {
			t.Errorf("%s: format %q", p.File, p.Format)
		}
		if strings.Contains(p.Body, refMark) {
			t.Errorf("%s: unresolved reference mark left in the body", p.File)
		}
		if first, dup := urls[p.URL]; dup {
			t.Errorf("URL %s of %s is also the URL of %s", p.URL, p.File, first)
		}
		urls[p.URL] = p.File
		if first, dup := ids[p.ID]; dup {
			t.Errorf("ID %s of %s is also the ID of %s", p.ID, p.File, first)
		}
		ids[p.ID] = p.File
	}
}

func findPost(t *testing.T, res *Result, id string) *Post {
	t.Helper()
	for _, p := range res.Posts {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("post %s not built", id)
	return nil
}

func TestCorpusFinews(t *testing.T) {
	res := readCorpus(t, "finews")
	if res.Read != 151 || len(res.Posts) != 150 || len(res.Skipped) != 1 || res.Ignored != 0 {
		t.Fatalf("read %d built %d skipped %d ignored %d, want 151 150 1 0", res.Read, len(res.Posts), len(res.Skipped), res.Ignored)
	}
	// The one post with no date anywhere: "date:  +0800" (line 4) and no date in its name.
	if s := res.Skipped[0]; s.File != "-202205262391921712.md" || s.Line != 4 || !strings.Contains(s.Reason, "not a date") {
		t.Errorf("skipped %v, want -202205262391921712.md:4 (no date)", s)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("%d warnings, want none: %v", len(res.Warnings), res.Warnings)
	}

	seed := findPost(t, res, "2022-01-25-NW202201252260322942")
	want := time.Date(2022, 1, 25, 10, 1, 11, 0, time.FixedZone("", 8*3600))
	if !seed.Date.Equal(want) || seed.Date.Format(time.RFC3339) != "2022-01-25T10:01:11+08:00" {
		t.Errorf("seed date %s, want 2022-01-25T10:01:11+08:00", seed.Date.Format(time.RFC3339))
	}
	if seed.Title != "用“聊城担当”守好山东西大门" {
		t.Errorf("seed title %q", seed.Title)
	}
	if strings.Join(seed.Categories, ",") != "dazhongwang" || strings.Join(seed.Tags, ",") != "大众网新闻" {
		t.Errorf("seed categories %q tags %q", seed.Categories, seed.Tags)
	}
	if seed.URL != "/dazhongwang/2022/01/25/NW202201252260322942.html" {
		t.Errorf("seed URL %s", seed.URL)
	}
	if seed.Format != "markdown" || !strings.HasPrefix(seed.Excerpt, "大众网·海报新闻特约记者康朋") {
		t.Errorf("seed format %s excerpt %q", seed.Format, seed.Excerpt)
	}

	// The post with a blank line before its front matter still has its front matter.
	blank := findPost(t, res, "2021-12-08-202112082206703990")
	if blank.Title == "" || strings.Join(blank.Categories, ",") != "emnews" {
		t.Errorf("blank-line post: title %q categories %q", blank.Title, blank.Categories)
	}
	// Dates without a zone are UTC when there is no _config.yml.
	for _, p := range res.Posts {
		if p.Date.Year() < 2021 || p.Date.Year() > 2022 {
			t.Errorf("%s: date %s out of the corpus range", p.File, p.Date)
		}
	}
}

func TestCorpusYanhaijing(t *testing.T) {
	res := readCorpus(t, "yanhaijing")
	if res.Read != 176 || len(res.Posts) != 176 || len(res.Skipped) != 0 || res.Ignored != 0 {
		t.Fatalf("read %d built %d skipped %d ignored %d, want 176 176 0 0", res.Read, len(res.Posts), len(res.Skipped), res.Ignored)
	}
	intro := findPost(t, res, "jekyll/2011-12-29-jekyll-introduction")
	if intro.Title != "Jekyll Introduction" {
		t.Errorf("title-less post got title %q, want %q", intro.Title, "Jekyll Introduction")
	}
	var titleWarned bool
	for _, w := range res.Warnings {
		if w.File == "jekyll/2011-12-29-jekyll-introduction.md" && strings.Contains(w.Reason, "no title") {
			titleWarned = w.Line == 1
		}
		// {% include JB/setup %} is on line 10 of most posts: never on a front-matter line.
		if strings.Contains(w.Reason, "include JB/setup") && w.Line < 9 {
			t.Errorf("%v: include warning inside the front matter", w)
		}
	}
	if !titleWarned {
		t.Error("no 'no title' warning at line 1 for jekyll/2011-12-29-jekyll-introduction.md")
	}

	// A post in a subfolder with an unpadded file-name date and "category : css".
	p := findPost(t, res, "css/2013-9-2-functional-css-fcss")
	if got := p.Date.Format(time.RFC3339); got != "2013-09-02T00:00:00Z" {
		t.Errorf("date %s, want 2013-09-02T00:00:00Z", got)
	}
	if p.URL != "/css/2013/09/02/functional-css-fcss.html" || p.Title != "函数式 CSS" {
		t.Errorf("URL %s title %q", p.URL, p.Title)
	}
	if strings.Join(p.Categories, ",") != "css" || strings.Join(p.Tags, ",") != "css" {
		t.Errorf("categories %q tags %q", p.Categories, p.Tags)
	}
	// {% include JB/setup %} is gone from every body.
	for _, p := range res.Posts {
		if strings.Contains(p.Body, "{% include") {
			t.Errorf("%s: include left in the body", p.File)
		}
	}
	// The copy whose name has a space is a post of its own.
	cp := findPost(t, res, "nodejs/2024-5-1-some-practice-of-nodejs copy")
	if !strings.HasSuffix(cp.URL, "/2024/05/01/some-practice-of-nodejs-copy.html") {
		t.Errorf("copy URL %s", cp.URL)
	}
}

func TestCorpusJekyll(t *testing.T) {
	res := readCorpus(t, "jekyll")
	if res.Read != 102 || len(res.Posts) != 102 || len(res.Skipped) != 0 || res.Ignored != 0 {
		t.Fatalf("read %d built %d skipped %d ignored %d, want 102 102 0 0", res.Read, len(res.Posts), len(res.Skipped), res.Ignored)
	}
	// date: 2023-01-29 18:30:22 2023 -0800 is on line 3.
	const bad = "2023-01-29-jekyll-3-9-3-released.markdown"
	var found bool
	for _, w := range res.Warnings {
		if w.File == bad && strings.Contains(w.Reason, "is not a date") {
			found = true
			if w.Line != 3 {
				t.Errorf("malformed-date warning at line %d, want 3", w.Line)
			}
		}
	}
	if !found {
		t.Errorf("no malformed-date warning for %s", bad)
	}
	p := findPost(t, res, strings.TrimSuffix(bad, ".markdown"))
	if got := p.Date.Format("2006-01-02"); got != "2023-01-29" {
		t.Errorf("malformed-date post dated %s, want the file name's 2023-01-29", got)
	}
	for _, p := range res.Posts {
		if p.Date.Year() < 2013 || p.Date.Year() > 2025 {
			t.Errorf("%s: date %s out of range", p.File, p.Date)
		}
	}
	// {% post_url %} / {% link %} to other posts resolve to their URLs; only links to
	// non-post files (_docs/history.md) become "#".
	for _, w := range res.Warnings {
		if strings.HasPrefix(w.Reason, "link to") && !strings.Contains(w.Reason, "_docs/") {
			t.Errorf("unresolved post link: %v", w)
		}
	}
	links := map[string]string{
		"2014-05-06-jekyll-turns-2-0-0":    "[jekyll-1]: /release/2013/05/06/jekyll-1-0-0-released.html",
		"2017-03-09-jekyll-3-4-2-released": "(/release/2017/03/02/jekyll-3-4-1-released.html)",
		"2018-02-25-jekyll-3-7-3-released": "(/release/2018/01/02/jekyll-3-7-0-released.html)",
		// a {% link %} tag broken over two lines
		"2017-10-21-jekyll-3-6-2-released": "(/community/2017/10/19/diversity-open-source.html)",
	}
	for id, want := range links {
		if p := findPost(t, res, id); !strings.Contains(p.Body, want) {
			t.Errorf("%s: body lacks %q", id, want)
		}
	}
	// {% raw %} keeps Liquid as text...
	p = findPost(t, res, "2019-03-18-jekyll-4-0-0-pre-alpha1-released")
	if want := "[`{% highlight %}` now behaves like `{% raw %}`]"; !strings.Contains(p.Body, want) {
		t.Errorf("%s: body lacks %q", p.ID, want)
	}
	// ...and no closing tag of raw or highlight survives in a body.
	for _, p := range res.Posts {
		for _, tag := range []string{"{% endraw", "{% endhighlight"} {
			if strings.Contains(p.Body, tag) {
				t.Errorf("%s: %q left in the body", p.File, tag)
			}
		}
	}
}
