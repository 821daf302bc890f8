// Command precompress writes FILE.br (brotli, best quality) and FILE.gz (gzip, best) next
// to each FILE given, for hosts that serve precompressed files. Used by `make wasm`.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"

	"github.com/andybalholm/brotli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE...")
		os.Exit(2)
	}
	for _, name := range os.Args[1:] {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
		var br, gz bytes.Buffer
		// The compressors write into bytes.Buffers, which never fail.
		bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
		_, _ = bw.Write(data)
		_ = bw.Close()
		gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = gw.Write(data)
		_ = gw.Close()
		for ext, b := range map[string][]byte{".br": br.Bytes(), ".gz": gz.Bytes()} {
			if err := os.WriteFile(name+ext, b, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "precompress:", err)
				os.Exit(1)
			}
		}
		fmt.Printf("%s: %d bytes, brotli %d, gzip %d\n", name, len(data), br.Len(), gz.Len())
	}
}
