package builder

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// logf writes a progress message to w. Progress is for a person watching: a write that
// fails there does not fail the build, so its error is dropped.
func logf(w io.Writer, format string, a ...any) {
	_, _ = fmt.Fprintf(w, format, a...)
}

// bar draws "reading  1234/5678 [=====     ]  21%" on a terminal, at most ten times a second.
type bar struct {
	w     io.Writer
	on    bool
	label string

	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func newBar(w io.Writer, on bool, label string) *bar { return &bar{w: w, on: on, label: label} }

func (b *bar) set(done, total int) {
	if !b.on || total == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if done < total && time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	const width = 30
	fill := width * done / total
	logf(b.w, "\r%s %*d/%d [%s%s] %3d%%", b.label, len(fmt.Sprint(total)), done, total,
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), 100*done/total)
	b.drawn = true
}

func (b *bar) done() {
	if b.drawn {
		logf(b.w, "\n")
	}
}
