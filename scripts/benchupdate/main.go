// Command benchupdate measures a day's update of a big archive (make bench-update):
//
//	go run ./scripts/benchupdate [-n 10000] [-work DIR] [-shared ../shared]
//
// It generates N posts with ../shared/tools/gencorpus (seed 1, kept in WORK/gencorpus-N),
// copies them to WORK/update-N/_posts and builds them into WORK/update-N/out. Then it adds
// 0.5 % posts dated the day after the newest, edits 10 old posts, deletes 5, and builds
// again into the same output (the rebuild), and builds the same posts from scratch into
// WORK/update-N/full (the full build, same run). It prints both times, the data files of
// the new generation against the previous one (names new and names gone, by kind), the
// bytes a reader who had everything cached must fetch to see the new state (the brotli
// copies, as served), whether the rebuild's data equals the full build's, and whether its
// answers to the benchmark queries do. With -days D it does D such updates in a row, each
// rebuilt (a line per day), and builds the last day's posts from scratch.
// With -compare it builds nothing and compares the last run's two outputs again.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"folio/internal/builder"
	"folio/internal/bundle"
	"folio/site"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchupdate:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 10000, "posts in the generated archive")
	work := flag.String("work", filepath.Join(os.TempDir(), "folio-bench"), "folder for the archive and the sites")
	shared := flag.String("shared", "../shared", "the shared folder (tools/gencorpus)")
	days := flag.Int("days", 1, "daily updates in a row, each rebuilt into the same output (the full build is of the last day's posts)")
	profile := flag.String("profile", "", "write CPU profiles of the rebuild and the full build to PROFILE-rebuild.prof and PROFILE-full.prof")
	compare := flag.Bool("compare", false, "build nothing: compare the answers and cold costs of the last run's rebuild and full build (WORK/update-N)")
	details := flag.Bool("detail", false, "print what the cold queries fetched, by kind of file and by segment")
	flag.BoolVar(&withViewer, "viewer", false, "write the viewer too (make wasm first), so that scripts/benchsearch -site can measure both outputs in Chromium")
	flag.Parse()
	if *n < 1000 {
		return fmt.Errorf("-n %d: use at least 1000 posts (10 are edited and 5 deleted)", *n)
	}
	gen, err := generate(*shared, *work, *n)
	if err != nil {
		return err
	}
	dir := filepath.Join(*work, fmt.Sprintf("update-%d", *n))
	posts, out, full := filepath.Join(dir, "_posts"), filepath.Join(dir, "out"), filepath.Join(dir, "full")
	if *compare {
		queries, err := benchQueries(*shared, gen)
		if err != nil {
			return fmt.Errorf("the benchmark queries: %w", err)
		}
		return compareAnswers(out, full, queries, *details)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := linkTree(filepath.Join(gen, "_posts"), posts); err != nil {
		return fmt.Errorf("copy the posts: %w", err)
	}

	first, err := build(posts, out, false)
	if err != nil {
		return err
	}
	fmt.Printf("first build of %d posts: %s\n", *n, first)
	before, err := Listing(out)
	if err != nil {
		return err
	}
	var rebuild timing
	var firstDiff Diff
	for d := 1; d <= *days; d++ {
		ch, err := update(posts, int(math.Ceil(float64(*n)*0.005)), 10, 5)
		if err != nil {
			return fmt.Errorf("update the posts: %w", err)
		}
		fmt.Printf("update %d: %d posts added (dated %s), %d edited, %d deleted\n", d, ch.added, ch.day, ch.edited, ch.deleted)
		if rebuild, err = profiled(*profile, "rebuild", func() (timing, error) { return build(posts, out, false) }); err != nil {
			return err
		}
		after, err := Listing(out)
		if err != nil {
			return err
		}
		diff := Compare(before, after)
		if d == 1 {
			firstDiff = diff
		}
		if *days > 1 {
			fmt.Printf("day %d: rebuild %s; new names %d of %d files (%.1f%%), %.2f of %.1f MB (%.1f%%); a reader with everything cached fetches %.2f MB\n",
				d, rebuild, diff.New.Files, diff.After.Files, 100*float64(diff.New.Files)/float64(diff.After.Files),
				mb(diff.New.Bytes), mb(diff.After.Bytes), 100*float64(diff.New.Bytes)/float64(diff.After.Bytes), mb(diff.New.Sent))
		}
		before = after
	}
	scratch, err := profiled(*profile, "full", func() (timing, error) { return build(posts, full, true) })
	if err != nil {
		return err
	}
	fresh, err := Listing(full)
	if err != nil {
		return err
	}

	fmt.Printf("rebuild into the same output (the last): %s; full build of the same posts: %s; rebuild/full = %.0f%% wall, %.0f%% CPU\n",
		rebuild, scratch, 100*rebuild.wall/scratch.wall, 100*rebuild.cpu/scratch.cpu)
	fmt.Println("the first update's rebuild against the build before it:")
	report(firstDiff)
	same := Compare(fresh, before)
	if same.New.Files == 0 && same.Gone.Files == 0 {
		fmt.Println("the rebuild's data files equal the full build's: yes")
	} else {
		fmt.Printf("the rebuild's data files differ from the full build's: %d names only in the rebuild, %d only in the full build (by kind: %s)\n", same.New.Files, same.Gone.Files, byKind(same))
	}
	queries, err := benchQueries(*shared, gen)
	if err != nil {
		return fmt.Errorf("the benchmark queries: %w", err)
	}
	return compareAnswers(out, full, queries, *details)
}

