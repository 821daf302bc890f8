// common.js — DOM building and the pieces several views share: links, post lists,
// pagers, message blocks.

import { t, formatDate, formatNumber } from '../i18n.js';

/** PAGE_SIZE is how many posts a list page shows. */
export const PAGE_SIZE = 20;

/** basePath is the path the site is served under, from <base href>; it ends with "/". */
export const basePath = new URL(document.baseURI).pathname.replace(/[^/]*$/, '');

/**
 * h builds an element: h('a', {href, class}, child…). Children are nodes, strings
 * (text), arrays or null. Attributes: class, text, html (trusted, sanitized HTML only),
 * on* (event listeners); false/null attributes are left out.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'html') el.innerHTML = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** encodePath percent-encodes each segment of a path, whether or not it was encoded already. */
export function encodePath(p) {
  return p
    .split('/')
    .map((s) => {
      let raw = s;
      try {
        raw = decodeURIComponent(s);
      } catch {
        /* a lone "%": keep as written */
      }
      return encodeURIComponent(raw);
    })
    .join('/');
}

/** href returns the link to an app path ("/archive/2022/"), under the base path. */
export function href(path, params) {
  let u = basePath + encodePath(path.replace(/^\/+/, ''));
  if (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) u += `?${s}`;
  }
  return u;
}

export const termHref = (kind, name) => href(`/${kind === 'categories' ? 'category' : 'tag'}/${encodeURIComponent(name)}/`);
export const postHref = (url, params) => href(url || '/', params);

/** time returns a <time> element for an RFC 3339 date. */
export function time(iso, style) {
  return h('time', { datetime: iso, title: iso }, formatDate(iso, style));
}

/** termLinks returns links to the categories or tags of a post; sep puts a dot before each. */
export function termLinks(kind, names, cls = 'chip', sep = false) {
  return (names || []).map((n) => [sep ? h('span', { class: 'sep', 'aria-hidden': 'true' }, '·') : null, h('a', { class: `${cls} ${kind}`, href: termHref(kind, n) }, kind === 'tags' ? `#${n}` : n)]);
}

/** postItem renders one post of a list. */
export function postItem(p, params, snippet) {
  const meta = h('p', { class: 'meta' }, time(p.date, 'short'), termLinks('categories', p.categories, 'cat', true));
  const body = snippet ? h('p', { class: 'snippet', html: snippet }) : p.excerpt ? h('p', { class: 'excerpt' }, p.excerpt) : null;
  return h('li', { class: 'post-item' }, h('h2', {}, h('a', { href: postHref(p.url, params) }, p.title || p.id)), meta, body);
}

/** postList renders a list of posts. */
export function postList(items, params) {
  return h('ol', { class: 'post-list' }, items.map((p) => postItem(p, params)));
}

/** pageOf reads ?page= (1-based). */
export function pageOf(query) {
  const n = parseInt(query.get('page') || '1', 10);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** pager renders newer/older links; link(page) returns the href of a page. */
export function pager(page, total, link, labels = ['newer', 'older'], size = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(total / size));
  if (pages <= 1) return null;
  const [back, fwd] = [`← ${t(labels[0])}`, `${t(labels[1])} →`];
  const prev = page > 1 ? h('a', { class: 'btn', rel: 'prev', href: link(page - 1) }, back) : h('span', { class: 'btn disabled', 'aria-hidden': 'true' }, back);
  const next = page < pages ? h('a', { class: 'btn', rel: 'next', href: link(page + 1) }, fwd) : h('span', { class: 'btn disabled', 'aria-hidden': 'true' }, fwd);
  return h('nav', { class: 'pager', 'aria-label': t('pagination') }, prev, h('span', { class: 'page-no' }, t('pageOf', { page: formatNumber(page), pages: formatNumber(pages) })), next);
}

/** pageLink returns a function making the link to page n of the current URL. */
export function pageLink(url) {
  return (n) => {
    const q = new URLSearchParams(url.search);
    if (n <= 1) q.delete('page');
    else q.set('page', n);
    const s = q.toString();
    return url.pathname + (s ? `?${s}` : '');
  };
}

/** message renders a block with a heading, text and optional actions. */
export function message(kind, title, text, ...actions) {
  return h('section', { class: `message ${kind}` }, h('h1', { tabindex: '-1' }, title), text ? h('p', {}, text) : null, actions.length ? h('p', { class: 'actions' }, actions) : null);
}

/** count returns a small "(12)" badge. */
export function count(n) {
  return h('span', { class: 'count' }, formatNumber(n));
}

/** heading returns the view's h1 (focusable for navigation) with an optional subtitle. */
export function heading(title, sub) {
  return [h('h1', { tabindex: '-1' }, title), sub ? h('p', { class: 'subtitle' }, sub) : null];
}
