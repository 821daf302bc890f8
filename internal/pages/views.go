package pages

import "strconv"

// The views, in the viewer's markup (site/views/*.js) so that its styles apply and its
// takeover changes nothing on screen. Each view's HTML method writes it; every value is
// escaped (markup.go) but Post.Body and Item.Snippet, which are HTML already sanitized
// by internal/render and internal/search.

// Link is a link with its text.
type Link struct{ Href, Text string }

// Chip is a term or month with its count, a link to its list.
type Chip struct {
	Href, Name, Count, Label string
	Weight                   int  // 0–4: the size of a term in an index
	Current                  bool // the chip of the page shown
}

// Item is one post in a list.
type Item struct {
	Href, Title, Date, Day string
	Categories             []Link
	Excerpt                string
	Snippet                HTML // a search hit's sanitized snippet
}

func (it *Item) write(m *markup) {
	m.tag(`<li class="post-item"><h2><a href="`)
	m.link(it.Href)
	m.tag(`">`)
	m.text(it.Title)
	m.tag(`</a></h2><p class="meta">`)
	writeTime(m, it.Date, it.Day)
	writeCategories(m, it.Categories)
	m.tag(`</p>`)
	switch {
	case it.Snippet != "":
		m.tag(`<p class="snippet">`)
		m.html(it.Snippet)
		m.tag(`</p>`)
	case it.Excerpt != "":
		m.tag(`<p class="excerpt">`)
		m.text(it.Excerpt)
		m.tag(`</p>`)
	}
	m.tag("</li>\n")
}

// writeTime writes a date with its day as the reader sees it.
func writeTime(m *markup, date, day string) {
	m.tag(`<time datetime="`)
	m.text(date)
	m.tag(`" title="`)
	m.text(date)
	m.tag(`">`)
	m.text(day)
	m.tag(`</time>`)
}

// writeCategories writes a post's categories, each after a separator.
func writeCategories(m *markup, cats []Link) {
	for _, c := range cats {
		m.tag(`<span class="sep" aria-hidden="true">·</span><a class="cat categories" href="`)
		m.link(c.Href)
		m.tag(`">`)
		m.text(c.Text)
		m.tag(`</a>`)
	}
}

// Pager links the pages of a list before and after this one.
type Pager struct {
	Prev, Next         string // empty at the ends
	PrevText, NextText string
	Label, Page        string
}

func (p *Pager) write(m *markup) {
	if p == nil {
		return
	}
	m.tag(`<nav class="pager" aria-label="`)
	m.text(p.Label)
	m.tag(`">`)
	if p.Prev != "" {
		m.tag(`<a class="btn" rel="prev" href="`)
		m.link(p.Prev)
		m.tag(`">← `)
		m.text(p.PrevText)
		m.tag(`</a>`)
	} else {
		m.tag(`<span class="btn disabled" aria-hidden="true">← `)
		m.text(p.PrevText)
		m.tag(`</span>`)
	}
	m.tag(`<span class="page-no">`)
	m.text(p.Page)
	m.tag(`</span>`)
	if p.Next != "" {
		m.tag(`<a class="btn" rel="next" href="`)
		m.link(p.Next)
		m.tag(`">`)
		m.text(p.NextText)
		m.tag(` →</a>`)
	} else {
		m.tag(`<span class="btn disabled" aria-hidden="true">`)
		m.text(p.NextText)
		m.tag(` →</span>`)
	}
	m.tag("</nav>\n")
}

// List is a list of posts: home, a category, a tag, a year, a month.
type List struct {
	T           Text
	Title, Sub  string
	Section     string // home's "Latest posts"
	Crumbs      []Link
	CrumbsLabel string // a months bar's label; none for plain crumbs
	Months      []Chip
	Items       []Item
	Start       int    // the number of the first item (search results)
	Empty       string // shown when there are no items
	Pager       *Pager
}

