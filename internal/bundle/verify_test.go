package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestCheckContent(t *testing.T) {
	data := []byte(`{"a":1}`)
	name := "p/" + contentHash(data) + ".json"
	if err := CheckContent(name, data); err != nil {
		t.Fatalf("intact file: %v", err)
	}
	cases := map[string][]byte{
		"changed or truncated":    []byte(`{"a":2}`),
		"changed or truncated ":   data[:3],
		"an HTML page was served": []byte("<!DOCTYPE html><html><title>Home</title>"),
	}
	for says, bad := range cases {
		err := CheckContent(name, bad)
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), strings.TrimSpace(says)) {
			t.Errorf("%q: err %v, want ErrDamaged saying %q", bad, err, says)
		}
	}
	for _, n := range []string{"folio.json", "p/short.json", "p/0123456789abcdeg.json"} {
		if err := CheckContent(n, []byte("anything")); err != nil {
			t.Errorf("%s has no content hash, but: %v", n, err)
		}
	}
}

// TestOpenChecksFiles: a Reader never returns a file whose bytes are not its name's.
func TestOpenChecksFiles(t *testing.T) {
	good := []byte(`{"id":"x"}`)
	name := "k/" + contentHash(good) + ".json"
	fsys := fstest.MapFS{
		EntryFile: {Data: []byte(`{"format":"` + Format + `","version":` + itoa(Version) + `}`)},
		name:      {Data: []byte(`{"id":"forged"}`)},
	}
	r, err := Open(context.Background(), FS(fsys))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Fetcher().Fetch(context.Background(), name); !errors.Is(err, ErrDamaged) {
		t.Errorf("Fetcher returned a forged file: %v", err)
	}
	_, err = Load[map[string]any](context.Background(), r, name)
	var de *DataError
	if !errors.As(err, &de) || de.File != name || !errors.Is(err, ErrDamaged) {
		t.Errorf("Load: %v, want a DataError naming %s", err, name)
	}
}

func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

func itoa(n int) string { return strconv.Itoa(n) }
