package render

import (
	"strings"
	"testing"
)

func TestRelativeLinks(t *testing.T) {
	r := New()
	got, err := r.RenderPost("[back](../../) [news](../emnews/) [abs](/x/) [web](https://e.org/a) [frag](#top) ![i](img/a.png \"t\") [q](?p=1) [mail](mailto:a@b.c)", "markdown", "/emnews/2021/12/08/x.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`href="emnews/2021/"`, `href="emnews/2021/12/emnews/"`, `href="/x/"`, `href="https://e.org/a"`,
		`href="#top"`, `src="emnews/2021/12/08/img/a.png"`, `href="?p=1"`, `href="mailto:a@b.c"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
}
