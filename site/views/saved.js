// saved.js — the "Saved for offline" page (/saved/): choose what to save (the whole archive,
// a category, a tag or a year) with its size and the space the browser grants, follow a
// save (progress, pause, resume, cancel), and list or remove what is saved.

import * as folio from '../folio.js';
import { t, formatDate, formatNumber } from '../i18n.js';
import { h, heading, message } from './common.js';

const MB = (n) => `${(n / 1048576).toFixed(n < 10485760 ? 1 : 0)} MB`;
const space = (n) => (Number.isFinite(n) ? MB(Math.max(0, n)) : '—');

function duration(s) {
  if (!Number.isFinite(s) || s <= 0) return '';
  if (s < 90) return `${Math.ceil(s)} s`;
  return `${Math.round(s / 60)} min`;
}

/** scopeLabel names a saved part for people. */
export function scopeLabel(scope) {
  const kind = scope.all ? 'all' : Object.keys(scope)[0];
  return t('scopeName', { kind, name: scope.all ? '' : scope[kind] });
}

function progressText(p) {
  return t('saveProgress', {
    files: formatNumber(p.files),
    total: formatNumber(p.totalFiles),
    mb: (p.bytes / 1048576).toFixed(1),
    totalMb: (p.totalBytes / 1048576).toFixed(1),
    speed: p.speed > 0 ? (p.speed / 1048576).toFixed(1) : '',
    eta: p.state === 'saving' ? duration(p.eta) : '',
  });
}

