package main

import (
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
)

// post is one indexed document.
type post struct {
	ID    string `json:"-"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// newIndex indexes posts into a new in-memory scorch index: title and body analysed with
// cjk bigrams, stored, with term vectors (phrase queries need the positions).
func newIndex(posts []post) (bleve.Index, error) {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = cjk.AnalyzerName
	text.Store = true
	text.IncludeTermVectors = true

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("title", text)
	doc.AddFieldMappingsAt("body", text)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = cjk.AnalyzerName

	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("new index: %w", err)
	}
	b := idx.NewBatch()
	for _, p := range posts {
		if err := b.Index(p.ID, p); err != nil {
			_ = idx.Close() // in memory, and the indexing error is the one to report
			return nil, fmt.Errorf("index %s: %w", p.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		_ = idx.Close() // in memory, and the batch error is the one to report
		return nil, fmt.Errorf("batch: %w", err)
	}
	return idx, nil
}

// phrase returns the sorted IDs of the posts whose field contains text as a phrase.
func phrase(idx bleve.Index, field, text string) ([]string, error) {
	res, err := search(idx, phraseQuery(field, text))
	return ids(res), err
}

// phraseQuery is a match_phrase query for text in field: with cjk bigrams, a substring search.
func phraseQuery(field, text string) query.Query {
	q := bleve.NewMatchPhraseQuery(text)
	q.SetField(field)
	return q
}

// match returns the sorted IDs of the posts whose field has any of text's terms.
func match(idx bleve.Index, field, text string) ([]string, error) {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	res, err := search(idx, q)
	return ids(res), err
}

// search runs q for every hit, loading the stored title.
func search(idx bleve.Index, q query.Query) (*bleve.SearchResult, error) {
	req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
	req.Fields = []string{"title"}
	res, err := idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search %v: %w", q, err)
	}
	return res, nil
}

// ids returns the hits' IDs in order.
func ids(res *bleve.SearchResult) []string {
	if res == nil {
		return nil
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	slices.Sort(out)
	return out
}
