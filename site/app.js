// app.js — the viewer: page shell, History API router, navigation, search box, status
// messages. Views live in views/; the data comes from folio.js.

import * as folio from './folio.js';
import { t, lang, languages, setLang, htmlLang } from './i18n.js';
import { h, href, basePath, message } from './views/common.js';
import { home, category, tag, archiveYear, archiveMonth } from './views/lists.js';
import { categories, tags, archive } from './views/terms.js';
import { post } from './views/post.js';
import { search } from './views/search.js';
import { saved, scopeLabel } from './views/saved.js';

const $ = (sel) => document.querySelector(sel);
const main = $('#main');
const input = $('#q');
const form = $('#search-form');

// Each route: [kind, pattern on the encoded path below the base, view].
const ROUTES = [
  ['home', /^\/(?:index\.html)?$/, home],
  ['categories', /^\/category\/([^/]+)\/?$/, category],
  ['tags', /^\/tag\/([^/]+)\/?$/, tag],
  ['archive', /^\/archive\/?$/, archive],
  ['archive', /^\/archive\/(\d{4})\/?$/, archiveYear],
  ['archive', /^\/archive\/(\d{4})\/(\d{1,2})\/?$/, archiveMonth],
  ['categories', /^\/categories\/?$/, categories],
  ['tags', /^\/tags\/?$/, tags],
  ['search', /^\/search(?:\.html)?\/?$/, search],
  ['saved', /^\/saved\/?$/, saved],
];

const decode = (s) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** appPath returns the path of a URL below the base ("/archive/"), or null outside it. */
function appPath(url) {
  if (url.origin !== location.origin) return null;
  if (url.pathname === basePath.replace(/\/$/, '')) return '/';
  if (!url.pathname.startsWith(basePath)) return null;
  return `/${url.pathname.slice(basePath.length)}`;
}

/** match finds the route of a URL. Any path that is not a view is a post's original URL. */
function match(url) {
  const path = appPath(url);
  if (path === null) return { kind: 'post', view: post, params: [], path: '' };
  for (const [kind, re, view] of ROUTES) {
    const m = re.exec(path);
    if (m) return { kind, view, params: m.slice(1).map(decode), path };
  }
  return { kind: 'post', view: post, params: [], path };
}

// ---- status messages ----

const announcer = $('#announce');
const status = $('#status');
let statusTimer = 0;

/** announce tells screen readers something without showing it. */
function announce(text) {
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = text), 50);
}

/** notify shows a short message at the bottom of the page (and reads it out). */
function notify(text, sticky = false) {
  clearTimeout(statusTimer);
  status.textContent = text;
  status.classList.toggle('show', !!text);
  if (text && !sticky) statusTimer = setTimeout(() => notify(''), 4000);
}

// ---- rendering ----

let site = null;
let token = 0;
// The build puts the newest posts into index.html (.prerendered), and a server-rendered
// page (folio serve, the edge) holds its whole view with the data it came from
// (folio.hasState): keep them on screen instead of a spinner while the viewer starts.
// With that data the first render needs neither the worker nor a fetch.
let shownKind = main.querySelector('.prerendered') ? 'home' : folio.hasState() ? match(new URL(location.href)).kind : '';
let shownError = null;

function fill(nodes) {
  main.replaceChildren();
  const add = (n) => {
    if (Array.isArray(n)) n.forEach(add);
    else if (n) main.append(n);
  };
  add(nodes);
}

function loading(text) {
  fill(h('div', { class: 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { class: 'loading-text' }, text || t('loading'))));
}

function fatal(err) {
  const key = { version: 'fatalVersion', data: 'fatalData', network: 'fatalNetwork', timeout: 'fatalTimeout', wasm: 'fatalWasm', nowasm: 'fatalNoWasm' }[err.code] || 'fatalOther';
  const block = message('error fatal', t('fatalTitle'), t(key), h('button', { type: 'button', class: 'btn primary', onclick: () => location.reload() }, t('reload')));
  block.append(h('details', {}, h('summary', {}, t('details')), h('p', {}, h('code', {}, err.message))));
  return { title: t('fatalTitle'), node: block, error: true };
}