export async function saved(ctx) {
  const kinds = [
    ['all', t('scopeAll')],
    ['category', t('scopeCategory')],
    ['tag', t('scopeTag')],
    ['year', t('scopeYear')],
  ];
  const kindSel = h('select', { id: 'save-kind' }, kinds.map(([v, label]) => h('option', { value: v }, label)));
  const termSel = h('select', { id: 'save-term', disabled: true });
  const termLabel = h('label', { for: 'save-term' }, t('saveTerm'));
  const info = h('p', { id: 'save-size', class: 'note', 'aria-live': 'polite' });
  const saveBtn = h('button', { type: 'button', class: 'btn primary', id: 'save-start', disabled: true }, t('saveButton'));
  const bar = h('progress', { id: 'save-bar', max: '1', value: '0', hidden: true, 'aria-labelledby': 'save-status' });
  const status = h('p', { id: 'save-status', role: 'status', 'aria-live': 'polite' });
  const pauseBtn = h('button', { type: 'button', class: 'btn', id: 'save-pause', hidden: true }, t('savePause'));
  const cancelBtn = h('button', { type: 'button', class: 'btn', id: 'save-cancel', hidden: true }, t('saveCancel'));
  const parts = h('div', { id: 'saved-parts' });

  const scope = () => {
    const kind = kindSel.value;
    if (kind === 'all') return { all: true };
    return termSel.value ? { [kind]: termSel.value } : null;
  };

  let sizing = 0;
  async function size() {
    const my = ++sizing;
    const s = scope();
    saveBtn.disabled = true;
    info.textContent = '';
    if (!s) return;
    try {
      const e = await folio.offline.estimate(s);
      if (my !== sizing) return;
      const fits = e.missingBytes <= e.free;
      info.textContent = `${t('saveSize', { size: MB(e.bytes), files: formatNumber(e.files), need: MB(e.missingBytes), free: space(e.free) })}${fits ? '' : ` ${t('saveNoRoom')}`}`;
      saveBtn.disabled = !fits || !!folio.offline.saving();
    } catch (err) {
      if (my === sizing) info.textContent = err.message;
    }
  }

  async function terms() {
    const kind = kindSel.value;
    termSel.replaceChildren();
    termSel.disabled = kind === 'all';
    termLabel.hidden = kind === 'all';
    termSel.hidden = kind === 'all';
    if (kind !== 'all') {
      const { terms: list } = await folio.terms({ category: 'categories', tag: 'tags', year: 'years' }[kind]);
      const sorted = kind === 'year' ? [...list].reverse() : [...list].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
      for (const x of sorted) termSel.append(h('option', { value: x.name }, `${x.name} (${formatNumber(x.count)})`));
    }
    await size();
  }
  kindSel.addEventListener('change', terms);
  termSel.addEventListener('change', size);

  function follow(job) {
    bar.hidden = false;
    pauseBtn.hidden = false;
    cancelBtn.hidden = false;
    saveBtn.disabled = true;
    const show = (p) => {
      bar.max = String(Math.max(1, p.totalBytes));
      bar.value = String(p.bytes);
      status.textContent = p.state === 'paused' ? `${t('savePaused')} ${progressText(p)}` : progressText(p);
    };
    if (job.progress) show(job.progress);
    const off = folio.on('offline-progress', show);
    pauseBtn.onclick = () => {
      if (job.state === 'paused') {
        job.resume();
        pauseBtn.textContent = t('savePause');
      } else {
        job.pause();
        pauseBtn.textContent = t('saveResume');
      }
    };
    cancelBtn.onclick = () => job.cancel();
    return () => {
      off();
      pauseBtn.hidden = true;
      cancelBtn.hidden = true;
      pauseBtn.textContent = t('savePause');
    };
  }

  async function start(s) {
    const job = folio.offline.save(s);
    const current = folio.offline.saving();
    const stop = current ? follow(current) : () => {};
    try {
      await job;
      status.textContent = t('saveDone');
      bar.value = bar.max;
    } catch (err) {
      status.textContent = err.code === 'cancelled' ? '' : t('saveFailed', { reason: err.message });
      bar.hidden = err.code === 'cancelled';
    } finally {
      stop();
      await listParts();
      await size();
    }
  }
  saveBtn.addEventListener('click', () => {
    const s = scope();
    if (s) start(s);
  });

  async function listParts() {
    const list = await folio.offline.list();
    if (!list.length) {
      parts.replaceChildren(h('p', { class: 'empty' }, t('savedNone')));
      return;
    }
    parts.replaceChildren(
      h(
        'ul',
        { class: 'saved-list' },
        list.map((p) => {
          const label = scopeLabel(p.scope);
          let text = p.complete ? t('partSaved', { size: MB(p.bytes), date: formatDate(p.savedAt) }) : t('partIncomplete', { size: MB(p.bytes) });
          if (!p.complete && p.reason === 'layout') text += ` (${t('partOldLayout')})`;
          const remove = h('button', { type: 'button', class: 'btn', 'aria-label': `${t('saveRemove')}: ${label}`, onclick: async () => {
            await folio.offline.remove(p.scope);
            await listParts();
            await size();
          } }, t('saveRemove'));
          const resume = p.complete ? null : h('button', { type: 'button', class: 'btn', 'aria-label': `${t('saveResume')}: ${label}`, onclick: () => start(p.scope) }, t('saveResume'));
          return h('li', { 'data-key': p.key }, h('strong', {}, label), ' — ', h('span', { class: 'part-size' }, text), ' ', resume, ' ', remove);
        }),
      ),
    );
  }

  const node = h(
    'section',
    { class: 'saved-view' },
    heading(t('savedTitle')),
    h('p', {}, t('savedIntro')),
    h('div', { class: 'save-form' },
      h('p', {}, h('label', { for: 'save-kind' }, t('saveWhat')), ' ', kindSel, ' ', termLabel, ' ', termSel),
      info,
      h('p', { class: 'actions' }, saveBtn, ' ', pauseBtn, ' ', cancelBtn),
      bar,
      status),
    h('h2', {}, t('savedParts')),
    parts,
  );
  if (!('caches' in window) || !window.isSecureContext) {
    return { title: t('savedTitle'), node: message('error', t('savedTitle'), t('saveNoCache')) };
  }
  await Promise.all([listParts(), terms()]);
  const running = folio.offline.saving();
  if (running) {
    const stop = follow(running);
    running.promise.finally(stop).catch(() => {});
  }
  return { title: t('savedTitle'), node };
}
