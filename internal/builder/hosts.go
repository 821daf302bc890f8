package builder

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"folio/internal/bundle"
	"folio/internal/pages"
	"folio/internal/post"
	"folio/internal/safefile"
	"folio/internal/search/index"
)

// Host is a static host the site is published on: what it needs beside the site, and
// the limits it sets.
type Host struct {
	Name string
	// Compresses: the host compresses responses itself and never serves .br/.gz copies,
	// so the build writes none.
	Compresses bool
	// MaxFiles, MaxBytes and MaxFileBytes are the host's limits (0: none known).
	MaxFiles     int
	MaxBytes     int64
	MaxFileBytes int64
	// Limits says where the limits come from, for the report.
	Limits string
}

// Hosts are the hosts -host names.
var Hosts = map[string]Host{
	"github-pages": {Name: "github-pages", Compresses: true, MaxBytes: 1e9, MaxFileBytes: 100e6,
		Limits: "GitHub Pages: published sites of at most 1 GB; files over 100 MB cannot be pushed"},
	"cloudflare": {Name: "cloudflare", Compresses: true, MaxFiles: 20000, MaxFileBytes: 25 << 20,
		Limits: "Cloudflare Pages and Workers static assets: 20,000 files on the free plan, 25 MiB a file"},
	"netlify": {Name: "netlify", Compresses: true, Limits: "Netlify: no file-count or size limit checked"},
	"nginx":   {Name: "nginx", Limits: "nginx: no limits; serves the .br/.gz copies with brotli_static and gzip_static"},
	"generic": {Name: "generic", Limits: "no limits known"},
}

