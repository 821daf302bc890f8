package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"folio/internal/builder"
	"folio/internal/post"
	"folio/internal/server"
	"folio/site"
)

// watchInterval is how often -watch looks at the sources.
var watchInterval = 500 * time.Millisecond

func runServe(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "built site folder (required)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	static := fs.Bool("static", false, "serve files only, as a plain static host does (no server-rendered pages, no /api/)")
	watch := fs.Bool("watch", false, "rebuild the site when its posts or site files change (as it was last built, from DIR/.folio/build.json), and reload open pages")
	maxConns := fs.Int("max-conns", 0, "connections held at once; beyond it the one idle longest is closed (default 4096, less under a low file limit)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		say(stderr, "folio serve: -dir is required\n")
		return 2
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		say(stderr, "folio serve: %s is not a folder\n", *dir)
		return 2
	}
	srv, err := server.New(*dir, server.Options{MaxConns: *maxConns, Static: *static, Watch: *watch})
	if errors.Is(err, server.ErrNotASite) {
		say(stderr, "folio serve: %v\nfolio serve: rebuild it with `folio build`, or serve its files as they are with -static\n", err)
		return 2
	}
	if err != nil {
		say(stderr, "folio serve: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		say(stderr, "folio serve: %v\n", err)
		return 2
	}
	mode := "pages rendered on the server, and files"
	if *static {
		mode = "files only"
	}
	if *watch {
		o, err := builder.RecordedOptions(*dir)
		if err != nil {
			say(stderr, "folio serve: -watch: %v\n", err)
			return 2
		}
		o.Site = site.Files()
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go builder.Watch(ctx, o, watchInterval, func(rep *builder.Report, err error) {
			if err == nil {
				err = srv.Reload()
			}
			if err != nil {
				say(stderr, "folio serve: rebuild failed, still serving the previous site: %s\n", post.Printable(err.Error()))
				return
			}
			say(stderr, "folio serve: rebuilt: %d posts, %d skipped, %d warnings in %.1fs; open pages reload\n", rep.Built, len(rep.Skipped), len(rep.Warnings), rep.Seconds)
			for _, s := range rep.Skipped {
				say(stderr, "%s: skipped: %s\n", pathIn(o.Posts, s.File, s.Line), post.Printable(s.Reason))
			}
		})
		mode += "; watching " + post.Printable(o.Posts)
		if o.SiteDir != "" {
			mode = strings.Replace(mode, "watching "+post.Printable(o.Posts), "watching "+post.Printable(o.SiteDir), 1)
		}
	}
	say(stderr, "folio serve: http://%s/ (%s: %s, up to %d connections); Ctrl-C stops\n", ln.Addr(), *dir, mode, srv.Options().MaxConns)
	if err := srv.Serve(ln); err != nil {
		say(stderr, "folio serve: %v\n", err)
		return 1
	}
	return 0
}
