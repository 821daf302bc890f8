// Package chrome holds the one set of flags Folio's tools start headless Chromium with
// (Debian's chromium package): the browser tests, the benchmarks and the screenshot tool.
package chrome

import "github.com/chromedp/chromedp"

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
