package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// measure runs the queries on both engines, [0] Folio and [1] Pagefind, one engine after
// the other for each query, so that both see the machine as it is at that moment.
type measure struct {
	browser context.Context
	engines [2]*engine
	rows    []row
	figs    [2]figures
	pageKB  [2][]float64 // per cold run, the page load before the query
}

// row is one query's figures, [0] Folio's and [1] Pagefind's.
type row struct {
	q                  string
	truth              []int
	total, found       [2]int
	cold, coldKB, warm [2]float64
}

// cold runs each query in a new browser context per engine.
func (m *measure) cold() error {
	for i := range m.rows {
		r := &m.rows[i]
		for k, e := range m.engines {
			t, kB, err := open(m.browser, e)
			if err != nil {
				return err
			}
			a, searchKB, err := t.run(e.search, r.q, 180*time.Second)
			t.cancel()
			if err != nil {
				return err
			}
			m.pageKB[k] = append(m.pageKB[k], kB)
			r.cold[k], r.coldKB[k], r.total[k] = a.Ms, searchKB, a.Total
			m.figs[k].coldMs = append(m.figs[k].coldMs, a.Ms)
			m.figs[k].coldKB = append(m.figs[k].coldKB, searchKB)
		}
		fmt.Fprintf(os.Stderr, "cold %s: Folio %.0f ms %.1f kB, Pagefind %.0f ms %.1f kB\n", r.q, r.cold[0], r.coldKB[0], r.cold[1], r.coldKB[1])
	}
	return nil
}

// warm opens one page per engine, searches once there (not counted), then times each
// query's first run. It returns the pages, for recall.
func (m *measure) warm() ([2]*tab, error) {
	var tabs [2]*tab
	for k, e := range m.engines {
		t, _, err := open(m.browser, e)
		if err == nil {
			tabs[k] = t
			_, _, err = t.run(e.search, "公司", 180*time.Second)
		}
		if err != nil {
			for _, t := range tabs {
				if t != nil {
					t.cancel()
				}
			}
			return tabs, err
		}
	}
	for i := range m.rows {
		r := &m.rows[i]
		var files [2]int
		for k, t := range tabs {
			t.e.n.log.Start()
			a, _, err := t.run(t.e.search, r.q, 180*time.Second)
			urls := t.e.n.log.Stop()
			var floor float64
			if err == nil {
				floor, err = t.floor(urls)
			}
			if err != nil {
				tabs[0].cancel()
				tabs[1].cancel()
				return tabs, err
			}
			r.warm[k], files[k] = a.Ms, len(urls)
			m.figs[k].warmMs = append(m.figs[k].warmMs, a.Ms)
			m.figs[k].floorMs = append(m.figs[k].floorMs, floor)
			m.figs[k].files = append(m.figs[k].files, float64(len(urls)))
		}
		fmt.Fprintf(os.Stderr, "warm %s: Folio %.1f ms (%d files, floor %.1f), Pagefind %.1f ms (%d files, floor %.1f)\n",
			r.q, r.warm[0], files[0], m.figs[0].floorMs[i], r.warm[1], files[1], m.figs[1].floorMs[i])
	}
	return tabs, nil
}

// recall asks each engine for every hit of every query and holds them against the truth.
func (m *measure) recall(tabs [2]*tab) error {
	for i := range m.rows {
		r := &m.rows[i]
		for k, t := range tabs {
			got, err := t.hits(r.q)
			if err != nil {
				return err
			}
			var one tally
			one.add(r.truth, got)
			r.found[k] = one.found
			m.figs[k].recall.add(r.truth, got)
		}
		fmt.Fprintf(os.Stderr, "recall %s: truth %d, Folio found %d, Pagefind %d\n", r.q, len(r.truth), r.found[0], r.found[1])
	}
	return nil
}
