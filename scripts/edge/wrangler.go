// Package edge runs Folio's Cloudflare Worker locally under wrangler dev (workerd), fully
// offline, for its test (edge_test.go) and the load generator (scripts/loadedge). wrangler
// is pinned in package.json (4.86.0, the newest that runs on Node 20), with the workerd
// under it raised to 1.20261123.1 (an npm override: the 1.20260426.1 that wrangler 4.86.0
// brings was seen to livelock after concurrent searches, README), and installed with npm
// ci into scripts/edge/node_modules on first use and whenever package-lock.json changes.
package edge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Offline is the environment that keeps wrangler off the network: no telemetry, no
// request.cf download, no banner (its update check), colourless logs.
var Offline = []string{"WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false", "WRANGLER_HIDE_BANNER=true", "NO_COLOR=1"}

// Install returns the path of wrangler's command in dir (scripts/edge), running npm ci
// there first when it is not installed or package-lock.json is newer than what npm last
// installed (node_modules/.package-lock.json).
func Install(dir string) (string, error) {
	js, err := filepath.Abs(filepath.Join(dir, "node_modules", "wrangler", "bin", "wrangler.js"))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(js); err == nil && installed(dir) {
		return js, nil
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
	}
	if _, err := os.Stat(js); err != nil {
		return "", fmt.Errorf("npm ci in %s did not install wrangler: %w", dir, err)
	}
	return js, nil
}

// installed reports whether npm's record of what it installed in dir is at least as new as
// dir's package-lock.json.
func installed(dir string) bool {
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return false
	}
	done, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	return err == nil && !done.ModTime().Before(lock.ModTime())
}

// BuildFolio builds the folio command into dir and returns its path. It needs the Worker
// module (make worker-wasm) and the viewer (make wasm) embedded.
func BuildFolio(repo, dir string) (string, error) {
	for _, f := range []string{"wasm/worker/module/app.wasm", "wasm/worker/module/wasm_exec.js", "site/wasm/app.wasm"} {
		if _, err := os.Stat(filepath.Join(repo, f)); err != nil {
			return "", fmt.Errorf("%s is missing: run `make wasm worker-wasm` (make test does)", f)
		}
	}
	bin := filepath.Join(dir, "folio")
	cmd := exec.Command("go", "build", "-o", bin, "./build")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./build: %v\n%s", err, out)
	}
	return bin, nil
}

// Wrangler is a running wrangler dev.
type Wrangler struct {
	URL   string        // http://127.0.0.1:PORT
	Ready time.Duration // from start until it served the site's entry file

	cmd           *exec.Cmd
	out           lockedBuffer
	exited        chan struct{}
	home          string
	inspectorPort string
}

// Start runs wrangler dev (the command from Install) in the Worker folder dir on a free
// loopback port, offline and with a scratch HOME, waits until it serves the site, and
// turns off the runtime's Network events to wrangler's inspector proxy, which would keep
// every file the Worker reads for as long as wrangler runs (QuietNetwork).
func Start(wrangler, dir string) (*Wrangler, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// The inspector's port too: its default (9229) is taken while another wrangler runs.
	inspector, err := freePort()
	if err != nil {
		return nil, err
	}
	home, err := os.MkdirTemp("", "folio-wrangler-home-")
	if err != nil {
		return nil, err
	}
	w := &Wrangler{URL: "http://127.0.0.1:" + port, exited: make(chan struct{}), home: home, inspectorPort: inspector}
	args := []string{wrangler, "dev", "--ip", "127.0.0.1", "--port", port, "--inspector-port", inspector, "--show-interactive-dev-session=false"}
	if os.Getenv("FOLIO_EDGE_DEBUG") == "1" {
		args = append(args, "--var", "FOLIO_DEBUG:1") // the glue logs each request's steps
	}
	w.cmd = exec.Command("node", args...)
	w.cmd.Dir = dir
	w.cmd.Env = append(append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config")), Offline...)
	w.cmd.Stdout, w.cmd.Stderr = &w.out, &w.out
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to stop workerd with it
	start := time.Now()
	if err := w.cmd.Start(); err != nil {
		_ = os.RemoveAll(home) // nothing was written yet
		return nil, fmt.Errorf("start wrangler: %w", err)
	}
	go func() {
		_ = w.cmd.Wait() // its exit status says nothing: Stop ends it
		close(w.exited)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", w.URL+"/data/folio.json", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close() // only the status matters
			if resp.StatusCode == 200 {
				w.Ready = time.Since(start)
				if err := w.QuietNetwork(); err != nil {
					w.Stop()
					return nil, fmt.Errorf("wrangler dev: turning off the inspector's Network events: %w", err)
				}
				return w, nil
			}
		}
		select {
		case <-w.exited:
			w.Stop()
			return nil, fmt.Errorf("wrangler dev exited before it served the site:\n%s", w.Output())
		case <-ctx.Done():
			w.Stop()
			return nil, fmt.Errorf("wrangler dev did not serve the site within %s:\n%s", startTimeout, w.Output())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Output is what wrangler printed so far.
func (w *Wrangler) Output() string { return w.out.String() }

// Stop ends wrangler and workerd (its process group) and removes the scratch HOME.
func (w *Wrangler) Stop() {
	_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGTERM) // wrangler's group: node and workerd
	select {
	case <-w.exited:
	case <-time.After(10 * time.Second):
	}
	// workerd may outlive node and SIGTERM (it did once, spinning, after Go crashed).
	_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
	<-w.exited
	_ = os.RemoveAll(w.home) // a scratch folder
}

// startTimeout is how long Start waits for wrangler dev to serve the site: it hashes every
// asset file first (about 20 s for 10k posts, 60-90 s for 100k on an idle machine; over
// 120 s for 10k on the shared machine under load).
const startTimeout = 5 * time.Minute

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close() //nolint:errcheck // a probe listener
	_, port, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		return "", errors.New("no port in " + l.Addr().String())
	}
	return port, nil
}