// HTML is the list page's content.
func (l *List) HTML() []byte {
	m := &markup{}
	writeHeading(m, l.Title, l.Sub)
	switch {
	case l.CrumbsLabel != "":
		m.tag(`<nav class="crumbs" aria-label="`)
		m.text(l.CrumbsLabel)
		m.tag(`">`)
		for i, c := range l.Crumbs {
			if i > 0 {
				m.tag(" / ")
			}
			writeLink(m, c)
		}
		if len(l.Months) > 0 {
			m.tag(`<ul class="chips">`)
			for _, c := range l.Months {
				m.tag(`<li><a class="chip" href="`)
				m.link(c.Href)
				m.tag(`"`)
				if c.Current {
					m.tag(` aria-current="page"`)
				}
				m.tag(`>`)
				writeCount(m, c)
				m.tag(`</a></li>`)
			}
			m.tag(`</ul>`)
		}
		m.tag("</nav>\n")
	case len(l.Crumbs) > 0:
		m.tag(`<p class="crumbs">`)
		for _, c := range l.Crumbs {
			writeLink(m, c)
		}
		m.tag("</p>\n")
	}
	if l.Section != "" {
		m.tag(`<h2 class="section">`)
		m.text(l.Section)
		m.tag("</h2>\n")
	}
	l.writeItems(m)
	return m.Bytes()
}

// writeItems writes the list's posts (or its empty text) and its pager.
func (l *List) writeItems(m *markup) {
	if len(l.Items) > 0 {
		m.tag(`<ol class="post-list`)
		if l.Start != 0 {
			m.tag(` results" start="`)
			m.text(strconv.Itoa(l.Start))
		}
		m.tag("\">\n")
		for i := range l.Items {
			l.Items[i].write(m)
		}
		m.tag("</ol>\n")
	} else {
		m.tag(`<p class="empty">`)
		m.text(l.Empty)
		m.tag("</p>\n")
	}
	l.Pager.write(m)
}

// writeLink writes a plain link.
func writeLink(m *markup, l Link) {
	m.tag(`<a href="`)
	m.link(l.Href)
	m.tag(`">`)
	m.text(l.Text)
	m.tag(`</a>`)
}

// writeCount writes a chip's name and count.
func writeCount(m *markup, c Chip) {
	m.text(c.Name)
	m.tag(`<span class="count">`)
	m.text(c.Count)
	m.tag(`</span>`)
}

// Post is one post.
type Post struct {
	T                Text
	Title, Date, Day string
	Lang             string
	Categories, Tags []Link
	Body             HTML
	File, URL, Href  string
	Older, Newer     *Link
	HasNeighbours    bool
}

// HTML is the post page's content.
func (p *Post) HTML() []byte {
	m := &markup{}
	m.tag(`<article class="post"`)
	if p.Lang != "" {
		m.tag(` lang="`)
		m.text(p.Lang)
		m.tag(`"`)
	}
	m.tag(`><header><h1 tabindex="-1">`)
	m.text(p.Title)
	m.tag(`</h1><p class="meta">`)
	writeTime(m, p.Date, p.Day)
	if len(p.Categories) > 0 {
		m.tag(`<span class="terms"><span class="visually-hidden">`)
		m.text(p.T.T("postedIn"))
		m.tag(`: </span>`)
		writeCategories(m, p.Categories)
		m.tag(`</span>`)
	}
	m.tag("</p></header>\n<div class=\"prose\">")
	m.html(p.Body)
	m.tag("</div>\n<footer>")
	if len(p.Tags) > 0 {
		m.tag(`<p class="post-tags"><span class="visually-hidden">`)
		m.text(p.T.T("taggedWith"))
		m.tag(`: </span>`)
		for _, t := range p.Tags {
			m.tag(`<a class="chip tags" href="`)
			m.link(t.Href)
			m.tag(`">#`)
			m.text(t.Text)
			m.tag(`</a>`)
		}
		m.tag(`</p>`)
	}
	m.tag(`<dl class="source"><dt>`)
	m.text(p.T.T("originalFile"))
	m.tag(`</dt><dd><code>`)
	m.text(p.File)
	m.tag(`</code></dd><dt>`)
	m.text(p.T.T("originalURL"))
	m.tag(`</dt><dd><a href="`)
	m.link(p.Href)
	m.tag(`"><code>`)
	m.text(p.URL)
	m.tag("</code></a></dd></dl></footer></article>\n")
	if p.HasNeighbours {
		m.tag(`<nav class="neighbours" aria-label="`)
		m.text(p.T.T("morePosts"))
		m.tag(`">`)
		writeNeighbour(m, p.Older, "prev", "← "+p.T.T("prevPost"))
		writeNeighbour(m, p.Newer, "next", p.T.T("nextPost")+" →")
		m.tag("</nav>\n")
	}
	return m.Bytes()
}

