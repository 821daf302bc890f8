// lists.js — the views that list posts: home, a category, a tag, a year, a month.

import * as folio from '../folio.js';
import { t, formatMonth } from '../i18n.js';
import { h, href, heading, message, pageLink, pageOf, pager, postList, PAGE_SIZE } from './common.js';

// listing renders one page of a filtered list with its heading.
async function listing(ctx, filter, title, extra) {
  const page = pageOf(ctx.query);
  const r = await folio.list({ ...filter, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
  const sub = t('posts', { n: r.total });
  const nodes = [heading(title, sub), extra || null];
  if (r.items.length) nodes.push(postList(r.items));
  else if (r.total > 0) nodes.push(h('p', { class: 'empty' }, h('a', { href: pageLink(ctx.url)(1) }, `← ${t('newer')}`)));
  else nodes.push(h('p', { class: 'empty' }, t('noTerms')));
  nodes.push(pager(page, r.total, pageLink(ctx.url)));
  const label = page > 1 ? `${title} · ${t('pageOf', { page, pages: Math.ceil(r.total / PAGE_SIZE) })}` : title;
  return { title: label, node: nodes };
}

const yearOf = (iso) => (iso || '').slice(0, 4);

/** home lists the newest posts. */
export async function home(ctx) {
  const s = ctx.site;
  const page = pageOf(ctx.query);
  const r = await folio.list({ offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
  const sub = s.posts ? t('postsSpan', { n: s.posts, from: yearOf(s.oldest), to: yearOf(s.newest) }) : null;
  const nodes = [heading(s.title || 'Folio', sub)];
  if (page === 1) nodes.push(h('h2', { class: 'section' }, t('newest')));
  if (r.items.length) nodes.push(postList(r.items));
  else nodes.push(h('p', { class: 'empty' }, r.total ? h('a', { href: pageLink(ctx.url)(1) }, t('backHome')) : t('noTerms')));
  nodes.push(pager(page, r.total, pageLink(ctx.url)));
  return { title: page > 1 ? t('pageOf', { page, pages: Math.ceil(r.total / PAGE_SIZE) }) : '', node: nodes, home: true };
}

/** category lists the posts of a category. */
export function category(ctx) {
  const name = ctx.params[0];
  const back = h('p', { class: 'crumbs' }, h('a', { href: href('/categories/') }, t('allCategories')));
  return listing(ctx, { category: name }, t('categoryTitle', { name }), back);
}

/** tag lists the posts with a tag. */
export function tag(ctx) {
  const name = ctx.params[0];
  const back = h('p', { class: 'crumbs' }, h('a', { href: href('/tags/') }, t('allTags')));
  return listing(ctx, { tag: name }, t('tagTitle', { name }), back);
}

const pad = (m) => String(m).padStart(2, '0');

// monthsNav links the months of a year that have posts.
async function monthsNav(year, current) {
  let months = [];
  try {
    months = (await folio.terms('months')).terms.filter((m) => m.name.startsWith(`${year}-`));
  } catch {
    /* the list still works without it */
  }
  const items = months.map((m) => {
    const mm = m.name.slice(5, 7);
    const attrs = { class: 'chip', href: href(`/archive/${year}/${mm}/`) };
    if (mm === current) attrs['aria-current'] = 'page';
    return h('li', {}, h('a', attrs, formatMonth(year, mm, true), h('span', { class: 'count' }, m.count)));
  });
  return h(
    'nav',
    { class: 'crumbs', 'aria-label': t('monthsOf', { year }) },
    h('a', { href: href('/archive/') }, t('archiveAll')),
    current ? [' / ', h('a', { href: href(`/archive/${year}/`) }, year)] : null,
    items.length ? h('ul', { class: 'chips' }, items) : null,
  );
}

/** archiveYear lists the posts of a year. */
export async function archiveYear(ctx) {
  const year = ctx.params[0];
  return listing(ctx, { year }, year, await monthsNav(year));
}

/** archiveMonth lists the posts of a month. */
export async function archiveMonth(ctx) {
  const [year, m] = ctx.params;
  const month = +m;
  if (month < 1 || month > 12) return { title: t('notFound'), node: message('notfound', t('notFound'), t('notFoundText')), status: 404 };
  return listing(ctx, { year, month: pad(month) }, formatMonth(year, month), await monthsNav(year, pad(month)));
}
