package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// load is one run.
type load struct {
	base      string   // http://HOST:PORT/
	urls      []string // relative to base
	clients   int
	duration  time.Duration
	slow      int
	slowEvery time.Duration
	idle      int
	reconnect time.Duration
	stats     string // the server's figures URL; "" for none
}

// result is what a run measured.
type result struct {
	load
	took     time.Duration
	lat      []time.Duration // of the successful requests
	errors   int
	errKinds map[string]int
	perURL   []urlCount

	slowC, idleC attackers

	before, peak, after, settled *serverStats
	settleWait                   time.Duration
}

type urlCount struct {
	n     int
	bytes int64
}

// attackers counts slow or idle clients.
type attackers struct {
	opened, cut, dialErrors atomic.Int64
	connected, peak         atomic.Int64
	mu                      sync.Mutex
	life                    []time.Duration // of the connections the server cut
}

func (a *attackers) up() {
	a.opened.Add(1)
	n := a.connected.Add(1)
	for p := a.peak.Load(); n > p && !a.peak.CompareAndSwap(p, n); p = a.peak.Load() {
	}
}

func (a *attackers) down(cut bool, life time.Duration) {
	a.connected.Add(-1)
	if cut {
		a.cut.Add(1)
		a.mu.Lock()
		a.life = append(a.life, life)
		a.mu.Unlock()
	}
}

func run(l load) *result {
	r := &result{load: l, errKinds: map[string]int{}, perURL: make([]urlCount, len(l.urls))}
	statsClient := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	sample := func() *serverStats {
		if l.stats == "" {
			return nil
		}
		s, err := fetchStats(statsClient, l.stats)
		if err != nil {
			fmt.Printf("loadserve: server figures: %v\n", err)
			return nil
		}
		return &s
	}
	r.before = sample()
	u, _ := url.Parse(l.base)
	addr := u.Host

	// The attackers start first and stop with the load.
	start := time.Now()
	end := start.Add(l.duration)
	var attack sync.WaitGroup
	for range l.slow {
		attack.Go(func() { slowClient(addr, l.slowEvery, l.reconnect, end, &r.slowC) })
	}
	for range l.idle {
		attack.Go(func() { idleClient(addr, l.reconnect, end, &r.idleC) })
	}

	stopSampling := make(chan struct{})
	var sampling sync.WaitGroup
	sampling.Go(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				if s := sample(); s != nil {
					r.peak = maxStats(r.peak, s)
				}
			}
		}
	})

	tr := &http.Transport{
		MaxIdleConns: l.clients, MaxIdleConnsPerHost: l.clients,
		DisableCompression: true, IdleConnTimeout: time.Minute,
	}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	var mu sync.Mutex
	var workers sync.WaitGroup
	for w := range l.clients {
		workers.Go(func() {
			var lat []time.Duration
			counts := make([]urlCount, len(l.urls))
			errs := map[string]int{}
			for i := w; time.Now().Before(end); i++ {
				k := i % len(l.urls)
				t0 := time.Now()
				n, err := fetch(client, l.base+l.urls[k])
				if err != nil {
					errs[err.Error()]++
					continue
				}
				lat = append(lat, time.Since(t0))
				counts[k].n++
				counts[k].bytes += n
			}
			mu.Lock()
			defer mu.Unlock()
			r.lat = append(r.lat, lat...)
			for k, c := range counts {
				r.perURL[k].n += c.n
				r.perURL[k].bytes += c.bytes
			}
			for e, n := range errs {
				r.errKinds[e] += n
				r.errors += n
			}
		})
	}
	workers.Wait()
	r.took = time.Since(start)
	attack.Wait()
	close(stopSampling)
	sampling.Wait()
	r.after = sample()

	// Settled: the clients' kept-alive connections closed, the server back to none.
	tr.CloseIdleConnections()
	t0 := time.Now()
	for r.before != nil && time.Since(t0) < 15*time.Second {
		time.Sleep(100 * time.Millisecond)
		if s := sample(); s == nil || s.Open == 0 {
			break
		}
	}
	time.Sleep(200 * time.Millisecond) // the serving goroutines end after the count drops
	r.settleWait = time.Since(t0)
	r.settled = sample()
	return r
}

// fetch gets u as a browser would and returns the bytes received (still compressed).
func fetch(client *http.Client, u string) (int64, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept-Encoding", "br, gzip")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close() // read to the end: the copy's error is the one that counts
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, err
}

// slowClient sends a request head one byte every `every`, never finishing it, until end;
// when the server cuts it, it connects again after reconnect.
func slowClient(addr string, every, reconnect time.Duration, end time.Time, a *attackers) {
	const head = "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: loadserve-slow\r\n"
	const trickle = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	buf := make([]byte, 512)
	for time.Now().Before(end) {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			a.dialErrors.Add(1)
			time.Sleep(reconnect)
			continue
		}
		a.up()
		t0 := time.Now()
		cut := false
		_, err = io.WriteString(c, head)
		next := t0.Add(time.Duration(rand.Int64N(int64(every)))) // spread the clients out
		for i := 0; err == nil; i++ {
			_ = c.SetReadDeadline(earliest(next, end)) // fails only once c is closed, and then so does Read
			if _, err = c.Read(buf); !isTimeout(err) {
				cut = true // the server answered or closed: either way it is done with us
				break
			}
			if !time.Now().Before(end) {
				break
			}
			_, err = c.Write([]byte{trickle[i%len(trickle)]})
			cut = err != nil
			next = time.Now().Add(every)
		}
		_ = c.Close() // the client is done with it; the server's side is what is measured
		a.down(cut, time.Since(t0))
		if cut {
			sleepUntil(time.Now().Add(reconnect), end)
		}
	}
}

