package pages

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Text is the pages' wording in one language, the viewer's own (site/i18n.js), so that the
// page reads the same before and after the viewer takes over.
type Text struct {
	zh bool
}

// TextFor returns the wording for a language tag: Chinese for "zh…", else English.
func TextFor(lang string) Text { return Text{zh: strings.HasPrefix(strings.ToLower(lang), "zh")} }

// Wording picks the language of the pages' wording as the viewer picks its own
// (site/i18n.js): the first of the reader's languages (an Accept-Language header, in its
// order) that is Chinese or English; without one, the site's language.
func Wording(acceptLanguage, siteLang string) string {
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch tag = strings.ToLower(tag); {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return siteLang
}

var words = map[string][2]string{
	"skip":              {"Skip to content", "跳到正文"},
	"navMain":           {"Main", "主导航"},
	"search":            {"Search", "搜索"},
	"searchPlaceholder": {"Search posts", "搜索文章"},
	"searchKey":         {"Press / to search", "按 / 键搜索"},
	"footer":            {"Served by Folio from static files.", "由 Folio 从静态文件生成。"},
	"home":              {"Home", "首页"},
	"archive":           {"Archive", "归档"},
	"categories":        {"Categories", "分类"},
	"tags":              {"Tags", "标签"},
	"newest":            {"Latest posts", "最新文章"},
	"newer":             {"Newer", "较新"},
	"older":             {"Older", "较早"},
	"prevPage":          {"Previous", "上一页"},
	"nextPage":          {"Next", "下一页"},
	"pagination":        {"Pages", "分页"},
	"prevPost":          {"Previous (older)", "上一篇（较早）"},
	"nextPost":          {"Next (newer)", "下一篇（较新）"},
	"morePosts":         {"More posts", "更多文章"},
	"allCategories":     {"All categories", "全部分类"},
	"allTags":           {"All tags", "全部标签"},
	"sortBy":            {"Sort", "排序"},
	"byCount":           {"Most posts", "文章数"},
	"byName":            {"Name", "名称"},
	"noTerms":           {"Nothing here yet.", "这里还没有内容。"},
	"archiveAll":        {"All years", "全部年份"},
	"postedIn":          {"Categories", "分类"},
	"taggedWith":        {"Tags", "标签"},
	"originalFile":      {"Original file", "原始文件"},
	"originalURL":       {"Original URL", "原始地址"},
	"searchTitle":       {"Search", "搜索"},
	"noResults":         {"Nothing matches. Try fewer or other words, or remove a filter.", "没有找到匹配的文章。试试更少或别的词，或者去掉筛选条件。"},
	"relevance":         {"Relevance", "相关度"},
	"newestFirst":       {"Newest first", "最新在前"},
	"oldestFirst":       {"Oldest first", "最早在前"},
	"filters":           {"Filters", "筛选条件"},
	"refine":            {"Refine", "缩小范围"},
	"year":              {"Year", "年份"},
	"searchEmpty":       {"Type words to search every post. Results appear as you type.", "输入词语即可搜索全部文章，边输入边显示结果。"},
	"searchHelp":        {"Search syntax", "搜索语法"},
	"helpWords":         {"all words must match", "所有词都要出现"},
	"helpPhrase":        {"this exact phrase", "完整短语"},
	"helpExclude":       {"without this word", "排除这个词"},
	"helpOr":            {"either word", "任意一个词"},
	"helpTitle":         {"in the title", "只在标题中"},
	"helpCategory":      {"in a category", "某个分类"},
	"helpTag":           {"with a tag", "带某个标签"},
	"helpDate":          {"from January to March 2022", "2022 年 1 月至 3 月"},
	"unavailable":       {"Search is not available in this build of the archive.", "这个版本的归档没有提供搜索功能。"},
	"notFound":          {"Page not found", "找不到页面"},
	"notFoundText":      {"There is no post or page at this address.", "这个地址上没有文章或页面。"},
	"backHome":          {"Go to the latest posts", "去看最新文章"},
}

// T returns the wording of key.
func (t Text) T(key string) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	if t.zh {
		return w[1]
	}
	return w[0]
}

