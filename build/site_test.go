package main

import (
	"context"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"folio/internal/builder"
	"folio/internal/render"
	"folio/internal/server"
	"folio/internal/sharedtest"
	"folio/site"
)

// TestBuildSite: -site reads the whole site: includes and _config.yml's baseurl in posts,
// the static files Jekyll copies (and none it does not: excluded, _-prefixed, dot files,
// pages with front matter, links out of the site), and lists each local link and image of
// a post that points at nothing, with its file and line.
func TestBuildSite(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "blog")
	writeFiles(t, root, map[string][]byte{
		"_config.yml":            []byte("title: Tea\nbaseurl: /blog\nurl: https://tea.example\nexclude: [README.md, drafts]\n"),
		"_includes/JB/setup":     []byte(`{% assign IMG = "/blog/images/" %}`),
		"_posts/2020-01-01-a.md": []byte("---\ntitle: A\n---\n{% include JB/setup %}\n![ok]({{ IMG }}ok.png)\n\n![gone]({{ IMG }}gone.png)\n\n[b]({{ \"/2020/01/02/b.html\" | relative_url }}) [c](/blog/nowhere/) [f](/blog/favicon.ico)\n\n[rel](sub/x.html) [ext](https://example.com/x.png) [tag](/blog/tag/x/)\n"),
		"_posts/2020-01-02-b.md": []byte("---\ntitle: B\n---\n<img src=\"/blog/img/deep/y.jpg\"> <img src=\"/elsewhere.png\">\n"),
		"images/ok.png":          []byte("png"),
		"img/deep/y.jpg":         []byte("jpg"),
		"favicon.ico":            []byte("ico"),
		"README.md":              []byte("# readme\n"),
		"drafts/d.png":           []byte("d"),
		"_layouts/post.html":     []byte("layout"),
		".env":                   []byte("SECRET=1"),
		"about.md":               []byte("---\ntitle: About\n---\nabout\n"),
		"notes.md":               []byte("no front matter: copied as it is\n"),
		"index.html":             []byte("<p>the site's own home</p>"),
	})
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "img", "leak")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "public") // inside the site: never copied into itself
	code, stderr, rep := build(t, "-site", root, "-out", out, "-quiet")
	if code != 0 || rep == nil {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if rep.Built != 2 || len(rep.Warnings) != 0 {
		t.Errorf("built %d, warnings %v; want 2 and none", rep.Built, rep.Warnings)
	}
	for _, f := range []string{"images/ok.png", "img/deep/y.jpg", "favicon.ico", "notes.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not copied: %v", f, err)
		}
	}
	for _, f := range []string{"README.md", "drafts", "_layouts", "_posts", "_config.yml", ".env", "about.md", "img/leak", "public"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s copied, want it left out", f)
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "index.html")); err == nil && strings.Contains(string(b), "the site's own home") {
		t.Error("the site's index.html replaced the viewer's")
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, n := range []string{"about.md: a page with front matter", "index.html: the build writes its own file", "leak: links outside the site"} {
		if !strings.Contains(notes, n) {
			t.Errorf("notes lack %q:\n%s", n, notes)
		}
	}
	want := map[string]bool{
		"2020-01-01-a.md:7: image /blog/images/gone.png points at nothing in the built site":                                   true,
		"2020-01-01-a.md:9: link /blog/nowhere/ points at nothing in the built site":                                           true,
		"2020-01-01-a.md:11: link sub/x.html (/2020/01/01/sub/x.html from the post's URL) points at nothing in the built site": true,
		"2020-01-02-b.md:4: image /elsewhere.png points at nothing in the built site":                                          true,
	}
	for _, b := range rep.Broken {
		s := b.File + ":" + itoa(b.Line) + ": " + b.Reason
		if !want[s] {
			t.Errorf("unexpected broken link %s", s)
		}
		delete(want, s)
		if !strings.Contains(stderr, filepath.Join(root, "_posts", b.File)+":"+itoa(b.Line)+": "+b.Reason) {
			t.Errorf("stderr does not list %s", s)
		}
	}
	for s := range want {
		t.Errorf("not reported: %s", s)
	}

	// Discovery: the feed, the sitemap of original URLs under url and baseurl, and
	// robots.txt naming it.
	for name, words := range map[string][]string{
		"feed.xml":               {"<id>https://tea.example/blog/feed.xml</id>", "https://tea.example/blog/2020/01/02/b.html"},
		"sitemap.xml":            {"<loc>https://tea.example/blog/sitemaps/sitemap-1.xml</loc>"},
		"sitemaps/sitemap-1.xml": {"<loc>https://tea.example/blog/</loc>", "<loc>https://tea.example/blog/2020/01/01/a.html</loc>", "<lastmod>2020-01-02T00:00:00Z</lastmod>"},
		"robots.txt":             {"Sitemap: https://tea.example/blog/sitemap.xml"},
	} {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, w := range words {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s lacks %q:\n%s", name, w, data)
			}
		}
	}
	page, err := fs.ReadFile(site.Files(), "index.html")
	if err != nil || !strings.Contains(string(page), `<link rel="alternate" type="application/atom+xml" href="feed.xml"`) {
		t.Errorf("the viewer's page does not link the feed (%v)", err)
	}

	// Without a url: the feed still, no sitemap (it needs full URLs), and a note.
	bare, bareposts := filepath.Join(dir, "bare"), filepath.Join(dir, "other", "_posts")
	writeFiles(t, bareposts, map[string][]byte{"2020-01-01-a.md": []byte("---\ntitle: A\n---\na\n")})
	code, stderr, rep = build(t, "-posts", bareposts, "-out", bare, "-quiet")
	if code != 0 || rep == nil {
		t.Fatalf("-posts: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(bare, "feed.xml")); err != nil {
		t.Errorf("no feed.xml without a url: %v", err)
	}
	if _, err := os.Stat(filepath.Join(bare, "sitemap.xml")); err == nil {
		t.Error("sitemap.xml written without a url")
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "no sitemap.xml") {
		t.Errorf("no note on the missing sitemap: %q", rep.Notes)
	}
}

