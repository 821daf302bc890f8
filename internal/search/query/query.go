// Package query is the search query language: Parse reads what a person types into an
// expression tree (And, Or, Not, Text, Filter, Date) that the search runtime plans and
// runs. It knows nothing of the index; words are analyzed (analysis.PhraseSlots) as they
// are read, so that a word with nothing to search for is dropped here.
package query

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
// Parse never panics; a query it cannot read is an *Error with a message meant for
// the person who typed it.

// Error says why a query cannot be run, in words for the person who typed it.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// Limits of a query.
const (
	maxQueryRunes = 256
	maxQueryItems = 32
	// maxLoneChars bounds the lone Han characters of a query: each matches every post
	// holding it (at 100k posts, 的 is in 78% of them), by way of every term it starts, so
	// each costs about half a second there; five in an OR took 3.2 s.
	maxLoneChars  = 2
	maxQueryDepth = 8
)

// Expr is a node of a parsed query.
type Expr interface{ String() string }

// And is a node whose items must all match (Not items must not).
type And []Expr

// Or is a node of which at least one item must match.
type Or []Expr

// Not is a node whose X must not match.
type Not struct{ X Expr }

// Text is a word or quoted phrase, in the title or body (or the title only), with the
// slots of its analyzed text (analysis.PhraseSlots).
type Text struct {
	Text      string
	TitleOnly bool
	Slots     []analysis.Slot
	Whole     bool // one lone Han character: every occurrence
	// Prefix, set by ParseTyping on the query's last word when it is a Latin word or a
	// number, is that word's term (its last slot), which then also matches as the start
	// of longer terms (analysis.PrefixTerm).
	Prefix string
}

// Filter is a node matching the docs with a category or tag (Field "category" or "tag").
type Filter struct{ Field, Value string }

// Date is a node matching the docs dated From..To (day numbers, inclusive).
type Date struct {
	Text     string
	From, To int32
}

func (a And) String() string { return "(" + joinExprs(a, " ") + ")" }
func (o Or) String() string  { return "(" + joinExprs(o, " OR ") + ")" }
func (n Not) String() string { return "-" + n.X.String() }
func (t *Text) String() string {
	s := strconv.Quote(t.Text)
	if t.Prefix != "" {
		s += "*"
	}
	if t.TitleOnly {
		return "title:" + s
	}
	return s
}
func (f *Filter) String() string { return f.Field + ":" + strconv.Quote(f.Value) }
func (d *Date) String() string   { return "date:" + d.Text }

func joinExprs(xs []Expr, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = x.String()
	}
	return strings.Join(parts, sep)
}

// Parse reads a query. An empty query (or one of spaces) is an empty And.
func Parse(q string) (Expr, error) { return parse(q, false) }

// ParseTyping reads a query that is still being typed: as Parse, but its last word, when
// it is a Latin word or a number not excluded and not quoted, also matches as the start of
// longer words (Text.Prefix); "Goo" finds Google, "5G" 5GB. Words before it are complete.
func ParseTyping(q string) (Expr, error) { return parse(q, true) }

