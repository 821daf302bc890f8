package render

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/sharedtest"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/tools/txtar"
)

// FuzzSanitize renders any body, as Markdown and as raw HTML, against any post URL (both
// come from the bundle, which a tampered host controls), and checks the HTML the viewer
// would insert: parsed as a browser parses it, it must hold nothing that runs script.
func FuzzSanitize(f *testing.F) {
	for _, p := range xssPayloads {
		f.Add(p, "/2020/01/02/post.html")
	}
	for _, s := range renderSeeds(f) {
		f.Add(s, "/emnews/2021/12/08/x.html")
	}
	for _, u := range []string{"", "/", "javascript:alert(1)//", "//evil.example/a/b", "/a/b/", "http://x/y/z.html"} {
		f.Add(`[x](../../y) <a href="z">z</a> <img src="p.png">`, u)
	}
	r := New()
	f.Fuzz(func(t *testing.T, body, postURL string) {
		for _, format := range []string{"markdown", "html"} {
			out, err := r.RenderPost(body, format, postURL)
			if err != nil {
				t.Fatalf("RenderPost(%s): %v", format, err)
			}
			if bad := scriptIn(out); bad != "" {
				t.Fatalf("%s body %q, post URL %q: %s in\n%s", format, body, postURL, bad, out)
			}
		}
		if bad := scriptIn(r.Sanitize(body)); bad != "" {
			t.Fatalf("Sanitize(%q): %s", body, bad)
		}
	})
}

// scriptIn describes the first thing in an HTML fragment that can run script or change how
// the page loads (empty when there is none): script-running or plugin elements, <base>,
// <meta http-equiv>, styles (elements or attributes), event handler attributes, and URLs
// with a scheme other than http, https and mailto. It looks at every tag as a browser's
// tokenizer reads them, and at the tree the viewer's innerHTML would build (where the
// tree builder moves or re-reads markup); a tree deeper than golang.org/x/net/html
// builds (512 open elements; browsers cap nesting too) is checked by its tags alone.
func scriptIn(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			tok := z.Token()
			n := &html.Node{Type: html.ElementNode, Data: tok.Data, Attr: tok.Attr}
			if bad := elementDanger(n); bad != "" {
				return bad
			}
		}
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "article", DataAtom: atom.Article}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		if strings.Contains(err.Error(), "open stack of elements exceeds") {
			return ""
		}
		return "unparsable output: " + err.Error()
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			found = elementDanger(n)
		}
		for c := n.FirstChild; c != nil && found == ""; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

// forbiddenElements run script, embed other documents or plugins, or change the page.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "base": true, "style": true, "link": true, "portal": true, "svg": true, "math": true,
}

// urlAttrs hold URLs that a browser loads or follows.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "data": true, "poster": true,
	"background": true, "cite": true, "longdesc": true, "ping": true, "codebase": true,
	"xlink:href": true, "srcset": true, "lowsrc": true, "dynsrc": true, "manifest": true, "icon": true,
}

func elementDanger(n *html.Node) string {
	name := strings.ToLower(n.Data)
	if forbiddenElements[name] || n.Namespace != "" {
		return fmt.Sprintf("element <%s>", name)
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		switch {
		case name == "meta" && key == "http-equiv":
			return "<meta http-equiv>"
		case strings.HasPrefix(key, "on"):
			return fmt.Sprintf("event handler %s=%q on <%s>", key, a.Val, name)
		case key == "style" || key == "srcdoc":
			return fmt.Sprintf("attribute %s=%q on <%s>", key, a.Val, name)
		case urlAttrs[key]:
			urls := []string{a.Val}
			if key == "srcset" { // "URL 1x, URL 2x"
				urls = strings.Split(a.Val, ",")
			}
			for _, u := range urls {
				if s := scheme(u); s != "" && s != "http" && s != "https" && s != "mailto" {
					return fmt.Sprintf("%s: URL %s=%q on <%s>", s, key, a.Val, name)
				}
			}
		}
	}
	return ""
}

// scheme returns the lower-case scheme of a URL as a browser reads it (leading and
// trailing spaces and control characters dropped, tabs and newlines removed anywhere),
// or "" for a relative URL.
func scheme(u string) string {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	i := strings.IndexAny(u, ":/?#")
	if i <= 0 || u[i] != ':' {
		return ""
	}
	s := strings.ToLower(u[:i])
	for k, r := range s { // a letter, then letters, digits, "+", "-", "."; else it is a path
		if !('a' <= r && r <= 'z' || k > 0 && ('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return ""
		}
	}
	return s
}

var postExts = map[string]bool{".md": true, ".markdown": true, ".html": true, ".htm": true}

// renderSeeds returns the bodies of testdata/*.txtar and demo/_posts, and of the real
// corpora's posts when ../shared is there.
func renderSeeds(f *testing.F) []string {
	f.Helper()
	var seeds []string
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if ext := filepath.Ext(af.Name); ext == ".md" || ext == ".htm" {
				seeds = append(seeds, string(af.Data))
			}
		}
	}
	dirs := []string{filepath.Join("..", "..", "demo", "_posts")}
	if shared := sharedtest.SeedDir(f); shared != "" {
		corpora, _ := filepath.Glob(filepath.Join(shared, "corpus", "*", "_posts"))
		dirs = append(dirs, corpora...)
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !postExts[filepath.Ext(path)] {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			// The body as the reader gives it: after the front matter.
			if _, body, ok := strings.Cut(strings.TrimLeft(string(data), "\ufeff \r\n"), "\n---"); ok {
				seeds = append(seeds, body)
			}
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	return seeds
}
