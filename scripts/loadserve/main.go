// Command loadserve puts a `folio serve` server under load on loopback and prints what it
// held up to: requests per second, p50/p99 latency and errors of N normal clients fetching a
// mix of a built site's URLs for D seconds, optionally beside slowloris and idle clients,
// and the server's goroutines, RSS, open files and connections before, during and after.
//
//	go run ./scripts/loadserve -dir DIR [-clients 300] [-duration 30s] [-slow 1000] [-idle 0]
//	go run ./scripts/loadserve -target http://127.0.0.1:8080/ -dir DIR ...
//
// By default it starts the server itself, in a child process running internal/server
// exactly as `folio serve` does, so that the figures are the server's alone; the child
// also answers its figures on a second loopback port. With -target it loads a server
// already running (on a loopback address only) and prints no server figures. The clients
// and the server share the machine's cores, so req/s is a floor, not a ceiling.
//
// The mix, fetched in turn by every client with `Accept-Encoding: br, gzip` as a browser
// sends it: the home page, the manifest data/folio.json, a content-addressed data file,
// wasm/app.wasm, and a deep link (a post's original URL, answered with the app page).
// A slow client sends a request head one byte every -slow-every and never finishes it;
// an idle one connects and sends nothing. Both reconnect -reconnect after being cut.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	if os.Getenv(childEnv) != "" {
		runChild()
		return
	}
	dir := flag.String("dir", "", "built site folder (required: the URL mix is read from it)")
	target := flag.String("target", "", "load this running server (loopback only) instead of starting one")
	clients := flag.Int("clients", 300, "normal clients")
	duration := flag.Duration("duration", 30*time.Second, "how long the load runs")
	slow := flag.Int("slow", 0, "slowloris clients beside the normal ones")
	slowEvery := flag.Duration("slow-every", 10*time.Second, "a slow client sends one byte this often")
	idle := flag.Int("idle", 0, "clients that connect and send nothing")
	reconnect := flag.Duration("reconnect", time.Second, "a slow or idle client cut by the server connects again after this")
	maxConns := flag.Int("max-conns", 0, "the started server's connection cap (0: its default)")
	wasm := flag.Bool("wasm", true, "include wasm/app.wasm (2.4 MB with brotli) in the mix; without it the figures are of small files")
	flag.Parse()
	if *dir == "" || *clients < 1 || *duration <= 0 || *duration > 10*time.Minute {
		fmt.Fprintln(os.Stderr, "usage: loadserve -dir DIR [-target URL] [-clients N] [-duration D (at most 10m)] [-slow N] [-idle N]")
		os.Exit(2)
	}
	urls, err := siteMix(*dir)
	if err != nil {
		fail("%v", err)
	}
	if !*wasm {
		urls = slices.DeleteFunc(urls, func(u string) bool { return u == "wasm/app.wasm" })
	}

	base, stats, capNote := *target, "", ""
	if base == "" {
		child, err := startChild(*dir, *maxConns)
		if err != nil {
			fail("start server: %v", err)
		}
		defer child.stop()
		base, stats = "http://"+child.addr+"/", child.stats
		capNote = fmt.Sprintf(" (server in a child process, cap %d connections)", child.maxConns)
	} else if err := checkLoopback(base); err != nil {
		fail("%v", err)
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}

	fmt.Printf("loadserve: %s%s: %d clients for %v", base, capNote, *clients, *duration)
	if *slow > 0 {
		fmt.Printf(", %d slow clients (a byte every %v)", *slow, *slowEvery)
	}
	if *idle > 0 {
		fmt.Printf(", %d idle clients", *idle)
	}
	fmt.Println()
	for _, u := range urls {
		fmt.Printf("  /%s\n", u)
	}

	r := run(load{
		base: base, urls: urls, clients: *clients, duration: *duration,
		slow: *slow, slowEvery: *slowEvery, idle: *idle, reconnect: *reconnect,
		stats: stats,
	})
	r.print(os.Stdout)
	if r.errors > 0 {
		os.Exit(1)
	}
}

// siteMix picks the URLs of the mix from the built site in dir.
func siteMix(dir string) ([]string, error) {
	var m struct {
		All struct {
			Pages struct {
				Files []string `json:"files"`
			} `json:"pages"`
		} `json:"all"`
	}
	if err := readJSON(filepath.Join(dir, "data", "folio.json"), &m); err != nil {
		return nil, fmt.Errorf("%s is not a built site: %w", dir, err)
	}
	if len(m.All.Pages.Files) == 0 {
		return nil, fmt.Errorf("%s: the manifest lists no posts", dir)
	}
	list := m.All.Pages.Files[0]
	var page struct {
		Entries []struct {
			URL string `json:"url"`
		} `json:"entries"`
	}
	if err := readJSON(filepath.Join(dir, "data", filepath.FromSlash(list)), &page); err != nil {
		return nil, err
	}
	deep := "/no/such/post.html"
	if n := len(page.Entries); n > 0 && page.Entries[n/2].URL != "" {
		deep = page.Entries[n/2].URL
	}
	if _, err := os.Stat(filepath.Join(dir, "wasm", "app.wasm")); err != nil {
		return nil, fmt.Errorf("%s has no wasm/app.wasm", dir)
	}
	u := &url.URL{Path: deep}
	return []string{"", "data/folio.json", "data/" + list, "wasm/app.wasm", u.EscapedPath()[1:]}, nil
}

func readJSON(name string, v any) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// checkLoopback refuses a target that is not on this machine's loopback.
func checkLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("-target %q: want http://HOST:PORT/", target)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-target %q: loopback addresses only", target)
	}
	return nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadserve: "+format+"\n", args...)
	os.Exit(1)
}
