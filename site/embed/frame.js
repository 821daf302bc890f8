// frame.js — the engine of Folio's widget (see ../widget.js): this page of the archive is
// framed, hidden, by a host page on any other site. The host hands over a MessageChannel
// port in a postMessage {folio: 'connect', v: 1}; every call then comes on that port as
// {id, op, args} and is answered {id, ok: true, result} or {id, ok: false, error}. The
// calls are those of the public API (folio.js), reduced to what the widget shows: post
// text leaves this page as plain strings, never as HTML.
//
// Where the archive's server answers the JSON API itself (folio serve, the edge: the
// entry file data/folio.json comes with the header Folio-Edge: api, as the viewer's
// worker checks), every call is one request to it, a few milliseconds; the viewer's
// engine (folio.js, its worker and the 14 MB wasm program) starts only on plain static
// hosting, or when the server fails. Both ask the same URL of the same handler.

// This module lives in app/<version>/embed/ of the site; the site's root is three folders up.
const siteRoot = new URL('../../../', import.meta.url);

// engine starts the viewer's engine once and resolves with its API.
let engineStarted = null;
function engine() {
  engineStarted ||= import('../folio.js').then((m) => m.default);
  return engineStarted;
}

// hasAPI resolves to whether the server answers the API: asked as soon as the frame loads
// (the reader has shown intent), and the engine is started at once when it does not.
const hasAPI = fetch(new URL('data/folio.json', siteRoot), { signal: AbortSignal.timeout(10000) }).then(
  (r) => r.ok && r.headers.get('folio-edge') === 'api',
  () => false,
);
hasAPI.then((yes) => {
  if (!yes) engine().then(warmUp, () => {});
});

// warmUp runs one search in the engine as soon as it is ready, unless the reader's own
// came first: a new engine's first search costs seconds more than its next ones (the wasm
// program compiles its code as it first runs it; measured at 10k posts: a search for a
// word that is nowhere 1.3–2.2 s as the first, natively 1 ms), so a reader who showed
// intent a little before searching finds that already paid. The word is the first of
// the newest post's title (two characters of Chinese), so the search also finds posts and
// reads a snippet's.
let searched = false;
async function warmUp(folio) {
  try {
    await folio.ready;
    if (searched) return;
    const r = await folio.list({ limit: 1 });
    const title = (r.items && r.items[0] && r.items[0].title) || '';
    const first = title.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).find(Boolean) || '';
    const word = /\p{Script=Han}/u.test(first) ? first.slice(0, 2) : first.slice(0, 20);
    if (word && !searched) await folio.search(word, { limit: 8 });
  } catch {
    /* a warm-up only: the reader's search reports its own errors */
  }
}

// viaServer asks the server's API for url ("/api/…?…"): the parsed answer, a FolioError-like
// error for the server's own errors (a bad query, 404), or null when the server cannot be
// reached or fails (the engine answers then).
async function viaServer(url) {
  let resp;
  let data;
  try {
    resp = await fetch(new URL(url.slice(1), siteRoot), { signal: AbortSignal.timeout(10000) });
    if (resp.status >= 500 || !/json/.test(resp.headers.get('content-type') || '')) return null;
    data = await resp.json();
  } catch {
    return null;
  }
  if (resp.status >= 400) {
    throw Object.assign(new Error((data && data.error) || `status ${resp.status}`), { code: (data && data.code) || 'error' });
  }
  return data;
}

// request answers url through the server when it has the API, else through the engine.
async function request(url) {
  if (await hasAPI) {
    const data = await viaServer(url);
    if (data) return data;
  }
  return (await engine()).request(url);
}

// query builds an API URL the way folio.js does (empty parameters left out, in this order).
function query(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

const MAX_LIMIT = 50;
let port = null;

function text(v, max) {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function limit(v, fallback) {
  return Number.isSafeInteger(v) && v > 0 ? Math.min(v, MAX_LIMIT) : fallback;
}

// segments turns a sanitized snippet ("… <mark>tea</mark> …") into [[text, marked]], the
// only form in which post text reaches the host. The parsed document is inert: nothing in
// it loads or runs.
function segments(html) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  const out = [];
  const walk = (node, marked) => {
    for (const c of node.childNodes) {
      if (c.nodeType === Node.TEXT_NODE) {
        const last = out[out.length - 1];
        if (last && last[1] === marked) last[0] += c.data;
        else if (c.data) out.push([c.data, marked]);
      } else if (c.nodeType === Node.ELEMENT_NODE) walk(c, marked || c.localName === 'mark');
    }
  };
  walk(doc.body, false);
  return out;
}

function post(x, withSnippet) {
  const p = {
    url: text(x.url, 2000),
    title: text(x.title, 300),
    date: text(x.date, 40),
    categories: Array.isArray(x.categories) ? x.categories.filter((c) => typeof c === 'string').slice(0, 5) : [],
  };
  if (withSnippet) p.snippet = segments(typeof x.snippet === 'string' ? x.snippet : '');
  return p;
}

const ops = {
  async search(a) {
    const q = text(a.q, 500);
    searched = true;
    // As folio.search(q, {limit}) asks it.
    const r = await request(query('/api/search', { q, offset: 0, limit: limit(a.limit, 8) }));
    return { total: r.total, exact: r.exact !== false, hits: (r.hits || []).map((h) => post(h, true)) };
  },
  async list(a) {
    // As folio.list({category, tag, limit}) asks it.
    const r = await request(query('/api/list', { category: text(a.category, 200), tag: text(a.tag, 200), offset: 0, limit: limit(a.limit, 5) }));
    return { total: r.total, items: (r.items || []).map((x) => post(x, false)) };
  },
  async site() {
    const s = await request('/api/site');
    return { title: text(s.title, 300), posts: s.posts };
  },
};

async function answer(m) {
  if (typeof m !== 'object' || m === null || !Number.isSafeInteger(m.id)) return;
  const { id, op } = m;
  const args = typeof m.args === 'object' && m.args !== null ? m.args : {};
  if (!Object.hasOwn(ops, op)) {
    port.postMessage({ id, ok: false, error: { code: 'bad_request', message: 'unknown call' } });
    return;
  }
  try {
    port.postMessage({ id, ok: true, result: await ops[op](args) });
  } catch (err) {
    port.postMessage({ id, ok: false, error: { code: text(err && err.code, 40) || 'error', message: text(err && err.message, 300) || 'error' } });
  }
}

// Only the page that frames this one may connect, once; any site may frame it (its
// answers are the archive's public posts), and the port keeps the conversation private.
addEventListener('message', (ev) => {
  if (port || window.parent === window || ev.source !== window.parent) return;
  const d = ev.data;
  if (typeof d !== 'object' || d === null || d.folio !== 'connect' || d.v !== 1 || ev.ports.length !== 1) return;
  port = ev.ports[0];
  port.onmessage = (e) => answer(e.data);
  port.postMessage({ type: 'hello', v: 1 });
});
