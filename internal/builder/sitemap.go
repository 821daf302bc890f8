package builder

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"folio/internal/safefile"
)

// SitemapURLs is the most URLs one sitemap file holds: the protocol's limit.
const SitemapURLs = 50000

// sitemapDir holds the sitemap files that sitemap.xml, an index, lists.
const sitemapDir = "sitemaps"

// SitemapEntry is one URL of the sitemap: a post's original URL and its date.
type SitemapEntry struct {
	Path    string // under the site root: "/2020/01/01/a.html" or ""
	LastMod time.Time
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemapFiles makes the sitemap: files of at most perFile URLs (sitemaps/sitemap-N.xml)
// and the index over them, sitemap.xml. It returns the files by path under the output.
func sitemapFiles(entries []SitemapEntry, l siteLinks, perFile int) (map[string][]byte, error) {
	files := map[string][]byte{}
	var index sitemapIndex
	for n, start := 1, 0; ; n, start = n+1, start+perFile {
		end := min(start+perFile, len(entries))
		var set sitemapURLSet
		var newest time.Time
		for _, e := range entries[start:end] {
			u := sitemapURL{Loc: l.abs(e.Path)}
			if !e.LastMod.IsZero() {
				u.LastMod = e.LastMod.Format(time.RFC3339)
				if e.LastMod.After(newest) {
					newest = e.LastMod
				}
			}
			set.URLs = append(set.URLs, u)
		}
		data, err := marshalXML(set)
		if err != nil {
			return nil, err
		}
		name := fmt.Sprintf("%s/sitemap-%d.xml", sitemapDir, n)
		files[name] = data
		item := sitemapURL{Loc: l.abs(name)}
		if !newest.IsZero() {
			item.LastMod = newest.Format(time.RFC3339)
		}
		index.Sitemaps = append(index.Sitemaps, item)
		if end >= len(entries) {
			break
		}
	}
	data, err := marshalXML(index)
	if err != nil {
		return nil, err
	}
	files["sitemap.xml"] = data
	return files, nil
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// writeSitemap writes the sitemap files and robots.txt naming the index. own is the
// site's own robots.txt (nil when it has none): its rules are kept, and the Sitemap line
// added. Sitemap files of an earlier, bigger build are removed.
func writeSitemap(out string, entries []SitemapEntry, l siteLinks, own []byte) (int, error) {
	files, err := sitemapFiles(entries, l, SitemapURLs)
	if err != nil {
		return 0, err
	}
	// The files first, then the index that names them, so a crawler never meets an index
	// entry whose file is not there yet.
	names := make([]string, 0, len(files))
	for name := range files {
		if name != "sitemap.xml" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range append(names, "sitemap.xml") {
		if err := mkdirWrite(filepath.Join(out, filepath.FromSlash(name)), files[name]); err != nil {
			return 0, err
		}
	}
	old, _ := os.ReadDir(filepath.Join(out, sitemapDir))
	for _, e := range old {
		if files[sitemapDir+"/"+e.Name()] == nil && strings.HasPrefix(e.Name(), "sitemap-") {
			if err := os.Remove(filepath.Join(out, sitemapDir, e.Name())); err != nil {
				return 0, err
			}
		}
	}
	return len(files) - 1, safefile.Write(filepath.Join(out, "robots.txt"), robots(own, l.abs("sitemap.xml")))
}

// robots is robots.txt: the site's own rules, else allow all, and the sitemap's URL.
func robots(own []byte, sitemap string) []byte {
	var b bytes.Buffer
	if len(bytes.TrimSpace(own)) > 0 {
		b.Write(own)
		if !bytes.HasSuffix(own, []byte("\n")) {
			b.WriteByte('\n')
		}
	} else {
		b.WriteString("User-agent: *\nAllow: /\n")
	}
	if !bytes.Contains(b.Bytes(), []byte("Sitemap: "+sitemap)) {
		b.WriteString("\nSitemap: " + sitemap + "\n")
	}
	return b.Bytes()
}

// mkdirWrite writes a file, making its folder first.
func mkdirWrite(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return safefile.Write(name, data)
}
