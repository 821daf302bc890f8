package snippet

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"folio/internal/demotest"
	"folio/internal/post"
	"folio/internal/search/query"
)

// demoPosts reads the demo archive's posts, with its _config.yml.
func demoPosts(t *testing.T) []*post.Post {
	return demotest.Posts(t)
}

func phrasesOf(t *testing.T, q string) []Phrase {
	t.Helper()
	x, err := query.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	return Phrases(x)
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("天气晴朗，", 200)
	cases := []struct{ text, q, want string }{
		{"今年的明前龙井终于到了。", "龙井", "今年的明前<mark>龙井</mark>终于到了。"},
		// Escaped, and a Latin word as a whole token, any case.
		{`<b>"5G"</b> & 5g网络，5GB不算`, "5G", `&lt;b&gt;&#34;<mark>5G</mark>&#34;&lt;/b&gt; &amp; <mark>5g</mark>网络，5GB不算`},
		// A lone character, wherever it stands; "A股" marks only 股 after a.
		{"茶，绿茶，茶叶", "茶", "<mark>茶</mark>，绿<mark>茶</mark>，<mark>茶</mark>叶"},
		{"A股市场和B股", "A股", "<mark>A股</mark>市场和B股"},
		// The passage with the most words wins; ellipses mark the cuts.
		{long + "龙井在这里，" + long + "龙井和碧螺春都在这里。" + long, "龙井 碧螺春", "…"},
		// Excluded and title-only words are not marked; no match shows the beginning.
		{"龙井和咖啡", "龙井 -咖啡 title:和", "<mark>龙井</mark>和咖啡"},
		{"没有要找的词", "龙井", "没有要找的词"},
	}
	for _, c := range cases {
		got := Make(c.text, phrasesOf(t, c.q))
		if c.want == "…" {
			if !strings.Contains(got, "<mark>龙井</mark>和<mark>碧螺春</mark>都在这里") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
				t.Errorf("long text: %s", got)
			}
			if n := len([]rune(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got))); n > snippetRunes+2 {
				t.Errorf("long text: snippet of %d runes", n)
			}
			continue
		}
		if got != c.want {
			t.Errorf("snippet(%q, %q)\n got %s\nwant %s", c.text, c.q, got, c.want)
		}
	}
}

// TestLiteralSpans checks the shortcut for Han-only words against matching analyzed
// tokens: over every demo post, both mark the same stretches of text.
func TestLiteralSpans(t *testing.T) {
	posts := demoPosts(t)
	cover := func(spans []span) string {
		var out []string
		end := -1
		for _, sp := range spans {
			if sp.start < end { // overlapping matches mark one stretch
				out[len(out)-1] = fmt.Sprint(out[len(out)-1][:strings.IndexByte(out[len(out)-1], '-')], "-", max(end, sp.end))
				end = max(end, sp.end)
				continue
			}
			out = append(out, fmt.Sprint(sp.start, "-", sp.end))
			end = sp.end
		}
		return strings.Join(out, " ")
	}
	checked := 0
	for _, q := range []string{"茶", "龙井", "明前龙井", "龙井 碧螺春", "茶叶 春天", "沪深"} {
		phrases := phrasesOf(t, q)
		for _, p := range posts {
			text := post.PlainText(p.Body, p.Format)
			lit, ok := literalSpans(text, phrases)
			if !ok {
				t.Fatalf("%s: not Han-only", q)
			}
			if got, want := cover(lit), cover(spansIn(text, 0, phrases)); got != want {
				t.Errorf("%s in %s: literal %s, analyzed %s", q, p.ID, got, want)
			}
			checked += len(lit)
		}
	}
	if checked == 0 {
		t.Fatal("no matches in the demo")
	}
	if _, ok := literalSpans("x", phrasesOf(t, "A股")); ok {
		t.Error("A股 took the Han-only shortcut")
	}
}

// TestTypedWordSpans: in long texts, words with Latin letters or digits are found through
// their typed form (any ASCII case), and only true matches are marked: every span is one
// the whole analyzed text has, and a text with a match gets one.
func TestTypedWordSpans(t *testing.T) {
	filler := strings.Repeat("市场平稳运行，", 60)
	texts := []string{
		filler + "沪深3000不是指数，" + filler + "沪深300指数上涨。" + filler,
		filler + "编号qx7z9的样本，" + filler + "样本QX7Z9再次出现。",
		filler + "5GB的流量" + filler + "A股和5G网络" + filler,
		filler + "只有沪深两市" + filler,
	}
	for _, p := range demoPosts(t) {
		texts = append(texts, post.PlainText(p.Body, p.Format))
	}
	marked := 0
	for _, q := range []string{"沪深300", "QX7Z9", "qx7z9", "5G", "A股 5G", "12.3%", "沪深300 上涨"} {
		phrases := phrasesOf(t, q)
		for i, text := range texts {
			all := spansIn(text, 0, phrases)
			got := findSpans(text, phrases)
			if len(all) > 0 && len(got) == 0 {
				t.Errorf("%s in text %d: no span, the analyzed text has %d", q, i, len(all))
			}
			for _, sp := range got {
				if !slices.Contains(all, sp) {
					t.Errorf("%s in text %d: span %q is not a match", q, i, text[sp.start:sp.end])
				}
			}
			marked += len(got)
		}
	}
	if marked == 0 {
		t.Fatal("nothing marked")
	}
	if got := Make(texts[0], phrasesOf(t, "沪深300")); !strings.Contains(got, "<mark>沪深300</mark>指数上涨") {
		t.Errorf("沪深300: %s", got)
	}
	if got := Make(texts[1], phrasesOf(t, "qx7z9")); !strings.Contains(got, "<mark>qx7z9</mark>的样本") {
		t.Errorf("qx7z9: %s", got)
	}
}