func parse(q string, typing bool) (Expr, error) {
	if utf8.RuneCountInString(q) > maxQueryRunes {
		return nil, errorf("The query is too long: use at most %d characters.", maxQueryRunes)
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
		return nil, errorf("The query has too many words: use at most %d.", maxQueryItems)
	}
	if p.lone > maxLoneChars {
		return nil, errorf("The query is too broad: a single Chinese character matches most posts, and a query may hold at most %d of them. Search for words of two characters or more.", maxLoneChars)
	}
	if typing && p.last != nil {
		p.last.Prefix = analysis.PrefixTerm(p.last.Text)
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
				return nil, errorf("A “-” must be followed by a word, as in -咖啡.")
			}
			items = append(items, item{kind: itemClose})
			i++
			continue
		case r == '|' || r == '｜':
			if it.neg {
				return nil, errorf("A “-” must be followed by a word, as in -咖啡.")
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
					return nil, errorf("“%s:” needs something after it, as in %s.", word[:k], fieldExample[field])
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
	words int
	lone  int   // lone Han characters (Text.Whole)
	last  *Text // the last item's Text when it is a word not excluded, else nil
}

// seq reads items up to a closing parenthesis or the end: an AND of OR-groups.
func (p *parser) seq(depth int) (Expr, error) {
	if depth > maxQueryDepth {
		return nil, errorf("The query has too many parentheses inside each other.")
	}
	var and And
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
			return nil, errorf("“OR” needs a word on each side, as in 龙井 OR 碧螺春.")
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
func (p *parser) or(depth int) (Expr, error) {
	var alts Or
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
			return nil, errorf("“OR” needs a word on each side, as in 龙井 OR 碧螺春.")
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
func (p *parser) unary(depth int) (Expr, error) {
	it := p.items[p.i]
	p.i++
	var x Expr
	switch it.kind {
	case itemOpen:
		inner, err := p.seq(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.i < len(p.items) && p.items[p.i].kind == itemClose {
			p.i++
		} // else: a missing ")" closes at the end
		if a, ok := inner.(And); ok && len(a) == 1 {
			inner = a[0]
		}
		if a, ok := inner.(And); ok && len(a) == 0 {
			return nil, nil
		}
		x = inner
	case itemWord, itemPhrase:
		p.words++
		p.last = nil
		var err error
		if x, err = leaf(it); err != nil || x == nil {
			return nil, err
		}
		if t, ok := x.(*Text); ok && it.kind == itemWord && !it.neg {
			p.last = t
		}
		if t, ok := x.(*Text); ok && t.Whole {
			p.lone++
		}
	}
	if x == nil {
		return nil, nil
	}
	if it.neg {
		x = Not{x}
	}
	return x, nil
}

// leaf turns a word, phrase or field item into an expression; a word with nothing to
// search for (only punctuation) is dropped.
func leaf(it item) (Expr, error) {
	switch it.field {
	case "category", "tag":
		return &Filter{Field: it.field, Value: strings.TrimSpace(it.text)}, nil
	case "date":
		from, to, err := parseDateRange(it.text)
		if err != nil {
			return nil, err
		}
		return &Date{Text: it.text, From: from, To: to}, nil
	}
	t := &Text{Text: it.text, TitleOnly: it.field == "title"}
	t.Slots, t.Whole = analysis.PhraseSlots(it.text)
	if len(t.Slots) == 0 {
		if it.field == "title" {
			return nil, errorf("“title:%s” has no letters, digits or Chinese characters to search for.", it.text)
		}
		return nil, nil
	}
	return t, nil
}

// parseDateRange reads D, D..D, D.. or ..D, where D is YYYY, YYYY-MM or YYYY-MM-DD ("/"
// and "." work as separators too), into day numbers.
func parseDateRange(s string) (from, to int32, err error) {
	bad := errorf("“date:%s” is not a date: write date:2022, date:2022-01 or date:2022-01-05, or a range such as date:2022-01..2022-03.", s)
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
		return 0, 0, errorf("“date:%s” ends before it starts.", s)
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
		return DayNumber(y, 1, 1), DayNumber(y+1, 1, 1) - 1, true
	case 2:
		if nums[1] < 1 || nums[1] > 12 {
			return 0, 0, false
		}
		return DayNumber(y, nums[1], 1), DayNumber(y, nums[1]+1, 1) - 1, true
	}
	m, d := nums[1], nums[2]
	if m < 1 || m > 12 || d < 1 || d > 31 || DayNumber(y, m, d) >= DayNumber(y, m+1, 1) {
		return 0, 0, false
	}
	day := DayNumber(y, m, d)
	return day, day, true
}

// DayNumber is the day number (days since 1970-01-01) of a date.
func DayNumber(y, m, d int) int32 {
	return int32(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
