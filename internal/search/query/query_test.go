package query

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct{ q, want string }{
		{"龙井 绿茶", `("龙井" "绿茶")`},
		{`"明前 龙井"`, `("明前 龙井")`},
		{`“明前龙井”`, `("明前龙井")`},
		{"-咖啡 茶", `(-"咖啡" "茶")`},
		{"龙井 OR 碧螺春", `(("龙井" OR "碧螺春"))`},
		{"龙井 | 碧螺春 春茶", `(("龙井" OR "碧螺春") "春茶")`},
		{"(龙井 OR 碧螺春) 春茶", `(("龙井" OR "碧螺春") "春茶")`},
		{"-(龙井 OR 碧螺春)", `(-("龙井" OR "碧螺春"))`},
		{"a OR b OR c", `(("a" OR "b" OR "c"))`},
		{"a AND b", `("a" "b")`},
		{"a or b", `("a" "or" "b")`},
		{"title:龙井", `(title:"龙井")`},
		{"标题：龙井", `(title:"龙井")`},
		{`title:"明前 龙井"`, `(title:"明前 龙井")`},
		{`category:tea tag:"A股"`, `(category:"tea" tag:"A股")`},
		{"分类:小镇 -标签:新闻", `(category:"小镇" -tag:"新闻")`},
		{"date:2022", `(date:2022)`},
		{"date:2022-01..2022-03 茶", `(date:2022-01..2022-03 "茶")`},
		{"12:30", `("12:30")`},
		{"A股 5G 沪深300 12.3%", `("A股" "5G" "沪深300" "12.3%")`},
		{"，。 ！", `()`},
		{"   ", `()`},
		{"茶)", `("茶")`},
		{"(茶", `("茶")`},
		{`"未闭合`, `("未闭合")`},
		{"- 茶", `("茶")`},
		{"a OR OR b", `(("a" OR "b"))`},
	}
	for _, c := range cases {
		x, err := Parse(c.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.q, err)
			continue
		}
		if got := x.String(); got != c.want {
			t.Errorf("Parse(%q) = %s, want %s", c.q, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, q := range []string{
		"OR 龙井", "龙井 OR", "(龙井 OR)", "| 茶", "title:", "category:", `tag:""`,
		"date:2022-13", "date:abc", "date:2023..2022", "date:..", "date:2022-02-30", "date:22",
		"-)", "title:，", string(make([]rune, maxQueryRunes+1)),
		"((((((((((茶))))))))))",
		"的 OR 是 OR 在", "的 是 -在", "年 (的 OR 是)",
	} {
		_, err := Parse(q)
		var qe *Error
		if !errors.As(err, &qe) || qe.Msg == "" {
			t.Errorf("Parse(%q) = %v, want a QueryError", q, err)
		}
	}
}

// TestLoneChars: up to maxLoneChars lone Han characters are a query; more are too broad.
func TestLoneChars(t *testing.T) {
	for _, q := range []string{"的", "的 是", "的 OR 是", "的 茶叶 OR 是 龙井", "title:的"} {
		if _, err := Parse(q); err != nil {
			t.Errorf("Parse(%q): %v", q, err)
		}
	}
	_, err := Parse("的 OR 是 OR 在 OR 了 OR 和")
	var qe *Error
	if !errors.As(err, &qe) || !strings.Contains(qe.Msg, "too broad") {
		t.Errorf("five lone characters: %v, want a too-broad QueryError", err)
	}
}

func TestParseDates(t *testing.T) {
	day := func(y, m, d int) int32 { return DayNumber(y, m, d) }
	cases := []struct {
		s        string
		from, to int32
	}{
		{"2022", day(2022, 1, 1), day(2022, 12, 31)},
		{"2022-02", day(2022, 2, 1), day(2022, 2, 28)},
		{"2024/2", day(2024, 2, 1), day(2024, 2, 29)},
		{"2022-01-05", day(2022, 1, 5), day(2022, 1, 5)},
		{"2022-01..2022-03", day(2022, 1, 1), day(2022, 3, 31)},
		{"2022-01-05..", day(2022, 1, 5), 1<<31 - 1},
		{"..2021-12", -1 << 31, day(2021, 12, 31)},
	}
	for _, c := range cases {
		from, to, err := parseDateRange(c.s)
		if err != nil || from != c.from || to != c.to {
			t.Errorf("parseDateRange(%q) = %d, %d, %v; want %d, %d", c.s, from, to, err, c.from, c.to)
		}
	}
}

// TestParseTyping: only the last word, a Latin word or number, not excluded and not quoted,
// matches as a prefix (shown as *), with its analyzed term.
func TestParseTyping(t *testing.T) {
	cases := []struct{ q, want, prefix string }{
		{"Goo", `("Goo"*)`, "goo"},
		{"tea Goo", `("tea" "Goo"*)`, "goo"},
		{"Goo tea", `("Goo" "tea"*)`, "tea"},
		{"5G", `("5G"*)`, "5g"},
		{"沪深30", `("沪深30"*)`, "30"},
		{"(龙井 OR goo)", `(("龙井" OR "goo"*))`, "goo"},
		{"title:Goo", `(title:"Goo"*)`, "goo"},
		{"goo 龙井", `("goo" "龙井")`, ""},
		{"tea -goo", `("tea" -"goo")`, ""},
		{`"tea goo"`, `("tea goo")`, ""},
		{"12.3%", `("12.3%")`, ""},
		{"goo tag:x", `("goo" tag:"x")`, ""},
	}
	for _, c := range cases {
		x, err := ParseTyping(c.q)
		if err != nil {
			t.Errorf("ParseTyping(%q): %v", c.q, err)
			continue
		}
		if got := x.String(); got != c.want {
			t.Errorf("ParseTyping(%q) = %s, want %s", c.q, got, c.want)
		}
		prefix := ""
		var walk func(Expr)
		walk = func(x Expr) {
			switch x := x.(type) {
			case And:
				for _, it := range x {
					walk(it)
				}
			case Or:
				for _, it := range x {
					walk(it)
				}
			case *Text:
				prefix += x.Prefix
			}
		}
		walk(x)
		if prefix != c.prefix {
			t.Errorf("ParseTyping(%q): prefix %q, want %q", c.q, prefix, c.prefix)
		}
	}
}
