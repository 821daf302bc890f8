package post

import "testing"

func TestPlainText(t *testing.T) {
	cases := []struct{ in, format, want string }{
		{"# 标题\n\n正文**加粗**文字，见[链接](http://x.y/z)和![图](a.png)。", "markdown", "标题 正文加粗文字，见链接和图。"},
		{"<p>在<strong>西藏</strong>，推进</p><p>第二段&amp;&#x4E2D;</p>", "html", "在西藏，推进 第二段&中"},
		{"> 引用\n> > 嵌套\n- 一\n* 二\n1. 三\n10) 四", "markdown", "引用 嵌套 一 二 三 四"},
		{"```go\nfunc a_b() {}\n```\n代码`x_y`后", "markdown", "func a_b() {} 代码x_y后"},
		{"snake_case _em_ __strong__ 3~5年 ~~删~~", "markdown", "snake_case em strong 3~5年 删"},
		{"[ref]: http://example.com\n[文][ref] 脚注[^1]\n[^1]: 注释", "markdown", "文 脚注 : 注释"},
		{"a<!-- c\nd -->b<script>\nx\n</script>c<style>y</style>d", "markdown", "a b c d"},
		{"| 鸬鹚 | 2 |\n|---|---|", "markdown", "| 鸬鹚 | 2 | |---|---|"},
		{"a < b 和 \\*星\\*", "markdown", "a < b 和 *星*"},
		{"<http://x.y/>链接", "markdown", "链接"},
		{"line1\r\nline2\x1a", "markdown", "line1 line2"},
		{"", "markdown", ""},
	}
	for _, c := range cases {
		if got := PlainText(c.in, c.format); got != c.want {
			t.Errorf("PlainText(%q, %s)\n got %q\nwant %q", c.in, c.format, got, c.want)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	f.Add("[a](b) <p>c</p> **d** `e` &amp; <!-- x")
	f.Fuzz(func(t *testing.T, s string) {
		PlainText(s, "markdown")
		PlainText(s, "html")
	})
}
