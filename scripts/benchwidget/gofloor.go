package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"folio/scripts/chrome"
)

// The Go floor of static hosting: on a static host the widget's frame must start the
// engine, a Go program, in a frame of the archive's origin (with site isolation, a renderer
// process of its own). emptyGo is the least any Go engine can cost there: a frame of the
// archive's that starts a Go program which does nothing but say it runs. It is built by
// this script (go build, GOOS=js) and served by the archive's server under /goFloor/.
const emptyGoMain = `package main

import "syscall/js"

func main() {
	js.Global().Call("goRuns")
	select {}
}
`

const emptyGoFrame = `<!doctype html><meta charset="utf-8"><title>empty Go</title>` +
	`<script src="wasm_exec.js"></script><script src="frame.js"></script>`

// The same frame without Go: a frame of the archive's alone (its own renderer process).
const blankFrame = `<!doctype html><meta charset="utf-8"><title>no Go</title><script src="blank.js"></script>`

const blankScript = `parent.postMessage('go-runs', '*');
`

const emptyGoScript = `globalThis.goRuns = () => parent.postMessage('go-runs', '*');
const go = new Go();
WebAssembly.instantiateStreaming(fetch('empty.wasm'), go.importObject).then(({ instance }) => go.run(instance));
`

// buildEmptyGo writes the empty Go program, its frame and Go's wasm_exec.js into a new
// folder and returns it.
func buildEmptyGo() (string, error) {
	dir, err := os.MkdirTemp("", "benchwidget-go-")
	if err != nil {
		return "", err
	}
	src := filepath.Join(dir, "src")
	files := map[string]string{
		filepath.Join(src, "go.mod"):     "module emptygo\n\ngo 1.26\n",
		filepath.Join(src, "main.go"):    emptyGoMain,
		filepath.Join(dir, "frame.html"): emptyGoFrame,
		filepath.Join(dir, "frame.js"):   emptyGoScript,
		filepath.Join(dir, "blank.html"): blankFrame,
		filepath.Join(dir, "blank.js"):   blankScript,
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "empty.wasm"), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the empty Go program: %v\n%s", err, out)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	execJS, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "wasm_exec.js"), execJS, 0o644)
}

// withEmptyGo serves the empty Go program's folder under /goFloor/ beside h.
func withEmptyGo(h http.Handler, dir string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/goFloor/", http.StripPrefix("/goFloor/", http.FileServer(http.Dir(dir))))
	mux.Handle("/", h)
	return mux
}

// goFloor opens the host page in a new browser and measures twice (cold, then with the
// program in the HTTP cache) the time from adding a hidden frame of the archive's empty Go
// program to the program's message that it runs, then once the same for a frame without
// Go (ms[2]).
func goFloor(chromium, hostPage, origin string) ([3]float64, error) {
	var ms [3]float64
	profile, err := os.MkdirTemp("", "benchwidget-")
	if err != nil {
		return ms, err
	}
	defer os.RemoveAll(profile) //nolint:errcheck // a temporary profile: best effort
	ctx, closeBrowser, err := chrome.Start(chrome.Options(chromium, profile, 1200, 900))
	if err != nil {
		return ms, err
	}
	defer closeBrowser()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(hostPage)); err != nil {
		return ms, fmt.Errorf("host page: %w", err)
	}
	time.Sleep(300 * time.Millisecond)
	frame := `(async (src) => {
  const t = performance.now();
  const runs = new Promise((resolve) => addEventListener('message', function h(e) { if (e.data === 'go-runs') { removeEventListener('message', h); resolve() } }));
  const f = document.createElement('iframe');
  f.hidden = true;
  f.src = src;
  document.body.append(f);
  await runs;
  const ms = performance.now() - t;
  f.remove();
  return ms;
})`
	for i, page := range []string{"frame.html", "frame.html", "blank.html"} {
		js := frame + "(" + strconv.Quote(origin+"/goFloor/"+page) + ")"
		if ms[i], err = chromedp.Run(ctx, chromedp.Evaluate[float64](js, chromedp.EvalAwaitPromise)); err != nil {
			return ms, fmt.Errorf("the empty Go program's frame: %w", err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	return ms, nil
}