// TestBuildYanhaijingSite: the whole yanhaijing site builds its 176 posts with no include
// or BLOG_IMG warning, and every local image its posts show is served (status 200, an
// image type) by folio serve's handler over the built folder, apart from the one the
// build reports as pointing at nothing (the original site's own broken image). A Go check
// over HTTP rather than Chromium: the viewer is not needed to fetch an image.
func TestBuildYanhaijingSite(t *testing.T) {
	root := filepath.Dir(sharedtest.Corpus(t, "yanhaijing"))
	out := filepath.Join(t.TempDir(), "site")
	code, stderr, rep := build(t, "-site", root, "-out", out, "-quiet")
	if code != 0 || rep == nil {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if rep.Built != 176 || len(rep.Skipped) != 0 {
		t.Errorf("built %d, skipped %d; want 176, 0", rep.Built, len(rep.Skipped))
	}
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, "{% include") || strings.Contains(w.Reason, "BLOG_IMG") {
			t.Errorf("warning %s:%d: %s", w.File, w.Line, w.Reason)
		}
	}
	broken := map[string]bool{}
	for _, b := range rep.Broken {
		t.Logf("reported: %s:%d: %s", b.File, b.Line, b.Reason)
		broken[strings.Fields(b.Reason)[1]] = true
	}

	srv, err := server.New(out, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)  //nolint:errcheck // closed below
	defer srv.Close() //nolint:errcheck // test server

	r := openBundle(t, out)
	ctx := context.Background()
	images, loaded := 0, 0
	seen := map[string]bool{}
	entries, err := r.Entries(ctx, r.AllSpan(), 0, r.AllSpan().Count)
	if err != nil || len(entries) != 176 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		id := e.ID
		p, err := r.Post(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		h, err := render.Default().RenderPost(p.Body, p.Format, p.URL)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range imageSources(h) {
			if strings.Contains(src, "://") || strings.HasPrefix(src, "//") || strings.HasPrefix(src, "data:") || seen[src] {
				continue
			}
			seen[src] = true
			images++
			if broken[src] {
				continue
			}
			u := "http://" + ln.Addr().String() + "/" + strings.TrimPrefix(src, "/")
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close() //nolint:errcheck // read nothing
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
				t.Errorf("%s (post %s): %d %s, not reported as pointing at nothing", src, id, resp.StatusCode, resp.Header.Get("Content-Type"))
				continue
			}
			loaded++
		}
	}
	if images < 400 {
		t.Errorf("only %d local images found in the posts", images)
	}
	t.Logf("%d local images: %d served as images, %d reported as pointing at nothing", images, loaded, len(broken))
}

