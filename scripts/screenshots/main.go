// Command screenshots takes the README's screenshots of a built site in headless
// Chromium: go run ./scripts/screenshots -site dist/demo -out docs/screenshots
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"folio/scripts/chrome"

	"folio/internal/server"
)

type shot struct {
	name, path string
	w, h       int64
	dark       bool
	lang       string
}

func main() {
	dir := flag.String("site", "dist/demo", "built site")
	out := flag.String("out", "docs/screenshots", "output folder")
	flag.Parse()
	srv := httptest.NewServer(server.Handler(os.DirFS(*dir)))
	defer srv.Close()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
	shots := []shot{
		{"home", "", 1200, 820, false, "en"},
		{"post-zh", "news/2021/10/08/national-day-tourism.html", 1200, 900, false, "zh"},
		{"post-dark", "tea/notes/2022/03/08/spring-menu-board.html", 1200, 900, true, "en"},
		{"archive-mobile", "archive/", 390, 800, false, "zh"},
		{"search", "search?q=%E8%8C%B6%20-%E9%BE%99%E4%BA%95", 1200, 900, false, "en"},
	}
	for _, s := range shots {
		if err := take(srv.URL+"/"+s.path, filepath.Join(*out, s.name+".png"), s); err != nil {
			fmt.Fprintln(os.Stderr, "screenshots:", s.name, err)
			os.Exit(1)
		}
		fmt.Println("wrote", filepath.Join(*out, s.name+".png"))
	}
}

func take(url, file string, s shot) error {
	profile, err := os.MkdirTemp("", "shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile) //nolint:errcheck // a temporary profile: best effort
	opts := append(chrome.Options(chrome.Path, profile, int(s.w), int(s.h)), chromedp.Flag("lang", s.lang))
	ctx, closeBrowser, err := chrome.Start(opts)
	if err != nil {
		return err
	}
	defer closeBrowser()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	scheme := "light"
	if s.dark {
		scheme = "dark"
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		return err
	}
	if s.w < 600 {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: s.w, Height: s.h, DeviceScaleFactor: 1, Mobile: true}); err != nil {
			return err
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`folio.ready.then(() => new Promise(r => setTimeout(r, 400))).then(() => Promise.all([...document.images].map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r })))).then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector("main .loading") && !!document.querySelector("main h1") && !document.querySelector("main[aria-busy]")`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}
