// Package search is Folio's search runtime, and with its subpackages the only code that
// imports bleve. The viewer (Go in the browser's Web Worker, or native) answers queries
// over a bundle's search data by fetching only the files each query needs and running
// bleve's query searchers over them. Its parts are packages of their own:
//
//   - internal/search/analysis: the analyzer, end marks and trigram terms, the same in the
//     build and in the browser;
//   - internal/search/query: the query language (query.Parse);
//   - internal/search/format: encoding and decoding of every search file;
//   - internal/search/reader: the index bleve's searchers run over (reader.Reader);
//   - internal/search/fetch: fetching, decoding and caching the search files (fetch.Fetcher);
//   - internal/search/route: the route trees that find the search files and post shards
//     (route.Trees);
//   - internal/search/searchers: the tree of bleve searchers a compiled query makes;
//   - internal/search/hits: the hits' posts, read from their shards, with their snippets
//     (hits.Maker);
//   - internal/search/hitline: the decoder of the fields a hit shows of a post's line;
//   - internal/search/snippet: the passage shown with each hit;
//   - internal/search/index: the index writer of the build (the viewer does not link it).
//
// The HTTP side, GET /api/search, is archive.SearchExtension.
//
// # Documents
//
// Doc n is post n of bundle.Sorted (oldest first, by date then file), which is also entry
// n of the bundle's list of all posts; adding newer posts keeps older numbers. Bleve's
// external ID of doc n is n zero-padded to reader.IDWidth digits, so sorting by _id is
// oldest first; internal IDs count from the newest, so bleve's natural order (score ties,
// unscored searches) is newest first.
//
// # Searching
//
// Searcher.Search (searcher.go) parses the query, plans it (plan.go: the terms and prefix
// ranges it reads, found in the route trees (package route), and which phrases get
// positions), fetches their chunks in parallel through the fetcher and its cache (package
// fetch) into the search's view (view.go), compiles the query into bleve searchers to make
// (compile.go, package searchers), and runs them and bleve's top-N collector over a
// reader.Reader of the view. Bleve executes the query (conjunctions, disjunctions,
// exclusions, filters, TF-IDF scoring with length norms, sorting, paging); facets are
// counted from every hit through bleve's document-match handler hook (facets.go). Exact
// phrases are virtual terms whose postings the reader computes from positions. When the
// positions of a phrase would cost more than Config.PhraseBytes to fetch, the phrase
// matches as all its tokens anywhere in the field (recall stays complete; the result says
// Exact: false). The hits' posts come from their shards, with a snippet each (packages
// hits and snippet); the result's Marks say what a viewer marks (query.Marks). Type-ahead
// (Options.Prefix) also matches the completions of the last Latin word, read from the
// biggest chunks of its range (plan.go). Search data of several segments (a rebuild
// appends) is planned and fetched in every segment, and the reader merges the segments'
// doc lists into those of one (segments.go).
package search
