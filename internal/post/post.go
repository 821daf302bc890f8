// Package post reads Jekyll posts through an fs.FS: file-name dates and slugs, YAML front
// matter in the forms real archives use, Liquid tags, permalinks and excerpts.
//
// Reading never stops at a bad post: every post is either returned or reported as an Issue
// with its file, line and reason.
package post

import (
	"fmt"
	"time"
)

// Post is one Jekyll post, ready to be written into a bundle.
type Post struct {
	// ID identifies the post in the bundle: its path under the posts folder without the
	// extension, with slashes ("tech/2020-3-7-spring-tea").
	ID string
	// File is the path relative to the posts folder ("tech/2020-3-7-spring-tea.md").
	File string
	// URL is the post's original Jekyll URL, from its permalink or the site's pattern.
	URL string
	// Title is the front-matter title, or one made from the file name.
	Title string
	// Date is the post's date in its own zone.
	Date       time.Time
	Categories []string
	Tags       []string
	// Excerpt is plain text: the excerpt with markup removed, at most ExcerptRunes runes.
	Excerpt string
	// Format is "markdown" or "html" (posts written as .html files).
	Format string
	// Body is the post body after Liquid processing, still Markdown (or HTML).
	Body string
	// RedirectFrom are the old URLs of the post (front matter redirect_from, as
	// jekyll-redirect-from reads it); the build writes redirects for hosts that take them.
	RedirectFrom []string

	// pending holds {% post_url %} and {% link %} references resolved after every post is read.
	pending []reference
}

// Issue is a problem with one file: a skipped post or a warning.
type Issue struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// String formats the issue as "file:line: reason".
func (i Issue) String() string {
	if i.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", i.File, i.Line, i.Reason)
	}
	return fmt.Sprintf("%s: %s", i.File, i.Reason)
}

// ExcerptRunes is the longest excerpt kept, in runes.
const ExcerptRunes = 240
