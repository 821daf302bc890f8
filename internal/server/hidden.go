package server

import "strings"

// hidden reports whether a site path (cleaned, without the leading slash) names a dotfile
// or lies in a dot-folder at any depth: .env, .git/config, a/.secret. Such files are
// never part of a built site but often sit beside one (a repository, an editor's
// backup); they answer 404 even when present. The one exception is .well-known/ at the
// top (RFC 8615: security.txt, ACME challenges), though not dot names inside it.
func hidden(name string) bool {
	if name == ".well-known" {
		return false
	}
	name = strings.TrimPrefix(name, ".well-known/")
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}