// idleClient connects and sends nothing until end; when the server cuts it, it connects
// again after reconnect.
func idleClient(addr string, reconnect time.Duration, end time.Time, a *attackers) {
	buf := make([]byte, 512)
	for time.Now().Before(end) {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			a.dialErrors.Add(1)
			sleepUntil(time.Now().Add(reconnect), end)
			continue
		}
		a.up()
		t0 := time.Now()
		_ = c.SetReadDeadline(end) // fails only once c is closed, and then so does Read
		_, err = c.Read(buf)
		cut := !isTimeout(err)
		_ = c.Close() // the client is done with it; the server's side is what is measured
		a.down(cut, time.Since(t0))
		if cut {
			sleepUntil(time.Now().Add(reconnect), end)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func sleepUntil(t, end time.Time) { time.Sleep(time.Until(earliest(t, end))) }

func maxStats(a, b *serverStats) *serverStats {
	if a == nil {
		return b
	}
	m := *a
	m.Goroutines = max(m.Goroutines, b.Goroutines)
	m.Threads = max(m.Threads, b.Threads)
	m.RSSKB = max(m.RSSKB, b.RSSKB)
	m.PeakRSSKB = max(m.PeakRSSKB, b.PeakRSSKB)
	m.Files = max(m.Files, b.Files)
	m.Open = max(m.Open, b.Open)
	m.Evicted = max(m.Evicted, b.Evicted)
	return &m
}

// printf writes a line of the report to w (standard output): a write that fails there
// has nowhere left to be reported, so its error is dropped.
func printf(w io.Writer, format string, a ...any) {
	_, _ = fmt.Fprintf(w, format, a...)
}

func (r *result) print(w io.Writer) {
	n := len(r.lat)
	printf(w, "\nnormal clients: %d requests in %.1f s = %.0f req/s, %d errors", n, r.took.Seconds(), float64(n)/r.took.Seconds(), r.errors)
	if n > 0 {
		slices.Sort(r.lat)
		pct := func(p float64) string { return ms(r.lat[min(n-1, int(p*float64(n)))]) }
		printf(w, "; latency p50 %s, p99 %s, max %s", pct(0.50), pct(0.99), ms(r.lat[n-1]))
	}
	printf(w, "\n")
	var total int64
	for i, c := range r.perURL {
		total += c.bytes
		avg := int64(0)
		if c.n > 0 {
			avg = c.bytes / int64(c.n)
		}
		printf(w, "  %-50s %8d requests, %9d bytes each\n", "/"+r.urls[i], c.n, avg)
	}
	printf(w, "  %.0f MB/s received\n", float64(total)/1e6/r.took.Seconds())
	kinds := make([]string, 0, len(r.errKinds))
	for k := range r.errKinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return r.errKinds[kinds[i]] > r.errKinds[kinds[j]] })
	for i, k := range kinds {
		if i == 5 {
			printf(w, "  … %d more kinds of error\n", len(kinds)-5)
			break
		}
		printf(w, "  error ×%d: %s\n", r.errKinds[k], k)
	}
	r.slowC.print(w, "slow", r.slow)
	r.idleC.print(w, "idle", r.idle)
	if r.before == nil {
		return
	}
	printf(w, "\nserver                  goroutines  threads  RSS MB  peak RSS MB  open files  connections  evicted\n")
	row := func(name string, s *serverStats) {
		if s == nil {
			printf(w, "%-22s  (no figures)\n", name)
			return
		}
		printf(w, "%-22s  %10d  %7d  %6.1f  %11.1f  %10d  %11d  %7d\n", name, s.Goroutines, s.Threads,
			float64(s.RSSKB)/1024, float64(s.PeakRSSKB)/1024, s.Files, s.Open, s.Evicted)
	}
	row("before", r.before)
	row("highest during the load", r.peak)
	row("as the load ends", r.after)
	row(fmt.Sprintf("%.1f s later", r.settleWait.Seconds()), r.settled)
}

func (a *attackers) print(w io.Writer, kind string, n int) {
	if n == 0 {
		return
	}
	printf(w, "%s clients: %d, %d connections opened (at most %d at once), %d cut by the server", kind, n,
		a.opened.Load(), a.peak.Load(), a.cut.Load())
	if len(a.life) > 0 {
		slices.Sort(a.life)
		var sum time.Duration
		for _, d := range a.life {
			sum += d
		}
		printf(w, " after %s on average (median %s, max %s)", ms(sum/time.Duration(len(a.life))),
			ms(a.life[len(a.life)/2]), ms(a.life[len(a.life)-1]))
	}
	if e := a.dialErrors.Load(); e > 0 {
		printf(w, ", %d failed to connect", e)
	}
	printf(w, "\n")
}

func ms(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
}
