// Command blevecheck shows that bleve works in Folio's js/wasm build, where
// go.etcd.io/bbolt is replaced by wasm/bboltshim (see go.wasm.work). It indexes a few dozen
// short Chinese posts into an in-memory scorch index with the cjk analyzer, runs phrase
// queries and prints the hits. Its test checks the hits against substring truth.
//
//	PATH="$(go env GOROOT)/lib/wasm:$PATH" GOWORK=$PWD/go.wasm.work GOOS=js GOARCH=wasm go run ./wasm/blevecheck
//
// It also builds and runs natively (with real bbolt), and is the program the wasm size
// figures are measured on.
package main

import (
	"fmt"
	"os"
)

func main() {
	idx, err := newIndex(corpus())
	if err != nil {
		fmt.Fprintln(os.Stderr, "blevecheck:", err)
		os.Exit(1)
	}
	defer idx.Close() //nolint:errcheck // an index in memory: closing it loses nothing
	for _, q := range queries {
		ids, err := phrase(idx, "body", q)
		if err != nil {
			fmt.Fprintln(os.Stderr, "blevecheck:", err)
			os.Exit(1)
		}
		fmt.Printf("%s\t%d hits\t%v\n", q, len(ids), ids)
	}
}
