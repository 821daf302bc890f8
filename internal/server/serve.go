package server

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// Options bound what one client can hold. Zero fields take the defaults below.
type Options struct {
	// ReadHeaderTimeout is how long a client has to send a whole request head, counted
	// from the connection's start or, on a kept-alive connection, from the first byte of
	// the next request. Default 10 s: a head is a few hundred bytes, so this cuts slowloris
	// clients, not slow links.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included. Default 20 s. The site
	// takes no bodies; this bounds a client that announces one and trickles it.
	ReadTimeout time.Duration
	// WriteTimeout is how long a response may take to send each 256 KiB (and the whole
	// of a smaller one): a download may last as long as it keeps moving. Default 30 s, so
	// the floor is 8.7 KB/s (70 kbit/s); the 14 MB app.wasm sent raw to a client that
	// takes no compression would need 27 min at that rate and still finish, while a
	// client that stops reading is cut after 30 s. One fixed deadline for the whole
	// response would have to be that long for everyone.
	WriteTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its next request.
	// Default 60 s.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps a request head. Default 64 KiB (net/http's is 1 MiB).
	MaxHeaderBytes int
	// MaxConns caps the connections held at once; beyond it the one idle longest is
	// closed (see limitListener). Default 4,096, or less when the file limit is low:
	// half of RLIMIT_NOFILE less 64, since a connection may also hold a file open.
	MaxConns int
	// ErrorLog receives net/http's errors; nil means the standard logger.
	ErrorLog *log.Logger
	// Static serves files only, as a plain static host does: every path that is not a
	// file gets the viewer's page, which renders it in the browser. By default the
	// server also renders pages and answers the JSON API (see SiteHandler).
	Static bool
	// Watch serves WatchPath, the stream that tells open pages to reload after Reload
	// (folio serve -watch).
	Watch bool
}

// Defaults.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 20 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxConns          = 4096
)

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&o.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	set(&o.ReadTimeout, DefaultReadTimeout)
	set(&o.WriteTimeout, DefaultWriteTimeout)
	set(&o.IdleTimeout, DefaultIdleTimeout)
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if o.MaxConns <= 0 {
		o.MaxConns = defaultMaxConns(fileLimit())
	}
	return o
}

// defaultMaxConns keeps the cap well below the file limit (0: unknown). Go raises the
// soft RLIMIT_NOFILE to the hard limit at start on Unix (package syscall's init), so the
// limit read here is already the highest the process may have.
func defaultMaxConns(limit uint64) int {
	if limit == 0 || limit >= 2*DefaultMaxConns+64 {
		return DefaultMaxConns
	}
	if limit < 64+2*16 {
		return 16
	}
	return int((limit - 64) / 2)
}

// Server serves a built site folder with the limits of its Options.
type Server struct {
	opts   Options
	root   *os.Root
	http   *http.Server
	listen atomic.Pointer[limitListener]
	// current is the handler in use; Reload replaces it.
	current atomic.Pointer[http.Handler]
	reloads reloads
}

// New prepares a server for the site in dir. Files are opened through an os.Root, so a
// symbolic link may point to another file or folder of the site but nowhere outside it
// (nor be absolute); one that does is answered as if absent.
func New(dir string, opts Options) (*Server, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open site: %w", err)
	}
	h, err := siteHandler(root, opts.withDefaults())
	if err != nil {
		_ = root.Close() // opened to read: closing it loses nothing
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return newServer(root, h, opts), nil
}

// siteHandler is the handler of the site as it is on disk now.
func siteHandler(root *os.Root, opts Options) (http.Handler, error) {
	if opts.Static {
		return newHandler(root.FS(), opts.WriteTimeout), nil
	}
	return newSiteHandler(root.FS(), opts.WriteTimeout)
}

func newServer(root *os.Root, h http.Handler, opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{opts: opts, root: root}
	first := h
	s.current.Store(&first)
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*s.current.Load()).ServeHTTP(w, r) })
	if opts.Watch {
		h = s.reloads.watching(h)
	}
	s.http = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		ReadTimeout:       opts.ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       opts.IdleTimeout,
		MaxHeaderBytes:    opts.MaxHeaderBytes,
		ErrorLog:          opts.ErrorLog,
		ConnState: func(c net.Conn, state http.ConnState) {
			if l := s.listen.Load(); l != nil {
				l.track(c, state)
			}
		},
	}
	return s
}

// Options returns the options in force, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Serve serves on ln until Close; it returns nil after Close.
func (s *Server) Serve(ln net.Listener) error {
	l := newLimitListener(ln, s.opts.MaxConns)
	if !s.listen.CompareAndSwap(nil, l) {
		return errors.New("server: Serve called twice")
	}
	if err := s.http.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops the server: the listener and every connection close at once.
func (s *Server) Close() error {
	err := s.http.Close()
	if s.root != nil {
		_ = s.root.Close() // a folder opened to read: closing it loses nothing
	}
	return err
}

// Stats counts the connections now.
func (s *Server) Stats() ConnStats {
	if l := s.listen.Load(); l != nil {
		return l.stats()
	}
	return ConnStats{}
}
