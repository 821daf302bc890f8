package search

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"folio/internal/search/analysis"
)

// The query language (see the README section "Search"):
//
//	龙井 绿茶          every word must match (a Chinese word matches as an exact substring)
//	"明前 龙井"        a phrase: the words in this order, side by side
//	-咖啡             leave out posts that match
//	龙井 OR 碧螺春     either (OR, or |, binds closer than the implicit AND)
//	(龙井 OR 碧螺春) 春茶  parentheses group
//	title:龙井        only in titles (标题: too)
//	category:tea      posts of a category (分类:); tag:x a tag (标签:); names ignore case
//	date:2022  date:2022-01..2022-03  date:2022-01-05..  date:..2021-12  (日期:)
//
// Parse never panics; a query it cannot read is a *QueryError with a message meant for
// the person who typed it.

// QueryError says why a query cannot be run, in words for the person who typed it.
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }

func queryErr(format string, args ...any) *QueryError {
	return &QueryError{Msg: fmt.Sprintf(format, args...)}
}

// Limits of a query.
const (
	maxQueryRunes = 256
	maxQueryItems = 32
	maxQueryDepth = 8
)

// expr is a node of a parsed query.
type expr interface{ String() string }

// andExpr: every item must match (notExpr items must not).
type andExpr []expr

// orExpr: at least one item must match.
type orExpr []expr

// notExpr: x must not match.
type notExpr struct{ x expr }

// textExpr: a word or quoted phrase, in the title or body (or the title only).
type textExpr struct {
	text      string
	titleOnly bool
	slots     []analysis.Slot
	whole     bool // one lone Han character: every occurrence
	exact     bool // matched as a phrase, with positions (set by plan.decide)
	// tri is the trigram term of a word of three Han characters; useTri says the index
	// holds it, and the word is matched as that term (set by plan.decide).
	tri    string
	useTri bool
}

// filterExpr: docs with a category or tag.
type filterExpr struct{ field, value string }

// dateExpr: docs dated from..to (day numbers, inclusive).
type dateExpr struct {
	text     string
	from, to int32
}

func (a andExpr) String() string { return "(" + joinExprs(a, " ") + ")" }
func (o orExpr) String() string  { return "(" + joinExprs(o, " OR ") + ")" }
func (n notExpr) String() string { return "-" + n.x.String() }
func (t *textExpr) String() string {
	s := strconv.Quote(t.text)
	if t.titleOnly {
		return "title:" + s
	}
	return s
}
func (f *filterExpr) String() string { return f.field + ":" + strconv.Quote(f.value) }
func (d *dateExpr) String() string   { return "date:" + d.text }

func joinExprs(xs []expr, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = x.String()
	}
	return strings.Join(parts, sep)
}

// Parse reads a query. An empty query (or one of spaces) is an empty andExpr.
func Parse(q string) (expr, error) {
	if utf8.RuneCountInString(q) > maxQueryRunes {
		return nil, queryErr("The query is too long: use at most %d characters.", maxQueryRunes)
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, " ")
	}
	items, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{items: items}
	x, err := p.seq(0)
	if err != nil {
		return nil, err
	}
	if p.words > maxQueryItems {
		return nil, queryErr("The query has too many words: use at most %d.", maxQueryItems)
	}
	return x, nil
}

// item kinds of the lexer.
const (
	itemWord = iota
	itemPhrase
	itemOr
	itemOpen
	itemClose
)

type item struct {
	kind  int
	neg   bool
	field string // title, category, tag, date ("" for none)
	text  string
}

// fieldAliases maps what may stand before ":" to a field.
var fieldAliases = map[string]string{
	"title": "title", "标题": "title",
	"category": "category", "cat": "category", "分类": "category", "类别": "category",
	"tag": "tag", "标签": "tag",
	"date": "date", "日期": "date", "时间": "date",
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }

// quote pairs: opening → closing.
var quotes = map[rune]rune{'"': '"', '“': '”', '「': '」', '『': '』'}

