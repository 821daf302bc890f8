package builder

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"folio/internal/bundle"
)

// readPlan returns the offline plan the site's manifest names.
func readPlan(t *testing.T, out string) (offlinePlan, string) {
	t.Helper()
	var m bundle.Manifest
	data, err := os.ReadFile(filepath.Join(out, "data", bundle.EntryFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	name := m.Extra[offlineKey]
	if name == "" {
		t.Fatalf("the manifest names no offline plan: %s", data)
	}
	var plan offlinePlan
	data, err = os.ReadFile(filepath.Join(out, "data", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &plan); err != nil {
		t.Fatal(err)
	}
	return plan, name
}

// TestOfflinePlan checks that the plan lists every data file with its size, and for each
// category, tag and year exactly the shards of its posts; and that a rebuild keeps it.
func TestOfflinePlan(t *testing.T) {
	saved := bundle.ShardBytes
	bundle.ShardBytes = 64 // one post per shard, so that the shards of a term tell its posts
	defer func() { bundle.ShardBytes = saved }()
	site := t.TempDir()
	posts := filepath.Join(site, "_posts")
	out := filepath.Join(site, "_site")
	post := func(title, cats, tags string) string {
		return "---\ntitle: " + title + "\ncategories: " + cats + "\ntags: " + tags + "\n---\n" + strings.Repeat("Body of "+title+". ", 20) + "\n"
	}
	writeFiles(t, posts, map[string]string{
		"2020-01-01-a.md": post("A", "tea", "green"),
		"2020-02-01-b.md": post("B", "tea", "black"),
		"2021-03-01-c.md": post("C", "coffee", "black"),
	})
	if _, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")}); err != nil {
		t.Fatal(err)
	}
	plan, name := readPlan(t, out)
	var onDisk int
	err := filepath.WalkDir(filepath.Join(out, "data"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".br") && !strings.HasSuffix(p, ".gz") && d.Name() != bundle.EntryFile {
			onDisk++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != onDisk-1 || len(plan.Bytes) != len(plan.Files) || len(plan.Brotli) != len(plan.Files) || len(plan.Gzip) != len(plan.Files) {
		t.Fatalf("plan lists %d files (%d sizes), the bundle has %d besides the plan", len(plan.Files), len(plan.Bytes), onDisk-1)
	}
	for i, f := range plan.Files {
		st, err := os.Stat(filepath.Join(out, "data", filepath.FromSlash(f)))
		if err != nil || st.Size() != plan.Bytes[i] || plan.Brotli[i] <= 0 {
			t.Errorf("%s: plan says %d bytes (%d brotli), disk %v %v", f, plan.Bytes[i], plan.Brotli[i], st, err)
		}
		gz, err := os.Stat(filepath.Join(out, "data", filepath.FromSlash(f)) + ".gz")
		if (err == nil) != (plan.Gzip[i] > 0) || err == nil && gz.Size() != plan.Gzip[i] {
			t.Errorf("%s: plan says %d bytes gzip, disk %v %v", f, plan.Gzip[i], gz, err)
		}
	}
	// Which posts a term's shards hold: each shard holds one post here.
	titles := func(kind, term string) string {
		var got []string
		for _, i := range plan.Shards[kind][term] {
			if !strings.HasPrefix(plan.Files[i], "p/") {
				t.Errorf("%s %s lists %s, not a shard", kind, term, plan.Files[i])
			}
			data, err := os.ReadFile(filepath.Join(out, "data", filepath.FromSlash(plan.Files[i])))
			if err != nil {
				t.Fatal(err)
			}
			var s bundle.Shard
			if err := json.Unmarshal(data, &s); err != nil {
				t.Fatal(err)
			}
			for _, p := range s.Posts {
				got = append(got, p.Title)
			}
		}
		sort.Strings(got)
		return strings.Join(got, ",")
	}
	for _, c := range []struct{ kind, term, want string }{
		{"category", "tea", "A,B"}, {"category", "coffee", "C"}, {"tag", "black", "B,C"},
		{"tag", "green", "A"}, {"year", "2020", "A,B"}, {"year", "2021", "C"},
	} {
		if got := titles(c.kind, c.term); got != c.want {
			t.Errorf("%s %s: shards hold %s, want %s", c.kind, c.term, got, c.want)
		}
	}
	// A rebuild with a new post writes a new plan and keeps the former one (the live
	// generation's files stay one more build), so a rebuild never removes its own plan.
	writeFiles(t, posts, map[string]string{"2021-04-01-d.md": post("D", "coffee", "black")})
	if _, err := Build(Options{Posts: posts, Out: out, Site: fakeViewer("1")}); err != nil {
		t.Fatal(err)
	}
	plan2, name2 := readPlan(t, out)
	if name2 == name || len(plan2.Files) <= len(plan.Files) {
		t.Errorf("rebuild: plan %s (%d files), before %s (%d files)", name2, len(plan2.Files), name, len(plan.Files))
	}
	if _, err := os.Stat(filepath.Join(out, "data", filepath.FromSlash(name))); err != nil {
		t.Errorf("the previous generation's plan is gone: %v", err)
	}
}
