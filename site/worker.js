// worker.js — the dedicated Web Worker that runs the Go viewer (wasm/app.wasm) for the page.
//
// Protocol: the page posts {id, url}; the worker answers {id, status, body} or {id, error}.
// The worker also posts {type: 'progress', phase, loaded, total}, then {type: 'ready'} or
// {type: 'failed', message, code}. The worker's name is the tag of the module it last
// started (see instantiate). The Go program sets globalThis.folioHandle(url) and
// calls globalThis.folioReady() (or folioFailed(message[, code])); it fetches the data
// bundle itself from the site's data/ (folioDataURL), through globalThis.folioFetch.
//
// On the edge (folio worker: the site's entry file comes with the header Folio-Edge: api),
// searches go to the host's /api/search, one request each, instead of the Go program,
// which would fetch the search data and a post shard per hit; when the host cannot be
// reached the Go program answers (from what the service worker keeps).
'use strict';

// The worker lives in app/<version>/ of the site; the data bundle is at the site's root.
self.folioDataURL = new URL('../../data/', self.location.href).href;

let ready = false;
let failed = false;
const queue = [];

function fail(message, code) {
  if (failed) return;
  failed = true;
  self.postMessage({ type: 'failed', message, code: code || 'wasm' });
  for (const m of queue.splice(0)) self.postMessage({ id: m.id, error: message });
}

self.folioReady = () => {
  if (ready || failed) return;
  if (typeof self.folioHandle !== 'function') {
    fail('The viewer program did not provide folioHandle.', 'wasm');
    return;
  }
  ready = true;
  self.postMessage({ type: 'ready', module: tag });
  for (const m of queue.splice(0)) handle(m);
};

self.folioFailed = (message, code) => {
  const text = String(message || 'The viewer program failed to start.');
  fail(text, code ? String(code) : /version/i.test(text) ? 'version' : 'data');
};

// edgeAPI is the base URL of the host's API once the entry file said it has one.
let edgeAPI = null;

// fromEdge asks the host's API; it resolves to {status, body}, or null when the host
// cannot be reached or fails (the Go program answers then).
async function fromEdge(url) {
  try {
    const resp = await fetch(new URL(url.slice(1), edgeAPI), { signal: AbortSignal.timeout(STALL_MS) });
    if (resp.status >= 500) return null;
    return { status: resp.status, body: await resp.text() };
  } catch {
    return null;
  }
}

async function handle({ id, url }) {
  try {
    url = String(url);
    const r = (edgeAPI && /^\/api\/search(\?|$)/.test(url) && (await fromEdge(url))) || (await self.folioHandle(url));
    const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? null);
    self.postMessage({ id, status: Number(r.status) || 0, body });
  } catch (e) {
    self.postMessage({ id, error: String((e && e.message) || e) });
  }
}

self.onmessage = (ev) => {
  const m = ev.data || {};
  if (typeof m.id !== 'number') return;
  if (failed) self.postMessage({ id: m.id, error: 'The viewer is not running.' });
  else if (ready) handle(m);
  else queue.push(m);
};

// folioFetch(url, revalidate) fetches a data file for the Go program and resolves to
// {status, bytes, release}: bytes is a view of a pooled buffer the file was read into,
// which the caller copies and then hands back with release(). Two things keep the
// worker's memory flat while searches fetch many files (measured at 100k posts: 324 MB
// for the page 1 s after 20 searches with plain fetch + arrayBuffer, 283 MB with both):
//  - Reused buffers: Go holds on to the JavaScript values it has seen until its own
//    collector runs, so a new ArrayBuffer per response stays alive long after use.
//  - A collection soon after a burst of fetches (see collectSoon): the spent requests'
//    machinery is otherwise kept until the worker's next full collection, which an idle
//    worker may not run for half a minute.
const bufferPool = [];
const poolSize = 12; // buffers kept for reuse (about the parallel fetches of one search)
const poolMaxBytes = 1 << 20; // larger buffers are not kept (at most 12 MB kept in all)

// A data request that receives nothing for STALL_MS is given up (aborted, so it frees its
// connection: browsers open only six per host, and six stalled requests would otherwise
// block every later one). The page's own timeout is longer (folio.js TIMEOUT).
const STALL_MS = 10000;
const hashedName = /\/([0-9a-f]{16})\.[a-z]+$/;
const entryURL = new URL('folio.json', self.folioDataURL).href;
const none = new Uint8Array(0);

