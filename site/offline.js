// offline.js — "Save for offline" (folio.offline): saves the whole archive, or a category,
// tag or year of it, into the browser so that it can be read and searched with no network.
//
// What a part needs comes from the build's offline plan (data/o/…, named by folio.json's
// extra.offline): every data file with its size, and the post shards of each category, tag
// and year. A part is every file that is not a post shard (lists, lookups, term indexes,
// the whole search data) plus the shards of its posts; the whole archive is every file.
//
// Storage (the service worker, sw.js, answers from it):
//  - the saved data files, shared by every part, in packs of many files (packs.js): a
//    file with a .gz copy on the server is kept as that copy, which sw.js decodes when it
//    answers, so the archive takes about its compressed size;
//  - PARTS holds one record per part: its scope, the bundle it was saved from (manifest ID
//    and the folio.json bytes, which sw.js answers offline), its files and its state.
// A record is written before the first file and again at the end, so a save cut short by a
// reload, a crash or a lost connection resumes where it stopped: the files it has are in
// the packs and are not fetched again. The read-as-you-go cache of sw.js never evicts these.

import { SAVED, PACK_FIRST, PACK_MOST, packStore, savedNames as packedNames } from './packs.js';

export const PARTS = 'folio-saved-parts';
const PROBE = 'folio-probe';
// PROBE_MAX bounds the scratch write that checks for room before a save (see room).
const PROBE_MAX = 16 << 20;

// FETCHES is how many files a save asks for at once (browsers open six connections per
// host over HTTP/1.1). Bodies gather into a pack (packs.js) while the slots ask for the
// next files; a full pack is written while the next one fills. WRITES bounds the packs
// being written (back-pressure: the slots wait for one to end), so a save holds at most
// about (WRITES + 1) × PACK_MOST bytes of bodies.
const FETCHES = 8;
const WRITES = 2;
// MARK is a query the service worker lets through to the network untouched: saved files
// must not also go into its read-as-you-go cache (or the HTTP cache: no-store).
const MARK = 'folio-save=1';
// CHECK_EVERY is how often an open page asks whether a new build was deployed.
const CHECK_EVERY = 5 * 60 * 1000;

/**
 * makeOffline returns the folio.offline API. root is the site's root URL; FolioError the
 * error class of folio.js; emit(type, detail) sends folio events ("offline-progress",
 * "update"); current() returns the manifest ID and post count the viewer opened, and the
 * viewer's version (its app/<version>/ folder).
 */
