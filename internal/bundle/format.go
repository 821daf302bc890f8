// Package bundle is the one definition of Folio's data format: the files the build writes
// and the browser, the native server and the edge worker read.
//
// A bundle is a folder (data/ in a built site) holding one entry file, folio.json, and
// content-addressed files named after the SHA-256 of their bytes: JSON, except the binary
// files other packages add (search data, reached from Manifest.Extra). Every file is
// small: lists are cut into pages, posts into shards, lookups into hash buckets, and long
// tables of file names into sub-tables, so a reader fetches only what one view needs.
// Encoding (Write) and decoding (Reader) live together so they cannot disagree.
package bundle

import "fmt"

// Format names the data format in the entry file.
const Format = "folio-bundle"

// Version is the format version this package writes and reads. A reader refuses any other.
// Version 2: lookup buckets give a post's Key rather than its shard file, and the manifest's
// Shards table finds the shard by Key, so that a rewritten shard renames no bucket.
const Version = 2

// EntryFile is the one file with a fixed name; everything else is reached from it.
const EntryFile = "folio.json"

// Sizes that shape the files. They are part of the format only through the files
// themselves (a reader takes them from the manifest), so they may change between builds.
const (
	// PageSize is how many entries one list page holds.
	PageSize = 100
	// TableFanout is how many file names one table file lists.
	TableFanout = 64
	// ListTerms is the most categories, and the most tags, a list entry carries.
	ListTerms = 10
	// ListExcerptRunes is the longest excerpt in a list entry.
	ListExcerptRunes = 120
)

// ShardBytes is the size a post shard aims for by default; shards close at a post whose ID
// hash says so once they are ShardBytes/4 long, and always by ShardBytes. (A variable so
// that tests can make many small shards.)
var ShardBytes = 48 << 10

// BucketPosts is the average number of posts per lookup bucket by default.
var BucketPosts = 64

// Sizes are the sizes that shape the post shards and lookup buckets of one build. Like
// PageSize they reach readers only through the files and the manifest, so a build may
// choose them (see FewerFiles).
type Sizes struct {
	ShardBytes  int
	BucketPosts int
}

// DefaultSizes are the sizes of ShardBytes and BucketPosts: small files, so that a view
// transfers little.
func DefaultSizes() Sizes { return Sizes{ShardBytes: ShardBytes, BucketPosts: BucketPosts} }

// FewerFiles are the sizes for hosts that limit the number of files: shards of 128 KiB
// (the default's 48 KiB times 2⅔) and buckets of four times the default. At 100k generated
// posts the site is 19,353 files, under Cloudflare's 20,000 (96 KiB shards left it at
// 20,644), and opening a post transfers 30.5 kB p50 (brotli) instead of 25.5.
var FewerFiles = Sizes{ShardBytes: 128 << 10, BucketPosts: 256}

// Manifest is the entry file.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// ID changes whenever any file of the bundle changes (a hash of all file names).
	ID      string `json:"id"`
	Title   string `json:"title"`
	BaseURL string `json:"baseURL"`
	// URL is the site's origin ("https://example.org"), Lang its language ("zh-CN") and
	// Description its one-line description, each empty when _config.yml has none.
	URL         string `json:"url,omitempty"`
	Lang        string `json:"lang,omitempty"`
	Description string `json:"description,omitempty"`
	Posts       int    `json:"posts"`
	// Newest and Oldest are the dates of the newest and oldest posts (RFC 3339).
	Newest string `json:"newest,omitempty"`
	Oldest string `json:"oldest,omitempty"`
	// All lists every post.
	All List `json:"all"`
	// Lookup has the lookup buckets, found by Bucket(key, Lookup.Len).
	Lookup Table `json:"lookup"`
	// Shards has the post shards in bundle order, with the Key of each one's first post:
	// the shard of a post is the last whose first Key is not after the post's.
	Shards Table `json:"shards"`
	// Terms names the term index file of each taxonomy: "categories", "tags", "years", "months".
	Terms map[string]string `json:"terms"`
	// Extra holds files other parts of Folio add (search data), by name.
	Extra map[string]string `json:"extra,omitempty"`
	// Changes tells a returning reader what the latest builds changed, newest first (at
	// most MaxChanges): a viewer with bundle Since of one of them open counts the posts
	// added by that build and the ones after it, without comparing lists.
	Changes []Change `json:"changes,omitempty"`
}

// Change is what one build changed against the bundle it replaced (Since, a bundle ID):
// posts added, edited (their file, date, title or text) and deleted, and the IDs of the
// posts added, newest first (at most MaxChangeIDs). Unknown says the build could not
// tell (it kept no record of the former build's posts): the counts are then zero, and a
// viewer compares totals instead.
type Change struct {
	Since   string   `json:"since"`
	Unknown bool     `json:"unknown,omitempty"`
	Added   int      `json:"added,omitempty"`
	Edited  int      `json:"edited,omitempty"`
	Deleted int      `json:"deleted,omitempty"`
	New     []string `json:"new,omitempty"`
}