// HostNames lists the hosts, for messages.
func HostNames() []string {
	var n []string
	for k := range Hosts {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// estFilesPerPost is how many data files a post costs with the default sizes, rounded up
// from builds of generated news archives (0.54 per post at 10k posts, 0.38 at 100k).
const estFilesPerPost = 0.6

// fewerFilesShare: the fewer, bigger files are used once the default sizes' estimated file
// count reaches this share of the host's limit (a variable for tests).
var fewerFilesShare = 0.5

// fileSizes returns the sizes of the data files for host h and a site of posts posts:
// bigger, fewer files where the host limits their number and the site comes near it
// (bundle.FewerFiles, index.FewerFiles; they cost a cold search about three times the
// bytes), the defaults elsewhere; and a note saying so, or "".
func fileSizes(h Host, posts int) (bundle.Sizes, index.Sizes, string) {
	if h.MaxFiles <= 0 || float64(posts)*estFilesPerPost < fewerFilesShare*float64(h.MaxFiles) {
		return bundle.DefaultSizes(), index.DefaultSizes(), ""
	}
	bs, is := bundle.FewerFiles, index.FewerFiles
	return bs, is, fmt.Sprintf("fewer, bigger data files for %s's %d-file limit: post shards of up to %d KiB, lookup buckets of %d posts, search chunks of %d KiB (positions %d KiB)",
		h.Name, h.MaxFiles, bs.ShardBytes>>10, bs.BucketPosts, is.ChunkBytes>>10, is.PosChunkBytes>>10)
}

// HostReport is the site's size against the host's limits.
type HostReport struct {
	Host         string   `json:"host"`
	Files        int      `json:"files"`
	Bytes        int64    `json:"bytes"`
	Largest      string   `json:"largest"`
	LargestBytes int64    `json:"largest_bytes"`
	Wrote        []string `json:"wrote,omitempty"`
	// Over lists each limit the site exceeds, as a sentence; -strict fails on any.
	Over []string `json:"over,omitempty"`
}

// cspRe finds the viewer's Content-Security-Policy in its page, the one source of it.
var cspRe = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`)

// writeHostFiles writes what the host needs: .nojekyll for GitHub Pages (its Jekyll must
// not rebuild the site or hide _-prefixed files), _headers (the CSP, and immutable caching
// of the content-addressed files) and _redirects (redirect_from) for Cloudflare and
// Netlify, redirect pages where the host has no redirect rules, and an nginx snippet in
// OUT/.folio/nginx.conf. It returns the paths written, relative to out.
func writeHostFiles(h Host, out, base string, page []byte, posts []*post.Post) ([]string, error) {
	csp := ""
	if m := cspRe.FindSubmatch(page); m != nil {
		csp = string(m[1])
	}
	redirects := redirectsOf(posts, base)
	var wrote []string
	put := func(name string, data []byte) error {
		wrote = append(wrote, name)
		return mkdirWrite(filepath.Join(out, filepath.FromSlash(name)), data)
	}
	switch h.Name {
	case "github-pages":
		if err := put(".nojekyll", nil); err != nil {
			return nil, err
		}
	case "cloudflare", "netlify":
		if err := put("_headers", headersFile(out, base, csp, h.Name == "cloudflare")); err != nil {
			return nil, err
		}
		if len(redirects) > 0 {
			var b bytes.Buffer
			for _, r := range redirects {
				fmt.Fprintf(&b, "%s %s 301\n", r.from, r.to)
			}
			if err := put("_redirects", b.Bytes()); err != nil {
				return nil, err
			}
		}
	case "nginx":
		if err := put(stateDir+"/nginx.conf", nginxConf(out, base, csp, redirects)); err != nil {
			return nil, err
		}
	}
	if h.Name == "github-pages" || h.Name == "generic" {
		for _, r := range redirects {
			name := strings.TrimPrefix(r.from, base)
			if strings.HasSuffix(name, "/") || name == "" {
				name += "index.html"
			}
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(name))); err == nil {
				continue // never over a file of the site
			}
			if err := put(name, redirectPage(r.to)); err != nil {
				return nil, err
			}
		}
	}
	return wrote, nil
}

type redirect struct{ from, to string }

// redirectsOf lists every post's redirect_from, under the base URL, in a stable order.
func redirectsOf(posts []*post.Post, base string) []redirect {
	var out []redirect
	for _, p := range posts {
		for _, f := range p.RedirectFrom {
			out = append(out, redirect{from: base + strings.TrimPrefix(f, "/"), to: base + strings.TrimPrefix(p.URL, "/")})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	return out
}

// redirectPage is the page jekyll-redirect-from writes where a host has no redirects: a
// refresh to the new URL (no script: the CSP allows none inline), and a link.
func redirectPage(to string) []byte {
	u := htmlEscape(to)
	return []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Redirecting…</title><link rel="canonical" href="` + u +
		`"><meta http-equiv="refresh" content="0; url=` + u + `"><meta name="robots" content="noindex"></head><body><a href="` + u + `">` + u + "</a></body></html>\n")
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// headersFile is _headers: the CSP and the viewer's other headers on every path, the
// widget's pages with their own policy (pages.Policy), and immutable caching on the
// content-addressed files (data/*/…, app/<version>/), never on data/folio.json, the entry
// that switches builds. Where several rules match a path, Cloudflare sends every rule's
// headers (detach removes one: "! Name"), Netlify the last rule's value of each header.
func headersFile(out, base, csp string, detach bool) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n", base)
	if csp != "" {
		fmt.Fprintf(&b, "  Content-Security-Policy: %s\n", pages.Policy(csp, ""))
		b.WriteString(WidgetPageRules(base, csp, detach))
	}
	for _, d := range immutableDirs(out) {
		fmt.Fprintf(&b, "%s%s/*\n  Cache-Control: public, max-age=31536000, immutable\n", base, d)
	}
	return b.Bytes()
}

// WidgetPageRules are the _headers rules that give the widget's pages their own policy
// (pages.Policy) over the one every path gets from the rule "BASE*"; detach for a host
// that sends every matching rule's headers (Cloudflare) rather than the last (Netlify).
func WidgetPageRules(base, csp string, detach bool) string {
	var b strings.Builder
	for _, name := range pages.WidgetPages {
		for _, p := range pagePaths(base, name) {
			fmt.Fprintf(&b, "%s\n", p)
			if detach {
				b.WriteString("  ! Content-Security-Policy\n")
			}
			fmt.Fprintf(&b, "  Content-Security-Policy: %s\n", pages.Policy(csp, name))
		}
	}
	return b.String()
}

// pagePaths are the URL paths under base that serve the page name on hosts that drop
// ".html" (and "index.html") from URLs: name as it is, without ".html", and a folder's
// index as the folder.
func pagePaths(base, name string) []string {
	paths := []string{base + name}
	if dir, ok := strings.CutSuffix(name, "index.html"); ok {
		paths = append(paths, base+strings.TrimSuffix(name, ".html"), base+dir)
	} else if stem, ok := strings.CutSuffix(name, ".html"); ok {
		paths = append(paths, base+stem)
	}
	return paths
}

// immutableDirs are the output's folders whose files are named after their content.
func immutableDirs(out string) []string {
	dirs := []string{appDir}
	entries, _ := os.ReadDir(filepath.Join(out, "data"))
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, "data/"+e.Name())
		}
	}
	sort.Strings(dirs)
	return dirs
}