async function failure(err) {
  if (err.code === 'not_found') return { title: t('notFound'), node: message('notfound', t('notFound'), t('notFoundText'), h('a', { class: 'btn', href: href('/') }, t('backHome'))) };
  const retry = h('button', { type: 'button', class: 'btn primary', onclick: () => render({ focus: true }) }, t('retry'));
  if (err.code === 'network' || !navigator.onLine) {
    // With parts saved for offline use, say plainly that this one is not among them.
    const parts = await folio.offline.list().catch(() => []);
    if (parts.length) {
      const names = parts.map((p) => scopeLabel(p.scope)).join(', ');
      return { title: t('notSavedTitle'), node: message('offline notsaved', t('notSavedTitle'), t('notSavedText', { parts: names }), retry, h('a', { class: 'btn', href: href('/saved/') }, t('savedTitle'))), error: err };
    }
    return { title: t('offlineTitle'), node: message('offline', t('offlineTitle'), t('offlineText'), retry), error: err };
  }
  const text = err.code === 'timeout' ? t('timeout') : err.code === 'data' || err.code === 'version' ? t('fatalData') : t('errorTitle');
  const block = message('error', t('errorTitle'), text, retry);
  if (err.message) block.append(h('details', {}, h('summary', {}, t('details')), h('p', {}, h('code', {}, err.message))));
  return { title: t('errorTitle'), node: block, error: err };
}

/**
 * render shows the view of the current URL. Options: focus (move focus to the heading),
 * scroll ("top", a number, or none), keepFocus (keep focus on the control of the same id).
 */
async function render(opts = {}) {
  const my = ++token;
  const url = new URL(location.href);
  const route = match(url);
  const focusedID = opts.keepFocus && document.activeElement && main.contains(document.activeElement) ? document.activeElement.id : '';
  main.setAttribute('aria-busy', 'true');
  syncSearch(route, url, opts.fromHistory);
  const slow = setTimeout(() => {
    if (my === token && (route.kind !== shownKind || shownError)) loading(site ? '' : t('startingViewer'));
  }, site ? 250 : 0);
  let out;
  if (site) folio.offline.checkUpdate().catch(() => {}); // a new build? (at most every 30 s)
  try {
    if (!site && !folio.hasState()) await folio.ready;
    if (!site) {
      site = await folio.site();
      if (site.title) $('.brand span').textContent = site.title;
      const text = main.querySelector('.loading-text');
      if (text) text.textContent = t('loading');
    }
    const ctx = { url, query: url.searchParams, params: route.params, decodedPath: decode(route.path), site, navigate };
    out = await route.view(ctx);
  } catch (err) {
    out = !site || ['version', 'wasm', 'nowasm'].includes(err.code) ? fatal(err) : await failure(err);
  }
  clearTimeout(slow);
  if (my !== token) return;
  fill(out.node);
  main.removeAttribute('aria-busy');
  shownKind = out.error ? 'error' : route.kind;
  shownError = out.error || null;
  const siteTitle = (site && site.title) || 'Folio';
  document.title = out.title ? `${out.title} · ${siteTitle}` : siteTitle;
  for (const a of document.querySelectorAll('.site-nav a')) {
    if (a.dataset.kind === route.kind && !out.error) a.setAttribute('aria-current', route.kind === 'home' ? 'page' : 'true');
    else a.removeAttribute('aria-current');
  }
  if (out.announce) announce(out.announce);
  const again = focusedID && document.getElementById(focusedID);
  if (again) again.focus();
  else if (opts.focus) {
    const h1 = main.querySelector('h1');
    if (h1) h1.focus({ preventScroll: true });
  }
  if (url.hash && jumpTo(url.hash.slice(1), false)) return;
  if (opts.scroll === 'top') window.scrollTo(0, 0);
  else if (typeof opts.scroll === 'number') window.scrollTo(0, opts.scroll);
}

// ---- navigation ----

function saveScroll() {
  try {
    history.replaceState({ ...(history.state || {}), scroll: window.scrollY }, '');
  } catch {
    /* some browsers limit replaceState calls; losing a scroll position is fine */
  }
}