// MaxChanges and MaxChangeIDs bound Manifest.Changes: the last 8 builds, and the IDs of
// up to 20 posts each (about 3 kB at most).
const (
	MaxChanges   = 8
	MaxChangeIDs = 20
)

// WithChange returns changes (a former manifest's, newest first) with c in front, the
// oldest dropped beyond MaxChanges and c's IDs cut to MaxChangeIDs.
func WithChange(changes []Change, c Change) []Change {
	if len(c.New) > MaxChangeIDs {
		c.New = c.New[:MaxChangeIDs]
	}
	out := append([]Change{c}, changes...)
	return out[:min(len(out), MaxChanges)]
}

// Taxonomies are the kinds of term a post is listed under.
var Taxonomies = []string{"categories", "tags", "years", "months"}

// Table names a sequence of Len files. When Depth is 0, Files are those files; otherwise
// each of Files is a table file of Depth-1 covering TableFanout^Depth of them. A keyed table
// (the shards) also has Keys: the first Key of each of Files, in order.
type Table struct {
	Len   int      `json:"len"`
	Depth int      `json:"depth,omitempty"`
	Files []string `json:"files"`
	Keys  []Key    `json:"keys,omitempty"`
}

// Key is a post's place in bundle order (see Sorted): its date as Unix seconds and
// nanoseconds, then its file. Keys compare in that order (Less).
type Key struct {
	Sec  int64  `json:"t"`
	Nsec int    `json:"n,omitempty"`
	File string `json:"f"`
}

// Less reports whether k comes before o in bundle order.
func (k Key) Less(o Key) bool {
	if k.Sec != o.Sec {
		return k.Sec < o.Sec
	}
	if k.Nsec != o.Nsec {
		return k.Nsec < o.Nsec
	}
	return k.File < o.File
}

// List is a sequence of entries, oldest first, cut into pages of PageSize entries; only
// the last page grows when newer posts are added, so older pages keep their names.
type List struct {
	Total    int   `json:"total"`
	PageSize int   `json:"pageSize"`
	Pages    Table `json:"pages"`
}

// Page is one list page.
type Page struct {
	Entries []Entry `json:"entries"`
}

// Entry describes a post in a list.
type Entry struct {
	ID         string   `json:"id"`
	File       string   `json:"file"`
	URL        string   `json:"url"`
	Title      string   `json:"title"`
	Date       string   `json:"date"`
	Categories []string `json:"categories"`
	Tags       []string `json:"tags"`
	// MoreCategories and MoreTags count the terms a list page leaves out (it keeps at
	// most ListTerms of each; the post in its shard has them all).
	MoreCategories int `json:"more_categories,omitempty"`
	MoreTags       int `json:"more_tags,omitempty"`
	// Excerpt is kept in the list of all posts only, at most ListExcerptRunes long.
	Excerpt string `json:"excerpt,omitempty"`
}

// Post is a whole post, as kept in a shard.
type Post struct {
	Entry
	Excerpt string `json:"excerpt"`
	// Format is "markdown" or "html".
	Format string `json:"format"`
	Body   string `json:"body"`
	// Older and Newer are the neighbouring posts by date.
	Older *Link `json:"older,omitempty"`
	Newer *Link `json:"newer,omitempty"`
}

// Link names another post.
type Link struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Shard holds consecutive posts, oldest first.
type Shard struct {
	Posts []Post `json:"posts"`
}

// Bucket is one lookup bucket: the Key of each post ID (which finds its shard in the
// manifest's Shards) and which ID each URL shows. A bucket names no shard file, so a
// rewritten shard (an edit, a post added or deleted beside it) renames no bucket.
type Bucket struct {
	IDs  map[string]Key    `json:"ids"`
	URLs map[string]string `json:"urls"`
}

// TermIndex lists the terms of one taxonomy, sorted by name.
type TermIndex struct {
	Kind  string `json:"kind"`
	Terms []Term `json:"terms"`
}

// Term is a category, tag, year or month with its post count. A category or tag has its
// own list file; a year or month is a run of the list of all posts (sorted by date), from
// index Start (oldest first), so it costs no files of its own.
type Term struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	List  string `json:"list,omitempty"`
	Start int    `json:"start,omitempty"`
}

// BucketOf returns the lookup bucket of key among n buckets (FNV-1a, 32 bits).
func BucketOf(key string, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % uint32(n))
}

// VersionError says a bundle is of another format or version than this reader's.
type VersionError struct {
	Format  string
	Version int
}

func (e *VersionError) Error() string {
	if e.Format != Format {
		return fmt.Sprintf("not a Folio bundle (format %q)", e.Format)
	}
	return fmt.Sprintf("bundle format version %d, but this viewer reads version %d: rebuild the site with the same folio version", e.Version, Version)
}
