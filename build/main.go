// Command folio builds a Folio site from a Jekyll posts folder, serves it, and writes a
// Cloudflare Worker that serves it at the edge.
//
//	folio build -posts DIR -out DIR [-config FILE] [-title T] [-base-url PATH] [-report FILE] [-strict]
//	folio serve -dir DIR [-addr HOST:PORT] [-max-conns N]
//	folio worker -site DIR -out DIR [-name NAME]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"folio/internal/builder"
	"folio/internal/post"
	"folio/site"
	_ "time/tzdata" // time zones from _config.yml work on machines without zoneinfo
)

const usage = `usage:
  folio build -posts DIR -out DIR [-config FILE] [-title T] [-base-url PATH] [-report FILE] [-strict]
  folio serve -dir DIR [-addr HOST:PORT] [-max-conns N]
  folio worker -site DIR -out DIR [-name NAME]
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "build":
		os.Exit(runBuild(os.Args[2:], os.Stdout, os.Stderr))
	case "serve":
		os.Exit(runServe(os.Args[2:], os.Stderr))
	case "worker":
		os.Exit(runWorker(os.Args[2:], os.Stderr))
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "folio: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
}

func runBuild(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o builder.Options
	var report string
	var strict, quiet bool
	var maxMB float64
	fs.StringVar(&o.Posts, "posts", "", "Jekyll posts folder (required)")
	fs.StringVar(&o.Out, "out", "", "output folder (required)")
	fs.StringVar(&o.Config, "config", "", "Jekyll _config.yml (default: beside the posts folder, if present)")
	fs.StringVar(&o.Title, "title", "", "site title (default: _config.yml's title)")
	fs.StringVar(&o.BaseURL, "base-url", "/", "path the site is served under")
	fs.StringVar(&report, "report", "", "write a JSON report of the build to this file")
	fs.BoolVar(&strict, "strict", false, "exit 1 when any post was skipped")
	fs.BoolVar(&quiet, "quiet", false, "print only problems and the summary")
	fs.Float64Var(&maxMB, "max-post-mb", 5, "skip post files bigger than this many MiB")
	fs.BoolVar(&o.NoCompress, "no-compress", false, "do not write .br and .gz copies")
	fs.BoolVar(&o.NoSearch, "no-search", false, "leave out the search data")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to this file (for performance work)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			say(stderr, "folio build: %v\n", err)
			return 2
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			say(stderr, "folio build: cpuprofile: %v\n", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	if o.Posts == "" || o.Out == "" || fs.NArg() > 0 {
		say(stderr, "folio build: -posts and -out are required\n")
		fs.Usage()
		return 2
	}
	o.MaxPostBytes = int64(maxMB * (1 << 20))
	if !quiet {
		o.Log = stderr
		o.Progress = isTerminal(stderr)
	}
	o.Site = site.Files()
	rep, err := builder.Build(o)
	if err != nil {
		say(stderr, "folio build: %s\n", post.Printable(err.Error()))
		return 2
	}
	// Names and reasons come from file names and post text: post.Printable escapes any
	// character in them that a terminal would act on (the reader escapes them already;
	// escaping twice changes nothing).
	for _, s := range rep.Skipped {
		say(stderr, "%s: skipped: %s\n", pathIn(o.Posts, s.File, s.Line), post.Printable(s.Reason))
	}
	for _, w := range rep.Warnings {
		say(stderr, "%s: warning: %s\n", pathIn(o.Posts, w.File, w.Line), post.Printable(w.Reason))
	}
	say(stderr, "folio build: %d posts read, %d built, %d skipped, %d warnings, %d other files ignored; %d data files (%d new, %d stale removed), %.1f MB (%.1f MB brotli) in %.1fs → %s\n",
		rep.Read, rep.Built, len(rep.Skipped), len(rep.Warnings), rep.Ignored,
		rep.Bundle.Files, rep.Bundle.Written, rep.Bundle.Removed,
		float64(rep.Bundle.Bytes)/1e6, float64(rep.Bundle.BrotliBytes)/1e6, rep.Seconds, post.Printable(o.Out))
	for _, n := range rep.Notes {
		say(stderr, "folio build: note: %s\n", post.Printable(n)) // notes list post files
	}
	if report != "" {
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(report, append(data, '\n'), 0o644); err != nil {
			say(stderr, "folio build: report: %v\n", err)
			return 2
		}
	}
	if strict && len(rep.Skipped) > 0 {
		say(stderr, "folio build: -strict: %d posts were skipped\n", len(rep.Skipped))
		return 1
	}
	return 0
}

// pathIn formats "posts/file:line" for a problem in a post, safe to print.
func pathIn(dir, file string, line int) string {
	p := post.Printable(dir + string(os.PathSeparator) + file)
	if line > 0 {
		return fmt.Sprintf("%s:%d", p, line)
	}
	return p
}

// say writes a message to the command's error stream. When that write fails there is
// nowhere left to report it, so its error is dropped.
func say(w io.Writer, format string, a ...any) {
	_, _ = fmt.Fprintf(w, format, a...)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
