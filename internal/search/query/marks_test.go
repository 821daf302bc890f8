package query

import (
	"reflect"
	"testing"
)

// TestMarks: what a query marks is the words and phrases the engine matches, fields,
// operators, parentheses and quotes stripped, exclusions and filters left out.
func TestMarks(t *testing.T) {
	w := func(words ...string) Mark { return Mark{Words: words} }
	title := func(words ...string) Mark { return Mark{Words: words, Title: true} }
	cases := []struct {
		q      string
		typing bool
		want   []Mark
	}{
		{"龙井", false, []Mark{w("龙井")}},
		{"标题:龙井", false, []Mark{title("龙井")}},
		{"标题：龙井 春茶", false, []Mark{title("龙井"), w("春茶")}},
		{"title:Dragon", false, []Mark{title("Dragon")}},
		{`title:"明前 龙井"`, false, []Mark{title("明前", "龙井")}},
		{"(龙井 OR 碧螺春) 春茶", false, []Mark{w("龙井"), w("碧螺春"), w("春茶")}},
		{"（龙井 OR 碧螺春）春茶", false, []Mark{w("龙井"), w("碧螺春"), w("春茶")}},
		{"龙井|碧螺春", false, []Mark{w("龙井"), w("碧螺春")}},
		{"龙井 ｜ 碧螺春", false, []Mark{w("龙井"), w("碧螺春")}},
		{"((龙井 OR (碧螺春)) AND 春茶)", false, []Mark{w("龙井"), w("碧螺春"), w("春茶")}},
		{`"明前 龙井"`, false, []Mark{w("明前", "龙井")}},
		{`“明前龙井”`, false, []Mark{w("明前龙井")}},
		{`"spring tea" OR 春茶`, false, []Mark{w("spring", "tea"), w("春茶")}},
		{"茶 -咖啡", false, []Mark{w("茶")}},
		{"茶 -(咖啡 OR 奶茶)", false, []Mark{w("茶")}},
		{`茶 -"明前 龙井"`, false, []Mark{w("茶")}},
		{"分类:小镇 标签:新闻 日期:2022 茶", false, []Mark{w("茶")}},
		{"category:tea tag:x date:2022-01..2022-03", false, []Mark{}},
		{"A股 5G 沪深300 12.3%", false, []Mark{w("A", "股"), w("5G"), w("沪深", "300"), w("12.3")}},
		{"龙井 龙井 OR 龙井", false, []Mark{w("龙井")}},
		{"，。", false, []Mark{}},
		{"Goo", true, []Mark{{Words: []string{"Goo"}, Prefix: true}}},
		{"Goo", false, []Mark{w("Goo")}},
		{"tea 5G", true, []Mark{w("tea"), {Words: []string{"5G"}, Prefix: true}}},
		{"沪深30", true, []Mark{{Words: []string{"沪深", "30"}, Prefix: true}}},
		{"tea 龙井", true, []Mark{w("tea"), w("龙井")}},
		{"tea -goo", true, []Mark{w("tea")}},
		{`"spring te"`, true, []Mark{w("spring", "te")}},
		{"12.3%", true, []Mark{w("12.3")}},
		{"title:goo", true, []Mark{{Words: []string{"goo"}, Title: true, Prefix: true}}},
	}
	for _, c := range cases {
		parse := Parse
		if c.typing {
			parse = ParseTyping
		}
		x, err := parse(c.q)
		if err != nil {
			t.Errorf("parse(%q): %v", c.q, err)
			continue
		}
		if got := Marks(x); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Marks(%q, typing %v) = %+v, want %+v", c.q, c.typing, got, c.want)
		}
	}
}