// lex cuts a query into items.
func lex(q string) ([]item, error) {
	var items []item
	rs := []rune(q)
	i := 0
	for i < len(rs) {
		r := rs[i]
		if isSpace(r) {
			i++
			continue
		}
		it := item{kind: itemWord}
		if (r == '-' || r == '－') && i+1 < len(rs) && !isSpace(rs[i+1]) {
			it.neg = true
			i++
			r = rs[i]
		}
		switch {
		case r == '(' || r == '（':
			it.kind = itemOpen
			items = append(items, it)
			i++
			continue
		case r == ')' || r == '）':
			if it.neg {
				return nil, queryErr("A “-” must be followed by a word, as in -咖啡.")
			}
			items = append(items, item{kind: itemClose})
			i++
			continue
		case r == '|' || r == '｜':
			if it.neg {
				return nil, queryErr("A “-” must be followed by a word, as in -咖啡.")
			}
			items = append(items, item{kind: itemOr})
			i++
			continue
		}
		if closeQ, ok := quotes[r]; ok {
			text, n := quoted(rs[i+1:], closeQ)
			it.kind, it.text = itemPhrase, text
			items = append(items, it)
			i += 1 + n
			continue
		}
		// A word runs to a space, a parenthesis, a bar or a quote.
		j := i
		for j < len(rs) && !isSpace(rs[j]) && !strings.ContainsRune("()（）|｜", rs[j]) {
			if _, ok := quotes[rs[j]]; ok && j > i {
				break
			}
			j++
		}
		word := string(rs[i:j])
		i = j
		if word == "OR" && !it.neg {
			items = append(items, item{kind: itemOr})
			continue
		}
		if word == "AND" && !it.neg {
			continue
		}
		if k := strings.IndexAny(word, ":："); k > 0 {
			if field, ok := fieldAliases[strings.ToLower(word[:k])]; ok {
				it.field = field
				_, size := utf8.DecodeRuneInString(word[k:])
				it.text = word[k+size:]
				if it.text == "" && i < len(rs) {
					if closeQ, ok := quotes[rs[i]]; ok {
						text, n := quoted(rs[i+1:], closeQ)
						it.text = text
						i += 1 + n
					}
				}
				if strings.TrimSpace(it.text) == "" {
					return nil, queryErr("“%s:” needs something after it, as in %s.", word[:k], fieldExample[field])
				}
				items = append(items, it)
				continue
			}
		}
		it.text = word
		items = append(items, it)
	}
	return items, nil
}

var fieldExample = map[string]string{
	"title": "title:龙井", "category": "category:tea", "tag": "tag:绿茶", "date": "date:2022-01..2022-03",
}

// quoted reads up to the closing quote (or the end, when it is missing) and returns the
// text and the runes used, the closing quote included.
func quoted(rs []rune, closeQ rune) (string, int) {
	for k, r := range rs {
		if r == closeQ {
			return string(rs[:k]), k + 1
		}
	}
	return string(rs), len(rs)
}

type parser struct {
	items []item
	i     int
	depth int
	words int
}

// seq reads items up to a closing parenthesis or the end: an AND of OR-groups.
func (p *parser) seq(depth int) (expr, error) {
	if depth > maxQueryDepth {
		return nil, queryErr("The query has too many parentheses inside each other.")
	}
	var and andExpr
	for p.i < len(p.items) {
		it := p.items[p.i]
		if it.kind == itemClose {
			if depth == 0 {
				p.i++ // a stray ")" is ignored
				continue
			}
			break
		}
		if it.kind == itemOr {
			return nil, queryErr("“OR” needs a word on each side, as in 龙井 OR 碧螺春.")
		}
		x, err := p.or(depth)
		if err != nil {
			return nil, err
		}
		if x != nil {
			and = append(and, x)
		}
	}
	return and, nil
}

// or reads unary items joined by OR.
func (p *parser) or(depth int) (expr, error) {
	var alts orExpr
	for {
		x, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		if x != nil {
			alts = append(alts, x)
		}
		if p.i >= len(p.items) || p.items[p.i].kind != itemOr {
			break
		}
		p.i++
		for p.i < len(p.items) && p.items[p.i].kind == itemOr {
			p.i++ // "a OR OR b" reads as "a OR b"
		}
		if p.i >= len(p.items) || p.items[p.i].kind == itemClose {
			return nil, queryErr("“OR” needs a word on each side, as in 龙井 OR 碧螺春.")
		}
	}
	switch len(alts) {
	case 0:
		return nil, nil
	case 1:
		return alts[0], nil
	}
	return alts, nil
}

