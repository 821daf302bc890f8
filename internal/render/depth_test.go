package render

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// deepCase is a body nested far past anything real, as hostile or broken archives hold them.
type deepCase struct {
	name, body, format string
	cut                bool // the nesting is cut, with the note
}

func deepCases() []deepCase {
	var indented strings.Builder // "- level" lines, each nested in the one before
	for i := range 300 {
		indented.WriteString(strings.Repeat("  ", i) + "- level\n")
	}
	indented.WriteString(strings.Repeat("  ", 300) + "- bottom\n")
	return []deepCase{
		// In the viewer (Chromium's worker) each of these overflowed the stack.
		{"list", "top\n\n" + strings.Repeat("- ", 3000) + "bottom\n\nafter\n", "markdown", true},
		{"quote", strings.Repeat(">", 10000) + " bottom\n\nafter\n", "markdown", true},
		{"ordered-list", strings.Repeat("1. ", 3000) + "bottom\n", "markdown", true},
		{"quote-list", strings.Repeat("> - ", 3000) + "bottom\n", "markdown", true},
		{"indented-list", indented.String(), "markdown", true},
		{"emphasis", strings.Repeat("*", 3000) + "bottom" + strings.Repeat("*", 3000) + "\n", "markdown", true},
		{"strikethrough", strings.Repeat("~~a ", 3000) + "bottom" + strings.Repeat(" a~~", 3000) + "\n", "markdown", true},
		{"heading", "# " + strings.Repeat("_", 3000) + "bottom" + strings.Repeat("_", 3000) + "\n", "markdown", true},
		// This one overflows even the 8 MB stack `make test` gives Node (and took 21 s
		// natively: the nesting cost quadratic time).
		{"quote-100k", strings.Repeat(">", 100000) + " bottom\n", "markdown", true},
		// Raw HTML is read as tokens, never as a tree: deep tags cost no stack, need no cut.
		{"divs", strings.Repeat("<div>", 10000) + "bottom" + strings.Repeat("</div>", 10000) + "<p>after</p>\n", "html", false},
		{"divs-in-markdown", strings.Repeat("<div>", 10000) + "bottom\n\nafter\n", "markdown", false},
	}
}

// TestDeepNesting renders each deep body (natively and, through make test, under Node,
// whose stack is like the browser's): it must come back with its text from the top to the
// bottom of the nesting, Markdown nested no deeper than the limits, and the note.
func TestDeepNesting(t *testing.T) {
	r := New()
	for _, c := range deepCases() {
		t.Run(c.name, func(t *testing.T) {
			out, err := r.Render(c.body, c.format)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "bottom") {
				t.Errorf("the text at the bottom of the nesting is lost: %.300s", out)
			}
			if strings.Contains(c.body, "after") && !strings.Contains(out, "after") {
				t.Errorf("the text after the nesting is lost")
			}
			if got := strings.HasPrefix(out, deepNote); got != c.cut {
				t.Errorf("note shown: %v, want %v: %.300s", got, c.cut, out)
			}
			if c.cut {
				// Lists count twice (ul, li); a paragraph or heading and the note's em add two.
				if d, limit := elementDepth(t, out), 2*MaxBlockNesting+MaxInlineNesting+2; d > limit {
					t.Errorf("elements nested %d deep, want at most %d", d, limit)
				}
			}
		})
	}
}

// TestNestingWithinLimits: bodies nested as deep as the limits allow render in full,
// with no note.
func TestNestingWithinLimits(t *testing.T) {
	r := New()
	for name, body := range map[string]string{
		"lists":    strings.Repeat("- ", MaxBlockNesting) + "bottom\n",
		"quotes":   strings.Repeat("> ", MaxBlockNesting) + "bottom\n",
		"emphasis": strings.Repeat("*", MaxInlineNesting) + "bottom" + strings.Repeat("*", MaxInlineNesting) + "\n",
	} {
		out, err := r.Render(body, "markdown")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "render-note") || !strings.Contains(out, ">bottom<") {
			t.Errorf("%s: cut, or a marker left as text: %.400s", name, out)
		}
	}
	// One level more is cut.
	out, _ := r.Render(strings.Repeat("- ", MaxBlockNesting+1)+"bottom\n", "markdown")
	if !strings.HasPrefix(out, deepNote) || !strings.Contains(out, "<li>- bottom</li>") {
		t.Errorf("list %d deep: %.400s", MaxBlockNesting+1, out)
	}
}

// TestFlattenKeepsCode: an inline element cut at the limit keeps its text, and code spans
// (whose renderer wants only text inside) survive.
func TestFlattenKeepsCode(t *testing.T) {
	body := strings.Repeat("_a ", 20) + "`code` [link](u) x" + strings.Repeat(" a_", 20) + "\n"
	out, err := New().Render(body, "markdown")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, deepNote) || !strings.Contains(out, "a code link x a") {
		t.Errorf("got %.600s", out)
	}
}

// elementDepth returns how deeply the elements of fragment nest, read by tokens.
func elementDepth(t *testing.T, fragment string) int {
	t.Helper()
	void := map[string]bool{"br": true, "hr": true, "img": true, "input": true, "wbr": true}
	z := html.NewTokenizer(strings.NewReader(fragment))
	depth, deepest := 0, 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return deepest
		case html.StartTagToken:
			if name, _ := z.TagName(); !void[string(name)] {
				depth++
				deepest = max(deepest, depth)
			}
		case html.EndTagToken:
			depth--
		}
	}
}
