package jekyll

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/post"
	"folio/internal/sharedtest"
)

func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// readSite reads the site's posts as a whole-site build does.
func readSite(t *testing.T, root string) *post.Result {
	t.Helper()
	cfg, err := post.LoadConfig(os.DirFS(root), "_config.yml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(root, cfg.Site)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Liquid = s
	res, err := post.ReadAll(os.DirFS(filepath.Join(root, "_posts")), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Warnings = append(res.Warnings, s.Issues...)
	return res
}

func body(t *testing.T, res *post.Result, id string) string {
	t.Helper()
	for _, p := range res.Posts {
		if p.ID == id {
			return p.Body
		}
	}
	t.Fatalf("no post %s; skipped %v", id, res.Skipped)
	return ""
}

// TestSiteLiquid: includes with parameters that assign for the page, assign/capture,
// if/for, Jekyll's filters with baseurl and url, site.* and site.data.*, post_url and
// highlight, evaluated by the engine.
func TestSiteLiquid(t *testing.T) {
	root := writeSite(t, map[string]string{
		"_config.yml":            "title: Tea\nbaseurl: /blog\nurl: https://example.com\nauthor: {name: Li}\n",
		"_data/books.yml":        "- {title: Dream, lang: zh}\n- {title: Ulysses, lang: en}\n",
		"_data/people/team.json": `{"lead": "Wang"}`,
		"_includes/JB/setup":     "{% assign BLOG_IMG = \"/blog/\" %}",
		"_includes/figure.html":  "<figure src=\"{{ include.src | relative_url }}\">{{ include.caption }}</figure>",
		"_includes/nested.html":  "{% include JB/setup %}{% assign depth = 2 %}",
		"_posts/2020-01-01-a.md": `---
title: A & B
tags: [x, y]
---
{% include JB/setup %}
![]({{ BLOG_IMG }}1.png) ![]({{BLOG_IMG}}2.png)
{% include figure.html src="/img/c.png" caption=page.title %}
{% assign n = site.data.books | where: "lang", "zh" | size %}{% capture who %}{{ site.author.name }}/{{ site.data.people.team.lead }}{% endcapture %}
n={{ n }} who={{ who }} {% if page.tags contains "y" %}has-y{% endif %} {% for b in site.data.books %}[{{ b.title }}]{% endfor %}
{{ "/feed.xml" | absolute_url }} {{ page.title | xml_escape }} {{ page.date | date: "%Y/%m/%d" }} {{ "*em*" | markdownify | strip }}
[b]({% post_url 2020-01-02-b %})
{% highlight go %}
x := "{{ site.title }}"
{% endhighlight %}
`,
		"_posts/2020-01-02-b.md": "---\ntitle: B\n---\n{% include nested.html %}{{ BLOG_IMG }}|{{ depth }}\n",
	})
	res := readSite(t, root)
	if len(res.Warnings) != 0 || len(res.Skipped) != 0 {
		t.Errorf("warnings %v, skipped %v", res.Warnings, res.Skipped)
	}
	a := body(t, res, "2020-01-01-a")
	for _, want := range []string{
		"![](/blog/1.png) ![](/blog/2.png)",
		`<figure src="/blog/img/c.png">A & B</figure>`,
		"n=1 who=Li/Wang has-y [Dream][Ulysses]",
		"https://example.com/blog/feed.xml A &amp; B 2020/01/01 <p><em>em</em></p>",
		"[b](/2020/01/02/b.html)",
		"```go\nx := \"Tea\"\n```",
	} {
		if !strings.Contains(a, want) {
			t.Errorf("body lacks %q:\n%s", want, a)
		}
	}
	if b := body(t, res, "2020-01-02-b"); strings.TrimSpace(b) != "/blog/|2" {
		t.Errorf("nested include: body %q, want /blog/|2", b)
	}
}

// TestSiteLiquidProblems: what cannot be evaluated is a warning with the post's file and
// line, and renders as nothing; a template the engine cannot parse falls back to the
// reader's subset, with a warning at the line.
func TestSiteLiquidProblems(t *testing.T) {
	root := writeSite(t, map[string]string{
		"_config.yml":            "title: T\n",
		"_includes/broken.html":  "line one\n{% if x %}never closed\n",
		"_data/bad.yml":          "a: [1, 2\n",
		"_posts/2020-01-01-a.md": "---\ntitle: A\n---\nfirst\n{% include missing.html %}\n{{ nothing.here }} {{ page.title }}\n{% include broken.html %}\n{% include ../_config.yml %}\n",
		"_posts/2020-01-02-b.md": "---\ntitle: B\n---\nok\n\n{% if x %}\nno end\n",
	})
	res := readSite(t, root)
	want := []struct {
		at    string
		words []string
	}{
		{"2020-01-01-a.md:5", []string{"include missing.html", "no such file"}},
		{"2020-01-01-a.md:6", []string{"{{ nothing.here }}", "not defined"}},
		{"2020-01-01-a.md:7", []string{"include broken.html", "_includes/broken.html line 2", "unterminated"}},
		{"2020-01-01-a.md:8", []string{"../_config.yml", "not a file name inside _includes/"}},
		{"2020-01-02-b.md:6", []string{"Liquid error", "unterminated \"if\"", "read without the site"}},
		{"2020-01-02-b.md:6", []string{"{% if x %} removed"}}, // by the reader's subset, after the error
		{"../_data/bad.yml:1", []string{"site.data.bad left out"}},
	}
	at := map[string]bool{}
	for _, w := range want {
		at[w.at] = true
		found := false
		for _, got := range res.Warnings {
			ok := got.File+":"+itoa(got.Line) == w.at
			for _, word := range w.words {
				ok = ok && strings.Contains(got.Reason, word)
			}
			found = found || ok
		}
		if !found {
			t.Errorf("no warning at %s with %q", w.at, w.words)
		}
	}
	for _, got := range res.Warnings {
		if !at[got.File+":"+itoa(got.Line)] {
			t.Errorf("unexpected warning %s", got)
		}
	}
	if b := body(t, res, "2020-01-01-a"); !strings.Contains(b, " A\n") || strings.Contains(b, "nothing") {
		t.Errorf("body %q: want page.title rendered and the undefined value empty", b)
	}
}

func itoa(n int) string { return fmtInt(n) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestExcluded(t *testing.T) {
	s, err := Load(t.TempDir(), map[string]any{"exclude": []any{"README.md", "node_modules", "*.txt", "docs/private/"}, "include": []any{"_headers"}})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"README.md": true, "a/README.md": true, "notes.txt": true, "docs/private/x.png": true, "docs/x.png": false,
		"_layouts/post.html": true, ".git/config": true, "a/.env": true, "#x#": true, "x~": true, "_headers": false,
		"img/1.png": false, "favicon.ico": false, "Gemfile": true, "node_modules/a/b.js": true,
	} {
		if got := s.Excluded(name); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestYanhaijingSite: the whole yanhaijing site builds every post, and neither
// {% include JB/setup %} nor {{ BLOG_IMG }} is left unresolved (293 warnings when the
// posts were read without the site).
func TestYanhaijingSite(t *testing.T) {
	root := filepath.Dir(sharedtest.Corpus(t, "yanhaijing"))
	res := readSite(t, root)
	if len(res.Posts) != 176 || len(res.Skipped) != 0 {
		t.Errorf("built %d, skipped %v; want 176 and none", len(res.Posts), res.Skipped)
	}
	for _, w := range res.Warnings {
		if strings.Contains(w.Reason, "{% include") || strings.Contains(w.Reason, "BLOG_IMG") || strings.Contains(w.Reason, "Liquid error") {
			t.Errorf("warning %s", w)
		}
	}
	imgs := 0
	for _, p := range res.Posts {
		if strings.Contains(p.Body, "BLOG_IMG") || strings.Contains(p.Body, "{%") && strings.Contains(p.Body, "JB/setup") {
			t.Errorf("%s: Liquid left in the body", p.File)
		}
		imgs += strings.Count(p.Body, "](/blog/")
	}
	if imgs < 500 {
		t.Errorf("%d images under /blog/, want the 534 {{ BLOG_IMG }} uses", imgs)
	}
	t.Logf("%d posts, %d warnings, %d /blog/ images", len(res.Posts), len(res.Warnings), imgs)
}

// TestSitePosts: site.posts (newest first), site.categories and site.tags, from a first
// reading of the posts, as a whole-site build gives them when a post uses them.
func TestSitePosts(t *testing.T) {
	root := writeSite(t, map[string]string{
		"_config.yml":            "title: T\n",
		"_posts/2020-01-01-a.md": "---\ntitle: A\ncategories: [tea]\ntags: [x]\n---\na\n",
		"_posts/2020-01-03-c.md": "---\ntitle: C\ncategories: [tea]\n---\nc\n",
		"_posts/2020-01-02-b.md": "---\ntitle: B\ntags: [x]\n---\n{% for p in site.categories.tea %}{{ p.title }},{% endfor %} {{ site.posts.first.url }} {{ site.tags.x | size }} {{ site.posts | map: \"title\" | join: \"\" }}\n",
	})
	if !UsesSitePosts(filepath.Join(root, "_posts")) {
		t.Fatal("UsesSitePosts: false for a post that uses site.categories")
	}
	if UsesSitePosts(writeSite(t, map[string]string{"2020-01-01-a.md": "---\n---\n{{ site.title }}\n"})) {
		t.Error("UsesSitePosts: true for posts that use only site.title")
	}
	first := readSite(t, root)
	cfg, _ := post.LoadConfig(os.DirFS(root), "_config.yml")
	s, err := Load(root, cfg.Site)
	if err != nil {
		t.Fatal(err)
	}
	s.SetPosts(first.Posts)
	cfg.Liquid = s
	res, err := post.ReadAll(os.DirFS(filepath.Join(root, "_posts")), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %v", res.Warnings)
	}
	if got := strings.TrimSpace(body(t, res, "2020-01-02-b")); got != "C,A, /tea/2020/01/03/c.html 2 CBA" {
		t.Errorf("body %q, want \"C,A, /tea/2020/01/03/c.html 2 CBA\"", got)
	}
}
