package e2e

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"folio/internal/builder"
	"folio/internal/server"
	"folio/site"
)

// TestWatchReloadsOpenPage: a post open in Chromium on a watching server (the wiring of
// folio serve -watch: builder.Watch, then Server.Reload) shows the post's new title by
// itself after its file changes: the page hears "reload" and loads again.
func TestWatchReloadsOpenPage(t *testing.T) {
	if _, err := os.Stat("../../site/wasm/app.wasm"); err != nil {
		t.Fatal("site/wasm/app.wasm is missing: run `make wasm` before the browser tests")
	}
	posts := t.TempDir()
	const file = "2021-03-04-kettle.md"
	write := func(title string) {
		if err := os.WriteFile(filepath.Join(posts, file), []byte("---\ntitle: "+title+"\n---\nThe kettle.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Old Kettle")
	out := t.TempDir()
	o := builder.Options{Posts: posts, Out: out, Site: site.Files()}
	if _, err := builder.Build(o); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(out, server.Options{Watch: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	rebuilt := make(chan error, 4)
	go builder.Watch(ctx, o, 100*time.Millisecond, func(_ *builder.Report, err error) {
		if err == nil {
			err = srv.Reload()
		}
		rebuilt <- err
	})

	b := NewBrowser(t)
	takeOver(b, "http://"+ln.Addr().String()+"/2021/03/04/kettle.html")
	if got := h1(b); got != "Old Kettle" {
		t.Fatalf("h1 %q", got)
	}
	// app.js opened the stream as it started (takeOver waited for that); the rebuild
	// below takes longer than the stream's connection.
	write("New Kettle")
	select {
	case err := <-rebuilt:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no rebuild after the post changed")
	}
	for deadline := time.Now().Add(20 * time.Second); h1(b) != "New Kettle"; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the open page still shows %q after the rebuild", h1(b))
		}
	}
}
