package pages

import (
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"folio/internal/archive"
)

// descriptionRunes is the longest <meta name=description> a post gets from its excerpt.
const descriptionRunes = 200

// postPage shows the post at its original URL (the path), as the viewer does: the URL is
// resolved (/api/resolve), then the post read (/api/post); no post there is a 404.
func postPage(pc *pageCtx) (*view, error) {
	rq := url.Values{"path": {pc.path}}
	id, err := pc.rd.IDForURL(pc.ctx, pc.path)
	if isNotFound(err) {
		pc.recordError("/api/resolve", rq, 404, "not_found", err.Error())
		return pc.postNotFound(), nil
	}
	if err != nil {
		return nil, err
	}
	pc.record("/api/resolve", rq, map[string]string{"id": id})
	p, err := archive.ReadPost(pc.ctx, pc.rd, id)
	if err != nil {
		return nil, err
	}
	pc.record("/api/post", url.Values{"id": {id}}, p)
	text := p.Title + " " + plainText(p.HTML, 4000)
	d := Post{T: pc.t, Title: p.Title, Date: p.Date, Day: pc.t.Date(p.Date, false), Lang: GuessLang(text),
		Body: HTML(p.HTML), File: p.File, URL: p.URL, Href: pc.href(p.URL), HasNeighbours: p.Older != nil || p.Newer != nil}
	if d.Title == "" {
		d.Title = p.ID
	}
	for _, c := range p.Categories {
		d.Categories = append(d.Categories, Link{Href: pc.termHref("categories", c), Text: c})
	}
	for _, t := range p.Tags {
		d.Tags = append(d.Tags, Link{Href: pc.termHref("tags", t), Text: t})
	}
	if p.Older != nil {
		d.Older = &Link{Href: pc.href(p.Older.URL), Text: orID(p.Older.Title, p.Older.ID)}
	}
	if p.Newer != nil {
		d.Newer = &Link{Href: pc.href(p.Newer.URL), Text: orID(p.Newer.Title, p.Newer.ID)}
	}
	desc := p.Excerpt
	if utf8.RuneCountInString(desc) > descriptionRunes {
		desc = string([]rune(desc)[:descriptionRunes-1]) + "…"
	}
	return &view{text: text, page: Page{Title: d.Title, Description: strings.TrimSpace(desc), Canonical: pc.abs(d.Href),
		Type: "article", Published: p.Date, Main: d.HTML()}}, nil
}

func orID(title, id string) string {
	if title == "" {
		return id
	}
	return title
}

// plainText returns about the first n bytes of the text of sanitized HTML: tags dropped,
// entities left as they are (enough to guess the language).
func plainText(html string, n int) string {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
		if b.Len() >= n {
			break
		}
	}
	return b.String()
}

// postNotFound is the not-found page of a post's address, with a search for the words of
// its last segment ("/2020/05/spring-tea.html": "spring tea"), as the viewer offers.
func (pc *pageCtx) postNotFound() *view {
	words := ""
	for _, seg := range strings.Split(strings.TrimSuffix(pc.path, path.Ext(pc.path)), "/") {
		if seg != "" && strings.Trim(seg, "0123456789") != "" {
			words = seg
		}
	}
	words = strings.TrimSpace(strings.Join(strings.FieldsFunc(words, func(r rune) bool { return r == '-' || r == '_' }), " "))
	if words == "" {
		return pc.notFound()
	}
	return pc.notFoundWith(pc.m.BaseURL+"search?"+url.Values{"q": {words}}.Encode(), words)
}
