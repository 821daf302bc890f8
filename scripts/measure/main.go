// Command measure runs a command and reports its wall time and peak RSS:
//
//	go run ./scripts/measure -- CMD ARGS...
//
// The child's stdout/stderr are passed through; afterwards one line
// "wall=12.34s peak_rss=456.7MB" goes to stderr and measure exits with the
// child's exit code (128+signal if it was killed by a signal).
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: measure -- CMD [ARGS...]")
		os.Exit(2)
	}
	// Let Ctrl-C reach the child (same process group) and still report.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt, syscall.SIGTERM)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil && !errors.As(err, new(*exec.ExitError)) {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(127)
	}
	var rssMB float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rssMB = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	fmt.Fprintf(os.Stderr, "wall=%.2fs peak_rss=%.1fMB\n", wall.Seconds(), rssMB)
	code := cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	os.Exit(code)
}
