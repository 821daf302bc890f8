// folio.js — the Folio JavaScript API (window.folio) and the client of the one Web Worker
// that runs the Go viewer (worker.js → wasm/app.wasm). See API.md.
//
// Every call is a GET of the archive's JSON API, answered inside the worker. A call that
// gets no answer within 15 s fails with code "timeout"; start-up fails with a clear
// message when the worker, the wasm program or the bundle cannot be loaded.

import { makeOffline } from './offline.js';

/** TIMEOUT is how long one API call may take, in milliseconds. */
export const TIMEOUT = 15000;

// START_STALL is how long start-up may go without any sign of progress.
const START_STALL = 45000;

/** FolioError is the error every failed call rejects with. */
export class FolioError extends Error {
  constructor(message, code = 'error', status = 0) {
    super(message);
    this.name = 'FolioError';
    this.code = code;
    this.status = status;
  }
}

// This module lives in app/<version>/ of the site; the site's root is two folders up.
const here = (name) => new URL(name, import.meta.url);
const siteRoot = new URL('../../', import.meta.url);
const pending = new Map();
const events = new EventTarget();
const cache = new Map(); // url → parsed answer; a few recent answers for back/forward
const CACHE_MAX = 60;
let worker = null;
let nextID = 1;
let broken = null; // the FolioError after a fatal failure
let siteInfo = null;

let settleReady;
const workerReady = new Promise((resolve, reject) => {
  settleReady = { resolve, reject };
});

function emit(type, detail) {
  events.dispatchEvent(new CustomEvent(type, { detail }));
}

function fail(err) {
  if (broken) return;
  broken = err;
  settleReady.reject(err);
  for (const [, p] of pending) p.reject(err);
  pending.clear();
  emit('failed', err);
}

let stall = 0;
function watchStart() {
  clearTimeout(stall);
  stall = setTimeout(() => fail(new FolioError('The viewer did not start in time (no progress for 45 s).', 'timeout')), START_STALL);
}

// The tag of the last wasm module that started here: the worker counts download progress
// only for a different one (see worker.js).
const MODULE_KEY = 'folio:module';
function remembered() {
  try {
    return localStorage.getItem(MODULE_KEY) || '';
  } catch {
    return '';
  }
}
function remember(tag) {
  try {
    if (tag) localStorage.setItem(MODULE_KEY, tag);
  } catch {
    /* storage may be off; progress is then always counted */
  }
}

function start() {
  if (typeof Worker !== 'function') {
    fail(new FolioError('This browser cannot run Web Workers, which the viewer needs.', 'nowasm'));
    return;
  }
  try {
    worker = new Worker(here('worker.js'), { name: remembered() });
  } catch (e) {
    fail(new FolioError(`The viewer's worker could not be created: ${e.message}`, 'wasm'));
    return;
  }
  watchStart();
  worker.onmessage = (ev) => {
    const m = ev.data || {};
    if (m.type === 'ready') {
      clearTimeout(stall);
      remember(m.module);
      settleReady.resolve();
    } else if (m.type === 'progress') {
      watchStart();
      emit('progress', m);
    } else if (m.type === 'failed') {
      clearTimeout(stall);
      fail(new FolioError(m.message || 'The viewer stopped.', m.code || 'wasm'));
    } else if (pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new FolioError(String(m.error), 'error', 500));
      else p.resolve(m);
    }
  };
  worker.onerror = (ev) => {
    ev.preventDefault();
    clearTimeout(stall);
    fail(new FolioError(`The viewer's worker failed: ${ev.message || 'worker.js could not be loaded'}`, 'wasm'));
  };
}

function send(url) {
  if (broken) return Promise.reject(broken);
  return new Promise((resolve, reject) => {
    const id = nextID++;
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new FolioError(`No answer within ${TIMEOUT / 1000} s for ${url}`, 'timeout', 0));
    }, TIMEOUT);
    const done = (f) => (v) => {
      clearTimeout(timer);
      f(v);
    };
    pending.set(id, { resolve: done(resolve), reject: done(reject) });
    worker.postMessage({ id, url });
  }).then((m) => decode(url, m));
}

function decode(url, m) {
  let data;
  try {
    data = JSON.parse(m.body);
  } catch {
    throw new FolioError(`Unreadable answer for ${url} (status ${m.status})`, m.status >= 400 ? 'error' : 'data', m.status);
  }
  if (m.status >= 400) {
    const err = new FolioError((data && data.error) || `Request failed with status ${m.status}`, (data && data.code) || 'error', m.status);
    // A bundle file that could not be downloaded is a connection problem, not damage.
    if (m.status >= 500 && err.code !== 'version' && (!navigator.onLine || /network error|failed to fetch|offline/i.test(err.message))) err.code = 'network';
    throw err;
  }
  return data;
}

// A page rendered by the server (folio serve, the edge) carries the API answers its
// content came from, in <script type="application/json" id="folio-state"> (see
// internal/pages): the first render takes them instead of asking the worker, so the
// viewer takes the page over at once, with no second fetch of what it shows. Keys are
// request URLs, compared with their parameters sorted.
const seeded = new Map(); // apiKey → {data} or {error}

function apiKey(url) {
  const u = new URL(url, 'http://folio.invalid');
  const params = [...u.searchParams].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return `${u.pathname}?${new URLSearchParams(params)}`;
}

