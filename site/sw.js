// sw.js — Folio's service worker: the viewer keeps working offline.
//
// - install: precache the app shell (page, styles, scripts, wasm);
// - app shell: network first (revalidated, so a new deploy shows at once), cache when offline;
// - data/ files: first the parts the reader saved for offline use (offline.js and
//   packs.js: packs in the folio-saved cache and their index in IndexedDB, never evicted
//   here), then the read-as-you-go cache, then the network. Every name but
//   data/folio.json is a content hash, checked before a file is kept in the read-as-you-go cache and whenever a kept or saved file is read back, so
//   nothing damaged is ever served; that cache keeps at most DATA_BUDGET bytes, dropping the least recently used;
// - data/folio.json: network first; when offline, the entry the saved parts were saved
//   from (so saved files and entry always match), else the last one seen;
// - navigations: network first, else the cached index.html, so every deep link opens offline;
// - requests marked ?folio-save=1 (a save under way) go to the network untouched, routed
//   past this worker where the browser can (see install).
'use strict';

// VERSION names the caches; `folio build` stamps it with a hash of the site files, so a
// new viewer replaces the cached one.
const VERSION = 'folio-__FOLIO_VERSION__';
const SHELL = `${VERSION}-shell`;
const DATA = 'folio-data';
const SAVED = 'folio-saved'; // see offline.js
const PARTS = 'folio-saved-parts';
const META = 'folio-meta'; // the read-as-you-go cache's use order and sizes
const KEEP = new Set([DATA, SAVED, PARTS, META]); // caches a new viewer keeps
// DATA_BUDGET is how many bytes the read-as-you-go cache keeps: 64 MB, or the page's
// <html data-folio-cache-mb> (folio.js passes it as ?budget=).
const DATA_BUDGET = Number(new URL(self.location.href).searchParams.get('budget')) || 64 << 20;
const ENTRY_WAIT = 4000; // ms to wait for folio.json before using the cached one
const MARK = 'folio-save=1';

// APP is this viewer's folder: every version has its own, so its files never change.
const APP = 'app/__FOLIO_VERSION__/';
const SHELL_FILES = [
  'index.html',
  'manifest.webmanifest',
  'icon.svg',
  'icon-192.png',
  ...[
    'style.css',
    'folio.js',
    'offline.js',
    'packs.js',
    'app.js',
    'i18n.js',
    'worker.js',
    'views/common.js',
    'views/lists.js',
    'views/post.js',
    'views/search.js',
    'views/terms.js',
    'views/saved.js',
    'wasm/wasm_exec.js',
    'wasm/app.wasm',
  ].map((f) => APP + f),
];

