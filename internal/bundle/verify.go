package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrDamaged says a file's bytes are not the ones its name promises: changed, truncated,
// or another document (a host's HTML page) served in its place.
var ErrDamaged = errors.New("damaged: its content does not match its name")

// ErrStalled says the server stopped sending a file and the request was given up.
var ErrStalled = errors.New("the server stopped answering")

// hashLen is the length of the content hash in a file name (8 bytes as hex).
const hashLen = 16

// HashOf returns the content hash of a content-addressed name ("p/1a2b….json" → "1a2b…"),
// or "" for a name that is not one (folio.json).
func HashOf(name string) string {
	base := path.Base(name)
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	if len(base) != hashLen || !strings.Contains(name, "/") {
		return ""
	}
	for _, c := range base {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	return base
}

// CheckContent returns an error wrapping ErrDamaged when name is content-addressed and
// data is not what it names.
func CheckContent(name string, data []byte) error {
	want := HashOf(name)
	if want == "" {
		return nil
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:hashLen/2]); got != want {
		what := "changed or truncated"
		if looksLikeHTML(data) {
			what = "an HTML page was served in its place"
		}
		return fmt.Errorf("%w (%s; %d bytes)", ErrDamaged, what, len(data))
	}
	return nil
}

func looksLikeHTML(data []byte) bool {
	head := strings.ToLower(strings.TrimSpace(string(data[:min(len(data), 256)])))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.HasPrefix(head, "<head")
}

// ContentChecker is a Fetcher that checks content-addressed files itself (the browser's
// does, with its own fast SHA-256); Open checks the files of any other Fetcher.
type ContentChecker interface {
	Fetcher
	ChecksContent() bool
}

// Checked returns f, checking every content-addressed file it returns against its name,
// unless f checks them itself.
func Checked(f Fetcher) Fetcher {
	if c, ok := f.(ContentChecker); ok && c.ChecksContent() {
		return f
	}
	return checked{f}
}

type checked struct{ f Fetcher }

func (c checked) Fetch(ctx context.Context, name string) ([]byte, error) {
	data, err := c.f.Fetch(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := CheckContent(name, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (c checked) ChecksContent() bool { return true }
