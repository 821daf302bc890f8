package server

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// WatchPath is the server-sent events stream of a watching server (folio serve -watch):
// an event "reload" after each rebuild. Every response of a watching server names it in
// a Server-Timing entry "folio-watch", which is how the viewer (site/app.js) knows to
// listen; other servers have no such path and never say so.
const WatchPath = "/api/watch"

// streamPing is how often an idle stream gets a comment, so proxies keep it open.
const streamPing = 20 * time.Second

// reloads tells the open pages of a watching server that the site was rebuilt.
type reloads struct {
	mu      sync.Mutex
	clients map[chan struct{}]bool
}

// notify wakes every open stream.
func (r *reloads) notify() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.clients {
		select {
		case c <- struct{}{}:
		default: // one is pending already
		}
	}
}

// ServeHTTP keeps the stream open, sending "reload" after each rebuild and a comment
// every streamPing.
func (r *reloads) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	rc := http.NewResponseController(w)
	// The stream outlives the server's read and write timeouts: no read deadline (the
	// request has no body), and a write deadline renewed at each send.
	_ = rc.SetReadDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	c := make(chan struct{}, 1)
	r.mu.Lock()
	if r.clients == nil {
		r.clients = map[chan struct{}]bool{}
	}
	r.clients[c] = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.clients, c)
		r.mu.Unlock()
	}()
	send := func(s string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(2 * streamPing)) // until after the next ping
		if _, err := fmt.Fprint(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(": watching\n\n") {
		return
	}
	tick := time.NewTicker(streamPing)
	defer tick.Stop()
	for {
		select {
		case <-req.Context().Done():
			return
		case <-c:
			if !send("event: reload\ndata: rebuilt\n\n") {
				return
			}
		case <-tick.C:
			if !send(": still watching\n\n") {
				return
			}
		}
	}
}

// watching wraps a handler to say the server watches, and to answer WatchPath.
func (r *reloads) watching(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Server-Timing", "folio-watch")
		if strings.HasSuffix(req.URL.Path, WatchPath) { // under the base path too
			r.ServeHTTP(w, req)
			return
		}
		h.ServeHTTP(w, req)
	})
}

// Reload serves the site as it is now on disk, after a rebuild: the rendered pages and
// the API read the new bundle and viewer page, and open pages of a watching server
// (Options.Watch) are told to reload. On an error the previous site stays served.
func (s *Server) Reload() error {
	h, err := siteHandler(s.root, s.opts)
	if err != nil {
		return err
	}
	s.current.Store(&h)
	s.reloads.notify()
	return nil
}
