package e2e

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"folio/scripts/chrome"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// memProbe samples where a browser's memory goes while something runs: each renderer
// process's resident and private (anonymous) bytes from /proc, named by the threads it
// runs (a page, a dedicated worker, a service worker), and the JavaScript heap of each
// target through CDP Runtime.getHeapUsage (V8's heap, Blink's own garbage-collected heap,
// and the array buffers' backing stores). It keeps each figure's first and highest value.
type memProbe struct {
	b       *Browser
	targets map[string]context.Context // "page", "worker", "service worker"

	mu    sync.Mutex
	first map[string]int64
	peak  map[string]int64
	last  map[string]int64
	stop  chan struct{}
	done  chan struct{}
}

// newMemProbe attaches to the page's workers (the viewer's worker, the service worker).
func newMemProbe(b *Browser) *memProbe {
	p := &memProbe{b: b, targets: map[string]context.Context{"page": b.Ctx}, first: map[string]int64{}, peak: map[string]int64{}, last: map[string]int64{}}
	infos, err := chromedp.Targets(b.Ctx)
	if err != nil {
		b.t.Fatalf("targets: %v", err)
	}
	for _, in := range infos {
		var label string
		switch in.Type {
		case "worker":
			label = "worker"
		case "service_worker":
			label = "service worker"
		default:
			continue
		}
		// Never cancelled: cancelling a target's context closes the target.
		ctx, _ := chromedp.NewContext(b.Ctx, chromedp.WithTargetID(in.TargetID))
		if err := chromedp.Do(ctx); err != nil {
			b.t.Logf("memory probe: attach to %s: %v", label, err)
			continue
		}
		// The DevTools network domain (chromedp enables it) keeps data about every
		// request in the renderer: off, as in a reader's browser.
		if _, err := chromedp.Call(ctx, network.Disable, cdp.Empty{}); err != nil {
			b.t.Logf("memory probe: %s: network off: %v", label, err)
		}
		p.targets[label] = ctx
	}
	return p
}

// collect makes every target run a full garbage collection, then samples once more.
func (p *memProbe) collect() {
	for _, ctx := range p.targets {
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, _ = chromedp.Call(c, heapprofiler.CollectGarbage, cdp.Empty{})
		cancel()
	}
	time.Sleep(time.Second)
	p.sample()
}

// start samples every interval until finish.
func (p *memProbe) start(interval time.Duration) {
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		for {
			p.sample()
			select {
			case <-p.stop:
				p.sample()
				return
			case <-time.After(interval):
			}
		}
	}()
}

func (p *memProbe) finish() {
	close(p.stop)
	<-p.done
}

func (p *memProbe) record(k string, v int64) {
	if _, ok := p.first[k]; !ok {
		p.first[k] = v
	}
	p.peak[k] = max(p.peak[k], v)
	p.last[k] = v
}

func (p *memProbe) sample() {
	rows := map[string]int64{}
	for _, r := range renderers(p.b) {
		name := fmt.Sprintf("process %d (%s)", r.pid, r.roles)
		rows[name+": resident"] = r.rss
		rows[name+": private"] = r.anon
	}
	for label, ctx := range p.targets {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		h, err := chromedp.Call(c, runtime.GetHeapUsage, cdp.Empty{})
		cancel()
		if err != nil {
			continue
		}
		rows[label+": JS heap used"] = int64(h.UsedSize)
		rows[label+": Blink heap used"] = int64(h.EmbedderHeapUsedSize)
		rows[label+": array buffers"] = int64(h.BackingStorageSize)
	}
	p.mu.Lock()
	for k, v := range rows {
		p.record(k, v)
	}
	p.mu.Unlock()
}

// wasmMemory returns the bytes of every WebAssembly memory of the viewer's worker (Go's
// linear memory, which only grows), or -1 when it cannot tell.
func (p *memProbe) wasmMemory() int64 {
	ctx, ok := p.targets["worker"]
	if !ok {
		return -1
	}
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	proto, err := chromedp.Call(c, runtime.Evaluate, runtime.EvaluateParams{Expression: "WebAssembly.Memory.prototype", ObjectGroup: "probe"})
	if err != nil || proto.Result.ObjectID == "" {
		return -1
	}
	objs, err := chromedp.Call(c, runtime.QueryObjects, runtime.QueryObjectsParams{PrototypeObjectID: proto.Result.ObjectID, ObjectGroup: "probe"})
	if err != nil {
		return -1
	}
	yes := true
	sum, err := chromedp.Call(c, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: "function () { return this.reduce((s, m) => s + m.buffer.byteLength, 0) }",
		ObjectID:            objs.Objects.ObjectID,
		ReturnByValue:       &yes,
	})
	_, _ = chromedp.Call(c, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: "probe"})
	if err != nil || sum.Result == nil {
		return -1
	}
	n, err := strconv.ParseFloat(string(sum.Result.Value), 64)
	if err != nil {
		return -1
	}
	return int64(n)
}

// report returns one line per figure: first value → highest → last, in MB.
func (p *memProbe) report() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := make([]string, 0, len(p.first))
	for k := range p.first {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&s, "  %-56s %6.1f → %6.1f → %6.1f MB\n", k, mb(p.first[k]), mb(p.peak[k]), mb(p.last[k]))
	}
	return s.String()
}

// peakOf returns the highest value of a figure whose name starts with prefix, over every
// matching figure.
func (p *memProbe) peakOf(prefix, suffix string) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var m int64
	for k, v := range p.peak {
		if strings.HasPrefix(k, prefix) && strings.HasSuffix(k, suffix) {
			m = max(m, v)
		}
	}
	return m
}

// renderer is one renderer process of the test's browser.
type renderer struct {
	pid       int
	rss, anon int64
	roles     string // what its threads say it runs: "page", "page+worker+service worker"…
}

// renderers lists the renderer processes of the test's browser, largest first, with
// what their threads say they run; none off Linux.
func renderers(b *Browser) []renderer {
	var out []renderer
	for _, c := range chrome.Renderers(b.Ctx) {
		pid := c.PID
		r := renderer{pid: pid, rss: c.RSS, anon: c.Anon}
		// Thread names: Blink's main thread is the page's, a DedicatedWorker thread a
		// worker, a ServiceWorker thread a service worker.
		var roles []string
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		seen := map[string]bool{}
		for _, t := range tasks {
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/comm", pid, t.Name()))
			name := strings.TrimSpace(string(comm))
			role := ""
			switch {
			case strings.HasPrefix(name, "DedicatedWorker"):
				role = "worker"
			case strings.HasPrefix(name, "ServiceWorker"):
				role = "service worker"
			}
			if role != "" && !seen[role] {
				seen[role] = true
				roles = append(roles, role)
			}
		}
		sort.Strings(roles)
		r.roles = strings.Join(append([]string{"renderer"}, roles...), ", ")
		out = append(out, r)
	}
	return out
}
