package chrome

import (
	"context"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/chromedp/chromedp"
)

// Renderer is one renderer process of a browser, with its memory from /proc (bytes).
type Renderer struct {
	PID  int
	RSS  int64 // resident set (VmRSS)
	Anon int64 // its anonymous part (RssAnon): the process's own memory, not shared files
}

// Renderers lists the renderer processes (descendants started with --type=renderer) of
// the Chromium that ctx's browser runs in, largest resident set first. With site
// isolation a page and a frame of another site each have their own. It reads /proc, so
// it returns none off Linux or before the browser started.
func Renderers(ctx context.Context) []Renderer {
	c := chromedp.FromContext(ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return nil
	}
	browser := c.Browser.Process().Pid
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		// The fields after the command's closing parenthesis: state, then the parent.
		if i := strings.LastIndexByte(string(stat), ')'); err == nil && i >= 0 {
			if f := strings.Fields(string(stat[i+1:])); len(f) > 1 {
				parent[pid], _ = strconv.Atoi(f[1])
			}
		}
	}
	under := func(pid int) bool {
		for range 64 {
			if pid = parent[pid]; pid == browser {
				return true
			} else if pid <= 1 {
				return false
			}
		}
		return false
	}
	var out []Renderer
	for pid := range parent {
		cmd, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if !under(pid) || !strings.Contains(string(cmd), "--type=renderer") {
			continue
		}
		r := Renderer{PID: pid}
		status, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		for line := range strings.SplitSeq(string(status), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "VmRSS:":
				r.RSS = kb * 1024
			case "RssAnon:":
				r.Anon = kb * 1024
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RSS > out[j].RSS })
	return out
}
