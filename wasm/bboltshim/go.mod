// Folio's in-memory stand-in for bbolt, used only by the js/wasm build (see doc.go).
module go.etcd.io/bbolt

go 1.26
