// post.js — one post, found by its original Jekyll URL; with ?highlight= the searched
// words are marked in its body.

import * as folio from '../folio.js';
import { t } from '../i18n.js';
import { h, href, message, postHref, termLinks, time } from './common.js';

/** post resolves the path to a post and shows it, or the not-found view. */
export async function post(ctx) {
  let id;
  try {
    ({ id } = await folio.resolve(ctx.decodedPath));
  } catch (err) {
    if (err.code === 'not_found' || err.status === 404) return notFound(ctx);
    throw err;
  }
  const p = await folio.post(id);
  const q = (ctx.query.get('highlight') || '').trim();
  const body = h('div', { class: 'prose', html: p.html || '' });
  tidy(body);
  const lang = guessLang(`${p.title} ${body.textContent.slice(0, 2000)}`);
  const h1 = h('h1', { tabindex: '-1' }, p.title || p.id);
  const header = h(
    'header',
    {},
    h1,
    h(
      'p',
      { class: 'meta' },
      time(p.date),
      p.categories && p.categories.length ? h('span', { class: 'terms' }, h('span', { class: 'visually-hidden' }, `${t('postedIn')}: `), termLinks('categories', p.categories, 'cat', true)) : null,
    ),
  );
  const nodes = [];
  if (q) {
    const n = highlight(h1, q) + highlight(body, q);
    const bar = h('p', { class: 'highlight-bar', role: 'note' }, t('highlighted', { n, q }), ' ');
    if (n) {
      bar.append(
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              const m = body.querySelector('mark') || h1.querySelector('mark');
              m.scrollIntoView({ block: 'center' });
              m.setAttribute('tabindex', '-1');
              m.focus({ preventScroll: true });
            },
          },
          t('jumpFirst'),
        ),
        ' · ',
      );
    }
    bar.append(h('a', { href: postHref(p.url) }, t('clearHighlight')));
    nodes.push(bar);
  }
  const tags = p.tags && p.tags.length ? h('p', { class: 'post-tags' }, h('span', { class: 'visually-hidden' }, `${t('taggedWith')}: `), termLinks('tags', p.tags)) : null;
  const source = h(
    'dl',
    { class: 'source' },
    h('dt', {}, t('originalFile')),
    h('dd', {}, h('code', {}, p.file || '')),
    h('dt', {}, t('originalURL')),
    h('dd', {}, h('a', { href: postHref(p.url) }, h('code', {}, p.url || ''))),
  );
  const article = h('article', { class: 'post', lang: lang || null }, header, nodes, body, h('footer', {}, tags, source));
  const nav = neighbours(p);
  return { title: p.title || p.id, node: [article, nav] };
}

function neighbours(p) {
  if (!p.older && !p.newer) return null;
  const link = (x, rel, label) =>
    x ? h('a', { class: `neighbour ${rel}`, rel, href: postHref(x.url) }, h('span', { class: 'label' }, label), h('span', { class: 'title' }, x.title || x.id)) : h('span', { class: `neighbour ${rel} none` });
  return h('nav', { class: 'neighbours', 'aria-label': t('morePosts') }, link(p.older, 'prev', `← ${t('prevPost')}`), link(p.newer, 'next', `${t('nextPost')} →`));
}

function notFound(ctx) {
  const words = ctx.decodedPath
    .replace(/\.[a-z]+$/i, '')
    .split('/')
    .filter((s) => s && !/^\d+$/.test(s))
    .pop();
  const q = (words || '').replace(/[-_]+/g, ' ').trim();
  const actions = [h('a', { class: 'btn', href: href('/') }, t('backHome'))];
  if (q) actions.push(h('a', { class: 'btn', href: href('/search', { q }) }, t('searchFor', { q })));
  return { title: t('notFound'), node: message('notfound', t('notFound'), t('notFoundText'), ...actions), status: 404 };
}

// tidy lets wide tables scroll on their own instead of widening the page.
function tidy(body) {
  for (const table of body.querySelectorAll('table')) {
    const wrap = h('div', { class: 'table-wrap', tabindex: '0' });
    table.replaceWith(wrap);
    wrap.append(table);
  }
  for (const img of body.querySelectorAll('img')) {
    img.loading = 'lazy';
    img.decoding = 'async';
  }
}

// guessLang names the language of a post's text when its script makes it plain, so that
// the browser picks the right CJK glyphs and screen readers the right voice.
function guessLang(text) {
  const kana = (text.match(/[\u3040-\u30ff]/g) || []).length;
  const hangul = (text.match(/[\uac00-\ud7af]/g) || []).length;
  const han = (text.match(/[\u4e00-\u9fff]/g) || []).length;
  const letters = (text.match(/[A-Za-z]/g) || []).length;
  if (kana > 10) return 'ja';
  if (hangul > 20) return 'ko';
  if (han > 20 && han * 2 > letters / 4) return 'zh';
  if (letters > 40 && han === 0 && kana === 0) return 'en';
  return '';
}

/** terms returns the words and phrases of a search query worth marking in the text. */
export function terms(q) {
  const out = [];
  const re = /(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))/g;
  let m;
  while ((m = re.exec(q))) {
    const [, neg, field, phrase, word] = m;
    if (neg) continue;
    if (field && field !== 'title') continue;
    const v = (phrase ?? word ?? '').trim();
    if (!v || v === 'OR' || v === 'AND' || v === 'NOT') continue;
    out.push(v);
  }
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

const MAX_MARKS = 500;

/** highlight wraps the matches of the query's words in <mark>; it returns their number. */
export function highlight(root, q) {
  const words = terms(q);
  if (!words.length) return 0;
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest('script,style,mark,textarea') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  let count = 0;
  for (const node of nodes) {
    const text = node.nodeValue;
    re.lastIndex = 0;
    if (!re.test(text)) continue;
    re.lastIndex = 0;
    const frag = document.createDocumentFragment();
    let last = 0;
    let m;
    while ((m = re.exec(text)) && count < MAX_MARKS) {
      if (!m[0]) {
        re.lastIndex++;
        continue;
      }
      frag.append(text.slice(last, m.index), h('mark', {}, m[0]));
      last = m.index + m[0].length;
      count++;
    }
    frag.append(text.slice(last));
    node.replaceWith(frag);
    if (count >= MAX_MARKS) break;
  }
  return count;
}