const scope = new URL(self.registration.scope);
const abs = (name) => new URL(name, scope).href;
const shellSet = new Set(SHELL_FILES.map(abs));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      // A save's requests (?folio-save=1) go straight to the network without waking this
      // worker for each of them (the static routing API, where the browser has it; the
      // fetch handler lets them through otherwise).
      if (typeof event.addRoutes === 'function' && typeof URLPattern === 'function') {
        await event.addRoutes({ condition: { urlPattern: new URLPattern({ search: MARK }) }, source: 'network' }).catch(() => {});
      }
      const cache = await caches.open(SHELL);
      // Revalidate (no-cache) so the shell matches the server; a missing file does not
      // stop the rest from being cached.
      const results = await Promise.allSettled(SHELL_FILES.map((f) => cache.add(new Request(abs(f), { cache: 'no-cache' }))));
      if (results[0].status === 'rejected') throw results[0].reason; // no page, no offline use
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('folio-') && name !== SHELL && !KEEP.has(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function networkFirst(request, cacheName, wait = 0) {
  const cache = await caches.open(cacheName);
  const network = fetch(request).then(async (resp) => {
    const keep = resp.ok && (cacheName !== DATA || (await intact(request.url, resp.clone()).catch(() => false)));
    if (keep) cache.put(request, resp.clone()).catch(() => {});
    return resp;
  });
  network.catch(() => {}); // when the cached copy wins, a later failure is no error
  try {
    if (!wait) return await network;
    const cached = await cache.match(request, { ignoreVary: true });
    if (!cached) return await network;
    const slow = new Promise((resolve) => setTimeout(() => resolve(cached), wait));
    return await Promise.race([network.catch(() => cached), slow]);
  } catch (err) {
    const cached = (await savedEntry(request)) || (await cache.match(request, { ignoreVary: true }));
    if (cached) return cached;
    throw err;
  }
}

// savedEntry is the folio.json the saved parts were saved from, for a request of it.
async function savedEntry(request) {
  if (!new URL(request.url).pathname.endsWith('/data/folio.json')) return null;
  return (await caches.open(SAVED)).match(savedKey(request.url), { ignoreVary: true });
}

// ---- the read-as-you-go cache's byte budget ----
//
// lru maps each URL in DATA to its size, least recently used first (a Map keeps insertion
// order; a use moves the URL to the end). It is kept in META now and then, so that the
// order survives the worker being stopped; entries it does not know (a lost record) are
// measured once.
let lru = null;
let lruBytes = 0;
let lruSaving = 0;
const LRU_KEY = new URL('.folio-lru', self.registration.scope).href;

async function loadLRU() {
  if (lru) return lru;
  const map = new Map();
  let known = [];
  try {
    const r = await (await caches.open(META)).match(LRU_KEY);
    if (r) known = await r.json();
  } catch {
    known = [];
  }
  const cache = await caches.open(DATA);
  const present = new Set((await cache.keys()).map((k) => k.url));
  for (const [url, n] of known) if (present.has(url)) map.set(url, n);
  for (const url of present) {
    if (map.has(url)) continue;
    const r = await cache.match(url, { ignoreVary: true });
    map.set(url, r ? (await r.arrayBuffer()).byteLength : 0);
  }
  if (!lru) {
    lru = map;
    lruBytes = 0;
    for (const n of map.values()) lruBytes += n;
  }
  return lru;
}

function saveLRU() {
  clearTimeout(lruSaving);
  lruSaving = setTimeout(async () => {
    try {
      await (await caches.open(META)).put(LRU_KEY, new Response(JSON.stringify([...lru])));
    } catch {
      /* the order is a hint: losing it costs one measuring pass */
    }
  }, 1000);
}

async function used(url, bytes) {
  const map = await loadLRU();
  if (map.has(url)) {
    lruBytes -= map.get(url);
    map.delete(url);
  }
  map.set(url, bytes);
  lruBytes += bytes;
  if (lruBytes > DATA_BUDGET) {
    const cache = await caches.open(DATA);
    for (const [old, n] of map) {
      if (lruBytes <= DATA_BUDGET || old === url) break;
      map.delete(old);
      lruBytes -= n;
      await cache.delete(old, { ignoreVary: true });
    }
  }
  saveLRU();
}

// intact checks a data file's bytes against the content hash in its name (every data
// file but folio.json has one), so that nothing damaged is kept: not a changed or
// truncated file, nor the HTML page some hosts answer for a missing file. folio.json
// must at least be a JSON object.
const hashedName = /\/([0-9a-f]{16})\.[a-z]+$/;
async function intact(url, resp) {
  const bytes = new Uint8Array(await resp.arrayBuffer());
  const m = hashedName.exec(new URL(url).pathname);
  if (!m) return bytes[0] === 0x7b; // '{'
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (let i = 0; i < 8; i++) hex += sum[i].toString(16).padStart(2, '0');
  return hex === m[1];
}

// savedKey is the URL the saved folio.json is kept under: its own, with no query (an exact
// key: ignoreSearch makes the browser walk every entry of the cache).
function savedKey(url) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
}

