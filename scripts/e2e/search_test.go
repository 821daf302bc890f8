package e2e

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

type searchResult struct {
	Total int
	Exact bool
	Hits  []struct {
		ID, URL, Title, Snippet string
	}
	Facets struct {
		Categories, Tags, Years []struct {
			Name  string
			Count int
		}
	}
}

// TestSearchInBrowser runs real queries through folio.search in Chromium (bleve in the
// Web Worker) and through the search page.
func TestSearchInBrowser(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Open(s.URL)
	run := func(q string) searchResult {
		t.Helper()
		var r searchResult
		raw := Eval[string](b, `folio.search(`+jsString(q)+`, {limit: 20}).then(JSON.stringify)`)
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return r
	}
	for _, q := range []string{"龙井", "5G", "沪深300", "茶", "tea"} {
		r := run(q)
		if r.Total == 0 || len(r.Hits) == 0 {
			t.Errorf("%q: no hits", q)
			continue
		}
		if len(r.Facets.Years) == 0 {
			t.Errorf("%q: no year facets", q)
		}
		marked := false
		for _, h := range r.Hits {
			if strings.Contains(h.Snippet, "<mark>") {
				marked = true
			}
			if strings.Contains(strings.ToLower(h.Snippet), "<script") {
				t.Errorf("%q: snippet carries markup: %s", q, h.Snippet)
			}
		}
		if !marked {
			t.Errorf("%q: no snippet highlights the match", q)
		}
	}
	if r := run("量子计算机不存在的词"); r.Total != 0 {
		t.Errorf("a phrase in no post found %d", r.Total)
	}
	if all, ex := run("茶"), run("茶 -龙井"); ex.Total >= all.Total {
		t.Errorf("-exclude did not remove posts: %d vs %d", ex.Total, all.Total)
	}
	// A malformed query gets a gentle error, not an exception.
	msg := Eval[string](b, `folio.search('"unclosed (').then(() => "no error", e => e.code + ": " + e.message)`)
	if !strings.HasPrefix(msg, "bad_query") && msg != "no error" {
		t.Errorf("malformed query: %s", msg)
	}

	// The search page: results, then a click opens the post with the words marked.
	b.Run(20*time.Second, chromedp.Navigate(s.URL+"search?q="+"%E9%BE%99%E4%BA%95"))
	b.WaitText("main", run("龙井").Hits[0].Title)
	b.Run(10*time.Second, chromedp.Click(`main .post-item h2 a`))
	b.WaitText("main h1", "")
	if n := Eval[int](b, `new Promise(r => setTimeout(() => r(document.querySelectorAll("main article mark, main mark").length), 300))`); n == 0 {
		t.Error("the searched words are not marked in the post")
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestSearchMarksInPost: a search's hit, opened, marks exactly the words the engine
// searched for, as the engine read the query (fields, operators and parentheses gone):
// the words come from the search's marks, not from parsing the query in JavaScript.
func TestSearchMarksInPost(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Open(s.URL)
	cases := []struct {
		q           string
		title, body string // the marked texts in the heading and in the body, in order
	}{
		{"标题:龙井", "龙井", ""},
		{"(龙井 OR 碧螺春) 春茶", "龙井", "龙井 碧螺春 龙井 春茶"},
		{"龙井|碧螺春", "龙井", "龙井 碧螺春 龙井"},
	}
	for _, c := range cases {
		b.Run(20*time.Second, chromedp.Navigate(s.URL+"search?q="+url.QueryEscape(c.q)))
		b.WaitText("main", "明前龙井到店了")
		b.Run(10*time.Second, chromedp.Click(`main .post-item h2 a[href*="first-flush-longjing"]`))
		b.WaitText("main .highlight-bar", "")
		marked := func(sel string) string {
			return Eval[string](b, `[...document.querySelectorAll(`+jsString(sel)+`)].map(m => m.textContent).join(" ")`)
		}
		if got := marked("main article h1 mark"); got != c.title {
			t.Errorf("%s: the heading marks %q, want %q", c.q, got, c.title)
		}
		if got := marked("main article .prose mark"); got != c.body {
			t.Errorf("%s: the body marks %q, want %q", c.q, got, c.body)
		}
	}
}

// TestSearchAsYouType: the search box searches while typing with type-ahead, so a Latin
// word found before it is complete, and the post opened from it marks the word whole.
func TestSearchAsYouType(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Open(s.URL)
	b.Run(10*time.Second, chromedp.Click(`#q`), chromedp.SendKeys(`#q`, "Raspb"))
	b.WaitText("main", "Teaching the Kettle to Text Me")
	snippet := Eval[string](b, `[...document.querySelectorAll("main .snippet mark")].map(m => m.textContent).join(" ")`)
	if !strings.Contains(snippet, "Raspberry") {
		t.Errorf("the snippets mark %q, want Raspberry", snippet)
	}
	b.Run(10*time.Second, chromedp.Click(`main .post-item h2 a[href*="raspberry-pi-kettle"]`))
	b.WaitText("main .highlight-bar", "")
	if got := Eval[string](b, `[...document.querySelectorAll("main article .prose mark")].map(m => m.textContent).join(" ")`); got != "Raspberry" {
		t.Errorf("the post marks %q, want Raspberry", got)
	}
}