// report prints what changed between two generations.
func report(d Diff) {
	pct := func(a, b int64) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	fmt.Printf("data files: %d before, %d after (%.1f MB, %.1f MB as sent)\n", d.Before.Files, d.After.Files, mb(d.After.Bytes), mb(d.After.Sent))
	fmt.Printf("new names: %d files (%.1f%% of the files), %.1f MB (%.1f%% of the bytes)\n",
		d.New.Files, pct(int64(d.New.Files), int64(d.After.Files)), mb(d.New.Bytes), pct(d.New.Bytes, d.After.Bytes))
	fmt.Printf("names gone: %d files, %.1f MB\n", d.Gone.Files, mb(d.Gone.Bytes))
	fmt.Printf("a reader with everything cached fetches %.2f MB (%.1f%% of the %.1f MB as sent)\n", mb(d.New.Sent), pct(d.New.Sent, d.After.Sent), mb(d.After.Sent))
	fmt.Printf("%-12s %10s %12s %12s %10s %12s\n", "kind", "new", "new_MB", "sent_MB", "gone", "gone_MB")
	for _, k := range Kinds(d.NewByKind, d.GoneByKind) {
		nw, gone := d.NewByKind[k], d.GoneByKind[k]
		if nw == nil {
			nw = &Tally{}
		}
		if gone == nil {
			gone = &Tally{}
		}
		fmt.Printf("%-12s %10d %12.2f %12.2f %10d %12.2f\n", k, nw.Files, mb(nw.Bytes), mb(nw.Sent), gone.Files, mb(gone.Bytes))
	}
}

func mb(b int64) float64 { return float64(b) / 1e6 }

// byKind lists the new names of a diff per kind.
func byKind(d Diff) string {
	s := ""
	for _, k := range Kinds(d.NewByKind, d.GoneByKind) {
		if t := d.NewByKind[k]; t != nil {
			s += fmt.Sprintf("%s %d ", k, t.Files)
		}
	}
	return s
}

// withViewer says the builds write the viewer too (-viewer).
var withViewer bool

// timing is one build's wall time and the CPU time (user and system) this process spent
// in it: on a shared machine the CPU time compares builds better than the wall time.
type timing struct{ wall, cpu float64 }

func (t timing) String() string { return fmt.Sprintf("%.1fs wall, %.1fs CPU", t.wall, t.cpu) }

