package render

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Nesting limits. goldmark opens blocks without recursion, but then walks the tree
// recursively: to parse each block's inlines, in AST transformers, and to render. Natively
// Go grows its stack; in the viewer each Go call is also a WebAssembly call, and a post of
// 3,000 nested list markers ("- - - … x", 6 kB) or 10,000 ">" overflowed the worker's stack
// ("Maximum call stack size exceeded"). Nesting also cost quadratic time (100,000 ">": 13 to
// 21 s natively). Real posts nest a handful of levels; past these limits the rest of the text
// is kept, shown flat, under a note.
const (
	// MaxBlockNesting is how many lists and block quotes may nest. A list marker or ">"
	// deeper than that is text of the paragraph it starts.
	MaxBlockNesting = 32
	// MaxInlineNesting is how many inline elements (emphasis, links, strikethrough…) may
	// nest inside one block; deeper ones keep only their text.
	MaxInlineNesting = 16
)

// deepNote opens a body whose nesting was cut. It is in both of the viewer's languages:
// the renderer does not know the reader's.
var deepNote = fmt.Sprintf(`<p class="render-note" role="note"><em>此文嵌套过深：超过 %[1]d 层的列表和引用、超过 %[2]d 层的强调和链接按原文平铺显示。`+
	`This post is nested too deeply: lists and quotes past %[1]d levels, emphasis and links past %[2]d, are shown flat, as written.</em></p>`+"\n",
	MaxBlockNesting, MaxInlineNesting)

// cutKey marks in the parser context that nesting was cut.
var cutKey = parser.NewContextKey()

func markCut(pc parser.Context) { pc.Set(cutKey, true) }

// wasCut reports whether the document parsed with pc had its nesting cut.
func wasCut(pc parser.Context) bool { return pc.Get(cutKey) != nil }

// blockParsers returns goldmark's default block parsers with the ones that nest (lists and
// block quotes; list items open only inside a list) refusing to open past MaxBlockNesting.
// A refused line falls to the parsers after them, in the end to the paragraph parser.
func blockParsers() []util.PrioritizedValue {
	nesting := map[parser.BlockParser]bool{parser.NewListParser(): true, parser.NewBlockquoteParser(): true}
	ps := parser.DefaultBlockParsers()
	wrapped := 0
	for i, p := range ps {
		if bp, ok := p.Value.(parser.BlockParser); ok && nesting[bp] {
			ps[i].Value = nestingLimit{bp}
			wrapped++
		}
	}
	if wrapped != len(nesting) {
		// goldmark's constructors return shared parsers; if that changes, say so at once.
		panic("render: goldmark's list and block-quote parsers are not among its default block parsers")
	}
	return ps
}

// nestingLimit is a block parser that opens only where fewer than MaxBlockNesting lists
// and quotes enclose the new block.
type nestingLimit struct{ parser.BlockParser }

func (l nestingLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if parent.Kind() == ast.KindList || blockNesting(parent) < MaxBlockNesting {
		return l.BlockParser.Open(parent, reader, pc) // a list's child is an item: no deeper
	}
	// Too deep. Ask the parser, so that the note is shown only when a block was refused,
	// then take back what it read. (Opening a list also clears goldmark's note of an empty
	// item before blank lines; at this depth that is a price worth paying.)
	line, pos := reader.Position()
	if n, _ := l.BlockParser.Open(parent, reader, pc); n == nil {
		return nil, parser.NoChildren
	}
	reader.SetPosition(line, pos)
	markCut(pc)
	return nil, parser.NoChildren
}

// blockNesting counts the lists and quotes that n is or is inside of.
func blockNesting(n ast.Node) int {
	d := 0
	for ; n != nil; n = n.Parent() {
		if k := n.Kind(); k == ast.KindList || k == ast.KindBlockquote {
			d++
		}
	}
	return d
}

// inlineLimit is an AST transformer, run before any other, that flattens inline elements
// nested deeper than MaxInlineNesting into the text they hold (an element at the limit keeps
// its own tag, and holds only text). It walks the tree with a
// stack of its own, not by recursion.
type inlineLimit struct{}

func (inlineLimit) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	type item struct {
		n     ast.Node
		depth int // inline elements enclosing n inside its block
	}
	stack := []item{{doc, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := it.n.FirstChild(); c != nil; c = c.NextSibling() {
			depth := 0
			if c.Type() == ast.TypeInline {
				depth = it.depth + 1
			}
			if depth == MaxInlineNesting && hasGrandchildren(c) {
				flatten(c, reader.Source())
				markCut(pc)
				continue
			}
			stack = append(stack, item{c, depth})
		}
	}
}

// hasGrandchildren reports whether a child of n has children: an element nested in n, not
// only text (a code span's text must stay *ast.Text, which its renderer expects).
func hasGrandchildren(n ast.Node) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if c.HasChildren() {
			return true
		}
	}
	return false
}

// flatten replaces the children of n with the text they hold.
func flatten(n ast.Node, source []byte) {
	var b bytes.Buffer
	stack := []ast.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(source))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(source))
		case *ast.RawHTML:
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				b.Write(seg.Value(source))
			}
		}
		// Children in reverse, so that the first is taken first.
		for k := c.LastChild(); k != nil; k = k.PreviousSibling() {
			stack = append(stack, k)
		}
	}
	n.RemoveChildren(n)
	n.AppendChild(n, ast.NewString(b.Bytes()))
}
