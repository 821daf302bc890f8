package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"folio/internal/sharedtest"
)

type entry struct {
	ID, File, URL, Title string
	Categories, Tags     []string
}

type listResult struct {
	Total int
	Items []entry
}

// everyPost lists every post through folio.list and renders each through folio.post,
// returning the posts whose HTML came back empty or failed.
func everyPost(t *testing.T, b *Browser, want int) {
	t.Helper()
	res := Eval[string](b, `(async () => {
		const out = {total: 0, ids: 0, bad: []};
		let offset = 0;
		for (;;) {
			const l = await folio.list({offset, limit: 200});
			out.total = l.total;
			for (const it of l.items) {
				out.ids++;
				try {
					const p = await folio.post(it.id);
					if (!p.html || !p.html.trim() || p.file !== it.file || p.title !== it.title) out.bad.push(it.id + ": empty or mismatched");
				} catch (e) { out.bad.push(it.id + ": " + e.message); }
			}
			offset += l.items.length;
			if (l.items.length === 0 || offset >= l.total) break;
		}
		return JSON.stringify(out);
	})()`)
	var out struct {
		Total, IDs int
		Bad        []string
	}
	unmarshal(t, res, &out)
	if out.Total != want || out.IDs != want {
		t.Errorf("folio.list: total %d, %d posts listed; want %d", out.Total, out.IDs, want)
	}
	for _, b := range out.Bad {
		t.Errorf("folio.post %s", b)
	}
}

func TestDemoEveryPostRenders(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Open(s.URL)
	everyPost(t, b, s.Report.Built)
}

func TestCorporaEveryPostRenders(t *testing.T) {
	for _, name := range []string{"yanhaijing", "finews", "jekyll"} {
		t.Run(name, func(t *testing.T) {
			s := BuildSite(t, sharedtest.Corpus(t, name), "", nil)
			b := NewBrowser(t)
			b.Open(s.URL)
			everyPost(t, b, s.Report.Built)
		})
	}
}

// TestBrowsing walks home → post → category → back, and reloads a deep link.
func TestBrowsing(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	b.Open(s.URL)
	var newest listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 1}).then(JSON.stringify)`), &newest)
	if len(newest.Items) != 1 {
		t.Fatal("no newest post")
	}
	p := newest.Items[0]
	b.WaitText("main", p.Title)

	// Click the newest post's link on the home page.
	sel := fmt.Sprintf(`main a[href$=%q]`, strings.TrimPrefix(p.URL, "/"))
	b.Run(10*time.Second, chromedp.Click(sel))
	b.WaitText("main h1", p.Title)
	loc := Eval[string](b, `location.pathname`)
	if loc != p.URL {
		t.Errorf("post URL is %s, want its original URL %s", loc, p.URL)
	}

	// Then one of its categories.
	if len(p.Categories) > 0 {
		b.Run(10*time.Second, chromedp.Click(`main a[href*="category/"]`))
		b.WaitText("main h1", p.Categories[0])
		b.Run(10*time.Second, chromedp.NavigateBack())
		b.WaitText("main h1", p.Title)
	}

	// A deep link survives a reload.
	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(p.URL, "/")))
	b.WaitText("main h1", p.Title)
	b.Run(20*time.Second, chromedp.Reload())
	b.WaitText("main h1", p.Title)

	// Archive, category and tag pages have their own URLs too.
	for _, path := range []string{"archive/", "categories/", "tags/", "archive/2019/"} {
		b.Run(20*time.Second, chromedp.Navigate(s.URL+path))
		b.WaitText("main h1", "")
		if n := Eval[int](b, `document.querySelectorAll("main a").length`); n == 0 {
			t.Errorf("%s: no links", path)
		}
	}
}

// TestPlainStaticHost serves the site the way a static host such as GitHub Pages does:
// files as they are, and 404.html (with status 404) for any other path.
func TestPlainStaticHost(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", func(dir string) http.Handler {
		files := http.FileServer(http.Dir(dir))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(r.URL.Path))); err != nil {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.WriteHeader(http.StatusNotFound)
				data, _ := os.ReadFile(filepath.Join(dir, "404.html"))
				_, _ = w.Write(data) // the page's use of it is what is tested
				return
			}
			files.ServeHTTP(w, r)
		})
	})
	b := NewBrowser(t)
	// The 404 status of the deep link itself is what such hosts send; Chromium logs it.
	b.Allow("404")
	b.Open(s.URL)
	var l listResult
	unmarshal(t, Eval[string](b, `folio.list({category: "tech", limit: 1}).then(JSON.stringify)`), &l)
	if len(l.Items) == 0 {
		t.Fatal("no tech post")
	}
	b.Run(20*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(l.Items[0].URL, "/")))
	b.WaitText("main h1", l.Items[0].Title)
}
