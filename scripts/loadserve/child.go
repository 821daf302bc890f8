package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"folio/internal/server"
)

// childEnv, set to the site folder, makes loadserve the server.
const childEnv = "LOADSERVE_SERVE_DIR"

// serverStats is what the server process says about itself.
type serverStats struct {
	Goroutines int    `json:"goroutines"`
	Threads    int    `json:"threads"`
	RSSKB      int    `json:"rss_kb"`
	PeakRSSKB  int    `json:"peak_rss_kb"`
	Files      int    `json:"files"` // open file descriptors, sockets included
	Open       int    `json:"open"`  // connections held
	Evicted    uint64 `json:"evicted"`
}

// runChild serves the site and its own figures on two loopback ports, prints both
// addresses on one line, and exits when its standard input closes (the parent is gone).
func runChild() {
	maxConns, _ := strconv.Atoi(os.Getenv("LOADSERVE_MAX_CONNS"))
	srv, err := server.New(os.Getenv(childEnv), server.Options{MaxConns: maxConns})
	if err != nil {
		fail("%v", err)
	}
	site, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("%v", err)
	}
	statsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("%v", err)
	}
	go func() {
		if err := srv.Serve(site); err != nil {
			fail("serve: %v", err)
		}
	}()
	go func() {
		fail("serve figures: %v", http.Serve(statsLn, serveStats(srv)))
	}()
	fmt.Printf("%s %s %d\n", site.Addr(), statsLn.Addr(), srv.Options().MaxConns)
	_, _ = io.Copy(io.Discard, os.Stdin) // ends when the parent closes it, or is gone (an error)
	os.Exit(0)
}

// serveStats answers with the server's figures as JSON.
func serveStats(srv *server.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := srv.Stats()
		s := serverStats{Goroutines: runtime.NumGoroutine(), Open: st.Open, Evicted: st.Evicted}
		s.RSSKB, s.PeakRSSKB, s.Threads = procStatus()
		if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
			s.Files = len(fds)
		}
		_ = json.NewEncoder(w).Encode(s) // the parent reports figures it cannot read
	}
}

// procStatus reads VmRSS, VmHWM (both kB) and Threads from /proc/self/status.
func procStatus() (rss, peak, threads int) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			peak = n
		case "Threads:":
			threads = n
		}
	}
	return
}

// child is a server process started by loadserve.
type child struct {
	cmd      *exec.Cmd
	stdin    io.Closer
	addr     string
	stats    string
	maxConns int
}

func startChild(dir string, maxConns int) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+dir, "LOADSERVE_MAX_CONNS="+strconv.Itoa(maxConns))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if _, serr := fmt.Sscan(line, &c.addr, &c.stats, &c.maxConns); err != nil || serr != nil {
		c.stop()
		return nil, fmt.Errorf("server said %q (%v)", line, err)
	}
	c.stats = "http://" + c.stats + "/"
	return c, nil
}

// stop ends the server: closing its input makes it exit; it is killed if it has not
// within 5 s.
func (c *child) stop() {
	_ = c.stdin.Close() // should it not stop the server, the kill below does
	done := make(chan struct{})
	go func() {
		_ = c.cmd.Wait() // stopped on purpose: its exit status tells nothing
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill() // fails only when it has just exited
		<-done
	}
}

// fetchStats asks the server at url for its figures.
func fetchStats(client *http.Client, url string) (serverStats, error) {
	var s serverStats
	resp, err := client.Get(url)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close() //nolint:errcheck // read only: the decoding error is the one that counts
	return s, json.NewDecoder(resp.Body).Decode(&s)
}
