package builder

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"folio/internal/bundle"
	"folio/internal/post"
)

// offlineKey names the offline plan in the manifest's Extra.
const offlineKey = "offline"

// offlinePlan tells the viewer which data files a part of the archive needs to work with
// no network ("Save for offline"), and how big each is, so that it can say the size before
// it starts. Every part needs the files that are not post shards (lists, lookup buckets,
// term indexes, the whole search data: a query may reach any term); a part adds the
// shards of its posts. The whole archive is every file.
type offlinePlan struct {
	// Files are every data file of the bundle but the plan itself, sorted; Bytes their
	// sizes, Brotli the sizes of their .br copies (the file's own size when it has none)
	// and Gzip of their .gz copies (0 when it has none): the viewer saves the .gz copy
	// where there is one, as the Cache API keeps bodies as they are given.
	Files  []string `json:"files"`
	Bytes  []int64  `json:"bytes"`
	Brotli []int64  `json:"brotli"`
	Gzip   []int64  `json:"gzip"`
	// Shards lists, per taxonomy ("category", "tag", "year") and term, the indexes in Files
	// of the post shards holding its posts, ascending.
	Shards map[string]map[string][]int `json:"shards"`
}

// writeOfflinePlan writes the plan of the bundle w has written (call it after w.Wait)
// as a content-addressed file of its own, and returns the file's name for the manifest.
// It is written through a second writer: w takes no more files once it has waited.
func writeOfflinePlan(dataDir string, w *bundle.Writer, posts []*post.Post, lay bundle.Layout, compress bool) (string, error) {
	plan := offlinePlan{Files: w.Names(), Shards: map[string]map[string][]int{}}
	index := make(map[string]int, len(plan.Files))
	for i, name := range plan.Files {
		index[name] = i
		st, err := os.Stat(filepath.Join(dataDir, filepath.FromSlash(name)))
		if err != nil {
			return "", fmt.Errorf("offline plan: %w", err)
		}
		br, gz := st.Size(), int64(0)
		if c, err := os.Stat(filepath.Join(dataDir, filepath.FromSlash(name)) + ".br"); err == nil {
			br = c.Size()
		}
		if c, err := os.Stat(filepath.Join(dataDir, filepath.FromSlash(name)) + ".gz"); err == nil {
			gz = c.Size()
		}
		plan.Bytes = append(plan.Bytes, st.Size())
		plan.Brotli = append(plan.Brotli, br)
		plan.Gzip = append(plan.Gzip, gz)
	}
	sets := map[string]map[string]map[int]bool{"category": {}, "tag": {}, "year": {}}
	add := func(kind, term string, file int) {
		s := sets[kind][term]
		if s == nil {
			s = map[int]bool{}
			sets[kind][term] = s
		}
		s[file] = true
	}
	shard := 0
	for n, p := range bundle.Sorted(posts) {
		for shard+1 < len(lay.Starts) && lay.Starts[shard+1] <= n {
			shard++
		}
		file, ok := index[lay.Shards[shard]]
		if !ok {
			return "", fmt.Errorf("offline plan: shard %s was not written", lay.Shards[shard])
		}
		for _, c := range p.Categories {
			add("category", c, file)
		}
		for _, t := range p.Tags {
			add("tag", t, file)
		}
		add("year", p.Date.Format("2006"), file)
	}
	for kind, terms := range sets {
		plan.Shards[kind] = map[string][]int{}
		for term, files := range terms {
			list := make([]int, 0, len(files))
			for f := range files {
				list = append(list, f)
			}
			sort.Ints(list)
			plan.Shards[kind][term] = list
		}
	}
	data, err := json.Marshal(plan)
	if err != nil {
		return "", fmt.Errorf("offline plan: %w", err)
	}
	pw, err := bundle.NewWriter(dataDir, compress, 1)
	if err != nil {
		return "", fmt.Errorf("offline plan: %w", err)
	}
	name := pw.Put("o", data)
	if _, err := pw.Wait(); err != nil {
		return "", fmt.Errorf("offline plan: %w", err)
	}
	return name, nil
}