// build runs one build in this process and times it. full builds from scratch.
func build(posts, out string, full bool) (timing, error) {
	start, cpu0 := time.Now(), cpuSeconds()
	o := builder.Options{Posts: posts, Out: out, Assets: []string{}, Full: full}
	if withViewer {
		o.Site = site.Files()
	}
	rep, err := builder.Build(o)
	if err != nil {
		return timing{}, fmt.Errorf("build %s: %w", out, err)
	}
	if rep.Built == 0 {
		return timing{}, fmt.Errorf("build %s: no posts built", out)
	}
	t := timing{time.Since(start).Seconds(), cpuSeconds() - cpu0}
	fmt.Printf("  built %s: %d posts, %d analyses reused, %s\n", out, rep.Built, rep.Reused, t)
	ss := rep.Search
	fmt.Printf("    search: %d segments (written afresh: %v; %d posts new or edited, %d tombstones, %d segments merged, %d files kept); %d of %d data files compressed, %d copies kept on their record's word\n",
		ss.Segments, ss.Rebuilt, ss.Fresh, ss.Tombstones, ss.Merged, ss.Kept, rep.Bundle.Compressed, rep.Bundle.Files, rep.Bundle.Trusted)
	fmt.Printf("    memos: %s\n", memoSizes(out))
	return t, nil
}

// memoSizes lists the sizes of the build's memos and record of copies in OUT/.folio.
func memoSizes(out string) string {
	names, _ := filepath.Glob(filepath.Join(out, ".folio", "*.bin")) // a pattern without errors
	var total int64
	s := ""
	for _, name := range names {
		st, err := os.Stat(name)
		if err != nil {
			continue
		}
		total += st.Size()
		s += fmt.Sprintf("%s %.2f MB, ", filepath.Base(name), mb(st.Size()))
	}
	return s + fmt.Sprintf("in all %.2f MB", mb(total))
}

// profiled runs f under the CPU profiler into prefix-name.prof (no profile when prefix is "").
func profiled(prefix, name string, f func() (timing, error)) (timing, error) {
	if prefix == "" {
		return f()
	}
	out, err := os.Create(prefix + "-" + name + ".prof")
	if err != nil {
		return timing{}, err
	}
	defer func() { _ = out.Close() }() // a profile for reading by hand: a short one still reads
	if err := pprof.StartCPUProfile(out); err != nil {
		return timing{}, err
	}
	defer pprof.StopCPUProfile()
	return f()
}

// cpuSeconds is the CPU time this process used so far.
func cpuSeconds() float64 {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}

