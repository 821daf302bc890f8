package pages

import "testing"

func TestWording(t *testing.T) {
	for _, c := range []struct{ accept, site, want string }{
		{"en-US,en;q=0.9", "zh-CN", "en"},
		{"de-DE, zh-TW;q=0.8, en;q=0.5", "en", "zh"},
		{"fr", "zh-CN", "zh-CN"},
		{"", "", ""},
	} {
		if got := Wording(c.accept, c.site); got != c.want {
			t.Errorf("Wording(%q, %q) = %q, want %q", c.accept, c.site, got, c.want)
		}
	}
}

func TestGuessLang(t *testing.T) {
	for text, want := range map[string]string{
		"今天下午下了一场雨，茶舍里很安静，我们泡了一壶六堡茶，慢慢地喝着聊天。":                                        "zh",
		"A tea counter that also fixes the Wi-Fi, and writes about it now and then.": "en",
		"ok": "",
	} {
		if got := GuessLang(text); got != want {
			t.Errorf("GuessLang(%q) = %q, want %q", text, got, want)
		}
	}
}
