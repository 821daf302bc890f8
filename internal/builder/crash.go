package builder

import (
	"os"
	"strconv"
	"strings"
)

// The build's test seam for interrupted builds: with FOLIO_TEST_CRASH set, the build
// process kills itself (as SIGKILL or Ctrl-C would) at one point, so tests can check that
// the previous site still works afterwards. Points: "read" (posts read), "data:N" (the
// N-th new data file written), "data" (all data written), "app" (the viewer's folder
// written), "record", "entry" (folio.json switched), "pages" (the pages switched).
var crashPoint = os.Getenv("FOLIO_TEST_CRASH")

// crashAt kills the process when point is the configured crash point.
func crashAt(point string) {
	if crashPoint == point {
		die()
	}
}

// crashAfterWrites kills the process after the configured number of new data files.
func crashAfterWrites(written int64) {
	if n, ok := strings.CutPrefix(crashPoint, "data:"); ok {
		if k, err := strconv.ParseInt(n, 10, 64); err == nil && written == k {
			die()
		}
	}
}

func die() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		_ = p.Kill() // a test seam: should the kill fail, the build stops here all the same
	}
	select {} // the kill is on its way
}
