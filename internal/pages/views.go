package pages

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
)

// The views, in the viewer's markup (site/views/*.js) so that its styles apply and its
// takeover changes nothing on screen. Every value goes through html/template, except
// Post.Body and Item.Snippet, which are HTML already sanitized by internal/render and
// internal/search.

//go:embed templates/*.html
var templateFiles embed.FS

var views = template.Must(template.New("").Funcs(template.FuncMap{
	// neighbour is the data of a link to the older or newer post.
	"neighbour": func(l *Link, rel, label string) map[string]any {
		return map[string]any{"Link": l, "Rel": rel, "Label": label}
	},
}).ParseFS(templateFiles, "templates/*.html"))

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
	Snippet                template.HTML // a search hit's sanitized snippet
}

// Pager links the pages of a list before and after this one.
type Pager struct {
	Prev, Next         string // empty at the ends
	PrevText, NextText string
	Label, Page        string
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

// Post is one post.
type Post struct {
	T                Text
	Title, Date, Day string
	Lang             string
	Categories, Tags []Link
	Body             template.HTML
	File, URL, Href  string
	Older, Newer     *Link
	HasNeighbours    bool
}

// Terms is the index of every category or tag.
type Terms struct {
	T          Text
	Title, Sub string
	Chips      []Chip
	ByName     bool
	Here       string
}

// Archive is the years and their months.
type Archive struct {
	T          Text
	Title, Sub string
	Years      []Year
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

// HelpRow is one example of the search syntax.
type HelpRow struct{ Code, Key string }

// searchHelp is the viewer's help on the query syntax (site/views/search.js).
var searchHelp = []HelpRow{
	{"茶 tea", "helpWords"}, {`"spring tea"`, "helpPhrase"}, {"tea -coffee", "helpExclude"}, {"tea OR coffee", "helpOr"},
	{"title:茶会", "helpTitle"}, {"category:notes", "helpCategory"}, {"tag:新闻", "helpTag"}, {"date:2022-01..2022-03", "helpDate"},
}

// Help returns the examples of the search syntax.
func (Search) Help() []HelpRow { return searchHelp }

// Render runs the template of a view ("list", "post", "terms", "archive", "search",
// "notfound") over its data.
func Render(view string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := views.ExecuteTemplate(&b, view, data); err != nil {
		return nil, fmt.Errorf("pages: view %s: %w", view, err)
	}
	return b.Bytes(), nil
}
