package builder

import "testing"

func TestSiteFacts(t *testing.T) {
	for _, c := range []struct {
		values              map[string]any
		url, lang, describe string
	}{
		{map[string]any{"url": "https://example.org/", "lang": "zh-CN", "description": " A blog "}, "https://example.org", "zh-CN", "A blog"},
		{map[string]any{"url": "example.org", "locale": "zh_TW"}, "", "zh-TW", ""},
		{map[string]any{"url": 5, "lang": "en", "locale": "fr_FR"}, "", "en", ""},
		{nil, "", "", ""},
	} {
		url, lang, d := siteFacts(c.values)
		if url != c.url || lang != c.lang || d != c.describe {
			t.Errorf("%v: %q %q %q, want %q %q %q", c.values, url, lang, d, c.url, c.lang, c.describe)
		}
	}
}
