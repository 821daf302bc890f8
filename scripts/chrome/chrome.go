// Package chrome holds the one set of flags Folio's tools start headless Chromium with
// (Debian's chromium package): the browser tests, the benchmarks and the screenshot tool.
package chrome

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is Debian's Chromium.
const Path = "/usr/bin/chromium"

// Options returns allocator options for a headless Chromium at path with a fresh profile
// folder and a window of w×h. The background-networking flags keep it off the network
// (this machine's closed network refuses those connections).
func Options(path, profile string, w, h int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(w, h),
	}
}

// Start launches Chromium with opts and returns a browser context ready for chromedp calls,
// and the function that closes it. A start that fails (on a loaded machine Chromium's zygote
// can fail to fork its first child) is retried twice with a fresh process after a pause;
// the error of the last attempt is returned with the number of attempts.
func Start(opts []chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc, error) {
	const attempts = 3
	var err error
	for i := range attempts {
		if i > 0 {
			time.Sleep(time.Duration(i) * 2 * time.Second)
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelC := chromedp.NewContext(actx)
		if err = chromedp.Do(ctx); err == nil {
			return ctx, func() { cancelC(); cancelA() }, nil
		}
		cancelC()
		cancelA()
	}
	return nil, nil, fmt.Errorf("chromium did not start in %d attempts: %w", attempts, err)
}
