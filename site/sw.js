// sw.js — Folio's service worker: the viewer keeps working offline.
//
// - install: precache the app shell (page, styles, scripts, wasm);
// - app shell: network first (revalidated, so a new deploy shows at once), cache when offline;
// - data/ files: cache first — every name but data/folio.json is a content hash, checked
//   before a file is kept and when it is read back, so nothing damaged is ever served;
// - data/folio.json: network first, the cached copy when offline or slow;
// - navigations: network first, else the cached index.html, so every deep link opens offline.
'use strict';

// VERSION names the caches; `folio build` stamps it with a hash of the site files, so a
// new viewer replaces the cached one.
const VERSION = 'folio-__FOLIO_VERSION__';
const SHELL = `${VERSION}-shell`;
const DATA = 'folio-data';
const DATA_MAX = 4000; // entries kept in the data cache
const ENTRY_WAIT = 4000; // ms to wait for folio.json before using the cached one

// APP is this viewer's folder: every version has its own, so its files never change.
const APP = 'app/__FOLIO_VERSION__/';
const SHELL_FILES = [
  'index.html',
  'manifest.webmanifest',
  'icon.svg',
  ...[
    'style.css',
    'folio.js',
    'app.js',
    'i18n.js',
    'worker.js',
    'views/common.js',
    'views/lists.js',
    'views/post.js',
    'views/search.js',
    'views/terms.js',
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
        if (name.startsWith('folio-') && name !== SHELL && name !== DATA) await caches.delete(name);
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
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw err;
  }
}

let puts = 0;
async function trim(cache) {
  const keys = await cache.keys();
  for (const k of keys.slice(0, Math.max(0, keys.length - DATA_MAX))) await cache.delete(k);
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

async function cacheFirst(request) {
  const cache = await caches.open(DATA);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) {
    if (await intact(request.url, cached.clone()).catch(() => false)) return cached;
    await cache.delete(request, { ignoreVary: true }); // kept by an older viewer: fetch again
  }
  const resp = await fetch(request);
  if (resp.ok && (await intact(request.url, resp.clone()).catch(() => false))) {
    await cache.put(request, resp.clone()).catch(() => {});
    if (++puts % 100 === 0) trim(cache).catch(() => {});
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