// nginxConf is a server-block snippet for the site: its root, the viewer page for
// unknown paths (status 404, as static hosts answer), the precompressed copies, the
// headers and caching of _headers, dot files hidden, and the redirects.
func nginxConf(out, base, csp string, redirects []redirect) []byte {
	root, err := filepath.Abs(out)
	if err != nil {
		root = out
	}
	headers := "add_header X-Content-Type-Options nosniff always;\nadd_header Referrer-Policy no-referrer always;\n"
	if csp != "" {
		headers += fmt.Sprintf("add_header Content-Security-Policy \"%s\" always;\n", pages.Policy(csp, ""))
	}
	indent := func(s, pad string) string {
		return pad + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+pad) + "\n"
	}
	// root serves the site at /; under a sub-path, alias maps the path to the folder.
	dir := fmt.Sprintf("root %s;", nginxQuote(root))
	if base != "/" {
		dir = fmt.Sprintf("alias %s;", nginxQuote(root+"/"))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `# Folio site: paste into a server { } block (nginx 1.21+ knows application/wasm in
# mime.types; brotli_static needs the ngx_brotli module: remove that line without it).
# add_header in a location replaces the server's, so each location repeats them.
location %[1]s {
    %[2]s
    index index.html;
    gzip_static on;
    brotli_static on;
    try_files $uri $uri/ =404;
    error_page 404 %[1]s404.html;
    add_header Cache-Control "no-cache" always;
%[3]s
    location ~ /\.(?!well-known/) { return 404; }
`, base, dir, indent(headers, "    "))
	for _, d := range immutableDirs(out) {
		fmt.Fprintf(&b, "    location %s%s/ {\n        add_header Cache-Control \"public, max-age=31536000, immutable\" always;\n%s    }\n", base, d, indent(headers, "        "))
	}
	if csp != "" {
		for _, name := range pages.WidgetPages {
			own := strings.Replace(headers, fmt.Sprintf("%s; frame-ancestors 'self'", csp), pages.Policy(csp, name), 1)
			fmt.Fprintf(&b, "    location = %s%s {\n        add_header Cache-Control \"no-cache\" always;\n%s    }\n", base, name, indent(own, "        "))
		}
	}
	// Common nginx configurations have no type for .webmanifest.
	fmt.Fprintf(&b, "    location = %smanifest.webmanifest {\n        default_type application/manifest+json;\n        add_header Cache-Control \"no-cache\" always;\n%s    }\n", base, indent(headers, "        "))
	for _, r := range redirects {
		fmt.Fprintf(&b, "    location = %s { return 301 %s; }\n", nginxQuote(r.from), nginxQuote(r.to))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// nginxQuote quotes s as an nginx string, so that a path with spaces, semicolons or
// braces stays one argument.
func nginxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// measure counts what a host would publish: every file of out but the build's own
// records (.folio/) and the temporary files of a running build.
func measure(out string) (files int, total int64, largest string, largestBytes int64, err error) {
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == stateDir && filepath.Dir(p) == filepath.Clean(out) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), safefile.TempPrefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		total += info.Size()
		if info.Size() > largestBytes {
			largest, largestBytes = filepath.ToSlash(strings.TrimPrefix(p, filepath.Clean(out)+string(filepath.Separator))), info.Size()
		}
		return nil
	})
	return
}

// checkHost measures out against the host's limits.
func checkHost(h Host, out string) (*HostReport, error) {
	files, total, largest, largestBytes, err := measure(out)
	if err != nil {
		return nil, err
	}
	r := &HostReport{Host: h.Name, Files: files, Bytes: total, Largest: largest, LargestBytes: largestBytes}
	if h.MaxFiles > 0 && files > h.MaxFiles {
		r.Over = append(r.Over, fmt.Sprintf("%d files, over %s's %d", files, h.Name, h.MaxFiles))
	}
	if h.MaxBytes > 0 && total > h.MaxBytes {
		r.Over = append(r.Over, fmt.Sprintf("%s in all, over %s's %s", Size(total), h.Name, Size(h.MaxBytes)))
	}
	if h.MaxFileBytes > 0 && largestBytes > h.MaxFileBytes {
		r.Over = append(r.Over, fmt.Sprintf("%s is %s, over %s's %s a file", largest, Size(largestBytes), h.Name, Size(h.MaxFileBytes)))
	}
	return r, nil
}

// Size formats a byte count for people: "1.07 GB", "26.2 MB", "14 kB".
func Size(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0f kB", float64(n)/1e3)
}