/** navigate goes to an in-app URL. Options: replace, keepFocus (for typing and selects). */
function navigate(to, { replace = false, keepFocus = false } = {}) {
  const target = new URL(to, document.baseURI);
  if (!replace) saveScroll();
  history[replace ? 'replaceState' : 'pushState']({}, '', target.pathname + target.search + target.hash);
  render(keepFocus ? { keepFocus: true } : { focus: true, scroll: 'top' });
}

/** jumpTo scrolls to and focuses the element with an id; it returns whether it exists. */
function jumpTo(id, record = true) {
  const el = document.getElementById(decode(id)) || document.getElementsByName(decode(id))[0];
  if (!el) return false;
  if (!el.matches('a[href],button,input,select,textarea,[tabindex]')) el.setAttribute('tabindex', '-1');
  el.scrollIntoView();
  el.focus({ preventScroll: true });
  // Anchors in a post go into the URL (to share or come back); the skip link does not.
  if (record && el !== main && main.contains(el)) history.replaceState(history.state, '', `${location.pathname}${location.search}#${id}`);
  return true;
}

// Links to files, not pages: let the browser open or download them.
const ASSET = /\.(png|jpe?g|gif|svg|webp|avif|ico|bmp|pdf|zip|gz|tgz|tar|7z|rar|mp3|m4a|ogg|wav|flac|mp4|m4v|mov|webm|txt|md|xml|rss|atom|json|csv|tsv|docx?|xlsx?|pptx?|odt|epub|mobi|js|css|woff2?|ttf|wasm|exe|dmg|apk|iso)$/i;

document.addEventListener('click', (e) => {
  const help = main.querySelector('.search-tools details[open]');
  if (help && !help.contains(e.target)) help.open = false;
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download') || /\bexternal\b/.test(a.rel)) return;
  const raw = a.getAttribute('href');
  if (raw.startsWith('#')) {
    // With <base href>, "#x" would point at the base page: stay here and scroll instead.
    e.preventDefault();
    if (raw.length > 1) jumpTo(raw.slice(1));
    return;
  }
  const url = new URL(a.href);
  const path = appPath(url);
  if (path === null || /^\/(data|wasm)\//.test(path) || ASSET.test(url.pathname)) return;
  e.preventDefault();
  if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    jumpTo(url.hash.slice(1));
    return;
  }
  navigate(url.href);
});

let scrolling = 0;
window.addEventListener('scroll', () => {
  clearTimeout(scrolling);
  scrolling = setTimeout(saveScroll, 150);
}, { passive: true });

window.addEventListener('popstate', () => {
  const s = history.state && history.state.scroll;
  render({ focus: true, scroll: typeof s === 'number' ? s : 'top', fromHistory: true });
});

// ---- search box ----

let typing = 0;

function searchURL(q) {
  const here = new URL(location.href);
  const onSearch = match(here).kind === 'search';
  const params = { q };
  if (onSearch) for (const k of ['sort', 'category', 'tag', 'year']) params[k] = here.searchParams.get(k);
  return { to: href('/search', params), onSearch, same: onSearch && (here.searchParams.get('q') || '') === q };
}

input.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    const q = input.value.trim();
    const { to, onSearch, same } = searchURL(q);
    if ((!q && !onSearch) || same) return;
    navigate(to, { replace: onSearch, keepFocus: true });
  }, 200);
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(typing);
  const q = input.value.trim();
  const { to, onSearch, same } = searchURL(q);
  if (same) {
    render({ keepFocus: true });
    return;
  }
  navigate(to, { replace: onSearch, keepFocus: true });
});

function syncSearch(route, url, force) {
  if (document.activeElement === input && !force) return;
  input.value = route.kind === 'search' ? url.searchParams.get('q') || '' : '';
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    const open = main.querySelector('.search-tools details[open]');
    if (open) {
      open.open = false;
      open.querySelector('summary').focus();
    }
    return;
  }
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  const el = document.activeElement;
  if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
  e.preventDefault();
  input.focus();
  input.select();
});

// ---- language ----

function applyStrings() {
  document.documentElement.lang = htmlLang();
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  const other = languages.find((l) => l !== lang);
  const btn = $('#lang');
  btn.textContent = t('langName', {}, other);
  btn.lang = other === 'zh' ? 'zh-CN' : 'en';
  btn.dataset.to = other;
  btn.setAttribute('aria-label', t('switchTo', {}, other));
}

