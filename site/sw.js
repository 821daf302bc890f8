// sw.js — Folio's service worker: the viewer keeps working offline.
//
// - install: precache the app shell (page, styles, scripts, wasm);
// - app shell: network first (revalidated, so a new deploy shows at once), cache when offline;
// - data/ files: first the parts the reader saved for offline use (offline.js: the
//   folio-saved cache, never evicted here), then the read-as-you-go cache, then the
//   network. Every name but data/folio.json is a content hash, checked before a file is
//   kept in the read-as-you-go cache and whenever a kept or saved file is read back, so
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

// savedKey is the URL a data file is saved under: its own, with no query. An exact key
// (not ignoreSearch, which makes the browser walk every saved entry) keeps reads quick
// however many files are saved.
function savedKey(url) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
}

// fromSaved answers a data file from the saved parts, decoding the .gz copies they keep:
// offline.js stores the response of name.gz as it came (so its URL ends in .gz, with no
// Content-Encoding when the host did not decode it on the way); older saves marked their
// copies x-folio-gzip. Saves do not check content hashes (the bodies never pass through
// the page): this does, and drops a damaged file, which is then fetched again.
async function fromSaved(url) {
  const cache = await caches.open(SAVED);
  const key = savedKey(url);
  const saved = await cache.match(key, { ignoreVary: true });
  if (!saved) return null;
  const gzip = saved.headers.has('x-folio-gzip') || (new URL(saved.url || key).pathname.endsWith('.gz') && !saved.headers.has('content-encoding'));
  const type = new URL(key).pathname.endsWith('.json') ? 'application/json' : 'application/octet-stream';
  const bytes = await new Response(gzip ? saved.body.pipeThrough(new DecompressionStream('gzip')) : saved.body).arrayBuffer().catch(() => null);
  if (bytes && (await intact(key, new Response(bytes)).catch(() => false))) return new Response(bytes, { headers: { 'content-type': type } });
  await cache.delete(key, { ignoreVary: true });
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
