// terms.js — the views that list terms: all categories, all tags, the archive of years
// and months.

import * as folio from '../folio.js';
import { t, formatMonth, formatNumber } from '../i18n.js';
import { h, href, heading, termHref } from './common.js';

// termIndex lists the categories or tags with their counts, most posts first (or by
// name with ?sort=name), with a quick filter for long lists.
async function termIndex(ctx, kind) {
  const { terms } = await folio.terms(kind);
  const byName = ctx.query.get('sort') === 'name';
  const sorted = [...terms].sort(byName ? (a, b) => a.name.localeCompare(b.name) : (a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const max = Math.max(1, ...terms.map((x) => x.count));
  const items = sorted.map((x) => {
    // Five weights, by the share of the largest count (log scale), so big terms stand out.
    const w = Math.min(4, Math.floor((Math.log(x.count + 1) / Math.log(max + 1)) * 5));
    const li = h('li', { 'data-name': x.name.toLowerCase() }, h('a', { class: `chip w${w}`, href: termHref(kind, x.name) }, kind === 'tags' ? `#${x.name}` : x.name, h('span', { class: 'count' }, formatNumber(x.count))));
    return li;
  });
  const list = h('ul', { class: 'chips terms' }, items);
  const none = h('p', { class: 'empty', hidden: true }, t('noMatch'));
  const here = ctx.url.pathname;
  const sortNav = h(
    'p',
    { class: 'sort-links' },
    `${t('sortBy')}: `,
    h('a', { href: here, 'aria-current': byName ? null : 'true' }, t('byCount')),
    ' · ',
    h('a', { href: `${here}?sort=name`, 'aria-current': byName ? 'true' : null }, t('byName')),
  );
  let filter = null;
  if (terms.length > 24) {
    const input = h('input', {
      type: 'search',
      id: 'term-filter',
      autocomplete: 'off',
      oninput: () => {
        const q = input.value.trim().toLowerCase();
        let shown = 0;
        for (const li of items) {
          const on = !q || li.dataset.name.includes(q);
          li.hidden = !on;
          if (on) shown++;
        }
        none.hidden = shown > 0;
      },
    });
    filter = h('p', { class: 'term-filter' }, h('label', { for: 'term-filter' }, t('filterTerms')), input);
  }
  const title = t(kind);
  return { title, node: [heading(title, t('termsCount', { n: terms.length, kind })), terms.length ? [sortNav, filter] : null, terms.length ? list : h('p', { class: 'empty' }, t('noTerms')), none] };
}

/** categories lists every category. */
export const categories = (ctx) => termIndex(ctx, 'categories');

/** tags lists every tag. */
export const tags = (ctx) => termIndex(ctx, 'tags');

/** archive shows every year with a calendar of its months. */
export async function archive() {
  const [years, months] = await Promise.all([folio.terms('years'), folio.terms('months')]);
  const perMonth = new Map(months.terms.map((m) => [m.name, m.count]));
  const total = years.terms.reduce((s, y) => s + y.count, 0);
  const sections = [...years.terms]
    .sort((a, b) => b.name.localeCompare(a.name))
    .map((y) => {
      const cells = [];
      for (let m = 1; m <= 12; m++) {
        const mm = String(m).padStart(2, '0');
        const n = perMonth.get(`${y.name}-${mm}`) || 0;
        const label = formatMonth(y.name, m, true);
        cells.push(
          h(
            'li',
            {},
            n
              ? h('a', { href: href(`/archive/${y.name}/${mm}/`), 'aria-label': `${formatMonth(y.name, m)}: ${t('posts', { n })}` }, h('span', { class: 'm' }, label), h('span', { class: 'count' }, formatNumber(n)))
              : h('span', { class: 'none', 'aria-hidden': 'true' }, h('span', { class: 'm' }, label)),
          ),
        );
      }
      return h('section', { class: 'year' }, h('h2', {}, h('a', { href: href(`/archive/${y.name}/`) }, y.name), ' ', h('span', { class: 'count' }, t('posts', { n: y.count }))), h('ol', { class: 'months' }, cells));
    });
  const title = t('archive');
  return { title, node: [heading(title, t('posts', { n: total })), sections.length ? sections : h('p', { class: 'empty' }, t('noTerms'))] };
}