$('#lang').addEventListener('click', () => {
  setLang($('#lang').dataset.to);
  applyStrings();
  render({ keepFocus: true });
});

// ---- connectivity ----

window.addEventListener('offline', () => notify(t('offlineBanner'), true));
window.addEventListener('online', () => {
  notify(t('onlineBanner'));
  if (shownError && (shownError.code === 'network' || shownError.code === 'timeout' || shownError.code === 'error')) render({ keepFocus: true });
});

// ---- offline: the Saved page in the menu, new builds, installing ----

{
  const nav = $('.site-nav ul');
  // js-only: a control that needs the viewer, added at the takeover (the server's page has
  // no such link); the takeover test leaves these out when it compares the text.
  if (nav && 'caches' in window) nav.append(h('li', { class: 'js-only' }, h('a', { href: href('/saved/'), 'data-kind': 'saved', 'data-i18n': 'saved' }, t('saved'))));
}

let notice = null;
// A new build was deployed: say so, and switch only when the reader agrees (or at the next
// start). Saved parts are brought up to date first, so they never mix two builds.
folio.on('update', (u) => {
  if (notice) notice.remove();
  const btn = h('button', { type: 'button', class: 'btn primary', id: 'update-now' }, t('updateButton'));
  notice = h('div', { class: 'status show update-notice', role: 'status', 'aria-live': 'polite' }, `${t('updateNotice', { n: u.newPosts })} — `, btn);
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    btn.textContent = t('updating');
    let r;
    try {
      r = await folio.offline.update();
    } catch (err) {
      r = { error: err.message };
    }
    try {
      sessionStorage.setItem('folio:updated', JSON.stringify(r));
    } catch {
      /* storage off: the page reloads without the summary */
    }
    location.reload();
  });
  notice.style.bottom = '4.5rem'; // above the status line, which may show at the same time
  document.body.append(notice);
});
folio.ready.then(() => {
  folio.offline.watch();
  let r = null;
  try {
    r = JSON.parse(sessionStorage.getItem('folio:updated') || 'null');
    sessionStorage.removeItem('folio:updated');
  } catch {
    r = null;
  }
  if (!r) return;
  window.__folioUpdated = r; // for tests: what the last update fetched
  notify(r.error ? t('saveFailed', { reason: r.error }) : t('updated', { files: r.files, mb: (r.fetched / 1048576).toFixed(1) }));
}, () => {});

let installPrompt = null;
window.addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault();
  installPrompt = e;
  if ($('#install')) return;
  const btn = h('button', { type: 'button', class: 'lang js-only', id: 'install' }, t('install'));
  btn.addEventListener('click', async () => {
    btn.remove();
    const p = installPrompt;
    installPrompt = null;
    if (p) await p.prompt().catch(() => {});
  });
  $('#lang').before(btn);
});
window.addEventListener('appinstalled', () => {
  const btn = $('#install');
  if (btn) btn.remove();
});

// ---- start ----

folio.on('progress', (p) => {
  const el = main.querySelector('.loading-text');
  if (!el || site) return;
  if (p.phase === 'download' && p.loaded) el.textContent = t('downloading', { mb: (p.loaded / 1048576).toFixed(1), total: p.total ? (p.total / 1048576).toFixed(1) : 0 });
  else if (p.phase !== 'download') el.textContent = t('startingViewer');
});

setTimeout(() => {
  const box = main.querySelector('.loading');
  if (box && !site) box.append(h('p', { class: 'note' }, t('slowStart')));
}, 8000);

if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
applyStrings();
render({ scroll: history.state && typeof history.state.scroll === 'number' ? history.state.scroll : undefined });
if (!navigator.onLine) notify(t('offlineBanner'), true);

// folio serve -watch names itself in a Server-Timing entry of the page: then the page
// reloads when the server says the site was rebuilt. Other hosts never say so.
const served = performance.getEntriesByType('navigation')[0];
if (served && (served.serverTiming || []).some((e) => e.name === 'folio-watch')) {
  new EventSource('api/watch').addEventListener('reload', () => location.reload());
}