function readState() {
  const el = document.getElementById('folio-state');
  if (!el) return;
  try {
    const state = JSON.parse(el.textContent);
    for (const [url, data] of Object.entries(state.api || {})) seeded.set(apiKey(url), { data });
    for (const [url, error] of Object.entries(state.errors || {})) seeded.set(apiKey(url), { error });
  } catch {
    /* a page without usable state: the viewer asks the worker as usual */
  }
  const site = seeded.get(apiKey('/api/site'));
  if (site) cache.set('/api/site', site.data); // start-up's own question is answered too
}

/** hasState reports whether the page came with the server's answers for its first render. */
export const hasState = () => seeded.size > 0;

/** request GETs an API URL ("/api/…?…") and resolves with its parsed JSON. */
export async function request(url) {
  const key = apiKey(url);
  const s = seeded.get(key);
  if (s) {
    seeded.delete(key); // used once: later renders ask the worker (or its cache)
    if (s.error) throw new FolioError(s.error.error, s.error.code, s.error.status);
    cache.set(url, s.data);
    return structuredClone(s.data);
  }
  await ready;
  return get(url);
}

async function get(url) {
  if (cache.has(url)) {
    const v = cache.get(url);
    cache.delete(url);
    cache.set(url, v); // most recent last
    return structuredClone(v);
  }
  const data = await send(url);
  cache.set(url, data);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value);
  return structuredClone(data);
}

function query(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** ready resolves when the viewer runs and the archive is open; it rejects with a FolioError. */
export const ready = workerReady.then(async () => {
  try {
    siteInfo = await get('/api/site');
  } catch (err) {
    if (err.code === 'not_found' || err.code === 'error' || err.code === 'bad_request') err.code = 'data';
    fail(err);
    throw err;
  }
});
ready.catch(() => {}); // callers handle it; avoid an unhandled-rejection report

/** site returns the archive's description: {title, baseURL, posts, newest, oldest, bundle}. */
export async function site() {
  if (!siteInfo && cache.has('/api/site') && seeded.size) return structuredClone(cache.get('/api/site'));
  await ready;
  return structuredClone(siteInfo);
}

/** list returns a page of posts, newest first: {total, offset, items}. A month is "03" with a year, or "2022-03". */
export function list({ category, tag, year, month, offset = 0, limit = 20 } = {}) {
  const ym = /^(\d{4})-(\d{1,2})$/.exec(month || '');
  if (ym) [, year, month] = ym;
  return request(query('/api/list', { category, tag, year, month, offset, limit }));
}

/** post returns one post with its sanitized HTML and its neighbours. */
export function post(id) {
  return request(query('/api/post', { id }));
}

/** resolve returns {id} of the post whose original URL path is path, or rejects with code "not_found". */
export function resolve(path) {
  return request(query('/api/resolve', { path }));
}

/** terms returns {kind, terms:[{name, count}]} for "categories", "tags", "years" or "months". */
export function terms(kind) {
  return request(query('/api/terms', { kind }));
}

/**
 * search returns {total, exact, hits, facets, marks} for a query; prefix: the query is being
 * typed (its last Latin word matches as a prefix); marksOnly: answer {marks} alone.
 */
export function search(q, { sort, filters = {}, offset = 0, limit = 20, exact = false, prefix = false, marksOnly = false } = {}) {
  const { category, tag, year } = filters;
  if (marksOnly) return request(query('/api/search', { q, prefix: prefix ? 1 : '', marks: 'only' }));
  return request(query('/api/search', { q, sort, category, tag, year, offset, limit, exact: exact ? 1 : '', prefix: prefix ? 1 : '' }));
}

/**
 * offline saves the archive, or a part of it, for use with no network (see offline.js and
 * API.md): estimate(scope), save(scope, {onProgress}), list(), remove(scope), and
 * checkUpdate()/update() for a newly deployed build.
 */
export const offline = makeOffline({
  root: siteRoot,
  FolioError,
  emit,
  current: () => siteInfo && { bundle: siteInfo.bundle, posts: siteInfo.posts, viewer: (/\/app\/([0-9a-f]{16})\//.exec(import.meta.url) || [])[1] || '' },
});

/**
 * on listens to "progress" (start-up), "failed", "offline-progress" (a save) and "update"
 * (a new build was deployed) events; it returns a function that stops listening.
 */
export function on(type, fn) {
  const h = (e) => fn(e.detail);
  events.addEventListener(type, h);
  return () => events.removeEventListener(type, h);
}

// registerServiceWorker installs sw.js for offline use, only where browsers allow it and
// only once the viewer has loaded (so the first visit does not download app.wasm twice).
function registerServiceWorker() {
  const { protocol, hostname } = location;
  const local = hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  if (!('serviceWorker' in navigator) || (protocol !== 'https:' && !local)) return;
  if (document.documentElement.dataset.folioSw === 'off') return;
  const go = () => {
    try {
      // <html data-folio-cache-mb="N"> sets the read-as-you-go cache's budget (default 64).
      const url = new URL('sw.js', siteRoot);
      const mb = Number(document.documentElement.dataset.folioCacheMb);
      if (mb > 0) url.searchParams.set('budget', String(Math.round(mb * 1048576)));
      navigator.serviceWorker.register(url, { scope: siteRoot.pathname }).catch(() => {});
    } catch {
      /* never let the service worker break the page */
    }
  };
  ready.then(go, go);
}

readState();
start();
registerServiceWorker();

const api = { ready, site, hasState, list, post, resolve, terms, search, request, on, offline, FolioError, TIMEOUT };
window.folio = api;
export default api;
