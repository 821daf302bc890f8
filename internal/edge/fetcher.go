// Package edge serves the archive from Cloudflare Workers: the handler reads the bundle
// over HTTP from the host's static assets (the ASSETS binding), and answers through
// github.com/syumai/workers. This file is plain Go; serve_js.go holds the Workers side.
package edge

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"folio/internal/bundle"
)

// Fetcher returns a bundle fetcher that GETs base+name ("https://assets/data/" +
// "p/1a2b….json") through rt. It takes a RoundTripper, not an http.Client: a Client
// links net/http's own Transport (with crypto/tls), 3.6 MB of WebAssembly the worker
// never runs. It checks every content-addressed file against the hash in its name: a host
// that answers a missing file with an HTML page and status 200 gives a damaged-file error,
// not bad data.
func Fetcher(rt http.RoundTripper, base string) bundle.Fetcher {
	return httpFetcher{rt: rt, base: base}
}

type httpFetcher struct {
	rt   http.RoundTripper
	base string
}

// ChecksContent implements bundle.ContentChecker: Fetch checks every file it returns.
func (f httpFetcher) ChecksContent() bool { return true }

func (f httpFetcher) Fetch(ctx context.Context, name string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.base+name, nil)
	if err != nil {
		return nil, fmt.Errorf("request for %s: %w", name, err)
	}
	resp, err := f.rt.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s (%v): %w", name, err, bundle.ErrOffline)
	}
	defer resp.Body.Close() //nolint:errcheck // read to the end or given up: nothing to report
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if err := bundle.CheckContent(name, data); err != nil {
		return nil, err
	}
	return data, nil
}
