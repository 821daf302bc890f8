package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"folio/internal/server"
)

func runServe(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "built site folder (required)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "folio serve: -dir is required")
		return 2
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "folio serve: %s is not a folder\n", *dir)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "folio serve: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "folio serve: http://%s/ (%s); Ctrl-C stops\n", ln.Addr(), *dir)
	if err := http.Serve(ln, server.Handler(os.DirFS(*dir))); err != nil {
		fmt.Fprintf(stderr, "folio serve: %v\n", err)
		return 1
	}
	return 0
}
