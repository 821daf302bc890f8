package pages

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestShell fills the viewer's page: every value escaped, the shell's own bytes kept.
func TestShell(t *testing.T) {
	page, err := os.ReadFile("../../site/index.html")
	if err != nil {
		t.Fatal(err)
	}
	sh, err := ParseShell(page)
	if err != nil {
		t.Fatal(err)
	}
	state, err := (&State{API: map[string]any{"/api/x": "</script><script>alert(1)</script>"}}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = sh.Write(&b, &Page{Lang: `zh"x`, Title: "<T>", Description: `"d"`, SiteName: "S&<b>", Canonical: "/a b", Type: "website",
		Query: `"><script>`, Main: []byte("<p>main</p>"), State: state})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`<html lang="zh&#34;x">`, `<title>&lt;T&gt;</title>`, `<meta name="description" content="&#34;d&#34;">`,
		`<span>S&amp;&lt;b&gt;</span></a>`, `name="q" value="&#34;&gt;&lt;script&gt;" type="search"`, "<p>main</p>",
		`<link rel="canonical" href="/a%20b">`, `<script type="application/json" id="folio-state">{"api":{"/api/x":"\u003c/script\u003e`,
		`<script type="module" src="app/__FOLIO_VERSION__/app.js"></script>`, "</main>\n<footer"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the page", want)
		}
	}
	if strings.Count(out, "<script") != 3 || strings.Contains(out, "Loading…") || strings.Contains(out, "<noscript>") {
		t.Errorf("the page has other scripts or the shell's placeholder:\n%s", out)
	}
	// The shell's own words in the page's wording, and the current navigation link.
	b.Reset()
	if err := sh.Write(&b, &Page{Lang: "en", Wording: TextFor("zh"), Kind: "tags"}); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	for _, want := range []string{`data-i18n="skip">跳到正文</a>`, `placeholder="搜索文章" data-i18n-placeholder`, `aria-label="主导航" data-i18n-label`,
		`data-kind="tags" aria-current="true" data-i18n="tags">标签</a>`, `data-i18n="home">首页</a>`, `<button id="lang" class="lang" type="button">English</button>`,
		`data-i18n="footer">由 Folio 从静态文件生成。</p>`} {
		if !strings.Contains(out, want) {
			t.Errorf("zh: no %q in the page", want)
		}
	}
	if strings.Count(out, "aria-current") != 1 {
		t.Error("zh: more than one current link")
	}
	if _, err := ParseShell([]byte("<html><title>x</title>")); err == nil {
		t.Error("a page without the viewer's places parsed")
	}
}
