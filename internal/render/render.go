// Package render turns a post body (Markdown or raw HTML) into safe HTML. It is the only
// package that configures goldmark, so every host renders the same way.
//
// Post content is untrusted. Goldmark passes raw HTML through (archives are full of it),
// and a bluemonday policy then keeps only passive markup: no scripts, no event handlers,
// no javascript: URLs, no frames, objects, forms or styles.
package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Config sets how Markdown is rendered. The zero value is not useful; use DefaultConfig.
type Config struct {
	// GFM turns on tables, strikethrough, autolinks and task lists.
	GFM bool
	// Footnotes turns on [^1] footnotes.
	Footnotes bool
	// HeadingIDs gives headings ids for links to sections.
	HeadingIDs bool
	// CJK turns on goldmark's CJK extension: a line break between Chinese characters does
	// not become a space, and emphasis next to CJK punctuation works.
	CJK bool
}

// DefaultConfig is what Folio uses: everything on.
var DefaultConfig = Config{GFM: true, Footnotes: true, HeadingIDs: true, CJK: true}

// Option changes a Config.
type Option func(*Config)

// WithoutCJK turns the CJK extension off.
func WithoutCJK() Option { return func(c *Config) { c.CJK = false } }

// Renderer renders post bodies. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a Renderer with DefaultConfig changed by opts.
func New(opts ...Option) *Renderer {
	cfg := DefaultConfig
	for _, o := range opts {
		o(&cfg)
	}
	var exts []goldmark.Extender
	if cfg.GFM {
		exts = append(exts, extension.GFM)
	}
	if cfg.Footnotes {
		exts = append(exts, extension.Footnote)
	}
	if cfg.CJK {
		exts = append(exts, extension.CJK)
	}
	var popts []parser.Option
	if cfg.HeadingIDs {
		popts = append(popts, parser.WithAutoHeadingID())
	}
	// goldmark's default parser, with lists and quotes nested at most MaxBlockNesting deep
	// and inlines at most MaxInlineNesting (depth.go says why).
	p := parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(inlineLimit{}, 0)),
	)
	md := goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(popts...),
		// Raw HTML is kept here and made safe by the policy below.
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	return &Renderer{md: md, policy: Policy()}
}

var (
	defaultOnce sync.Once
	defaultR    *Renderer
)

// Default returns a shared Renderer with DefaultConfig.
func Default() *Renderer {
	defaultOnce.Do(func() { defaultR = New() })
	return defaultR
}

// Render turns a body into sanitized HTML. format is "markdown" or "html".
func (r *Renderer) Render(body, format string) (string, error) {
	// Goldmark's CJK line breaks read the rune before a line end and panic when the text
	// before it is no valid UTF-8.
	body = strings.ToValidUTF8(body, "\uFFFD")
	var out []byte
	note := ""
	switch format {
	case "html":
		// Raw HTML is never parsed into a tree here (the sanitizer and relativeLinks read
		// tokens), so its nesting costs no stack; the browser caps the depth of the DOM.
		out = []byte(body)
	case "markdown", "":
		var b bytes.Buffer
		ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
		if err := r.md.Convert([]byte(body), &b, parser.WithContext(ctx)); err != nil {
			return "", fmt.Errorf("render markdown: %w", err)
		}
		out = b.Bytes()
		if wasCut(ctx) {
			note = deepNote
		}
	default:
		return "", fmt.Errorf("render: unknown format %q", format)
	}
	return note + string(r.policy.SanitizeBytes(out)), nil
}

// RenderPost renders a post body like Render and resolves its relative links and images
// against the post's original URL, as the Jekyll site did.
func (r *Renderer) RenderPost(body, format, postURL string) (string, error) {
	out, err := r.Render(body, format)
	if err != nil {
		return "", err
	}
	return relativeLinks(out, postURL), nil
}

// Sanitize makes an HTML fragment safe to insert in the viewer.
func (r *Renderer) Sanitize(fragment string) string { return r.policy.Sanitize(fragment) }

var (
	languageClass = regexp.MustCompile(`^language-[\w+#.-]+$`)
	footnoteClass = regexp.MustCompile(`^(footnotes|footnote-ref|footnote-backref|task-list-item|contains-task-list)$`)
	safeID        = regexp.MustCompile(`^[\p{L}\p{N}_:.-]+$`)
)

// Policy returns the sanitizer policy for post HTML: bluemonday's user-content policy
// plus what rendered Markdown needs (code languages, footnote and heading ids, task-list
// checkboxes) and common passive formatting. Links get rel="nofollow noopener" and open in
// a new tab when they leave the site.
func Policy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(languageClass).OnElements("code", "pre")
	p.AllowAttrs("class").Matching(footnoteClass).OnElements("div", "section", "sup", "a", "li", "ul", "ol")
	p.AllowAttrs("id").Matching(safeID).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div", "section", "a", "span", "p")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	p.AllowElements("input", "center", "kbd", "mark", "figure", "figcaption", "details", "summary")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td", "p", "div")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
}