// Number writes a count with thousands separators in English ("12,345"); Chinese as is.
func (t Text) Number(n int) string {
	s := strconv.Itoa(n)
	if t.zh || n < 1000 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Posts is "12 posts".
func (t Text) Posts(n int) string {
	switch {
	case t.zh:
		return t.Number(n) + " 篇文章"
	case n == 1:
		return "1 post"
	}
	return t.Number(n) + " posts"
}

// PostsSpan is "39 posts, 2019–2024".
func (t Text) PostsSpan(n int, from, to string) string {
	switch {
	case t.zh && from == to:
		return fmt.Sprintf("%s，共 %s 篇文章", from, t.Number(n))
	case t.zh:
		return fmt.Sprintf("%s–%s，共 %s 篇文章", from, to, t.Number(n))
	case from == to:
		return fmt.Sprintf("%s posts from %s", t.Number(n), from)
	}
	return fmt.Sprintf("%s posts, %s–%s", t.Number(n), from, to)
}

// PageOf is "Page 2 of 5".
func (t Text) PageOf(page, pages int) string {
	if t.zh {
		return fmt.Sprintf("第 %s / %s 页", t.Number(page), t.Number(pages))
	}
	return fmt.Sprintf("Page %s of %s", t.Number(page), t.Number(pages))
}

// Terms is "12 categories" or "3 tags".
func (t Text) Terms(n int, kind string) string {
	if t.zh {
		if kind == "tags" {
			return t.Number(n) + " 个标签"
		}
		return t.Number(n) + " 个分类"
	}
	one, many := "category", "categories"
	if kind == "tags" {
		one, many = "tag", "tags"
	}
	if n == 1 {
		return "1 " + one
	}
	return t.Number(n) + " " + many
}

// CategoryTitle and TagTitle head a term's list.
func (t Text) CategoryTitle(name string) string { return t.pick("Category: ", "分类：") + name }

// TagTitle heads a tag's list.
func (t Text) TagTitle(name string) string { return t.pick("Tag: ", "标签：") + name }

// ResultsFor heads a search.
func (t Text) ResultsFor(q string) string {
	if t.zh {
		return "“" + q + "”的搜索结果"
	}
	return "Results for “" + q + "”"
}

// Results counts search hits.
func (t Text) Results(n int) string {
	switch {
	case n == 0:
		return t.pick("No results", "没有结果")
	case t.zh:
		return "共 " + t.Number(n) + " 条结果"
	case n == 1:
		return "1 result"
	}
	return t.Number(n) + " results"
}

// SearchFor is the label of a link to search for q.
func (t Text) SearchFor(q string) string {
	if t.zh {
		return "搜索“" + q + "”"
	}
	return "Search for “" + q + "”"
}

// BadQuery explains a query that could not be read.
func (t Text) BadQuery(msg string) string {
	if t.zh {
		return "无法理解这个搜索：" + msg + "。可以参考下面的搜索语法说明。"
	}
	return "This search could not be read: " + msg + ". See the help below for what you can type."
}

func (t Text) pick(en, zh string) string {
	if t.zh {
		return zh
	}
	return en
}

// Date formats the calendar date of an RFC 3339 string as written (in the post's own
// zone): "January 5, 2022" / "Jan 5, 2022" (short) / "2022年1月5日".
func (t Text) Date(iso string, short bool) string {
	d, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		return iso
	}
	if t.zh {
		return fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
	}
	if short {
		return d.Format("Jan 2, 2006")
	}
	return d.Format("January 2, 2006")
}

// Month formats a year and month (1–12): "March 2022" / "2022年3月"; short: "Mar" / "3月".
func (t Text) Month(year, month int, short bool) string {
	m := time.Month(month)
	switch {
	case t.zh && short:
		return fmt.Sprintf("%d月", month)
	case t.zh:
		return fmt.Sprintf("%d年%d月", year, month)
	case short:
		return m.String()[:3]
	}
	return fmt.Sprintf("%s %d", m, year)
}
