// search.js — the search results view: sort, facet filters, pages, and the help on the
// query syntax. The search box itself lives in the page header (app.js).

import * as folio from '../folio.js';
import { t, formatNumber } from '../i18n.js';
import { h, heading, pageLink, pageOf, pager, postItem, PAGE_SIZE } from './common.js';

const FILTERS = ['category', 'tag', 'year'];
const FACETS = [
  ['categories', 'category', 'categories'],
  ['tags', 'tag', 'tags'],
  ['years', 'year', 'year'],
];

// with returns the current search URL with some parameters changed (and back at page 1).
function withParams(url, changes) {
  const q = new URLSearchParams(url.search);
  q.delete('page');
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
  }
  return `${url.pathname}?${q}`;
}

/** help explains the query syntax. */
export function help() {
  const rows = [
    ['茶 tea', 'helpWords'],
    ['"spring tea"', 'helpPhrase'],
    ['tea -coffee', 'helpExclude'],
    ['tea OR coffee', 'helpOr'],
    ['title:茶会', 'helpTitle'],
    ['category:notes', 'helpCategory'],
    ['tag:新闻', 'helpTag'],
    ['date:2022-01..2022-03', 'helpDate'],
  ];
  return h(
    'details',
    { class: 'help' },
    h('summary', {}, t('searchHelp')),
    h(
      'dl',
      {},
      rows.map(([code, key]) => [h('dt', {}, h('code', {}, code)), h('dd', {}, t(key))]),
    ),
  );
}

function sortSelect(ctx, sort) {
  const sel = h(
    'select',
    {
      id: 'search-sort',
      onchange: () => ctx.navigate(withParams(ctx.url, { sort: sel.value === 'relevance' ? null : sel.value }), { replace: true, keepFocus: true }),
    },
    [
      ['relevance', t('relevance')],
      ['newest', t('newestFirst')],
      ['oldest', t('oldestFirst')],
    ].map(([v, label]) => h('option', { value: v, selected: v === sort }, label)),
  );
  return h('p', { class: 'sort' }, h('label', { for: 'search-sort' }, t('sortBy')), sel);
}

function facets(ctx, facet, filters) {
  const groups = [];
  for (const [key, param, label] of FACETS) {
    let items = ((facet && facet[key]) || []).filter((x) => x.name !== filters[param]);
    if (key === 'years') items.sort((a, b) => b.name.localeCompare(a.name));
    items = items.slice(0, key === 'years' ? 12 : 8);
    if (!items.length) continue;
    groups.push(
      h(
        'div',
        { class: 'facet' },
        h('h3', {}, t(label)),
        h(
          'ul',
          { class: 'chips' },
          items.map((x) => h('li', {}, h('a', { class: 'chip', href: withParams(ctx.url, { [param]: x.name }) }, param === 'tag' ? `#${x.name}` : x.name, h('span', { class: 'count' }, formatNumber(x.count))))),
        ),
      ),
    );
  }
  if (!groups.length) return null;
  // Open on wide screens; on phones the results come first.
  return h('details', { class: 'facets', open: matchMedia('(min-width: 40em)').matches }, h('summary', {}, t('refine')), groups);
}

function active(ctx, filters) {
  const on = FILTERS.filter((f) => filters[f]);
  if (!on.length) return null;
  return h(
    'ul',
    { class: 'chips active-filters', 'aria-label': t('filters') },
    on.map((f) => {
      const name = `${f === 'tag' ? '#' : ''}${filters[f]}`;
      return h('li', {}, h('a', { class: 'chip on', href: withParams(ctx.url, { [f]: null }), 'aria-label': t('removeFilter', { name }) }, name, h('span', { class: 'x', 'aria-hidden': 'true' }, '×')));
    }),
  );
}

/** search shows the results for ?q= with ?sort=, ?category=, ?tag=, ?year= and ?page=. */
export async function search(ctx) {
  const q = (ctx.query.get('q') || '').trim();
  const sort = ['newest', 'oldest'].includes(ctx.query.get('sort')) ? ctx.query.get('sort') : 'relevance';
  const filters = Object.fromEntries(FILTERS.map((f) => [f, ctx.query.get(f) || '']));
  const page = pageOf(ctx.query);
  const exact = ctx.query.get('exact') === '1';
  // While the search box has focus and its last word is not ended by a space, the query is
  // being typed (search as you type): its last Latin word matches as a prefix too.
  const box = document.getElementById('q');
  const prefix = !!box && document.activeElement === box && !/\s$/.test(box.value);
  if (!q) {
    const open = help();
    open.open = true;
    return { title: t('searchTitle'), node: [heading(t('searchTitle')), h('p', {}, t('searchEmpty')), open], search: true };
  }
  let r;
  try {
    r = await folio.search(q, { sort, filters, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE, exact, prefix });
  } catch (err) {
    if (err.code === 'bad_query') {
      const open = help();
      open.open = true;
      return { title: t('searchTitle'), node: [heading(t('searchTitle')), h('p', { class: 'message-inline' }, t('badQuery', { msg: err.message })), open], search: true, announce: err.message };
    }
    if (err.code === 'not_found') return { title: t('searchTitle'), node: [heading(t('searchTitle')), h('p', { class: 'message-inline' }, t('searchUnavailable'))], search: true, announce: t('searchUnavailable') };
    throw err;
  }
  const summary = t('results', { n: r.total });
  const hits = (r.hits || []).map((x) => postItem(x, { highlight: q, prefix: prefix ? 1 : null }, x.snippet));
  const title = t('resultsFor', { q });
  return {
    title,
    search: true,
    announce: summary,
    node: [
      heading(title, summary),
      h('div', { class: 'search-tools' }, sortSelect(ctx, sort), help()),
      active(ctx, filters),
      r.exact === false ? h('p', { class: 'message-inline approx' }, t('approxNote'), ' ', h('a', { href: withParams(ctx.url, { exact: '1' }) }, t('exactLink'))) : null,
      r.damaged && r.damaged.length ? h('p', { class: 'message-inline damaged', role: 'note' }, t('damagedHits'), ' ', h('code', {}, r.damaged.join(', '))) : null,
      facets(ctx, r.facets, filters),
      hits.length ? h('ol', { class: 'post-list results', start: (page - 1) * PAGE_SIZE + 1 }, hits) : h('p', { class: 'empty' }, t('noResults')),
      pager(page, r.total, pageLink(ctx.url), ['prevPage', 'nextPage']),
    ],
  };
}
