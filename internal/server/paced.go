package server

import (
	"io"
	"net/http"
	"time"
)

// piece is how much of a response must go out within one write deadline.
const piece = 256 << 10

// pacedWriter moves the connection's write deadline forward before each piece of a
// response, so a download is cut when it stalls, not when it is merely long.
type pacedWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

// extend moves the write deadline. Should the writer not support that, the server's
// WriteTimeout still bounds the whole response, so the error is dropped.
func (p pacedWriter) extend() { _ = p.rc.SetWriteDeadline(time.Now().Add(p.timeout)) }

func (p pacedWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k := min(len(b), piece)
		p.extend()
		m, err := p.ResponseWriter.Write(b[:k])
		n += m
		if err != nil {
			return n, err
		}
		b = b[k:]
	}
	return n, nil
}

// ReadFrom copies piece by piece through the ResponseWriter's own ReadFrom, keeping
// sendfile: http.ServeContent hands over an *io.LimitedReader around the file, and each
// piece is again one LimitedReader around the file itself.
func (p pacedWriter) ReadFrom(r io.Reader) (int64, error) {
	src, left := r, int64(-1) // -1: up to EOF
	lr, limited := r.(*io.LimitedReader)
	if limited {
		src, left = lr.R, lr.N
		defer func() { lr.N = left }()
	}
	var total int64
	for left != 0 {
		want := int64(piece)
		if left > 0 {
			want = min(want, left)
		}
		p.extend()
		n, err := io.Copy(p.ResponseWriter, &io.LimitedReader{R: src, N: want})
		total += n
		if left > 0 {
			left -= n
		}
		if err != nil || n < want {
			return total, err
		}
	}
	return total, nil
}

func (p pacedWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