// ---- saved files (see packs.js, which writes them) ----
//
// A saved file is a slice of a pack (a Cache API entry of many files under .folio-pack/ID);
// its record in the IndexedDB index says which pack, where and how long, and whether it is
// a .gz copy. The database's name, version and record format are packs.js's.
const INDEX_DB = 'folio-saved';
const INDEX_VERSION = 1;
const INDEX_FILES = 'files';
let indexOpening = null;
function openIndex() {
  if (!indexOpening) {
    indexOpening = new Promise((resolve, reject) => {
      const req = indexedDB.open(INDEX_DB, INDEX_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(INDEX_FILES)) req.result.createObjectStore(INDEX_FILES, { keyPath: 'name' });
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => {
          db.close();
          indexOpening = null;
        };
        db.onclose = () => {
          indexOpening = null;
        };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('index blocked'));
    });
    indexOpening.catch(() => {
      indexOpening = null;
    });
  }
  return indexOpening;
}
async function indexDo(mode, fn) {
  const db = await openIndex();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(INDEX_FILES, mode);
    const req = fn(tx.objectStore(INDEX_FILES));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}
const packURL = (id) => new URL(`.folio-pack/${encodeURIComponent(id)}`, scope).href;

// fromSaved answers a data file from the saved parts, decoding the .gz copies they keep.
// Saves do not check content hashes (the page does not decode the copies): this does, and
// drops a damaged file's record, so that the next save fetches it again.
async function fromSaved(url) {
  const path = new URL(url).pathname;
  const dataPath = `${scope.pathname}data/`;
  if (!path.startsWith(dataPath)) return null;
  const name = decodeURIComponent(path.slice(dataPath.length));
  let rec;
  try {
    rec = await indexDo('readonly', (s) => s.get(name));
  } catch {
    return null; // no index (a browser without IndexedDB here): nothing is saved
  }
  if (!rec) return null;
  const pack = await (await caches.open(SAVED)).match(packURL(rec.pack));
  let bytes = null;
  if (pack) {
    const part = (await pack.blob()).slice(rec.at, rec.at + rec.size);
    bytes = await new Response(rec.gz ? part.stream().pipeThrough(new DecompressionStream('gzip')) : part).arrayBuffer().catch(() => null);
  }
  const type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
  if (bytes && (await intact(url, new Response(bytes)).catch(() => false))) return new Response(bytes, { headers: { 'content-type': type } });
  await indexDo('readwrite', (s) => s.delete(name)).catch(() => {});
  return null;
}

async function cacheFirst(request) {
  const saved = await fromSaved(request.url);
  if (saved) return saved;
  const cache = await caches.open(DATA);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) {
    const bytes = await cached.clone().arrayBuffer().catch(() => null);
    if (bytes && (await intact(request.url, new Response(bytes)).catch(() => false))) {
      used(request.url, bytes.byteLength).catch(() => {});
      return cached;
    }
    await cache.delete(request, { ignoreVary: true }); // kept by an older viewer: fetch again
  }
  const resp = await fetch(request);
  if (resp.ok) {
    const bytes = await resp.clone().arrayBuffer().catch(() => null);
    if (bytes && (await intact(request.url, new Response(bytes)).catch(() => false))) {
      await cache.put(request, resp.clone()).catch(() => {});
      used(request.url, bytes.byteLength).catch(() => {});
    }
  }
  return resp;
}

async function page(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cached = (await caches.match(abs('index.html'), { ignoreVary: true })) || (await caches.match(abs('./'), { ignoreVary: true }));
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (url.search.includes(MARK)) return; // a save under way: straight to the network
  const rel = url.pathname.slice(scope.pathname.length);
  let answer;
  if (req.mode === 'navigate') answer = page(req);
  else if (rel === 'data/folio.json') answer = networkFirst(req, DATA, ENTRY_WAIT);
  else if (rel.startsWith('data/')) answer = cacheFirst(req);
  else if (shellSet.has(url.origin + url.pathname)) answer = networkFirst(req, SHELL);
  else return;
  // Offline and not cached: a plain network error, as without a service worker.
  event.respondWith(answer.catch(() => Response.error()));
});
