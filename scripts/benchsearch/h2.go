package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
)

// spki is the base64 SHA-256 of a certificate's public key, as Chromium's
// --ignore-certificate-errors-spki-list takes it: the browser then treats the benchmark
// server's self-signed certificate as valid (so it caches, and registers the service
// worker, as on a real HTTPS host), where --ignore-certificate-errors would not.
func spki(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}
