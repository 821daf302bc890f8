package pages

import (
	"html/template"
	"strings"
	"testing"
)

// escapeCases are values with every character the escapers treat, schemes and escapes.
var escapeCases = []string{
	"", "plain", `<script>alert("x")</script>`, `a & b's "c" + d`, "nul\x00nul", "茶 tea", "bad utf-8 \xff\xfe",
	"/category/%E5%B0%8F%E9%95%87/", "/search?q=a+b&tag=%22x%22", "javascript:alert(1)", " JavaScript:x", "data:text/html,x",
	"HTTPS://example.org/a b", "mailto:a@b.c", "/a:b", "a/b:c", "%", "%4", "%zz", "%41%", "100%25", "/x?y='(z)'",
	"https://example.org/#frag<>", "vbscript:x", "\ufdd0\uffff", "`~!@#$^*()_=[]{}|\\;:,./<>?", "\t\n\r ",
}

// render runs an html/template over v.
func render(t *testing.T, tmpl string, v string) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("").Parse(tmpl)).Execute(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkEscapes compares the markup writer with html/template, which escaped the pages
// before: a value as text, in <title>, as an attribute, in <meta content>, as a link.
func checkEscapes(t *testing.T, s string) {
	for _, c := range []struct {
		tmpl  string
		write func(m *markup)
	}{
		{`<p>{{.}}</p>`, func(m *markup) { m.tag("<p>"); m.text(s); m.tag("</p>") }},
		{`<title>{{.}}</title>`, func(m *markup) { m.tag("<title>"); m.text(s); m.tag("</title>") }},
		{`<a aria-label="{{.}}">`, func(m *markup) { m.tag(`<a aria-label="`); m.text(s); m.tag(`">`) }},
		{`<meta name="description" content="{{.}}">`, func(m *markup) { writeMeta(m, "name", "description", s) }},
		{`<a href="{{.}}">`, func(m *markup) { m.tag(`<a href="`); m.link(s); m.tag(`">`) }},
		{`<a href="{{.}}?sort=name">`, func(m *markup) { m.tag(`<a href="`); m.link(s); m.tag(`?sort=name">`) }},
	} {
		want := render(t, c.tmpl, s)
		m := &markup{}
		c.write(m)
		if got := strings.TrimSuffix(m.String(), "\n"); got != want {
			t.Errorf("%q in %s: %q, html/template %q", s, c.tmpl, got, want)
		}
	}
	if got, want := shellEscaper.Replace(s), template.HTMLEscapeString(s); got != want {
		t.Errorf("%q in the shell: %q, want %q", s, got, want)
	}
}

// TestEscapesAsHTMLTemplate: the pages escape every value as html/template did, so that
// they stayed the same bytes when the views stopped using it.
func TestEscapesAsHTMLTemplate(t *testing.T) {
	for _, s := range escapeCases {
		checkEscapes(t, s)
	}
	m := &markup{}
	m.link("javascript:alert(1)")
	if m.String() != "#ZgotmplZ" {
		t.Errorf("a javascript: link is written as %q", m.String())
	}
}

func FuzzEscapesAsHTMLTemplate(f *testing.F) {
	for _, s := range escapeCases {
		f.Add(s)
	}
	f.Fuzz(checkEscapes)
}