func imageSources(fragment string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(fragment))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tok := z.Token(); (tt == html.StartTagToken || tt == html.SelfClosingTagToken) && tok.Data == "img" {
			for _, a := range tok.Attr {
				if a.Key == "src" {
					out = append(out, a.Val)
				}
			}
		}
	}
	return out
}

// TestBuildHost: -host writes the host's files and no copies it would not serve, reports
// the site's size, and -strict fails when the site is over the host's limits.
func TestBuildHost(t *testing.T) {
	posts := filepath.Join(t.TempDir(), "_posts")
	writeFiles(t, posts, map[string][]byte{"2020-01-01-a.md": []byte("---\ntitle: A\n---\na\n")})
	out := filepath.Join(t.TempDir(), "site")
	code, stderr, rep := build(t, "-posts", posts, "-out", out, "-host", "cloudflare")
	if code != 0 || rep == nil {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "_headers")); err != nil {
		t.Errorf("no _headers: %v", err)
	}
	copies := 0
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error { //nolint:errcheck // counted below
		if strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz") {
			copies++
		}
		return nil
	})
	if copies != 0 {
		t.Errorf("%d .br/.gz copies written for a host that compresses itself", copies)
	}
	if !strings.Contains(stderr, "folio build: the site is ") || !strings.Contains(stderr, "20,000 files") {
		t.Errorf("no size report against the limits:\n%s", stderr)
	}

	code, stderr, _ = build(t, "-posts", posts, "-out", out, "-host", "geocities")
	if code != 2 || !strings.Contains(stderr, `unknown host "geocities"`) || !strings.Contains(stderr, "github-pages") {
		t.Errorf("unknown host: exit %d\n%s", code, stderr)
	}

	builder.Hosts["tiny"] = builder.Host{Name: "tiny", MaxFiles: 3, Limits: "a test host of 3 files"}
	defer delete(builder.Hosts, "tiny")
	code, stderr, _ = build(t, "-posts", posts, "-out", out, "-host", "tiny")
	if code != 0 || !strings.Contains(stderr, "over the host's limit") {
		t.Errorf("over the limit without -strict: exit %d, want 0 and the report\n%s", code, stderr)
	}
	code, stderr, _ = build(t, "-posts", posts, "-out", out, "-host", "tiny", "-strict")
	if code != 1 || !strings.Contains(stderr, "-strict: the site does not fit tiny") {
		t.Errorf("-strict over the limit: exit %d, want 1\n%s", code, stderr)
	}
}

// TestBuildConfigFile: folio.yml in the site folder, or the folio: key of _config.yml,
// sets build options (paths relative to the file); the command line wins, and an
// unknown option fails with the file's name.
func TestBuildConfigFile(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string][]byte{
		"_config.yml":            []byte("title: From Jekyll\nfolio:\n  title: From the folio key\n  out: public\n  host: github-pages\n"),
		"_posts/2020-01-01-a.md": []byte("---\ntitle: A\n---\na\n"),
	})
	code, stderr, rep := build(t, "-site", root, "-quiet")
	if code != 0 || rep == nil {
		t.Fatalf("folio: key: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "public", ".nojekyll")); err != nil {
		t.Errorf("out and host from the folio: key not used: %v", err)
	}
	r := openBundle(t, filepath.Join(root, "public"))
	if r.Manifest().Title != "From the folio key" {
		t.Errorf("title %q", r.Manifest().Title)
	}

	writeFiles(t, root, map[string][]byte{"folio.yml": []byte("out: site2\nhost: cloudflare\ntitle: From folio.yml\n")})
	code, stderr, _ = build(t, "-site", root, "-quiet", "-title", "From the command line")
	if code != 0 {
		t.Fatalf("folio.yml: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "site2", "_headers")); err != nil {
		t.Errorf("folio.yml's out and host not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "site2", "public")); err == nil {
		t.Error("the first build's output was copied into the second as a site folder")
	}
	if got := openBundle(t, filepath.Join(root, "site2")).Manifest().Title; got != "From the command line" {
		t.Errorf("title %q: the command line must win", got)
	}

	writeFiles(t, root, map[string][]byte{"folio.yml": []byte("out: site3\nhots: cloudflare\n")})
	code, stderr, _ = build(t, "-site", root, "-quiet")
	if code != 2 || !strings.Contains(stderr, filepath.Join(root, "folio.yml")+`: unknown option "hots"`) {
		t.Errorf("unknown option: exit %d\n%s", code, stderr)
	}
}
