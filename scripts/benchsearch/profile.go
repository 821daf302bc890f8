package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// A CPU profile of the Web Worker that runs the viewer (app.wasm), taken with the
// DevTools protocol's profiler over the warm first runs (-cpuprofile FILE). WebAssembly
// functions have names only in a module built without -ldflags=-s (a build for
// profiling; the site's module has none, and its functions show as wasm-function[N]).

// workerProfiler profiles the page's dedicated worker.
type workerProfiler struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// startWorkerProfile attaches to the page's dedicated worker and starts its profiler.
func startWorkerProfile(page context.Context) (*workerProfiler, error) {
	infos, err := chromedp.Targets(page)
	if err != nil {
		return nil, err
	}
	var id target.ID
	for _, t := range infos {
		if t.Type == "worker" {
			id = t.TargetID
		}
	}
	if id == "" {
		return nil, fmt.Errorf("no worker target among %d targets", len(infos))
	}
	ctx, cancel := chromedp.NewContext(page, chromedp.WithTargetID(id))
	if _, err = chromedp.Call(ctx, profiler.Enable, cdp.Empty{}); err == nil {
		if _, err = chromedp.Call(ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 100}); err == nil { // µs
			_, err = chromedp.Call(ctx, profiler.Start, cdp.Empty{})
		}
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("starting the worker's profiler: %w", err)
	}
	return &workerProfiler{ctx: ctx, cancel: cancel}, nil
}

// stop ends the profile, writes it to path (a .cpuprofile DevTools can open) and prints
// the functions with the most time of their own.
func (w *workerProfiler) stop(path string, top int) error {
	defer w.cancel()
	res, err := chromedp.Call(w.ctx, profiler.Stop, cdp.Empty{})
	if err != nil {
		return err
	}
	p := res.Profile
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	printProfile(p, top)
	return nil
}

// printProfile prints the top functions by self time, and the time of the profile's
// named groups (idle, program, garbage collector) as a share of all samples.
func printProfile(p *profiler.Profile, top int) {
	name := map[int64]string{}
	for _, n := range p.Nodes {
		f := n.CallFrame.FunctionName
		if f == "" {
			f = "(anonymous " + shortURL(n.CallFrame.URL) + ")"
		}
		name[n.ID] = f
	}
	self := map[string]time.Duration{}
	var all time.Duration
	for i, id := range p.Samples {
		var d time.Duration
		if i < len(p.TimeDeltas) && i+1 < len(p.TimeDeltas) {
			d = time.Duration(p.TimeDeltas[i+1]) * time.Microsecond
		}
		self[name[id]] += d
		all += d
	}
	names := make([]string, 0, len(self))
	for n := range self {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return int(self[b] - self[a]) })
	fmt.Printf("worker CPU profile: %.0f ms sampled; self time of the top %d:\n", all.Seconds()*1e3, top)
	for _, n := range names[:min(top, len(names))] {
		fmt.Printf("  %7.1f ms %5.1f%%  %s\n", self[n].Seconds()*1e3, 100*self[n].Seconds()/all.Seconds(), n)
	}
}

func shortURL(u string) string {
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}
