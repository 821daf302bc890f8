package index

import "folio/internal/search/analysis"

// Analyzer gives the index tokens of a title or text: exactly what analysis.Analyze gives
// for it. A build may pass one that remembers the results of its former builds, since
// analysis is a third of a build's work and most texts do not change between builds.
type Analyzer func(text string) (toks []analysis.Token, n int)

// Analyze is the Analyzer that analyzes every time.
func Analyze(text string) ([]analysis.Token, int) { return analysis.Analyze([]byte(text)) }