// writeNeighbour writes the link to the older or newer post (rel "prev" or "next"), or
// an empty cell in its place.
func writeNeighbour(m *markup, l *Link, rel, label string) {
	if l == nil {
		m.tag(`<span class="neighbour `)
		m.text(rel)
		m.tag(` none"></span>`)
		return
	}
	m.tag(`<a class="neighbour `)
	m.text(rel)
	m.tag(`" rel="`)
	m.text(rel)
	m.tag(`" href="`)
	m.link(l.Href)
	m.tag(`"><span class="label">`)
	m.text(label)
	m.tag(`</span><span class="title">`)
	m.text(l.Text)
	m.tag(`</span></a>`)
}

// Terms is the index of every category or tag.
type Terms struct {
	T          Text
	Title, Sub string
	Chips      []Chip
	ByName     bool
	Here       string
}

// HTML is the index page's content.
func (d *Terms) HTML() []byte {
	m := &markup{}
	writeHeading(m, d.Title, d.Sub)
	if len(d.Chips) == 0 {
		m.tag(`<p class="empty">`)
		m.text(d.T.T("noTerms"))
		m.tag("</p>\n")
		return m.Bytes()
	}
	m.tag(`<p class="sort-links">`)
	m.text(d.T.T("sortBy"))
	m.tag(`: <a href="`)
	m.link(d.Here)
	m.tag(`"`)
	if !d.ByName {
		m.tag(` aria-current="true"`)
	}
	m.tag(`>`)
	m.text(d.T.T("byCount"))
	m.tag(`</a> · <a href="`)
	m.link(d.Here)
	m.tag(`?sort=name"`)
	if d.ByName {
		m.tag(` aria-current="true"`)
	}
	m.tag(`>`)
	m.text(d.T.T("byName"))
	m.tag("</a></p>\n<ul class=\"chips terms\">")
	for _, c := range d.Chips {
		m.tag(`<li><a class="chip w`)
		m.text(strconv.Itoa(c.Weight))
		m.tag(`" href="`)
		m.link(c.Href)
		m.tag(`">`)
		writeCount(m, c)
		m.tag(`</a></li>`)
	}
	m.tag("</ul>\n")
	return m.Bytes()
}

// writeHeading writes a page's heading and its subtitle, if it has one.
func writeHeading(m *markup, title, sub string) {
	m.tag(`<h1 tabindex="-1">`)
	m.text(title)
	m.tag("</h1>\n")
	if sub != "" {
		m.tag(`<p class="subtitle">`)
		m.text(sub)
		m.tag("</p>\n")
	}
}

// Archive is the years and their months.
type Archive struct {
	T          Text
	Title, Sub string
	Years      []Year
}

// HTML is the archive page's content.
func (d *Archive) HTML() []byte {
	m := &markup{}
	writeHeading(m, d.Title, d.Sub)
	if len(d.Years) == 0 {
		m.tag(`<p class="empty">`)
		m.text(d.T.T("noTerms"))
		m.tag("</p>\n")
	}
	for _, y := range d.Years {
		m.tag(`<section class="year"><h2><a href="`)
		m.link(y.Href)
		m.tag(`">`)
		m.text(y.Name)
		m.tag(`</a> <span class="count">`)
		m.text(y.Count)
		m.tag(`</span></h2><ol class="months">`)
		for _, c := range y.Months {
			m.tag(`<li>`)
			if c.Href != "" {
				m.tag(`<a href="`)
				m.link(c.Href)
				m.tag(`" aria-label="`)
				m.text(c.Label)
				m.tag(`"><span class="m">`)
				m.text(c.Name)
				m.tag(`</span><span class="count">`)
				m.text(c.Count)
				m.tag(`</span></a>`)
			} else {
				m.tag(`<span class="none" aria-hidden="true"><span class="m">`)
				m.text(c.Name)
				m.tag(`</span></span>`)
			}
			m.tag(`</li>`)
		}
		m.tag("</ol></section>\n")
	}
	return m.Bytes()
}

// Year is one year of the archive, with a cell for each month.
type Year struct {
	Name, Href, Count string
	Months            []Chip // empty Href: no posts that month
}

// Search is a search's results page.
type Search struct {
	T          Text
	Title, Sub string
	Message    string // no query, a query that cannot be read, no search data
	HelpOpen   bool   // the query syntax shown open (no query, or one that cannot be read)
	Sorts      []Chip // relevance, newest, oldest; Current marks the one in force
	Active     []Chip // filters in force; Href removes one
	Facets     []Facet
	Results    *List
}

