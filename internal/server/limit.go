package server

import (
	"container/list"
	"io"
	"net"
	"net/http"
	"sync"
)

// limitListener holds at most max connections open. A connection counts from Accept to
// Close. When a new one arrives at the cap, the connection that has waited longest for a
// request (one that never sent a whole request head, or a keep-alive one between
// requests) is closed to make room: idle and slow clients cannot starve a new one. Only
// when every connection is in the middle of a request does the new one wait, accepted
// but not yet served, until one finishes; the kernel's accept queue holds the others.
//
// The server reports states through track (its ConnState hook): StateActive, which
// net/http sets once a whole request head has been read, makes a connection busy;
// StateIdle, once its response is written, makes it waiting again.
type limitListener struct {
	net.Listener
	max int

	mu      sync.Mutex
	ready   *sync.Cond // signalled when a connection closes or starts waiting
	open    int        // connections counted against max
	waiting list.List  // of *limitConn waiting for a request, longest first
	queued  int        // accepted connections waiting for room
	evicted uint64     // connections closed to make room
	closed  bool
}

func newLimitListener(ln net.Listener, max int) *limitListener {
	l := &limitListener{Listener: ln, max: max}
	l.ready = sync.NewCond(&l.mu)
	return l
}

// limitConn is a connection counted by a limitListener.
type limitConn struct {
	net.Conn
	l    *limitListener
	elem *list.Element // in l.waiting while the connection waits for a request
	gone bool          // no longer counted (closed or evicted)
}

// Accept returns the next connection once there is room for it.
func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queued++
	for l.open >= l.max && !l.closed {
		if e := l.waiting.Front(); e != nil {
			l.evict(e.Value.(*limitConn))
			continue
		}
		l.ready.Wait()
	}
	l.queued--
	if l.closed {
		_ = c.Close() // refused: the caller gets net.ErrClosed however the close went
		return nil, net.ErrClosed
	}
	lc := &limitConn{Conn: c, l: l}
	l.open++
	lc.elem = l.waiting.PushBack(lc)
	return lc, nil
}

// evict closes a waiting connection; l.mu is held. The server's goroutine for it sees
// the closed socket and ends; its own Close then finds the connection gone.
func (l *limitListener) evict(c *limitConn) {
	l.forget(c)
	l.evicted++
	_ = c.Conn.Close() // dropping an idle client: nothing is lost if the close fails
}

// forget stops counting c; l.mu is held.
func (l *limitListener) forget(c *limitConn) {
	if c.gone {
		return
	}
	c.gone = true
	l.open--
	if c.elem != nil {
		l.waiting.Remove(c.elem)
		c.elem = nil
	}
	l.ready.Signal()
}

// Close stops Accept, also one waiting for room.
func (l *limitListener) Close() error {
	l.mu.Lock()
	l.closed = true
	l.ready.Broadcast()
	l.mu.Unlock()
	return l.Listener.Close()
}

// track is the server's ConnState hook.
func (l *limitListener) track(c net.Conn, state http.ConnState) {
	lc, ok := c.(*limitConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if lc.gone {
		return
	}
	switch state {
	case http.StateActive:
		if lc.elem != nil {
			l.waiting.Remove(lc.elem)
			lc.elem = nil
		}
	case http.StateIdle:
		if lc.elem == nil {
			lc.elem = l.waiting.PushBack(lc)
			l.ready.Signal()
		}
	}
}

// Close closes the connection and frees its place.
func (c *limitConn) Close() error {
	c.l.mu.Lock()
	c.l.forget(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// ReadFrom keeps the TCP connection's ReadFrom (sendfile) reachable for net/http.
func (c *limitConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

type writerOnly struct{ io.Writer }

// ConnStats counts a server's connections.
type ConnStats struct {
	Open    int    // connections held (at most MaxConns)
	Queued  int    // accepted connections waiting for room (0 or 1)
	Evicted uint64 // connections closed to make room for new ones
}

func (l *limitListener) stats() ConnStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return ConnStats{Open: l.open, Queued: l.queued, Evicted: l.evicted}
}