// damagedBy compares bytes with the content hash in the URL's file name: it returns a
// reason when they differ, '' when they match or the name has no hash, and null when
// this browser cannot hash here (no crypto.subtle outside secure contexts: Go checks).
async function damagedBy(url, bytes) {
  const m = hashedName.exec(new URL(url, self.location.href).pathname);
  if (!m) return '';
  if (!self.crypto || !self.crypto.subtle) return null;
  const sum = new Uint8Array(await self.crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (let i = 0; i < 8; i++) hex += sum[i].toString(16).padStart(2, '0');
  if (hex === m[1]) return '';
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trim().toLowerCase();
  const what = head.startsWith('<!doctype html') || head.startsWith('<html') ? 'an HTML page was served in its place' : 'changed or truncated';
  return `${what}; ${bytes.byteLength} bytes`;
}

// reachable tells a body that could not be decoded (a damaged .br/.gz copy on the server)
// from a lost connection: the server answers a plain request for the same file.
async function reachable(url) {
  try {
    const r = await fetch(url, { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(5000) });
    return r.ok;
  } catch {
    return false;
  }
}

self.folioFetch = async (url, revalidate) => {
  // The stall timer is set once and, when it fires, set again for what is left since the
  // last sign of life: resetting a timer on every chunk cost the worker more than the
  // digest of the bytes (a CPU profile of the warm first runs at 10k posts).
  const ctl = new AbortController();
  let last = performance.now();
  const alive = () => {
    last = performance.now();
  };
  const check = () => {
    const quiet = performance.now() - last;
    if (quiet >= STALL_MS) ctl.abort();
    else timer = setTimeout(check, STALL_MS - quiet);
  };
  let timer = setTimeout(check, STALL_MS);
  const stalled = { status: 0, bytes: none, release() {}, stalled: `${STALL_MS / 1000} s` };
  const undecodable = { status: 0, bytes: none, release() {}, damaged: 'the server sent a body that could not be decoded (a damaged compressed copy?)' };
  try {
    let resp;
    try {
      resp = await fetch(url, { cache: revalidate ? 'no-cache' : 'default', signal: ctl.signal });
    } catch (e) {
      if (ctl.signal.aborted) return stalled;
      if (await reachable(url)) return undecodable;
      throw e;
    }
    alive();
    let got;
    try {
      got = await readBody(resp, alive);
    } catch (e) {
      if (ctl.signal.aborted) return stalled;
      if (await reachable(url)) return undecodable;
      throw e;
    }
    if (!resp.ok) return { status: resp.status, bytes: none, release() {} };
    if (url === entryURL) edgeAPI = resp.headers.get('folio-edge') === 'api' ? new URL('../../', self.location.href) : null;
    const damaged = await damagedBy(url, got.bytes);
    if (damaged) {
      got.release();
      return { status: resp.status, bytes: none, release() {}, damaged };
    }
    return { status: resp.status, bytes: got.bytes, release: got.release, checked: damaged === '' };
  } finally {
    clearTimeout(timer);
  }
};

// readBody reads a response into a pooled buffer (see above), calling alive on every
// chunk, and returns {bytes, release}.
async function readBody(resp, alive) {
  let reader = null;
  try {
    if (resp.ok && resp.body) reader = resp.body.getReader({ mode: 'byob' });
  } catch {
    reader = null; // not a byte stream in this browser: read it whole
  }
  if (!reader) {
    const bytes = resp.ok ? new Uint8Array(await resp.arrayBuffer()) : none;
    collectSoon();
    return { bytes, release() {} };
  }
  let buf = bufferPool.pop() || new ArrayBuffer(64 << 10);
  let n = 0;
  try {
    for (;;) {
      if (n === buf.byteLength) {
        const bigger = new ArrayBuffer(buf.byteLength * 2);
        new Uint8Array(bigger).set(new Uint8Array(buf));
        buf = bigger;
      }
      const { done, value } = await reader.read(new Uint8Array(buf, n));
      alive();
      if (value) buf = value.buffer; // each read hands the buffer back as a new object
      if (done) break;
      n += value.byteLength;
    }
  } finally {
    reader.releaseLock();
    collectSoon();
  }
  const full = buf;
  return {
    bytes: new Uint8Array(full, 0, n),
    release() {
      if (bufferPool.length < poolSize && full.byteLength <= poolMaxBytes && !bufferPool.includes(full)) bufferPool.push(full);
    },
  };
}

// collectSoon asks for a garbage collection once the fetches pause. Scripts cannot start
// one directly; what they can do is allocate a large buffer, which the engine counts as
// memory pressure and answers with a collection. The buffer is never written, so it
// costs address space, not memory, and is dropped at once. (Measured at 100k posts, 1 s
// after 20 searches: with 64 MB the collection came in time in 9 runs of 12, leaving
// 310–315 MB in the others; with 256 MB in 8 of 8, 276–283 MB.)
let collectTimer = 0;
const collectDelay = 200; // ms after the last fetch ended
const pressureBytes = 256 << 20;
let lastFetchEnded = 0;
function collectSoon() {
  // As with the stall timer, one timer per burst, set again while fetches keep ending.
  lastFetchEnded = performance.now();
  if (collectTimer) return;
  const check = () => {
    const quiet = performance.now() - lastFetchEnded;
    if (quiet < collectDelay) {
      collectTimer = setTimeout(check, collectDelay - quiet);
      return;
    }
    collectTimer = 0;
    try {
      new ArrayBuffer(pressureBytes);
    } catch {
      // no room for it: nothing to do
    }
  };
  collectTimer = setTimeout(check, collectDelay);
}

// counted passes the download through a stream that reports progress.
function counted(resp) {
  if (!resp.body || typeof TransformStream !== 'function') return resp;
  const encoded = resp.headers.get('content-encoding');
  const total = encoded ? 0 : Number(resp.headers.get('content-length')) || 0;
  let loaded = 0;
  let last = 0;
  const meter = new TransformStream({
    transform(chunk, ctl) {
      loaded += chunk.byteLength;
      const now = Date.now();
      if (now - last > 250) {
        last = now;
        self.postMessage({ type: 'progress', phase: 'download', loaded, total });
      }
      ctl.enqueue(chunk);
    },
  });
  return new Response(resp.body.pipeThrough(meter), { status: resp.status, statusText: resp.statusText, headers: resp.headers });
}

// moduleTag names the module's version by its validators, or '' when it has none.
function moduleTag(resp) {
  const h = resp.headers;
  const v = h.get('etag') || h.get('last-modified');
  return v ? `${v} ${h.get('content-length') || ''}` : '';
}
let tag = '';

async function instantiate(go) {
  const url = 'wasm/app.wasm';
  let resp;
  try {
    resp = await fetch(url);
  } catch (e) {
    throw Object.assign(new Error(`${url} could not be downloaded (${e.message}); are you offline?`), { code: 'network' });
  }
  if (!resp.ok) throw new Error(`${url} could not be downloaded: HTTP ${resp.status}`);
  // Download progress is counted only for a module this browser has not started before
  // (the page passes the last started module's tag as the worker's name): passing the
  // bytes through a JavaScript stream leaves about the module's size behind in memory.
  tag = moduleTag(resp);
  const count = tag && tag === self.name ? (r) => r : counted;
  const type = (resp.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
  if (typeof WebAssembly.instantiateStreaming === 'function' && type === 'application/wasm') {
    try {
      return await WebAssembly.instantiateStreaming(count(resp), go.importObject);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      resp = await fetch(url); // a proxy changed the body or its type: try once more, buffered
    }
  }
  const bytes = await count(resp).arrayBuffer();
  self.postMessage({ type: 'progress', phase: 'compile' });
  return WebAssembly.instantiate(bytes, go.importObject);
}

async function start() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    fail('This browser cannot run WebAssembly (it may be turned off), which the viewer needs.', 'nowasm');
    return;
  }
  try {
    importScripts('wasm/wasm_exec.js');
  } catch (e) {
    fail(`wasm/wasm_exec.js could not be loaded: ${e.message}`, 'wasm');
    return;
  }
  if (typeof self.Go !== 'function') {
    fail('wasm/wasm_exec.js did not define the Go runtime.', 'wasm');
    return;
  }
  const go = new self.Go();
  let instance;
  try {
    ({ instance } = await instantiate(go));
  } catch (e) {
    fail(`The viewer program (wasm/app.wasm) could not be started: ${e.message}`, e.code || 'wasm');
    return;
  }
  self.postMessage({ type: 'progress', phase: 'start' });
  go.run(instance).then(
    () => fail(ready ? 'The viewer program stopped.' : 'The viewer program exited before it was ready.', 'wasm'),
    (e) => fail(`The viewer program crashed: ${(e && e.message) || e}`, 'wasm'),
  );
}

start();
