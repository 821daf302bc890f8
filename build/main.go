// Command folio builds a Folio site from a Jekyll site (or a bare posts folder), serves it,
// and writes a Cloudflare Worker that serves it at the edge.
//
//	folio build (-site DIR | -posts DIR) -out DIR [-host HOST] [-site-url URL] [-config FILE] [-title T] [-base-url PATH] [-prerender] [-report FILE] [-strict]
//	folio serve -dir DIR [-addr HOST:PORT] [-max-conns N] [-static] [-watch]
//	folio worker -site DIR -out DIR [-name NAME]
//	folio version
//
// Every command takes -h (or --help), which lists its flags and exits 0.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"folio/internal/builder"
	"folio/internal/post"
	"folio/site"
	_ "time/tzdata" // time zones from _config.yml work on machines without zoneinfo
)

const usage = `usage:
  folio build (-site DIR | -posts DIR) -out DIR [-host HOST] [-site-url URL] [-config FILE] [-title T] [-base-url PATH] [-prerender] [-report FILE] [-strict]
  folio serve -dir DIR [-addr HOST:PORT] [-max-conns N] [-static] [-watch]
  folio worker -site DIR -out DIR [-name NAME]
  folio version
  folio COMMAND -h    lists the command's flags
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// commands are the subcommands, each run with its arguments and output streams.
var commands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"build":   runBuild,
	"serve":   func(args []string, _, stderr io.Writer) int { return runServe(args, stderr) },
	"worker":  func(args []string, _, stderr io.Writer) int { return runWorker(args, stderr) },
	"version": runVersion,
}

// run runs the command line args (without the program name) and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		say(stderr, "%s", usage)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(rest) > 0 && commands[rest[0]] != nil {
			return help(rest[0], stdout)
		}
		say(stdout, "%s", usage)
		return 0
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		say(stderr, "folio: unknown command %q\n%s", name, usage)
		return 2
	}
	if wantsHelp(rest) {
		return help(name, stdout)
	}
	return cmd(rest, stdout, stderr)
}

// wantsHelp reports whether the flags ask for help (-h, -help, --help, before any
// argument that is not a flag).
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "--h":
			return true
		case "--":
			return false
		}
	}
	return false
}

// help prints a command's usage and every flag it takes to stdout: asked for, help is
// the output, not an error, so it exits 0.
func help(name string, stdout io.Writer) int {
	commands[name]([]string{"-h"}, stdout, stdout)
	return 0
}

func runBuild(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		say(fs.Output(), "usage: folio build (-site DIR | -posts DIR) -out DIR [flags]\n\nBuilds a Folio site from a whole Jekyll site or a bare posts folder. The options\n(out, title, base-url, site-url, host, strict, quiet, no-compress, no-search,\nmax-post-mb, report, prerender) may also be set in folio.yml in the site folder (beside\n_posts), or under a folio: key of _config.yml; the command line wins.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	var o builder.Options
	var report string
	var strict, quiet bool
	var maxMB float64
	fs.StringVar(&o.SiteDir, "site", "", "a whole Jekyll site folder: its _posts, _config.yml, _includes, _data and static files (instead of -posts)")
	fs.StringVar(&o.Posts, "posts", "", "Jekyll posts folder, read without the rest of the site (-site or -posts is required)")
	fs.StringVar(&o.Out, "out", "", "output folder (required)")
	fs.StringVar(&o.Config, "config", "", "Jekyll _config.yml (default: the site's, or the one beside the posts folder, if present)")
	fs.StringVar(&o.Title, "title", "", "site title (default: _config.yml's title)")
	fs.StringVar(&o.BaseURL, "base-url", "", "path the site is served under (default: _config.yml's baseurl with -site, else /)")
	fs.StringVar(&o.SiteURL, "site-url", "", "the site's address, https://host, for the feeds and the sitemap (default: _config.yml's url)")
	fs.StringVar(&report, "report", "", "write a JSON report of the build to this file")
	fs.StringVar(&o.Host, "host", "", "the static host the site is for: "+strings.Join(builder.HostNames(), ", ")+"; writes what it needs (.nojekyll, _headers, _redirects, an nginx snippet), leaves out copies it does not serve, and checks its limits")
	fs.BoolVar(&strict, "strict", false, "exit 1 when any post was skipped, or the site is over -host's limits")
	fs.BoolVar(&quiet, "quiet", false, "print only problems and the summary")
	fs.Float64Var(&maxMB, "max-post-mb", 5, "skip post files bigger than this many MiB")
	fs.BoolVar(&o.NoCompress, "no-compress", false, "do not write .br and .gz copies")
	fs.BoolVar(&o.NoSearch, "no-search", false, "leave out the search data")
	fs.BoolVar(&o.Full, "full", false, "build from scratch: reuse nothing a former build into -out kept (its search analysis cache)")
	fs.BoolVar(&o.Prerender, "prerender", false, "also write each post's page, as folio serve renders it, at its original URL (one HTML file a post, for static hosts without an edge)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to this file (for performance work)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
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
	if o.Posts != "" || o.SiteDir != "" {
		values, from, err := buildConfig(o.SiteDir, o.Posts, o.Config)
		if err == nil && values != nil {
			err = applyConfig(fs, values, from)
		}
		if err != nil {
			say(stderr, "folio build: %s\n", post.Printable(err.Error()))
			return 2
		}
	}
	if (o.Posts == "" && o.SiteDir == "") || o.Out == "" || fs.NArg() > 0 {
		say(stderr, "folio build: -site or -posts, and -out, are required\n")
		fs.Usage()
		return 2
	}
	if o.Posts == "" {
		o.Posts = filepath.Join(o.SiteDir, "_posts")
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
	for _, b := range rep.Broken {
		say(stderr, "%s: %s\n", pathIn(o.Posts, b.File, b.Line), post.Printable(b.Reason))
	}
	if len(rep.Broken) > 0 {
		say(stderr, "folio build: %d local links and images of posts point at nothing (listed above)\n", len(rep.Broken))
	}
	say(stderr, "folio build: %d posts read, %d built, %d skipped, %d warnings, %d other files ignored; %d data files (%d new, %d stale removed), %.1f MB (%.1f MB brotli) in %.1fs → %s\n",
		rep.Read, rep.Built, len(rep.Skipped), len(rep.Warnings), rep.Ignored,
		rep.Bundle.Files, rep.Bundle.Written, rep.Bundle.Removed,
		float64(rep.Bundle.Bytes)/1e6, float64(rep.Bundle.BrotliBytes)/1e6, rep.Seconds, post.Printable(o.Out))
	if s := rep.Site; s != nil {
		say(stderr, "folio build: the site is %d files, %s in all; the largest is %s (%s)\n", s.Files, builder.Size(s.Bytes), post.Printable(s.Largest), builder.Size(s.LargestBytes))
		if o.Host != "" {
			say(stderr, "folio build: limits: %s\n", builder.Hosts[o.Host].Limits)
		}
		for _, over := range s.Over {
			say(stderr, "folio build: over the host's limit: %s\n", post.Printable(over))
		}
	}
	if p := rep.PostPages; p != nil {
		say(stderr, "folio build: %d post pages at their original URLs, %s (without copies), in %.1fs\n", p.Files, builder.Size(p.Bytes), p.Seconds)
	}
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
	if strict && rep.Site != nil && len(rep.Site.Over) > 0 {
		say(stderr, "folio build: -strict: the site does not fit %s: %s\n", o.Host, post.Printable(strings.Join(rep.Site.Over, "; ")))
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