// HTML is the search page's content.
func (d *Search) HTML() []byte {
	m := &markup{}
	writeHeading(m, d.Title, d.Sub)
	if d.Message != "" {
		m.tag(`<p class="message-inline">`)
		m.text(d.Message)
		m.tag("</p>\n")
	}
	switch {
	case len(d.Sorts) > 0:
		m.tag(`<div class="search-tools"><p class="sort">`)
		m.text(d.T.T("sortBy"))
		m.tag(`: `)
		for i, c := range d.Sorts {
			if i > 0 {
				m.tag(` · `)
			}
			m.tag(`<a href="`)
			m.link(c.Href)
			m.tag(`"`)
			if c.Current {
				m.tag(` aria-current="true"`)
			}
			m.tag(`>`)
			m.text(c.Name)
			m.tag(`</a>`)
		}
		m.tag(`</p>`)
		d.writeHelp(m)
		m.tag("</div>\n")
	case d.HelpOpen:
		d.writeHelp(m)
		m.tag("\n")
	}
	if len(d.Active) > 0 {
		m.tag(`<ul class="chips active-filters" aria-label="`)
		m.text(d.T.T("filters"))
		m.tag(`">`)
		for _, c := range d.Active {
			m.tag(`<li><a class="chip on" href="`)
			m.link(c.Href)
			m.tag(`" aria-label="`)
			m.text(c.Label)
			m.tag(`">`)
			m.text(c.Name)
			m.tag(`<span class="x" aria-hidden="true">×</span></a></li>`)
		}
		m.tag("</ul>\n")
	}
	if len(d.Facets) > 0 {
		m.tag(`<details class="facets" open><summary>`)
		m.text(d.T.T("refine"))
		m.tag(`</summary>`)
		for _, f := range d.Facets {
			m.tag(`<div class="facet"><h3>`)
			m.text(f.Title)
			m.tag(`</h3><ul class="chips">`)
			for _, c := range f.Chips {
				m.tag(`<li><a class="chip" href="`)
				m.link(c.Href)
				m.tag(`">`)
				writeCount(m, c)
				m.tag(`</a></li>`)
			}
			m.tag(`</ul></div>`)
		}
		m.tag("</details>\n")
	}
	if d.Results != nil {
		d.Results.writeItems(m)
	}
	return m.Bytes()
}

// writeHelp writes the examples of the query syntax, open when HelpOpen.
func (d *Search) writeHelp(m *markup) {
	m.tag(`<details class="help"`)
	if d.HelpOpen {
		m.tag(` open`)
	}
	m.tag(`><summary>`)
	m.text(d.T.T("searchHelp"))
	m.tag(`</summary><dl>`)
	for _, h := range searchHelp {
		m.tag(`<dt><code>`)
		m.text(h.code)
		m.tag(`</code></dt><dd>`)
		m.text(d.T.T(h.key))
		m.tag(`</dd>`)
	}
	m.tag(`</dl></details>`)
}

// Facet is one group of filters that narrow a search.
type Facet struct {
	Title string
	Chips []Chip
}

// NotFound is the not-found page.
type NotFound struct {
	T    Text
	Home string
	// Search links a search for the words of a missing post's address (SearchText).
	Search, SearchText string
}

// HTML is the not-found page's content.
func (d *NotFound) HTML() []byte {
	m := &markup{}
	m.tag(`<section class="message notfound"><h1 tabindex="-1">`)
	m.text(d.T.T("notFound"))
	m.tag(`</h1><p>`)
	m.text(d.T.T("notFoundText"))
	m.tag(`</p><p class="actions"><a class="btn" href="`)
	m.link(d.Home)
	m.tag(`">`)
	m.text(d.T.T("backHome"))
	m.tag(`</a>`)
	if d.Search != "" {
		m.tag(`<a class="btn" href="`)
		m.link(d.Search)
		m.tag(`">`)
		m.text(d.T.SearchFor(d.SearchText))
		m.tag(`</a>`)
	}
	m.tag("</p></section>\n")
	return m.Bytes()
}

// helpRow is one example of the search syntax: the query and its explanation's key.
type helpRow struct{ code, key string }

// searchHelp is the viewer's help on the query syntax (site/views/search.js).
var searchHelp = []helpRow{
	{"茶 tea", "helpWords"}, {`"spring tea"`, "helpPhrase"}, {"tea -coffee", "helpExclude"}, {"tea OR coffee", "helpOr"},
	{"title:茶会", "helpTitle"}, {"category:notes", "helpCategory"}, {"tag:新闻", "helpTag"}, {"date:2022-01..2022-03", "helpDate"},
}
