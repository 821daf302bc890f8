package render

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the .html sections of testdata/*.txtar")

// TestCases renders every NAME.md (or NAME.htm, a raw-HTML body) section of
// testdata/*.txtar and compares it with the NAME.html section.
func TestCases(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no render cases")
	}
	r := New()
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for i, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".html") {
				want[strings.TrimSuffix(f.Name, ".html")] = i
			}
		}
		changed := false
		for _, f := range ar.Files {
			var format string
			switch filepath.Ext(f.Name) {
			case ".md":
				format = "markdown"
			case ".htm":
				format = "html"
			default:
				continue
			}
			name := strings.TrimSuffix(f.Name, filepath.Ext(f.Name))
			t.Run(filepath.Base(file)+"/"+name, func(t *testing.T) {
				got, err := r.Render(string(f.Data), format)
				if err != nil {
					t.Fatal(err)
				}
				i, ok := want[name]
				if *update {
					if ok {
						ar.Files[i].Data = []byte(got)
					} else {
						ar.Files = append(ar.Files, txtar.File{Name: name + ".html", Data: []byte(got)})
					}
					changed = true
					return
				}
				if !ok {
					t.Fatalf("no %s.html section (run go test -update)", name)
				}
				if got != string(ar.Files[i].Data) {
					t.Errorf("got\n%s\nwant\n%s", got, ar.Files[i].Data)
				}
			})
		}
		if changed {
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// xssPayloads are real attack strings: each would run script if inserted unsanitized.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">click</a>`,
	`<a href="JaVaScRiPt:alert(1)">click</a>`,
	`<a href="&#106;avascript:alert(1)">entity</a>`,
	`<svg onload=alert(1)><circle r=1></svg>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<object data="data:text/html,<script>alert(1)</script>"></object>`,
	`<embed src="data:text/html,<script>alert(1)</script>">`,
	`<body onload=alert(1)>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<style>@import 'http://evil.example/x.css';</style>`,
	`<form action="javascript:alert(1)"><button>go</button></form>`,
	`<input autofocus onfocus=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<base href="javascript:alert(1)//">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<link rel=import href="http://evil.example/x.html">`,
	`[click](javascript:alert(1))`,
	`![x](javascript:alert(1))`,
	`<javascript:alert(1)>`,
	"```html\n<script>alert(1)</script>\n```",
	`<p title="</p><script>alert(1)</script>">x</p>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>`,
	`<img src="x" srcset="javascript:alert(1) 1x">`,
	`<video><source onerror=alert(1)></video>`,
	`<template><script>alert(1)</script></template>`,
}

// dangerous matches what must never survive sanitizing: script elements, event handler
// attributes, script URLs, frames, plugins, styles, forms and document-level elements.
var dangerous = regexp.MustCompile(`(?i)<\s*(script|iframe|object|embed|style|form|base|meta|link|svg|math|template|noscript|body)\b|\son[a-z]+\s*=|=\s*["']?\s*(javascript|vbscript|data):|srcdoc|style\s*=`)

// TestSanitizerStopsXSS renders each payload as Markdown and as a raw-HTML body: the
// sanitizer must remove everything active. (The Content-Security-Policy, the second wall,
// is checked in real Chromium by the browser tests.)
func TestSanitizerStopsXSS(t *testing.T) {
	r := New()
	for _, p := range xssPayloads {
		if !dangerous.MatchString(p) && !strings.Contains(p, "javascript:") && !strings.Contains(p, "avascript:") {
			t.Fatalf("payload %q is not recognised as dangerous: the check would prove nothing", p)
		}
		for _, format := range []string{"markdown", "html"} {
			got, err := r.Render(p, format)
			if err != nil {
				t.Fatal(err)
			}
			// Code blocks show the payload as text: escaped, it is inert.
			if m := dangerous.FindString(got); m != "" {
				t.Errorf("%s payload %q: %q survived in %q", format, p, m, got)
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New().Render("x", "textile"); err == nil {
		t.Fatal("want an error for an unknown format")
	}
}
