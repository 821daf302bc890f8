package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"folio/internal/builder"
	"folio/internal/server"
	"folio/site"
)

// offlinePlan is the part of the build's offline plan (data/o/…) the tests read.
type offlinePlan struct {
	Files  []string
	Bytes  []int64
	Brotli []int64
	Gzip   []int64
	Shards map[string]map[string][]int
}

// addUpdatePosts adds 50 posts dated 2030 in the category tea to posts and rebuilds the
// site in dir: an update for a saved archive.
func addUpdatePosts(t *testing.T, posts, dir string) {
	t.Helper()
	for i := range 50 {
		name := fmt.Sprintf("2030-01-%02d-update-%d.md", i%28+1, i)
		body := fmt.Sprintf("---\ntitle: Update post %d\ncategories: tea\n---\nA new post about kettles, number %d.\n", i, i)
		if err := os.WriteFile(filepath.Join(posts, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := builder.Build(builder.Options{Posts: posts, Out: dir, Site: site.Files()}); err != nil {
		t.Fatal(err)
	}
}

func readOfflinePlan(t *testing.T, dir string) offlinePlan {
	t.Helper()
	var m struct{ Extra map[string]string }
	data, err := os.ReadFile(filepath.Join(dir, "data/folio.json"))
	if err != nil {
		t.Fatal(err)
	}
	unmarshal(t, string(data), &m)
	data, err = os.ReadFile(filepath.Join(dir, "data", m.Extra["offline"]))
	if err != nil {
		t.Fatalf("offline plan: %v", err)
	}
	var p offlinePlan
	unmarshal(t, string(data), &p)
	return p
}

// savedFilesJS evaluates to the number of saved files (folio.offline.usage).
const savedFilesJS = `folio.offline.usage().then((u) => u.files)`

// saved is readSaved()'s answer: the saved files' records, the packs' sizes, and the
// files whose bytes are intact (OK) or not (Bad).
type saved struct {
	Records []struct {
		Name string
		Size int64
	}
	Packs map[string]int64
	OK    int
	Bad   []string
}

// readSavedState runs readSaved() in the page (waiting up to d) and returns its answer.
func readSavedState(t *testing.T, b *Browser, d time.Duration) saved {
	t.Helper()
	var s saved
	unmarshal(t, evalLong(t, b, `(async () => { `+readSavedJS+`; return JSON.stringify(await readSaved()); })()`, d), &s)
	return s
}

// sizes returns the bytes of the saved files and the bytes their packs hold.
func (s saved) sizes() (live, packed int64) {
	for _, r := range s.Records {
		live += r.Size
	}
	for _, n := range s.Packs {
		packed += n
	}
	return live, packed
}

// readSavedJS defines readSaved(), which reads the saved files as stored, past the
// service worker and folio.offline: the index's records (IndexedDB folio-saved) and their
// packs' bytes (Cache folio-saved). It resolves with {records, packs: {url: size}, ok,
// bad}: ok counts the files whose bytes (decoded) match the hash in their name, bad lists
// the others.
const readSavedJS = `async function readSaved() {
	const db = await new Promise((res, rej) => { const r = indexedDB.open('folio-saved'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
	const records = await new Promise((res, rej) => { const q = db.transaction('files').objectStore('files').getAll(); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
	db.close();
	const cache = await caches.open('folio-saved');
	const packs = {};
	for (const req of await cache.keys()) if (req.url.includes('/.folio-pack/')) packs[req.url] = (await (await cache.match(req)).blob()).size;
	let ok = 0; const bad = [];
	for (const r of records) {
		const url = new URL('.folio-pack/' + encodeURIComponent(r.pack), document.baseURI).href;
		const resp = await cache.match(url);
		if (!resp) { bad.push(r.name); continue; }
		const part = (await resp.blob()).slice(r.at, r.at + r.size);
		const bytes = await new Response(r.gz ? part.stream().pipeThrough(new DecompressionStream('gzip')) : part).arrayBuffer().catch(() => null);
		const sum = bytes ? new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)) : new Uint8Array(8);
		const hex = [...sum.slice(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join('');
		if (r.name.includes(hex)) ok++; else bad.push(r.name);
	}
	return {records, packs, ok, bad};
}`

// offlineCategory picks a category of the site whose posts sit in fewer shards than the
// whole archive has, so that some posts are not saved with it.
func offlineCategory(t *testing.T, p offlinePlan) (string, map[string]bool) {
	t.Helper()
	shards := 0
	for _, f := range p.Files {
		if strings.HasPrefix(f, "p/") {
			shards++
		}
	}
	var names []string
	for name, s := range p.Shards["category"] {
		if len(s) < shards {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Fatal("every category spans every shard: no post would be left unsaved")
	}
	sort.Strings(names)
	saved := map[string]bool{}
	for _, i := range p.Shards["category"][names[0]] {
		saved[p.Files[i]] = true
	}
	return names[0], saved
}

// TestSaveCategoryOffline saves a category of the demo through folio.offline, stops the
// server, and reloads: the home page, the category, a post of it by its original URL and
// a search inside it work, with the same answers as online; a post that was not saved says
// that it is not available offline.
func TestSaveCategoryOffline(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	plan := readOfflinePlan(t, s.Dir)
	cat, savedShards := offlineCategory(t, plan)
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)

	var home, inCat, all listResult
	unmarshal(t, Eval[string](b, `folio.list({limit: 5}).then(JSON.stringify)`), &home)
	unmarshal(t, Eval[string](b, fmt.Sprintf(`folio.list({category: %s, limit: 100}).then(JSON.stringify)`, jsString(cat))), &inCat)
	unmarshal(t, Eval[string](b, `folio.list({limit: 100}).then(JSON.stringify)`), &all)
	var notSaved entry
	for _, e := range all.Items {
		if !savedShards[shardOf(t, s.Dir, e.ID)] && strings.Trim(e.URL, "abcdefghijklmnopqrstuvwxyz0123456789/.-") == "" {
			notSaved = e
			break
		}
	}
	if notSaved.ID == "" {
		t.Fatal("no post outside the saved shards")
	}
	target := inCat.Items[len(inCat.Items)-1]
	// A word of a post of the category, searched within the category.
	word := strings.Fields(target.Title)[0]
	searchExpr := fmt.Sprintf(`folio.search(%s, {filters: {category: %s}}).then((r) => JSON.stringify({total: r.total, ids: r.hits.map((h) => h.id)}))`, jsString(word), jsString(cat))
	online := Eval[string](b, searchExpr)
	if !strings.Contains(online, target.ID) {
		t.Fatalf("online search for %q in %s: %s, want %s among the hits", word, cat, online, target.ID)
	}

	// The size before saving: the category needs every file but the other shards.
	var est struct{ Bytes, Files, MissingFiles int64 }
	unmarshal(t, Eval[string](b, fmt.Sprintf(`folio.offline.estimate({category: %s}).then(JSON.stringify)`, jsString(cat))), &est)
	var wantBytes, wantFiles int64
	for i, f := range plan.Files {
		if !strings.HasPrefix(f, "p/") || savedShards[f] {
			wantFiles++
			if plan.Gzip[i] > 0 {
				wantBytes += plan.Gzip[i]
			} else {
				wantBytes += plan.Bytes[i]
			}
		}
	}
	if est.Files != wantFiles || est.Bytes != wantBytes || est.MissingFiles != wantFiles {
		t.Fatalf("estimate %+v, want %d files, %d bytes, all missing", est, wantFiles, wantBytes)
	}
	res := Eval[string](b, fmt.Sprintf(`(async () => {
		let events = 0, last = null;
		const r = await folio.offline.save({category: %s}, {onProgress: (p) => { events++; last = p; }});
		return JSON.stringify({r, events, last, list: await folio.offline.list()});
	})()`, jsString(cat)))
	var saved struct {
		R      struct{ Files, Bytes, Fetched int64 }
		Events int
		Last   struct{ Files, TotalFiles, Bytes, TotalBytes int64 }
		List   []struct {
			Key      string
			Complete bool
			Files    int64
		}
	}
	unmarshal(t, res, &saved)
	if saved.R.Files != wantFiles || saved.Events == 0 || saved.Last.Files != wantFiles || saved.Last.Bytes != saved.Last.TotalBytes {
		t.Fatalf("save: %s", res)
	}
	if len(saved.List) != 1 || saved.List[0].Key != "category:"+cat || !saved.List[0].Complete {
		t.Fatalf("saved parts: %s", res)
	}
	t.Logf("saved category %s: %d files, %d bytes stored, %d fetched", cat, saved.R.Files, saved.R.Bytes, saved.R.Fetched)
	// The save's requests went past the service worker (its static route), where the
	// browser reports how a request was routed (Resource Timing's workerMatchedSourceType).
	var routed struct{ Saved, Network, Unknown int }
	unmarshal(t, Eval[string](b, `(() => {
		const r = {saved: 0, network: 0, unknown: 0};
		for (const e of performance.getEntriesByType('resource')) {
			if (!e.name.includes('/data/') || !e.name.endsWith('folio-save=1')) continue;
			r.saved++;
			if (e.workerMatchedSourceType === undefined) r.unknown++;
			else if (e.workerMatchedSourceType === 'network') r.network++;
		}
		return JSON.stringify(r);
	})()`), &routed)
	// (The page keeps 250 entries: a save of more files shows only its first ones.)
	if routed.Saved == 0 || (routed.Unknown == 0 && routed.Network != routed.Saved) {
		t.Errorf("a save's requests in Resource Timing: %+v, want every one routed straight to the network", routed)
	}
	t.Logf("a save's requests in Resource Timing: %+v", routed)

	// The server goes away.
	s.Server.CloseClientConnections()
	s.Server.Close()
	b.Allow("ERR_CONNECTION_REFUSED")
	b.Allow("Failed to fetch")
	b.Allow("Failed to load resource")

	b.Run(30*time.Second, chromedp.Reload())
	b.WaitText("main", home.Items[0].Title)
	b.Run(30*time.Second, chromedp.Navigate(s.URL+"category/"+url.PathEscape(cat)+"/"))
	b.WaitText("main h1", cat)
	b.WaitText("main", inCat.Items[0].Title)
	b.Run(30*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(target.URL, "/")))
	b.WaitText("main h1", target.Title)
	if got := Eval[string](b, searchExpr); got != online {
		t.Errorf("offline search for %q in %s: %s, online %s", word, cat, got, online)
	}
	b.Run(30*time.Second, chromedp.Navigate(s.URL+"search?q="+url.QueryEscape(word)+"&category="+url.QueryEscape(cat)))
	b.WaitText("main", target.Title)
	// A post that was not saved says so.
	b.Run(30*time.Second, chromedp.Navigate(s.URL+strings.TrimPrefix(notSaved.URL, "/")))
	b.WaitText("main h1", "Not available offline")
	b.WaitText("main", "Category "+cat)
}

// setQuota overrides the site's storage quota (bytes; negative resets it).
func setQuota(t *testing.T, b *Browser, origin string, bytes float64) {
	t.Helper()
	p := storage.OverrideQuotaForOriginParams{Origin: origin}
	if bytes >= 0 {
		p.QuotaSize = &bytes
	}
	if _, err := chromedp.Call(b.Ctx, storage.OverrideQuotaForOrigin, p); err != nil {
		t.Fatal(err)
	}
}

// TestSaveQuota: with a small quota, saving the whole archive is refused before anything
// is fetched, with a clear message; a save that runs out of room midway stops with code
// "quota", keeps what it saved (every file intact, the part marked incomplete), and
// resumes once there is room without fetching those files again.
func TestSaveQuota(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	origin := strings.TrimSuffix(s.URL, "/")
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	usage := Eval[float64](b, `navigator.storage.estimate().then((e) => e.usage)`)

	// Up front: room for 10 kB more, far less than the archive.
	setQuota(t, b, origin, usage+10_000)
	res := Eval[string](b, `folio.offline.save({all: true}).then(() => 'saved', (e) => e.code + ': ' + e.message)`)
	if !strings.HasPrefix(res, "quota: Not enough space") {
		t.Fatalf("save with no room: %s", res)
	}
	if got := Eval[string](b, `folio.offline.list().then(JSON.stringify)`); got != "[]" {
		t.Errorf("a refused save left parts behind: %s", got)
	}
	if got := Eval[int](b, savedFilesJS); got != 0 {
		t.Errorf("a refused save stored %d files", got)
	}

	// Midway: the save pauses at its first report, the room shrinks, the save goes on.
	setQuota(t, b, origin, -1)
	Eval[bool](b, `(window.__save = folio.offline.save({all: true}, {onProgress: (p) => { if (!window.__paused) { window.__paused = true; folio.offline.saving().pause(); } }}), window.__save.catch(() => {}), true)`)
	Eval[bool](b, `(async () => { while (!window.__paused) await new Promise((r) => setTimeout(r, 20)); return true })()`)
	usage = Eval[float64](b, `navigator.storage.estimate().then((e) => e.usage)`)
	setQuota(t, b, origin, usage+30_000)
	res = Eval[string](b, `(folio.offline.saving().resume(), window.__save.then(() => 'saved', (e) => e.code + ': ' + e.message))`)
	if !strings.HasPrefix(res, "quota: The browser ran out of storage space") {
		t.Fatalf("save running out of room: %s", res)
	}
	var part []struct {
		Complete bool
		State    string
		Files    int
	}
	unmarshal(t, Eval[string](b, `folio.offline.list().then(JSON.stringify)`), &part)
	if len(part) != 1 || part[0].Complete || part[0].State != "partial" {
		t.Fatalf("part after running out of room: %+v", part)
	}
	// Every file kept is whole: its bytes (decoded) match the hash in its name.
	check := Eval[string](b, `(async () => { `+readSavedJS+`; const r = await readSaved(); return JSON.stringify({ok: r.ok, bad: r.bad}); })()`)
	var kept struct {
		OK  int
		Bad []string
	}
	unmarshal(t, check, &kept)
	if len(kept.Bad) > 0 || kept.OK == 0 || kept.OK >= part[0].Files {
		t.Fatalf("files kept after running out of room: %s (the part has %d)", check, part[0].Files)
	}

	// Room again: the save resumes and fetches only what it did not have.
	setQuota(t, b, origin, -1)
	var again struct{ Files, Fetched, Bytes int64 }
	unmarshal(t, Eval[string](b, `folio.offline.save({all: true}).then(JSON.stringify)`), &again)
	unmarshal(t, Eval[string](b, `folio.offline.list().then(JSON.stringify)`), &part)
	if len(part) != 1 || !part[0].Complete || again.Fetched >= again.Bytes {
		t.Fatalf("resumed save: %+v, parts %+v", again, part)
	}
	t.Logf("out of room after %d of %d files; the resumed save fetched %d of %d bytes", kept.OK, part[0].Files, again.Fetched, again.Bytes)
}

// TestSaveUpdate: the demo is saved whole; a rebuild with 50 more posts and one fewer goes
// live in the same folder. On its next navigation the open page says so ("50 new posts — update");
// "Update" fetches only the files whose names changed, deletes the ones no longer used
// (the saved copy is one version again), and reloads into the new build, which then works
// with the server gone.
func TestSaveUpdate(t *testing.T) {
	posts := filepath.Join(t.TempDir(), "_posts")
	copyTree(t, filepath.Join(RepoDir(), "demo/_posts"), posts)
	// The demo's _config.yml goes beside the posts too (its url: no build note).
	config, err := os.ReadFile(filepath.Join(RepoDir(), "demo/_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(posts), "_config.yml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	s := BuildSite(t, posts, "", nil)
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	var first struct{ Files, Bytes, Fetched int64 }
	unmarshal(t, Eval[string](b, `folio.offline.save({all: true}).then(JSON.stringify)`), &first)

	// The update also deletes a post: the notice counts the posts added (from folio.json's
	// changes), not the difference of the totals.
	if err := os.Remove(filepath.Join(posts, "2019-09-13-mid-autumn.md")); err != nil {
		t.Fatal(err)
	}
	addUpdatePosts(t, posts, s.Dir)
	plan := readOfflinePlan(t, s.Dir)

	// The next navigation in the page asks for folio.json and shows the notice.
	b.Run(10*time.Second, chromedp.Click(`.site-nav a[data-kind="archive"]`))
	b.WaitText(".update-notice", "50 new posts")
	Eval[bool](b, `(document.querySelector('#update-now').click(), true)`) // it slides in: no coordinates yet
	waitAcrossReload(t, b, `!!window.__folioUpdated && document.querySelector('#status').textContent.includes('Updated')`)
	var updated struct{ Files, Fetched, Removed int64 }
	unmarshal(t, Eval[string](b, `JSON.stringify(window.__folioUpdated || null)`), &updated)
	if updated.Fetched <= 0 || updated.Fetched >= first.Fetched {
		t.Errorf("update fetched %d bytes; the first save %d", updated.Fetched, first.Fetched)
	}
	// One version: exactly the new build's files (and its folio.json) are saved.
	stored := readSavedState(t, b, 60*time.Second)
	live, packed := stored.sizes()
	var names []string
	for _, r := range stored.Records {
		names = append(names, r.Name)
	}
	// No dead bytes: the packs hold exactly the saved files, every one intact.
	if packed != live || len(stored.Bad) > 0 || stored.OK != len(stored.Records) {
		t.Errorf("after the update: packs hold %d bytes, the saved files %d; %d intact, damaged %v", packed, live, stored.OK, stored.Bad)
	}
	if !Eval[bool](b, `caches.open('folio-saved').then((c) => c.match(new URL('data/folio.json', document.baseURI).href)).then((r) => !!r)`) {
		t.Error("no saved folio.json after the update")
	}
	want := map[string]bool{}
	for _, f := range plan.Files {
		want[f] = true
	}
	for _, n := range names {
		if !want[n] {
			t.Errorf("saved after the update but not in the new build: %s", n)
		}
		delete(want, n)
	}
	if len(want) > 0 {
		t.Errorf("not saved after the update: %d files, e.g. %v", len(want), first5(want))
	}
	t.Logf("whole demo saved: %d bytes fetched; update with 50 posts: %d bytes fetched (%.0f%%), %d files fetched, %d removed; %d packs of %d bytes after",
		first.Fetched, updated.Fetched, 100*float64(updated.Fetched)/float64(first.Fetched), updated.Files, updated.Removed, len(stored.Packs), packed)

	// The new build, offline.
	s.Server.CloseClientConnections()
	s.Server.Close()
	b.Allow("ERR_CONNECTION_REFUSED")
	b.Allow("Failed to fetch")
	b.Allow("Failed to load resource")
	b.Run(30*time.Second, chromedp.Navigate(s.URL))
	b.WaitText("main", "Update post 49")
	b.Run(30*time.Second, chromedp.Navigate(s.URL+"search?q=kettles"))
	b.WaitText("main", "Update post")
}

// waitAcrossReload waits until expr is true in the page, which may be reloading meanwhile.
func waitAcrossReload(t *testing.T, b *Browser, expr string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
	}
	t.Fatalf("not true within 30 s: %s", expr)
}

func first5(m map[string]bool) []string {
	var out []string
	for k := range m {
		if len(out) == 5 {
			break
		}
		out = append(out, k)
	}
	return out
}

// TestInstallable: Chromium's own check finds nothing that keeps the demo from being
// installed (manifest, icons, service worker), and the manifest names the archive.
func TestInstallable(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), filepath.Join(RepoDir(), "demo/_config.yml"), nil)
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	var res page.GetInstallabilityErrorsResult
	var err error
	for range 20 { // the manifest and icons load in the background
		res, err = chromedp.Call(b.Ctx, page.GetInstallabilityErrors, cdp.Empty{})
		if err == nil && len(res.InstallabilityErrors) == 0 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.InstallabilityErrors {
		var args []string
		for _, a := range e.ErrorArguments {
			args = append(args, a.Name+"="+a.Value)
		}
		t.Errorf("installability error %s %v", e.ErrorID, args)
	}
	name := Eval[string](b, `fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json()).then((m) => m.name)`)
	if !strings.Contains(name, "Willow Creek") {
		t.Errorf("manifest name %q, want the archive's title", name)
	}
	if got := Eval[string](b, `document.querySelector('link[rel=apple-touch-icon]').href`); !strings.HasSuffix(got, "/apple-touch-icon.png") {
		t.Errorf("apple-touch-icon %q", got)
	}
}

// TestSavedPage drives the Saved page as a reader would: the menu leads to it, choosing a
// category shows its size and the space left, Save shows progress and then the part in the
// list, Remove deletes it (files too). Every control has a label; progress is announced.
func TestSavedPage(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	cat, _ := offlineCategory(t, readOfflinePlan(t, s.Dir))
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	b.Run(10*time.Second, chromedp.Click(`.site-nav a[data-kind="saved"]`))
	b.WaitText("main h1", "Saved for offline")
	b.WaitText("#saved-parts", "Nothing is saved")
	b.WaitText("#save-size", "MB")
	// Accessible: each select has its label, the progress bar and status are announced.
	unlabelled := Eval[string](b, `[...document.querySelectorAll('main select')].filter((s) => !document.querySelector('label[for="' + s.id + '"]')).map((s) => s.id).join()`)
	if unlabelled != "" {
		t.Errorf("selects without a label: %s", unlabelled)
	}
	if live := Eval[string](b, `document.querySelector('#save-status').getAttribute('aria-live') + ' ' + document.querySelector('#save-bar').getAttribute('aria-labelledby')`); live != "polite save-status" {
		t.Errorf("progress: %s", live)
	}
	Eval[bool](b, fmt.Sprintf(`(async () => {
		const kind = document.querySelector('#save-kind');
		kind.value = 'category';
		kind.dispatchEvent(new Event('change'));
		const term = document.querySelector('#save-term');
		while (![...term.options].some((o) => o.value === %[1]s)) await new Promise((r) => setTimeout(r, 20));
		term.value = %[1]s;
		term.dispatchEvent(new Event('change'));
		return true;
	})()`, jsString(cat)))
	b.WaitText("#save-size", "still to download")
	Eval[bool](b, `(async () => { const btn = document.querySelector('#save-start'); while (btn.disabled) await new Promise((r) => setTimeout(r, 20)); return true })()`)
	b.Run(10*time.Second, chromedp.Click(`#save-start`))
	b.WaitText("#save-status", "Saved: it now works with no network")
	b.WaitText("#saved-parts", "Category "+cat)
	if n := Eval[int](b, savedFilesJS); n == 0 {
		t.Fatal("nothing in the saved cache after Save")
	}
	b.Run(10*time.Second, chromedp.Click(`#saved-parts li button`))
	b.WaitText("#saved-parts", "Nothing is saved")
	if n := Eval[int](b, savedFilesJS); n != 0 {
		t.Errorf("%d files left saved after Remove", n)
	}
	if n := Eval[int](b, `caches.open('folio-saved').then((c) => c.keys()).then((k) => k.length)`); n != 0 {
		t.Errorf("%d entries (packs, folio.json) left in the saved cache after Remove", n)
	}
}

// TestSaveResumesAfterReload: a save of the whole demo is cut by a reload midway (the
// server answers slowly); saving again fetches only the files it did not have.
func TestSaveResumesAfterReload(t *testing.T) {
	slow := func(dir string) http.Handler {
		h := server.Handler(os.DirFS(dir))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.RawQuery, "folio-save") && !strings.HasSuffix(r.URL.Path, "folio.json") {
				time.Sleep(40 * time.Millisecond)
			}
			h.ServeHTTP(w, r)
		})
	}
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", slow)
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	Eval[bool](b, `(folio.offline.save({all: true}).catch(() => {}), true)`)
	Eval[bool](b, `(async () => { for (;;) { if ((await `+savedFilesJS+`) > 20) return true; await new Promise((r) => setTimeout(r, 20)); } })()`)
	b.Run(30*time.Second, chromedp.Reload())
	Eval[bool](b, `folio.ready.then(() => true)`)
	var part []struct {
		State    string
		Complete bool
	}
	unmarshal(t, Eval[string](b, `folio.offline.list().then(JSON.stringify)`), &part)
	if len(part) != 1 || part[0].Complete || part[0].State != "partial" {
		t.Fatalf("after the reload: %+v", part)
	}
	had := Eval[int](b, savedFilesJS)
	var again struct{ Files, Fetched, Bytes int64 }
	unmarshal(t, Eval[string](b, `folio.offline.save({all: true}).then(JSON.stringify)`), &again)
	unmarshal(t, Eval[string](b, `folio.offline.list().then(JSON.stringify)`), &part)
	if len(part) != 1 || !part[0].Complete || again.Fetched >= again.Bytes || again.Fetched == 0 {
		t.Fatalf("resumed: %+v, parts %+v", again, part)
	}
	t.Logf("cut after %d files; the resumed save fetched %d of %d bytes", had, again.Fetched, again.Bytes)
}

