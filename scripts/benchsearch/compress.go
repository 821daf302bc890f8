package main

import (
	"bytes"
	"io/fs"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
)

// hostCompressed is a site folder built for a host that compresses by itself (-host
// cloudflare, github-pages, netlify: no .br/.gz copies beside the data files). It answers
// a missing data/NAME.br with NAME compressed here at brotli quality 5: hosts compress on
// the fly at middle levels (the build's own copies, at 11, are 10–12 % smaller), and 11
// is too slow here (a cold query at 100k would wait seconds for it). Each file is
// compressed once, before its first answer; -compress says so in the output.
// hostQuality is the brotli quality of hostCompressed.
const hostQuality = 5

type hostCompressed struct {
	fs.FS
	mu    sync.Mutex
	cache map[string][]byte
	spent time.Duration // compressing, for the record
}

func (h *hostCompressed) Open(name string) (fs.File, error) {
	f, err := h.FS.Open(name)
	if err == nil || !strings.HasPrefix(name, "data/") || !strings.HasSuffix(name, ".br") {
		return f, err
	}
	base := strings.TrimSuffix(name, ".br")
	h.mu.Lock()
	defer h.mu.Unlock()
	body, ok := h.cache[base]
	if !ok {
		raw, err := fs.ReadFile(h.FS, base)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		var buf bytes.Buffer
		w := brotli.NewWriterLevel(&buf, hostQuality)
		if _, err := w.Write(raw); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		h.spent += time.Since(start)
		body = buf.Bytes()
		if h.cache == nil {
			h.cache = map[string][]byte{}
		}
		h.cache[base] = body
	}
	// One file in a throwaway map: fstest.MapFS gives a full fs.File (Stat, Seek, ReadAt).
	return fstest.MapFS{name: {Data: body, ModTime: time.Unix(0, 0)}}.Open(name)
}

// Stat makes the server's check for a .br copy see the one Open would make.
func (h *hostCompressed) Stat(name string) (fs.FileInfo, error) {
	f, err := h.Open(name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // an in-memory file
	return f.Stat()
}
