package post

import (
	"fmt"
	"io/fs"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is what the reader takes from the site's _config.yml and the command line.
type Config struct {
	// Location is the site's time zone, used for dates written without one. Default UTC.
	Location *time.Location
	// InSiteZone moves every date into Location, as Jekyll does when _config.yml sets a
	// timezone (so permalinks near midnight match the original site).
	InSiteZone bool
	// Permalink is the site's permalink pattern or style name. Default "date".
	Permalink string
	// ExcerptSeparator splits a post's excerpt from the rest. Default "\n\n".
	ExcerptSeparator string
	// Site holds _config.yml's values for {{ site.* }}.
	Site map[string]any
	// MaxPostBytes is the largest post file read; bigger ones are skipped. Default 5 MiB.
	MaxPostBytes int64
	// Workers is how many files are parsed at once. Default: the number of CPUs.
	Workers int
	// Liquid, when set, renders post bodies instead of the reader's own subset of Liquid:
	// a whole-site build passes internal/jekyll's engine, which reads _includes/ and _data/.
	Liquid Liquid
	// ExcerptMemo, when set, makes the excerpts taken from post bodies through a cache: it
	// returns what make returns for the same body, separator and format, from a former
	// build's results or by calling make. (Taking excerpts is most of the reading: 73 % of
	// it in a profile of a rebuild of 10k generated posts.)
	ExcerptMemo func(body, sep, format string, make func() string) string
	// FrontMatterMemo, when set, keeps parsed front matter between builds: it returns the
	// bytes kept for the same YAML text src, or calls make and keeps what it returns (nil:
	// nothing to keep). The bytes are the reader's own encoding of the parsed tree.
	FrontMatterMemo func(src string, make func() []byte) []byte
}

// Liquid renders the Liquid of one post body. bodyLine is the body's first line in the
// file; page holds page.* (the front matter, and the post's url, date, title, categories
// and tags). Tags it leaves to the reader ({% post_url %}, {% link %}) are written with
// Reference. Warnings name the file's lines; an error (a *SkipError with the line) means
// the body could not be rendered, and the reader falls back to its own subset.
type Liquid interface {
	RenderPost(file string, bodyLine int, body string, page map[string]any) (string, []Issue, error)
}

// RefMark is the character that marks a pending reference; rendered text must not
// contain it (the reader strips it from post bodies).
const RefMark = refMark

// Reference is what a Liquid engine writes for {% post_url target %} or {% link target %}:
// the reader puts the URL of the post named target in its place once every post is read.
func Reference(target string) string {
	return refMark + "@" + target + refMark
}

// DefaultMaxPostBytes is the default MaxPostBytes.
const DefaultMaxPostBytes = 5 << 20

func (c *Config) withDefaults() Config {
	d := *c
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.Permalink == "" {
		d.Permalink = "date"
	}
	if d.ExcerptSeparator == "" {
		d.ExcerptSeparator = "\n\n"
	}
	if d.MaxPostBytes <= 0 {
		d.MaxPostBytes = DefaultMaxPostBytes
	}
	if d.Site == nil {
		d.Site = map[string]any{}
	}
	return d
}

// LoadConfig reads a Jekyll _config.yml from fsys. The file's timezone, permalink and
// excerpt_separator settings fill the Config; all of its values are kept for {{ site.* }}.
func LoadConfig(fsys fs.FS, name string) (Config, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(name, data)
}

// ParseConfig parses the bytes of a _config.yml named name.
func ParseConfig(name string, data []byte) (Config, error) {
	var site map[string]any
	if err := yaml.Unmarshal([]byte(normalize(data)), &site); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	if site == nil {
		site = map[string]any{}
	}
	c := Config{Site: site}
	if tz, ok := site["timezone"].(string); ok && tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return Config{}, fmt.Errorf("%s: timezone %q: %w", name, tz, err)
		}
		c.Location = loc
		c.InSiteZone = true
	}
	if p, ok := site["permalink"].(string); ok {
		c.Permalink = p
	}
	if s, ok := site["excerpt_separator"].(string); ok {
		c.ExcerptSeparator = s
	}
	return c, nil
}
