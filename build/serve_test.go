package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeNeedsABuiltSiteOrStatic: folio serve on a folder that folio build did not
// write says what is missing and points to -static; it does not start.
func TestServeNeedsABuiltSiteOrStatic(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := runServe([]string{"-dir", dir, "-addr", "127.0.0.1:0"}, &stderr); code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, stderr.String())
	}
	if msg := stderr.String(); !strings.Contains(msg, "no data/folio.json") || !strings.Contains(msg, "-static") {
		t.Errorf("message %q does not say what is missing and how to serve it anyway", msg)
	}
}
