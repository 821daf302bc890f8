// Package search is Folio's full-text search, and the only package that imports bleve.
// The build (native) writes search data into the bundle; the viewer (Go in the browser's
// Web Worker, or native) answers queries by fetching only the files each query needs and
// running bleve over them.
//
// # Analysis
//
// Title and text (post.PlainText of the body) are analyzed by bleve's "cjk" analyzer
// (unicode tokenizer, CJK width folding, lower case, CJK bigrams), the same analyzer
// object at build time and in the browser. Every run of two or more Han characters also
// gets an end mark (see analysis.EndMark), so that a lone character can be found wherever it
// stands. Query words are analyzed by the same analyzer; analysis.PhraseSlots turns them into the
// terms each position may hold, so that a word matches exactly where the text contains it:
// Han text as an exact substring, Latin words and numbers as whole tokens ("5G", "QX7Z9",
// "沪深300" = 沪深+300, "12.3%" = 12.3, "A股" = a followed by a run starting with 股).
//
// # Documents
//
// Doc n is post n of bundle.Sorted (oldest first, by date then file), which is also entry
// n of the bundle's list of all posts; adding newer posts keeps older numbers. Bleve's
// external ID of doc n is n zero-padded to IDWidth digits, so sorting by _id is oldest
// first; internal IDs count from the newest, so bleve's natural order (score ties, unscored
// searches) is newest first.
//
// # Files
//
// Write sorts every term (of both fields) and cuts the list into term chunks of about
// ChunkBytes (doc numbers as delta varints, frequencies) and position chunks of about
// PosChunkBytes (token positions, for phrases), reached from the root through a route
// tree; a metadata file holds what facets, date filters and norms need for every doc; a
// second route tree maps doc numbers to the bundle's post shards, which show the hits.
// Each tree's top node sits in the root, and its whole leaf level is also written as one
// route table, which a Searcher fetches in the background after its first search. The
// format is described in package format. A frequent term gets chunks of its own; a rare term
// costs a cold query one ~4 kB (brotli) term chunk and, for a phrase, one ~8 kB position
// chunk.
//
// # Searching
//
// Searcher.Search parses the query (query.Parse: the language), finds the
// chunks of its terms in the route tree, fetches them in parallel, and runs bleve's query
// searchers and top-N collector over an index reader (index.go) that serves doc lists from
// those chunks. Bleve executes the query (conjunctions, disjunctions, exclusions, filters,
// TF-IDF scoring with length norms, sorting, paging); facets are counted from every hit
// through bleve's document-match handler hook. Exact phrases are virtual terms whose
// postings the reader computes from positions (phrase.go). When the positions of a phrase
// would cost more than Config.PhraseBytes to fetch, the phrase matches as all its tokens
// anywhere in the field (recall stays complete; the result says Exact: false). The hits'
// posts come from their shards, and the snippet is the passage of the post's text with the
// most query words, matched the way the index matches them.
package search
