// post.js — one post, found by its original Jekyll URL; with ?highlight= (and ?prefix=1 when
// the query was being typed) the searched words are marked: the engine says which (its
// marks of the query), this file only finds them in the text.

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
  const q = (ctx.query.get('highlight') || '').trim();
  const [p, marks] = await Promise.all([folio.post(id), q ? marksOf(q, ctx.query.get('prefix') === '1') : []]);
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
    const n = highlight(h1, marks) + highlight(body, marks.filter((m) => !m.title));
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

/** marksOf asks the engine what to mark for a query; a query it cannot read marks nothing. */
async function marksOf(q, prefix) {
  try {
    return (await folio.search(q, { marksOnly: true, prefix })).marks || [];
  } catch {
    return [];
  }
}

// A letter or digit of a script written with spaces: a Latin word or a number matches as a
// whole word (Han, kana and hangul match anywhere).
const WORD = String.raw`(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}])[\p{L}\p{N}])`;
const isWordChar = (c) => new RegExp(`^${WORD}$`, 'u').test(c);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// pattern is the regular expression source of one mark of the engine ({words, prefix}):
// its words in order with nothing but spaces or punctuation between, a Latin word or
// number whole (the last of a prefix mark as the start of a word, marked whole).
function pattern(m) {
  const last = m.words.length - 1;
  const parts = m.words.map((w, i) => {
    const chars = [...w];
    let p = escape(w);
    if (isWordChar(chars[0])) p = `(?<!${WORD})${p}`;
    if (isWordChar(chars[chars.length - 1])) p += m.prefix && i === last ? `${WORD}*` : `(?!${WORD})`;
    return p;
  });
  return parts.join(String.raw`[^\p{L}\p{N}]*`);
}

const MAX_MARKS = 500;

/** highlight wraps the matches of the engine's marks in <mark>; it returns their number. */
export function highlight(root, marks) {
  const ps = marks.filter((m) => m.words && m.words.length).map(pattern);
  if (!ps.length) return 0;
  ps.sort((a, b) => b.length - a.length);
  const re = new RegExp(ps.join('|'), 'giu');
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
