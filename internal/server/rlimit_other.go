//go:build !unix

package server

// fileLimit is unknown here: the default cap applies.
func fileLimit() uint64 { return 0 }
