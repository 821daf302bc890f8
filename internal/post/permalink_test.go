package post

import (
	"regexp"
	"strings"
	"testing"
)

// oldPlaceholder is the regular expression expandPlaceholders replaced, kept as the
// oracle it is compared with.
var oldPlaceholder = regexp.MustCompile(`:(categories|year|short_year|month|i_month|short_month|long_month|day|i_day|y_day|short_day|long_day|week|hour|minute|second|title|slug|name|output_ext)`)

func TestExpandPlaceholders(t *testing.T) {
	patterns := []string{"", ":", "::", "/:categories/:year/:month/:day/:title:output_ext",
		"/:year/W:week/:short_day/:y_day/:i_day/:i_month/:short_month/:long_month/:long_day",
		":categoriesX:yearly:short_year:hour:minute:second:slug:name", ":unknown/:ti/:title",
		"中文/:title/:月", "/blog/:title.html:", ":::title", "/:title:title"}
	for _, s := range permalinkStyles {
		patterns = append(patterns, s)
	}
	value := func(name string) string { return "<" + strings.ToUpper(name) + ">" }
	for _, p := range patterns {
		want := oldPlaceholder.ReplaceAllStringFunc(p, func(m string) string { return value(m[1:]) })
		if got := expandPlaceholders(p, value); got != want {
			t.Errorf("%q: got %q, want %q", p, got, want)
		}
	}
}

func FuzzExpandPlaceholders(f *testing.F) {
	f.Add("/:categories/:year/:month/:day/:title:output_ext")
	f.Add(":y_day:i_day::short")
	f.Fuzz(func(t *testing.T, p string) {
		value := func(name string) string { return "<" + name + ">" }
		want := oldPlaceholder.ReplaceAllStringFunc(p, func(m string) string { return value(m[1:]) })
		if got := expandPlaceholders(p, value); got != want {
			t.Errorf("%q: got %q, want %q", p, got, want)
		}
	})
}