export function makeOffline({ root, FolioError, emit, current }) {
  const dataURL = (name) => new URL(`data/${name}`, root).href;
  const packs = packStore(root);
  const partURL = (key) => new URL(`.folio-saved/${encodeURIComponent(key)}`, root).href;

  /** scopeKey names a scope: "all", "category:X", "tag:X" or "year:2020". */
  function scopeKey(scope) {
    if (!scope || typeof scope !== 'object') throw new FolioError('A scope is {all: true}, {category}, {tag} or {year}.', 'bad_request', 400);
    if (scope.all) return 'all';
    for (const kind of ['category', 'tag', 'year']) {
      if (scope[kind] !== undefined && scope[kind] !== null && String(scope[kind]) !== '') return `${kind}:${scope[kind]}`;
    }
    throw new FolioError('A scope is {all: true}, {category}, {tag} or {year}.', 'bad_request', 400);
  }
  const scopeOf = (key) => {
    if (key === 'all') return { all: true };
    const i = key.indexOf(':');
    return { [key.slice(0, i)]: key.slice(i + 1) };
  };

  // ---- the live bundle and its plan ----

  async function hex16(bytes) {
    const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    let hex = '';
    for (let i = 0; i < 8; i++) hex += sum[i].toString(16).padStart(2, '0');
    return hex;
  }
  const hashOf = (name) => (/([0-9a-f]{16})\.[a-z]+$/.exec(name) || [])[1];

  async function fetchBytes(url, signal, cache = 'no-store') {
    let resp;
    try {
      resp = await fetch(url, { cache, signal });
    } catch (e) {
      if (signal && signal.aborted) throw e;
      throw new FolioError(`${url} could not be downloaded (${e.message}); are you offline?`, 'network');
    }
    return resp;
  }

  /** live returns the deployed manifest {m, bytes} (data/folio.json, not from a cache). */
  async function live() {
    const resp = await fetchBytes(`${dataURL('folio.json')}?${MARK}`);
    if (!resp.ok) throw new FolioError(`data/folio.json: HTTP ${resp.status}`, 'network');
    const bytes = new Uint8Array(await resp.arrayBuffer());
    let m;
    try {
      m = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new FolioError('data/folio.json is not readable', 'data');
    }
    return { m, bytes };
  }

  const plans = new Map(); // plan file name → plan
  async function planOf(m) {
    const name = m.extra && m.extra.offline;
    if (!name) throw new FolioError('This archive was built without an offline plan: rebuild it with a newer folio to save it for offline use.', 'unsupported');
    if (plans.has(name)) return plans.get(name);
    const resp = await fetchBytes(`${dataURL(name)}?${MARK}`);
    if (!resp.ok) throw new FolioError(`data/${name}: HTTP ${resp.status}`, 'network');
    const bytes = new Uint8Array(await resp.arrayBuffer());
    if ((await hex16(bytes)) !== hashOf(name)) throw new FolioError(`data/${name} is damaged`, 'data');
    const plan = JSON.parse(new TextDecoder().decode(bytes));
    plan.name = name;
    plans.set(name, plan);
    return plan;
  }

  /** filesOf returns the indexes in plan.files that a scope needs. */
  function filesOf(plan, scope) {
    const key = scopeKey(scope);
    const out = [];
    if (key === 'all') {
      for (let i = 0; i < plan.files.length; i++) out.push(i);
      return out;
    }
    const [kind, term] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const shards = (plan.shards[kind] || {})[term];
    if (!shards) throw new FolioError(`This archive has no ${kind} "${term}".`, 'not_found', 404);
    for (let i = 0; i < plan.files.length; i++) if (!plan.files[i].startsWith('p/')) out.push(i);
    return out.concat(shards);
  }
  // stored is what a file takes once saved: its .gz copy when the server has one.
  const stored = (plan, i) => plan.gzip[i] || plan.bytes[i];

  async function savedNames() {
    await dropOldLayout();
    return packedNames();
  }

  let oldDropped = null;
  /**
   * dropOldLayout deletes files saved by viewers before packs (one Cache API entry per
   * file, under its data/ URL) and marks the parts they belonged to incomplete (reason
   * "layout"): the Saved page says so, and saving them again fetches them into packs.
   * It runs once per page.
   */
  function dropOldLayout() {
    if (!oldDropped) {
      oldDropped = dropOld();
      oldDropped.catch(() => {
        oldDropped = null;
      });
    }
    return oldDropped;
  }
  async function dropOld() {
    const cache = await caches.open(SAVED);
    const prefix = dataURL('');
    let found = 0;
    for (const req of await cache.keys()) {
      if (req.url.startsWith(prefix) && req.url !== dataURL('folio.json')) {
        await cache.delete(req);
        found++;
      }
    }
    if (!found) return;
    for (const r of await readParts()) {
      r.state = 'partial';
      r.reason = 'layout';
      await writePart(r);
    }
  }

  // room tries to store n bytes in a scratch cache, and deletes them: estimate() is not the
  // whole truth (Chromium's ignores a quota set through DevTools, and other limits may
  // apply), while the Cache API checks a body's size against the quota before it writes.
  async function room(n) {
    if (n <= 0) return true;
    const chunk = new Uint8Array(Math.min(n, 1 << 20));
    const parts = [];
    for (let left = n; left > 0; left -= chunk.length) parts.push(left >= chunk.length ? chunk : chunk.subarray(0, left));
    try {
      await (await caches.open(PROBE)).put(new URL('.folio-probe', root).href, new Response(new Blob(parts)));
      return true;
    } catch (e) {
      return !isQuota(e);
    } finally {
      await caches.delete(PROBE).catch(() => {});
    }
  }

  async function storageLeft() {
    if (!navigator.storage || !navigator.storage.estimate) return { quota: Infinity, usage: 0, free: Infinity };
    const { quota = Infinity, usage = 0 } = await navigator.storage.estimate();
    return { quota, usage, free: quota - usage };
  }

  /**
   * estimate returns what saving a scope takes: {bytes, files} in all (bytes as stored),
   * {missingBytes, missingFiles} not saved yet, {transfer} bytes to download (brotli sizes),
   * and the browser's {quota, usage, free} space.
   */
  async function estimate(scope) {
    const { m } = await live();
    const plan = await planOf(m);
    const have = await savedNames();
    const r = { scope: scopeOf(scopeKey(scope)), bytes: 0, files: 0, missingBytes: 0, missingFiles: 0, transfer: 0 };
    for (const i of filesOf(plan, scope)) {
      r.files++;
      r.bytes += stored(plan, i);
      if (!have.has(plan.files[i])) {
        r.missingFiles++;
        r.missingBytes += stored(plan, i);
        r.transfer += plan.gzip[i] || plan.brotli[i];
      }
    }
    return Object.assign(r, await storageLeft());
  }

  // ---- records of saved parts ----

  async function readParts() {
    const cache = await caches.open(PARTS);
    const out = [];
    for (const req of await cache.keys()) {
      const resp = await cache.match(req);
      try {
        out.push(await resp.json());
      } catch {
        await cache.delete(req); // unreadable: the files it named are pruned below
      }
    }
    return out;
  }
  async function writePart(rec) {
    const cache = await caches.open(PARTS);
    await cache.put(partURL(rec.key), new Response(JSON.stringify(rec), { headers: { 'content-type': 'application/json' } }));
  }

  /** list returns the saved parts: [{scope, key, bytes, files, complete, state, bundle, posts, savedAt}]. */
  async function list() {
    await dropOldLayout();
    return (await readParts()).map(({ key, bytes, files, state, bundle, posts, savedAt, reason }) => ({
      scope: scopeOf(key),
      key,
      bytes,
      files: files.length,
      complete: state === 'saved',
      state: job && job.key === key ? 'saving' : state,
      reason: reason || '',
      bundle,
      posts,
      savedAt,
    })).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /**
   * prune deletes saved files no part names any more (repacking the rest, see packs.js),
   * and the saved folio.json when no part is left; it resolves with {removed, repacked}
   * (files deleted, files copied into new packs).
   */
  async function prune(records) {
    const keep = new Set();
    for (const r of records) for (const f of r.files) keep.add(f);
    const res = await packs.prune(keep);
    if (records.length === 0) await (await caches.open(SAVED)).delete(dataURL('folio.json'));
    return res;
  }

  /** remove deletes a saved part, and every saved file no other part needs. */
  async function remove(scope) {
    const key = scopeKey(scope);
    if (job && job.key === key) await job.cancel();
    await (await caches.open(PARTS)).delete(partURL(key));
    await prune(await readParts());
  }

  // ---- saving ----

  let job = null; // the one save under way

  /**
   * fetchFile fetches data file i of plan and resolves with {name, body, gz}: its body as
   * it came (the .gz copy where the server has one: sw.js decodes it when it answers),
   * which must be as long as the plan says. Its content hash is checked by sw.js when it
   * reads the file back (a damaged file is dropped, then fetched again by the next save).
   */
  async function fetchFile(plan, i, signal) {
    const name = plan.files[i];
    const gz = plan.gzip[i] > 0;
    let resp = await fetchBytes(`${dataURL(name)}${gz ? '.gz' : ''}?${MARK}`, signal);
    let zipped = gz;
    if (gz && resp.status === 404) {
      // A host that does not serve the copies by their own names: take the file itself.
      resp = await fetchBytes(`${dataURL(name)}?${MARK}`, signal);
      zipped = false;
    }
    if (!resp.ok) throw new FolioError(`data/${name}: HTTP ${resp.status}`, resp.status >= 500 ? 'network' : 'data', resp.status);
    // A host may have decoded the copy on the way (Content-Encoding: gzip on .gz files):
    // then the body is the file itself.
    const decoded = resp.headers.has('content-encoding');
    let body;
    try {
      body = new Uint8Array(await resp.arrayBuffer());
    } catch (e) {
      if (signal && signal.aborted) throw e;
      throw new FolioError(`data/${name} could not be downloaded (${e.message}); are you offline?`, 'network');
    }
    const size = decoded ? plan.bytes[i] : zipped ? plan.gzip[i] : plan.bytes[i];
    if (body.byteLength !== size) {
      throw new FolioError(`data/${name} is damaged on the server (${body.byteLength} bytes, the build made ${size})`, 'data');
    }
    return { name, body, gz: zipped && !decoded };
  }

  const isQuota = (e) => e && (e.name === 'QuotaExceededError' || /quota/i.test(String(e.message || '')));

  /**
   * save saves a scope and resolves with its record when every file is saved. Options:
   * onProgress({key, files, totalFiles, bytes, totalBytes, fetched, speed, eta, state}).
   * The promise has pause(), resume() and cancel() (which removes what the save added).
   * It rejects with code "quota" when the part does not fit (before it starts, or when the
   * browser refuses a file midway: what was saved stays, the part stays incomplete).
   */
  function save(scope, { onProgress } = {}) {
    let key;
    try {
      key = scopeKey(scope);
    } catch (e) {
      return Promise.reject(e);
    }
    if (job) return Promise.reject(new FolioError(`A save is already under way (${job.key}).`, 'busy'));
    const ctl = new AbortController();
    let paused = null; // a promise while paused, with its resolve in unpause
    let unpause = null;
    let cancelled = false;
    const me = { key, state: 'preparing', progress: null };
    job = me;
    const report = (p) => {
      me.progress = p;
      if (onProgress) {
        try {
          onProgress({ ...p });
        } catch {
          /* a caller's bug must not stop the save */
        }
      }
      emit('offline-progress', { ...p });
    };
    const run = (async () => {
      const { m, bytes: entry } = await live();
      const plan = await planOf(m);
      const want = filesOf(plan, scope);
      const have = await savedNames();
      const todo = want.filter((i) => !have.has(plan.files[i]));
      const totalBytes = want.reduce((s, i) => s + stored(plan, i), 0);
      const missing = todo.reduce((s, i) => s + stored(plan, i), 0);
      const space = await storageLeft();
      const mb = (n) => (n / 1048576).toFixed(1);
      if (missing > space.free) {
        throw new FolioError(`Not enough space: saving this needs ${mb(missing)} MB more, and the browser grants ${mb(Math.max(0, space.free))} MB (of ${mb(space.quota)} MB).`, 'quota');
      }
      if (!(await room(Math.min(missing, PROBE_MAX)))) {
        throw new FolioError(`Not enough space: saving this needs ${mb(missing)} MB more, and the browser refuses to store even ${mb(Math.min(missing, PROBE_MAX))} MB.`, 'quota');
      }
      if (navigator.storage && navigator.storage.persist) await navigator.storage.persist().catch(() => false);
      // The record says "partial" until the last file is in: a save cut short by a crash,
      // a reload or a full disk (when even the record cannot be rewritten) reads so.
      const rec = { key, bundle: m.id, posts: m.posts, plan: plan.name, files: want.map((i) => plan.files[i]), bytes: totalBytes, state: 'partial', savedAt: '' };
      await writePart(rec);
      const cache = await caches.open(SAVED);
      // The entry this part was saved from: sw.js answers it when the network is gone.
      await cache.put(dataURL('folio.json'), new Response(entry, { headers: { 'content-type': 'application/json' } }));
      let files = want.length - todo.length;
      let done = totalBytes - missing;
      let fetched = 0;
      const started = performance.now();
      let pausedFor = 0;
      const progress = (state) => {
        const secs = Math.max(0.001, (performance.now() - started - pausedFor) / 1000);
        const speed = fetched / secs;
        report({ key, files, totalFiles: want.length, bytes: done, totalBytes, fetched, speed, eta: speed > 0 ? (totalBytes - done) / speed : Infinity, state });
      };
      me.state = 'saving';
      progress('saving');
      let failure = null;
      const fail = (e) => {
        if (!failure) failure = e;
        ctl.abort();
      };
      let next = 0;
      let last = 0;
      // The pack filling up, and the packs being written: a file counts as saved once its
      // pack and its record are in.
      let pack = [];
      let packBytes = 0;
      let target = PACK_FIRST;
      const writing = new Set();
      const write = () => {
        const batch = pack;
        pack = [];
        packBytes = 0;
        target = Math.min(PACK_MOST, target * 2);
        const w = packs.write(batch).then(
          (n) => {
            fetched += n;
            for (const f of batch) done += stored(plan, f.i);
            files += batch.length;
            const now = performance.now();
            if (now - last > 200) {
              last = now;
              progress('saving');
            }
          },
          fail,
        );
        writing.add(w);
        w.then(() => writing.delete(w));
      };
      // A pause writes what has come in, so that a reload while paused keeps it.
      me.flush = () => {
        if (pack.length && !failure && !cancelled) write();
      };
      const slot = async () => {
        while (!failure && next < todo.length) {
          if (paused) {
            const t0 = performance.now();
            await paused;
            pausedFor += performance.now() - t0;
          }
          if (failure || cancelled) return;
          while (writing.size >= WRITES && !failure) await Promise.race(writing);
          if (failure || next >= todo.length) return; // other slots took the rest meanwhile
          const i = todo[next++];
          let file;
          try {
            file = await fetchFile(plan, i, ctl.signal);
          } catch (e) {
            fail(e);
            return;
          }
          if (cancelled) return;
          file.i = i;
          pack.push(file);
          packBytes += file.body.byteLength;
          if (packBytes >= target) write();
        }
      };
      await Promise.all(Array.from({ length: Math.min(FETCHES, todo.length) }, slot));
      // What was fetched whole is kept, unless the browser refuses room anyway.
      if (pack.length && !cancelled && !(failure && isQuota(failure))) write();
      while (writing.size) await Promise.all(writing);
      if (cancelled) throw new FolioError('The save was cancelled.', 'cancelled');
      if (failure) {
        rec.state = 'partial';
        if (isQuota(failure)) {
          rec.reason = 'quota';
          await writePart(rec).catch(() => {});
          progress('stopped');
          throw new FolioError(`The browser ran out of storage space after ${files} of ${want.length} files; what was saved is kept, and the save can resume when there is room.`, 'quota');
        }
        rec.reason = failure.code || 'error';
        await writePart(rec).catch(() => {});
        progress('stopped');
        throw failure instanceof FolioError ? failure : new FolioError(`The save stopped: ${failure.message}`, ctl.signal.aborted ? 'network' : 'error');
      }
      rec.state = 'saved';
      rec.reason = '';
      rec.savedAt = new Date().toISOString();
      await writePart(rec);
      progress('saved');
      return { scope: scopeOf(key), key, bytes: rec.bytes, files: rec.files.length, fetched, seconds: (performance.now() - started - pausedFor) / 1000 };
    })();
    const p = run.finally(() => {
      if (job === me) job = null;
    });
    me.pause = () => {
      if (!paused) paused = new Promise((r) => (unpause = r));
      me.state = 'paused';
      if (me.flush) me.flush();
      if (me.progress) report({ ...me.progress, state: 'paused' });
    };
    me.resume = () => {
      if (paused) {
        unpause();
        paused = null;
      }
      me.state = 'saving';
    };
    me.cancel = async () => {
      cancelled = true;
      ctl.abort();
      me.resume();
      await p.catch(() => {});
      await (await caches.open(PARTS)).delete(partURL(key));
      await prune(await readParts());
    };
    me.promise = p;
    p.pause = me.pause;
    p.resume = me.resume;
    p.cancel = me.cancel;
    p.key = key;
    return p;
  }

  /** saving returns the save under way: {key, state, progress, pause, resume, cancel}, or null. */
  const saving = () => job;

  // ---- updates ----

  let lastCheck = 0;
  let announced = '';
  /**
   * checkUpdate asks the server for its folio.json and index.html (no cache) and, when
   * either names another build or viewer than the one open, emits "update" with {bundle,
   * viewer, posts, newPosts}. It resolves with that object or null; offline, null.
   */
  async function checkUpdate({ force = false } = {}) {
    const now = Date.now();
    if (!force && now - lastCheck < 30000) return null;
    lastCheck = now;
    let m;
    try {
      ({ m } = await live());
    } catch {
      return null;
    }
    const open = current();
    if (!open || !open.bundle) return null;
    // A new viewer (app/<version>/ in the live index.html) counts as a new build too.
    let viewer = open.viewer;
    if (open.viewer) {
      try {
        // no-cache: asked every time, but answered "not modified" when it is not.
        const page = await fetchBytes(new URL(`index.html?${MARK}`, root).href, undefined, 'no-cache');
        const v = /app\/([0-9a-f]{16})\//.exec(await page.text());
        if (page.ok && v) viewer = v[1];
      } catch {
        /* offline: nothing new */
      }
    }
    if (m.id === open.bundle && viewer === open.viewer) return null;
    const u = { bundle: m.id, viewer, posts: m.posts, newPosts: newPostsSince(m, open) };
    if (announced !== `${m.id} ${viewer}`) {
      announced = `${m.id} ${viewer}`;
      emit('update', u);
    }
    return u;
  }

  /**
   * update brings every saved part to the deployed build, fetching only files whose names
   * changed, then deletes saved files no part needs. It resolves with {fetched, removed,
   * files, repacked, seconds, pruneSeconds} (bytes downloaded, files removed, files
   * fetched, files moved into new packs, the time saving and the time deleting); reload
   * the page afterwards to switch the viewer to the new build.
   */
  async function update({ onProgress } = {}) {
    const parts = await readParts();
    let fetched = 0;
    let files = 0;
    const t0 = performance.now();
    for (const r of parts) {
      const before = await savedNames();
      const res = await save(scopeOf(r.key), { onProgress });
      fetched += res.fetched;
      const after = await savedNames();
      for (const n of after) if (!before.has(n)) files++;
    }
    const t1 = performance.now();
    const { removed, repacked } = await prune(await readParts());
    return { fetched, removed, files, repacked, seconds: (t1 - t0) / 1000, pruneSeconds: (performance.now() - t1) / 1000 };
  }

  /**
   * newPostsSince counts the posts the builds after the open one added, from the entry's
   * record of its latest builds (changes, newest first; deleted posts do not hide new
   * ones). When the record does not reach back to the open build, or a build could not
   * tell, it counts the difference of the totals instead.
   */
  function newPostsSince(m, open) {
    let n = 0;
    for (const c of m.changes || []) {
      if (c.unknown) break;
      n += c.added || 0;
      if (c.since === open.bundle) return n;
    }
    return Math.max(0, m.posts - (open.posts || 0));
  }

  let timer = 0;
  /** watch checks for a new build now and then (every 5 minutes, and on demand). */
  function watch() {
    clearInterval(timer);
    timer = setInterval(() => checkUpdate().catch(() => {}), CHECK_EVERY);
  }

  /** usage returns what the saved files take: {files, packs, bytes} (bytes as stored). */
  async function usage() {
    await dropOldLayout();
    return packs.usage();
  }

  return { estimate, save, saving, list, remove, usage, checkUpdate, update, watch, scopeKey };
}