// Listing lists the data files of the generation out serves: the entry and the files its
// generation record names, with their sizes and those of their .br copies.
func Listing(out string) ([]File, error) {
	data := filepath.Join(out, "data")
	entry, err := os.ReadFile(filepath.Join(data, bundle.EntryFile))
	if err != nil {
		return nil, err
	}
	var m struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(entry, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", bundle.EntryFile, err)
	}
	rec, err := os.ReadFile(filepath.Join(out, ".folio", "generation-"+m.ID+".json"))
	if err != nil {
		return nil, fmt.Errorf("the live generation's record: %w", err)
	}
	var g struct {
		Data []string `json:"data"`
	}
	if err := json.Unmarshal(rec, &g); err != nil {
		return nil, fmt.Errorf("the live generation's record: %w", err)
	}
	var files []File
	for _, name := range append([]string{bundle.EntryFile}, g.Data...) {
		st, err := os.Stat(filepath.Join(data, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		f := File{Name: name, Size: st.Size()}
		if br, err := os.Stat(filepath.Join(data, filepath.FromSlash(name)) + ".br"); err == nil {
			f.Br = br.Size()
		}
		files = append(files, f)
	}
	return files, nil
}

// generate makes the gencorpus archive of n posts (seed 1) in work/gencorpus-n, unless it
// is there (bench-search and bench-compare leave it there too).
func generate(shared, work string, n int) (string, error) {
	tool := filepath.Join(shared, "tools", "gencorpus")
	dir := filepath.Join(work, fmt.Sprintf("gencorpus-%d", n))
	stamp := fmt.Sprintf("n=%d seed=1", n)
	if b, err := os.ReadFile(filepath.Join(dir, ".complete")); err == nil && string(b) == stamp+"\n" {
		return dir, nil
	}
	if _, err := os.Stat(filepath.Join(tool, "main.go")); err != nil {
		return "", fmt.Errorf("the corpus generator is missing (%v): bench-update needs ../shared/tools/gencorpus beside the repository; -shared names the shared folder", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "-C", tool, "run", ".", "-n", fmt.Sprint(n), "-out", abs, "-seed", "1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("gencorpus: %w", err)
	}
	return dir, os.WriteFile(filepath.Join(dir, ".complete"), []byte(stamp+"\n"), 0o644)
}

// linkTree fills dst with hard links to src's files (copies where links fail). Updates
// replace files rather than write into them, so src stays as generated.
func linkTree(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if os.Link(from, to) == nil {
			continue
		}
		if err := copyFile(from, to); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }() // read only
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close() // the copy's error is the one to report
		return err
	}
	return out.Close()
}

type changes struct {
	day                    string
	added, edited, deleted int
}

// update changes the posts folder as a day does: add new posts dated the day after the
// newest (made from old posts' text, with new titles), edits old posts (a correction
// appended) and deletes old posts. Old posts are picked evenly over the archive.
func update(dir string, add, edit, del int) (changes, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			names = append(names, filepath.Base(p))
		}
		return err
	})
	if err != nil {
		return changes{}, err
	}
	sort.Strings(names) // gencorpus names start with the date
	if len(names) < add+edit+del {
		return changes{}, errors.New("too few posts")
	}
	last, err := time.Parse("2006-01-02", names[len(names)-1][:10])
	if err != nil {
		return changes{}, fmt.Errorf("newest post %s: no date in its name: %w", names[len(names)-1], err)
	}
	day := last.AddDate(0, 0, 1).Format("2006-01-02")
	c := changes{day: day}
	step := len(names) / (add + edit + del)
	pick := func(i int) string { return names[i*step] }
	for i := 0; i < add; i++ {
		src, err := os.ReadFile(filepath.Join(dir, pick(i)))
		if err != nil {
			return c, err
		}
		at := fmt.Sprintf("%s %02d:%02d:%02d +0800", day, 6+i*16/add, i%60, (i*7)%60)
		text, err := redate(string(src), at, fmt.Sprintf("第%d条快讯：", i+1))
		if err != nil {
			return c, fmt.Errorf("%s: %w", pick(i), err)
		}
		name := fmt.Sprintf("%s-%s9%07d.md", day, strings.ReplaceAll(day, "-", ""), i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return c, err
		}
		c.added++
	}
	for i := add; i < add+edit; i++ {
		p := filepath.Join(dir, pick(i))
		src, err := os.ReadFile(p)
		if err != nil {
			return c, err
		}
		text := string(src) + fmt.Sprintf("\n<p>更正：本文第%d段数据有误，已于%s更正。</p>\n", i%5+1, day)
		// a new file, not a write into the hard-linked one
		if err := os.Remove(p); err != nil {
			return c, err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return c, err
		}
		c.edited++
	}
	for i := add + edit; i < add+edit+del; i++ {
		if err := os.Remove(filepath.Join(dir, pick(i))); err != nil {
			return c, err
		}
		c.deleted++
	}
	return c, nil
}

// redate gives a post a new date line and a title with prefix in front.
func redate(src, date, prefix string) (string, error) {
	lines := strings.Split(src, "\n")
	var dated, titled bool
	for i, l := range lines {
		if i > 0 && l == "---" {
			break
		}
		switch {
		case strings.HasPrefix(l, "date:"):
			lines[i], dated = "date: "+date, true
		case strings.HasPrefix(l, `title: "`):
			lines[i], titled = `title: "`+prefix+l[len(`title: "`):], true
		}
	}
	if !dated || !titled {
		return "", errors.New("no date or title line in the front matter")
	}
	return strings.Join(lines, "\n"), nil
}
