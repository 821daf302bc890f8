package pages

import "unicode"

// GuessLang names the language of a text when its script makes it plain, as the viewer
// does for a post (site/views/post.js): "ja" with kana, "ko" with Hangul, "zh" when Han
// characters dominate, "en" for Latin text with no CJK; "" when unsure.
func GuessLang(text string) string {
	var kana, hangul, han, letters int
	for _, r := range text {
		switch {
		case r >= 0x3040 && r <= 0x30ff:
			kana++
		case r >= 0xac00 && r <= 0xd7af:
			hangul++
		case unicode.Is(unicode.Han, r):
			han++
		case r < 0x80 && unicode.IsLetter(r):
			letters++
		}
	}
	switch {
	case kana > 10:
		return "ja"
	case hangul > 20:
		return "ko"
	case han > 20 && han*2 > letters/4:
		return "zh"
	case letters > 40 && han == 0 && kana == 0:
		return "en"
	}
	return ""
}
