package search

import (
	"errors"
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
	} {
		_, err := Parse(q)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Msg == "" {
			t.Errorf("Parse(%q) = %v, want a QueryError", q, err)
		}
	}
}

func TestParseDates(t *testing.T) {
	day := func(y, m, d int) int32 { return dayNumber(y, m, d) }
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

// TestPhraseSlots checks the query side of analysis: what each word must match.
func TestPhraseSlots(t *testing.T) {
	cases := []struct {
		q     string
		want  string
		whole bool
	}{
		{"龙井", "[龙井]", false},
		{"新能源汽车", "[新能][能源][源汽][汽车]", false},
		{"茶", "[茶 茶·]+茶*", true},
		{"A股", "[a][股]+股*", false},
		{"股A", "[股 股·][a]", false},
		{"A股B", "[a][股][b]", false},
		{"5G网络", "[5g][网络]", false},
		{"沪深300", "[沪深][300]", false},
		{"12.3%", "[12.3]", false},
		{"ＱＸ7z9", "[qx7z9]", false},
		{"茶，龙井", "[茶 茶·][龙井]", false},
	}
	for _, c := range cases {
		slots, whole := phraseSlots(c.q)
		got := ""
		for _, s := range slots {
			got += "["
			for i, t := range s.terms {
				if i > 0 {
					got += " "
				}
				got += markString(t)
			}
			got += "]"
			if s.prefix != "" {
				got += "+" + s.prefix + "*"
			}
		}
		if got != c.want || whole != c.whole {
			t.Errorf("phraseSlots(%q) = %s (whole %v), want %s (whole %v)", c.q, got, whole, c.want, c.whole)
		}
	}
}

// markString shows the end mark as "·".
func markString(t string) string {
	if len(t) > 0 && t[len(t)-1] == EndMark[0] {
		return t[:len(t)-1] + "·"
	}
	return t
}