// unary reads one item or a parenthesized group, with its "-".
func (p *parser) unary(depth int) (expr, error) {
	it := p.items[p.i]
	p.i++
	var x expr
	switch it.kind {
	case itemOpen:
		inner, err := p.seq(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.i < len(p.items) && p.items[p.i].kind == itemClose {
			p.i++
		} // else: a missing ")" closes at the end
		if a, ok := inner.(andExpr); ok && len(a) == 1 {
			inner = a[0]
		}
		if a, ok := inner.(andExpr); ok && len(a) == 0 {
			return nil, nil
		}
		x = inner
	case itemWord, itemPhrase:
		p.words++
		var err error
		if x, err = leaf(it); err != nil || x == nil {
			return nil, err
		}
	}
	if x == nil {
		return nil, nil
	}
	if it.neg {
		x = notExpr{x}
	}
	return x, nil
}

// leaf turns a word, phrase or field item into an expression; a word with nothing to
// search for (only punctuation) is dropped.
func leaf(it item) (expr, error) {
	switch it.field {
	case "category", "tag":
		return &filterExpr{field: it.field, value: strings.TrimSpace(it.text)}, nil
	case "date":
		from, to, err := parseDateRange(it.text)
		if err != nil {
			return nil, err
		}
		return &dateExpr{text: it.text, from: from, to: to}, nil
	}
	t := &textExpr{text: it.text, titleOnly: it.field == "title"}
	t.slots, t.whole = analysis.PhraseSlots(it.text)
	if len(t.slots) == 0 {
		if it.field == "title" {
			return nil, queryErr("“title:%s” has no letters, digits or Chinese characters to search for.", it.text)
		}
		return nil, nil
	}
	return t, nil
}

// parseDateRange reads D, D..D, D.. or ..D, where D is YYYY, YYYY-MM or YYYY-MM-DD ("/"
// and "." work as separators too), into day numbers.
func parseDateRange(s string) (from, to int32, err error) {
	bad := queryErr("“date:%s” is not a date: write date:2022, date:2022-01 or date:2022-01-05, or a range such as date:2022-01..2022-03.", s)
	a, b, isRange := strings.Cut(s, "..")
	if !isRange {
		a, b, isRange = strings.Cut(s, "～")
	}
	if !isRange {
		lo, hi, ok := parseDate(s)
		if !ok {
			return 0, 0, bad
		}
		return lo, hi, nil
	}
	from, to = -1<<31, 1<<31-1
	if a != "" {
		lo, _, ok := parseDate(a)
		if !ok {
			return 0, 0, bad
		}
		from = lo
	}
	if b != "" {
		_, hi, ok := parseDate(b)
		if !ok {
			return 0, 0, bad
		}
		to = hi
	}
	if a == "" && b == "" {
		return 0, 0, bad
	}
	if from > to {
		return 0, 0, queryErr("“date:%s” ends before it starts.", s)
	}
	return from, to, nil
}

// parseDate reads YYYY, YYYY-MM or YYYY-MM-DD and returns its first and last day.
func parseDate(s string) (first, last int32, ok bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) == 0 || len(parts) > 3 || strings.Count(s, "-")+strings.Count(s, "/")+strings.Count(s, ".") != len(parts)-1 {
		return 0, 0, false
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 4 {
			return 0, 0, false
		}
		nums[i] = n
	}
	if len(parts[0]) != 4 {
		return 0, 0, false
	}
	y := nums[0]
	switch len(nums) {
	case 1:
		return dayNumber(y, 1, 1), dayNumber(y+1, 1, 1) - 1, true
	case 2:
		if nums[1] < 1 || nums[1] > 12 {
			return 0, 0, false
		}
		return dayNumber(y, nums[1], 1), dayNumber(y, nums[1]+1, 1) - 1, true
	}
	m, d := nums[1], nums[2]
	if m < 1 || m > 12 || d < 1 || d > 31 || dayNumber(y, m, d) >= dayNumber(y, m+1, 1) {
		return 0, 0, false
	}
	day := dayNumber(y, m, d)
	return day, day, true
}

func dayNumber(y, m, d int) int32 {
	return int32(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