// TestViewerUpdate: a rebuild with a changed viewer (same posts) goes through the same
// notice; after Update the page runs the new viewer, and saved data is untouched.
func TestViewerUpdate(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	Eval[string](b, `folio.offline.save({year: 2022}).then(JSON.stringify)`)
	old := Eval[string](b, `document.querySelector('script[src*="/folio.js"]').src`)

	changed := fstest.MapFS{}
	err := fs.WalkDir(site.Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(site.Files(), p)
		if p == "app.js" {
			data = append(data, []byte("\n// a new viewer\n")...)
		}
		changed[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := builder.Build(builder.Options{Posts: filepath.Join(RepoDir(), "demo/_posts"), Out: s.Dir, Site: changed}); err != nil {
		t.Fatal(err)
	}
	b.Run(10*time.Second, chromedp.Click(`.site-nav a[data-kind="tags"]`))
	b.WaitText(".update-notice", "A new version of the archive")
	Eval[bool](b, `(document.querySelector('#update-now').click(), true)`)
	waitAcrossReload(t, b, `!!window.__folioUpdated && !!window.folio`)
	if now := Eval[string](b, `document.querySelector('script[src*="/folio.js"]').src`); now == old {
		t.Errorf("still the old viewer after the update: %s", now)
	}
	var parts []struct{ Complete bool }
	unmarshal(t, Eval[string](b, `folio.offline.list().then(JSON.stringify)`), &parts)
	if len(parts) != 1 || !parts[0].Complete {
		t.Errorf("saved parts after a viewer update: %+v", parts)
	}
}

// TestReadCacheBudget: the read-as-you-go cache keeps to its byte budget (here 40 kB, set
// with data-folio-cache-mb), dropping the least recently used files first, and never
// touches the saved parts.
func TestReadCacheBudget(t *testing.T) {
	const budget = 40_000
	withBudget := fstest.MapFS{}
	err := fs.WalkDir(site.Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(site.Files(), p)
		if p == "index.html" {
			data = []byte(strings.Replace(string(data), `<html lang="en">`, fmt.Sprintf(`<html lang="en" data-folio-cache-mb="%g">`, budget/1048576.0), 1))
		}
		withBudget[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := builder.Build(builder.Options{Posts: filepath.Join(RepoDir(), "demo/_posts"), Out: out, Site: withBudget}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Handler(os.DirFS(out)))
	t.Cleanup(srv.Close)
	b := NewBrowser(t)
	withServiceWorker(b, srv.URL+"/")
	if got := Eval[string](b, `navigator.serviceWorker.controller.scriptURL`); !strings.Contains(got, fmt.Sprintf("budget=%d", budget)) {
		t.Fatalf("service worker %s, want its budget in the URL", got)
	}
	// Read every post and search: far more than 40 kB of files go through the cache.
	readAll := `(async () => {
		const {items} = await folio.list({limit: 100});
		for (const it of items) {
			await folio.post(it.id);
			await fetch('data/' + 'folio.json'); // the entry is not counted
		}
		await folio.search('茶');
		await new Promise((r) => setTimeout(r, 500));
		const c = await caches.open('folio-data');
		let bytes = 0, largest = 0, n = 0;
		for (const req of await c.keys()) {
			if (req.url.endsWith('/folio.json')) continue;
			const size = (await (await c.match(req)).arrayBuffer()).byteLength;
			bytes += size; largest = Math.max(largest, size); n++;
		}
		return JSON.stringify({bytes, largest, n});
	})()`
	res := Eval[string](b, readAll)
	var kept struct{ Bytes, Largest, N int64 }
	unmarshal(t, res, &kept)
	// At most the budget (no file here is bigger than it), and files were evicted.
	if kept.Bytes > budget || kept.Largest > budget || kept.N == 0 {
		t.Errorf("read-as-you-go cache holds %s, budget %d bytes", res, budget)
	}
	// Saved parts are apart: reading everything again (from a fresh viewer) evicts none.
	Eval[string](b, `folio.offline.save({year: 2019}).then(JSON.stringify)`)
	savedBefore := Eval[int](b, savedFilesJS)
	b.Run(30*time.Second, chromedp.Reload())
	Eval[bool](b, `folio.ready.then(() => true)`)
	Eval[string](b, readAll)
	if after := Eval[int](b, savedFilesJS); after != savedBefore || after == 0 {
		t.Errorf("saved files: %d before reading, %d after", savedBefore, after)
	}
	t.Logf("read-as-you-go cache after reading every post: %s (budget %d)", res, budget)
}

// TestSavedFileDamaged: saves keep bodies as they came from the network (no hash check in
// the page), so the service worker checks each saved file when it reads it back. A saved
// file whose bytes no longer match its name is not served: the page gets the real file
// (from the network here), the damaged copy is dropped, and saving again fetches just it.
func TestSavedFileDamaged(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	plan := readOfflinePlan(t, s.Dir)
	victim := -1
	for i, f := range plan.Files {
		if strings.HasPrefix(f, "p/") {
			victim = i
			break
		}
	}
	if victim < 0 {
		t.Fatal("the demo has no post shard")
	}
	name := plan.Files[victim]
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	var saved struct{ Files, Fetched int64 }
	unmarshal(t, Eval[string](b, `folio.offline.save({all: true}).then(JSON.stringify)`), &saved)

	// The saved copy's bytes in its pack are overwritten, as a damaged disk or a bad write
	// would; the other files of the pack stay as they were.
	got := Eval[string](b, fmt.Sprintf(`(async () => {
		`+readSavedJS+`
		const url = new URL('data/' + %[1]s, document.baseURI).href;
		const {records} = await readSaved();
		const r = records.find((x) => x.name === %[1]s);
		if (!r) return 'not saved';
		const c = await caches.open('folio-saved');
		const packURL = new URL('.folio-pack/' + encodeURIComponent(r.pack), document.baseURI).href;
		const pack = await (await c.match(packURL)).blob();
		await c.put(packURL, new Response(new Blob([pack.slice(0, r.at), new Uint8Array(r.size).fill(0x7b), pack.slice(r.at + r.size)])));
		const bytes = await (await fetch(url)).arrayBuffer();
		const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
		const hex = [...sum.slice(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join('');
		const after = await readSaved();
		return JSON.stringify({intact: url.includes(hex), kept: after.records.some((x) => x.name === %[1]s), others: after.bad.length === 0 && after.ok === records.length - 1});
	})()`, jsString(name)))
	if got != `{"intact":true,"kept":false,"others":true}` {
		t.Fatalf("reading a damaged saved file %s: %s, want the real bytes, the copy dropped, the others intact", name, got)
	}
	var again struct{ Fetched int64 }
	unmarshal(t, Eval[string](b, `folio.offline.save({all: true}).then(JSON.stringify)`), &again)
	want := plan.Gzip[victim]
	if want == 0 {
		want = plan.Bytes[victim]
	}
	if again.Fetched != want {
		t.Fatalf("saving again fetched %d bytes, want %d (the dropped file only)", again.Fetched, want)
	}
}

// TestSavedOldLayout: files saved by a viewer before packs (one Cache API entry per file,
// under its data/ URL) are removed on the next start, and their part says so on the Saved
// page; Resume saves it again into packs.
func TestSavedOldLayout(t *testing.T) {
	s := BuildSite(t, filepath.Join(RepoDir(), "demo/_posts"), "", nil)
	plan := readOfflinePlan(t, s.Dir)
	b := NewBrowser(t)
	withServiceWorker(b, s.URL)
	Eval[string](b, `folio.offline.save({year: 2022}).then(JSON.stringify)`)
	// As an older viewer left it: the files as entries of their own, no packs, no index.
	Eval[bool](b, fmt.Sprintf(`(async () => {
		await folio.offline.remove({year: 2022});
		const c = await caches.open('folio-saved');
		await c.put(new URL('data/' + %s, document.baseURI).href, new Response('{}'));
		await (await caches.open('folio-saved-parts')).put(new URL('.folio-saved/year%%3A2022', document.baseURI).href,
			new Response(JSON.stringify({key: 'year:2022', bundle: 'old', posts: 1, files: [%[1]s], bytes: 2, state: 'saved', savedAt: '2026-01-01T00:00:00Z'})));
		return true;
	})()`, jsString(plan.Files[0])))
	b.Run(30*time.Second, chromedp.Navigate(s.URL+"saved/"))
	b.WaitText("#saved-parts", "older version of this viewer")
	var parts []struct {
		Complete bool
		Reason   string
	}
	unmarshal(t, Eval[string](b, `folio.offline.list().then(JSON.stringify)`), &parts)
	if len(parts) != 1 || parts[0].Complete || parts[0].Reason != "layout" {
		t.Fatalf("parts after the old layout was found: %+v", parts)
	}
	if n := Eval[int](b, `caches.open('folio-saved').then((c) => c.keys()).then((ks) => ks.filter((k) => k.url.includes('/data/')).length)`); n != 0 {
		t.Errorf("%d old entries left in the saved cache", n)
	}
	b.Run(10*time.Second, chromedp.Click(`#saved-parts li button`)) // Resume
	b.WaitText("#save-status", "Saved: it now works with no network")
	unmarshal(t, Eval[string](b, `folio.offline.list().then(JSON.stringify)`), &parts)
	if len(parts) != 1 || !parts[0].Complete {
		t.Errorf("parts after Resume: %+v", parts)
	}
}