// lockedBuffer collects a process's output from two pipes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// WorkerdCPU is the CPU time (user and system) that the workerd processes of this wrangler
// have used so far: the Worker's isolate (Go, the glue) and the runtime's own serving of
// static assets. It reads /proc, so it works on Linux only.
func (w *Wrangler) WorkerdCPU() (time.Duration, error) {
	var ticks int64
	err := w.eachWorkerd(func(_ string, stat []string) {
		// stat's fields after the command: state ppid pgrp … utime(14) stime(15).
		u, _ := strconv.ParseInt(stat[11], 10, 64)
		s, _ := strconv.ParseInt(stat[12], 10, 64)
		ticks += u + s
	})
	return time.Duration(ticks) * time.Second / clockTicks, err
}

// WorkerdRSS is the resident memory of each workerd process of this wrangler, in bytes,
// by process id: one runs the Worker (and the runtime's asset service), the other
// wrangler's proxy in front of it (the dev port, and the inspector proxy). Linux only.
func (w *Wrangler) WorkerdRSS() (map[string]int64, error) {
	rss := map[string]int64{}
	err := w.eachWorkerd(func(pid string, _ []string) {
		data, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
		if err != nil {
			return // gone meanwhile
		}
		for _, l := range strings.Split(string(data), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				rss[pid] = kb << 10
			}
		}
	})
	return rss, err
}

// eachWorkerd calls fn with the id and the /proc stat fields (after the command) of each
// workerd process in this wrangler's process group.
func (w *Wrangler) eachWorkerd(fn func(pid string, stat []string)) error {
	procs, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return err
	}
	found := false
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid pgrp …: comm may hold spaces.
		end := bytes.LastIndexByte(data, ')')
		open := bytes.IndexByte(data, '(')
		if end < 0 || open < 0 || end+2 > len(data) {
			continue
		}
		fields := strings.Fields(string(data[end+2:]))
		if len(fields) < 13 || string(data[open+1:end]) != "workerd" || fields[2] != strconv.Itoa(w.cmd.Process.Pid) {
			continue
		}
		found = true
		fn(filepath.Base(filepath.Dir(p)), fields)
	}
	if !found {
		return errors.New("no workerd process of this wrangler in /proc")
	}
	return nil
}

// clockTicks is the unit of /proc's CPU times (USER_HZ, 100 on Linux everywhere).
const clockTicks = 100

// FreePlanLimit is the Workers Free plan's limit on a Worker's upload, gzip: Cloudflare's
// limits page says "3 MB", and its upload API refuses a larger Worker with "Your Worker
// exceeded the size limit of 3 MiB" (error 10027), so it is 3 MiB.
const FreePlanLimit = 3 << 20

// UploadSize runs wrangler deploy --dry-run (the command from Install) in the Worker
// folder dir, offline, and returns the upload's size and its gzip size as wrangler
// measures them (what Cloudflare's limit applies to), in bytes.
func UploadSize(wrangler, dir string) (raw, gzip float64, err error) {
	home, err := os.MkdirTemp("", "folio-wrangler-home-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(home) //nolint:errcheck // a scratch folder: best effort
	cmd := exec.Command("node", wrangler, "deploy", "--dry-run", "--outdir", filepath.Join(home, "out"))
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config")), Offline...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrangler deploy --dry-run: %v\n%s", err, out)
	}
	// "Total Upload: 11646.73 KiB / gzip: 2987.60 KiB"
	m := regexp.MustCompile(`Total Upload: ([0-9.]+) KiB / gzip: ([0-9.]+) KiB`).FindSubmatch(out)
	if m == nil {
		return 0, 0, fmt.Errorf("wrangler deploy --dry-run printed no upload size:\n%s", out)
	}
	raw, _ = strconv.ParseFloat(string(m[1]), 64)
	gzip, _ = strconv.ParseFloat(string(m[2]), 64)
	return raw * 1024, gzip * 1024, nil
}
