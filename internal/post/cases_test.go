package post

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/cases/*.txtar")

// TestCases runs every testdata/cases/*.txtar: a tiny Jekyll tree (files under _posts/,
// optionally _config.yml) and the expected result in a "want" section; "body/ID" sections,
// where present, are the expected bodies after Liquid processing.
func TestCases(t *testing.T) {
	files, _ := filepath.Glob("testdata/cases/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases found")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, posts, cfg := readCase(t, file)
			res, err := ReadAll(posts, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Read != len(res.Posts)+len(res.Skipped) {
				t.Errorf("read %d != built %d + skipped %d", res.Read, len(res.Posts), len(res.Skipped))
			}
			got := dump(res)
			bodies := map[string]string{}
			for _, p := range res.Posts {
				bodies["body/"+p.ID] = p.Body
			}
			if *update {
				for i, f := range ar.Files {
					if f.Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
					if b, ok := bodies[f.Name]; ok {
						ar.Files[i].Data = []byte(b)
					}
				}
				if !hasFile(ar, "want") {
					ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(got)})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, f := range ar.Files {
				if f.Name == "want" && string(f.Data) != got {
					t.Errorf("result differs\n--- got ---\n%s--- want ---\n%s", got, f.Data)
				}
				if strings.HasPrefix(f.Name, "body/") {
					b, ok := bodies[f.Name]
					if !ok {
						t.Errorf("%s: no such post", f.Name)
					} else if b != string(f.Data) {
						t.Errorf("%s differs\n--- got ---\n%s--- want ---\n%s", f.Name, b, f.Data)
					}
				}
			}
			if !hasFile(ar, "want") {
				t.Errorf("no want section; run go test -update")
			}
		})
	}
}

// readCase reads a case file: the archive, its posts and the config its _config.yml gives.
func readCase(t *testing.T, file string) (*txtar.Archive, fstest.MapFS, Config) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	posts := fstest.MapFS{}
	var cfg Config
	for _, f := range ar.Files {
		switch {
		case f.Name == "_config.yml":
			if cfg, err = ParseConfig(f.Name, f.Data); err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(f.Name, "_posts/"):
			posts[strings.TrimPrefix(f.Name, "_posts/")] = &fstest.MapFile{Data: unescape(f.Data)}
		}
	}
	return ar, posts, cfg
}

func hasFile(ar *txtar.Archive, name string) bool {
	for _, f := range ar.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// unescape lets a case spell bytes txtar cannot hold: \r, \x00, \xNN, <BOM>, and a final
// "<no newline>" line that drops the file's last newline.
func unescape(b []byte) []byte {
	s := string(b)
	s = strings.ReplaceAll(s, "<BOM>", "\ufeff")
	s = strings.ReplaceAll(s, `\r`, "\r")
	for i := 0; i < 256; i++ {
		s = strings.ReplaceAll(s, fmt.Sprintf(`\x%02x`, i), string([]byte{byte(i)}))
	}
	s = strings.ReplaceAll(s, "\n<no newline>\n", "")
	return []byte(s)
}

// dump writes a Result as the readable text of a want section.
func dump(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "read %d built %d skipped %d ignored %d\n", res.Read, len(res.Posts), len(res.Skipped), res.Ignored)
	for _, p := range res.Posts {
		fmt.Fprintf(&b, "post %s\n", p.ID)
		fmt.Fprintf(&b, "  file: %s\n  url: %s\n  title: %s\n  date: %s\n", p.File, p.URL, p.Title, p.Date.Format(time.RFC3339))
		fmt.Fprintf(&b, "  categories: %s\n  tags: %s\n", strings.Join(p.Categories, " | "), strings.Join(p.Tags, " | "))
		fmt.Fprintf(&b, "  format: %s\n  excerpt: %s\n", p.Format, p.Excerpt)
		if len(p.RedirectFrom) > 0 {
			fmt.Fprintf(&b, "  redirect_from: %s\n", strings.Join(p.RedirectFrom, " | "))
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(&b, "skipped %s\n", s)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "warning %s\n", w)
	}
	return b.String()
}
