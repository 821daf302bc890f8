// widget.js — Folio's embeddable widget: <folio-search> and <folio-posts> on any site, from
// one <script src="https://ARCHIVE/widget.js" defer></script>. See API.md, "The widget".
//
// The archive's engine never runs on the host page: on the reader's first sign of intent
// (hover, focus, a shortcut; for <folio-posts>, scrolling near it) the widget adds a hidden
// frame of the archive's own page embed/frame/, which runs the viewer's engine on the
// archive's origin, and talks to it over a private MessageChannel handed over with a
// postMessage aimed at the archive's origin only. No CORS is needed, nothing is added to the
// host's window (the whole script is one closure), styles live in shadow roots, and post
// text only ever becomes text nodes.

(() => {
  'use strict';

  // The archive is the site this script came from (a classic script, not a module: a module
  // from another origin needs CORS headers, which plain static hosting does not send).
  const script = document.currentScript;
  const archiveOfScript = new URL('./', script && script.src ? script.src : location.href);
  const HELLO_MS = 15000; // the frame page itself must answer this fast
  const CALL_MS = 60000; // a call may wait for the engine's first start (download, compile)

  const words = {
    en: {
      button: 'Search', dialog: 'Search the archive', input: 'Search the archive', close: 'Close',
      results: 'Results', recent: 'Recent searches', hint: 'Type to search the archive.',
      loading: 'Loading the archive…', searching: 'Searching…', none: 'No posts match.',
      count: (n) => (n === 1 ? '1 post found.' : `${n} posts found.`), all: (q) => `See all results for “${q}”`,
      failed: 'The archive cannot be reached right now.', posts: 'Latest posts', empty: 'No posts yet.',
      clear: 'Clear recent searches',
    },
    zh: {
      button: '搜索', dialog: '搜索归档', input: '搜索归档', close: '关闭',
      results: '结果', recent: '最近的搜索', hint: '输入关键词搜索归档。',
      loading: '正在载入归档…', searching: '正在搜索…', none: '没有找到文章。',
      count: (n) => `找到 ${n} 篇文章。`, all: (q) => `查看“${q}”的全部结果`,
      failed: '暂时无法连接归档。', posts: '最新文章', empty: '还没有文章。',
      clear: '清除最近的搜索',
    },
  };

  // ---- the link to an archive's frame ----

  const links = new Map(); // archive root → Link

  // Link is one hidden frame of an archive and the port it answers on.
  class Link {
    constructor(root) {
      this.root = root;
      this.frameURL = new URL('embed/frame/', root);
      this.origin = this.frameURL.origin;
      this.pending = new Map();
      this.nextID = 1;
      this.port = null;
      this.iframe = null;
      this.connected = null;
    }

    // open adds the frame into parent (a shadow root) once and resolves when it answers.
    open(parent) {
      if (this.connected) return this.connected;
      this.connected = new Promise((resolve, reject) => {
        const f = document.createElement('iframe');
        f.className = 'engine';
        f.hidden = true;
        f.tabIndex = -1;
        f.title = 'Folio';
        f.setAttribute('aria-hidden', 'true');
        f.setAttribute('sandbox', 'allow-scripts allow-same-origin');
        f.setAttribute('referrerpolicy', 'no-referrer');
        const timer = setTimeout(() => reject(new Error('no answer from the archive frame')), HELLO_MS);
        f.addEventListener('load', () => {
          const ch = new MessageChannel();
          ch.port1.onmessage = (ev) => {
            const m = ev.data;
            if (!this.port && isObject(m) && m.type === 'hello' && m.v === 1) {
              clearTimeout(timer);
              this.port = ch.port1;
              resolve();
            } else if (this.port) this.receive(m);
          };
          try {
            // Aimed at the archive's origin: if the frame shows anything else (an error page, a
            // redirect elsewhere), the browser drops the message and with it the port.
            f.contentWindow.postMessage({ folio: 'connect', v: 1 }, this.origin, [ch.port2]);
          } catch {
            /* the timer reports it */
          }
        });
        f.src = this.frameURL.href;
        parent.append(f);
        this.iframe = f;
      });
      this.connected.catch(() => this.close());
      return this.connected;
    }

    async call(op, args) {
      await this.connected;
      return new Promise((resolve, reject) => {
        const id = this.nextID++;
        const timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new Error('the archive did not answer in time'));
        }, CALL_MS);
        this.pending.set(id, { resolve, reject, timer });
        this.port.postMessage({ id, op, args });
      });
    }

    receive(m) {
      if (!isObject(m) || typeof m.id !== 'number' || !this.pending.has(m.id)) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok === true && isObject(m.result)) p.resolve(m.result);
      else p.reject(Object.assign(new Error(isObject(m.error) ? str(m.error.message, 300) : 'error'), { code: isObject(m.error) ? str(m.error.code, 40) : '' }));
    }

    // close drops the frame (its holder left the page); the next use makes a new one.
    close() {
      if (links.get(this.root.href) === this) links.delete(this.root.href);
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error('closed'));
      }
      this.pending.clear();
      if (this.port) this.port.close();
      if (this.iframe) this.iframe.remove();
    }
  }

  // ---- the archive's JSON API, asked directly ----

  const API_MS = 10000; // an API request that takes longer counts as failed

  // ApiLink asks the archive's JSON API from the host page itself, with CORS, where the
  // element's api attribute says the archive's server answers it (folio serve, the edge): a
  // search is one request, with no frame and no engine. Whatever keeps a request from being
  // answered (a static host, which sends no CORS headers; a host policy without the
  // archive in connect-src; a failing server) sends this and every later call to the frame
  // (Link), as without the attribute. It answers in the frame's shapes, so that the same
  // checks (entry) apply.
  class ApiLink {
    constructor(root) {
      this.root = root;
      this.key = `${root.href} api`;
      this.frame = null; // the fallback, once the API failed
      this.woken = null;
      this.parent = null;
    }

    get port() {
      return this.frame ? this.frame.port : true; // the API needs no engine to start
    }

    get iframe() {
      return this.frame && this.frame.iframe;
    }

    // open wakes the server at the reader's first sign of intent (one small request: an
    // edge isolate's cold start, the connection) and falls back to the frame when it fails.
    open(parent) {
      this.parent = parent;
      if (this.frame) return this.frame.open(parent);
      this.woken ||= this.get('/api/site').then(
        () => {},
        (err) => {
          if (err.fallBack) return this.fallBack().open(parent);
        },
      );
      return this.woken;
    }

    fallBack() {
      if (!this.frame) this.frame = new Link(this.root);
      return this.frame;
    }

    // get fetches path ("/api/…?…") from the archive: the parsed answer, or an error that
    // says whether the frame should answer instead (fallBack) or the server has spoken (a
    // query it cannot read: code "bad_query").
    async get(path) {
      let resp;
      let data;
      try {
        resp = await fetch(new URL(path.slice(1), this.root), {
          mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer', signal: AbortSignal.timeout(API_MS),
        });
        if (!/json/.test(resp.headers.get('content-type') || '')) throw new Error('not the API');
        data = await resp.json();
      } catch (err) {
        throw Object.assign(new Error(String((err && err.message) || err)), { fallBack: true });
      }
      if (resp.status >= 400 || !isObject(data)) {
        const code = isObject(data) ? str(data.code, 40) : '';
        throw Object.assign(new Error(isObject(data) ? str(data.error, 300) : 'error'), { code, fallBack: code !== 'bad_query' });
      }
      return data;
    }

    async call(op, args) {
      if (!this.frame) {
        try {
          return await this.ask(op, args);
        } catch (err) {
          if (!err.fallBack) throw err;
          this.fallBack();
        }
      }
      this.frame.open(this.parent).catch(() => {}); // the elements open a link before they call it
      return this.frame.call(op, args);
    }

    // ask runs op on the API, as the frame's ops ask it (embed/frame.js). The answers go to
    // the same checks as the frame's (entry); only the snippets change form here, from the
    // API's marked HTML to the frame's [[text, marked]] pairs.
    async ask(op, args) {
      const q = (path, params) => {
        const u = new URLSearchParams();
        for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
        return `${path}?${u}`;
      };
      if (op === 'search') {
        const r = await this.get(q('/api/search', { q: str(args.q, 500), offset: 0, limit: args.limit }));
        const hits = Array.isArray(r.hits) ? r.hits.map((h) => (isObject(h) ? { ...h, snippet: marked(str(h.snippet, 20000)) } : null)) : [];
        return { total: r.total, exact: r.exact !== false, hits };
      }
      if (op === 'list') {
        return this.get(q('/api/list', { category: str(args.category, 200), tag: str(args.tag, 200), offset: 0, limit: args.limit }));
      }
      throw Object.assign(new Error(`no such call: ${op}`), { fallBack: true });
    }

    close() {
      if (links.get(this.key) === this) links.delete(this.key);
      if (this.frame) this.frame.close();
    }
  }

  const escapes = { amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'" };

  // marked turns the API's snippet (the post's text HTML-escaped, the matched words in
  // <mark>) into [[text, marked]] pairs without parsing any HTML: the text is cut at the
  // mark tags and its escapes undone; whatever else it holds stays as characters, and all of
  // it becomes text nodes.
  function marked(html) {
    const out = [];
    let on = false;
    for (const part of html.split(/(<\/?mark>)/)) {
      if (part === '<mark>') on = true;
      else if (part === '</mark>') on = false;
      else if (part) out.push([part.replace(/&(amp|lt|gt|quot|#34|#39);/g, (_, e) => escapes[e]), on]);
    }
    return out;
  }

  // linkFor returns the link to the archive at root: its frame, or with api its API (which
  // falls back to the frame).
  function linkFor(root, api) {
    const key = api ? `${root.href} api` : root.href;
    let l = links.get(key);
    if (!l || (l.iframe && !l.iframe.isConnected)) {
      if (l) l.close();
      l = api ? new ApiLink(root) : new Link(root);
      links.set(key, l);
    }
    return l;
  }

  // ---- checking what the frame sends ----

  function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  function str(v, max = 500) {
    return typeof v === 'string' ? v.slice(0, max) : '';
  }

  // postLink is a post's address in the archive: its path ("/2021/09/12/harvest.html") under
  // the archive's root, or '' for anything else (another site, another scheme).
  function postLink(root, path) {
    const p = str(path, 2000);
    if (!/^\/(?![/\\])/.test(p)) return '';
    try {
      const u = new URL(p.slice(1), root);
      return u.origin === root.origin && (u.protocol === 'https:' || u.protocol === 'http:') ? u.href : '';
    } catch {
      return '';
    }
  }

  // entry checks one post from the frame: {href, title, date, category, snippet: [[text, marked]]}.
  function entry(root, x) {
    if (!isObject(x)) return null;
    const href = postLink(root, x.url);
    if (!href) return null;
    const snippet = [];
    if (Array.isArray(x.snippet)) {
      for (const s of x.snippet.slice(0, 80)) {
        if (Array.isArray(s) && typeof s[0] === 'string') snippet.push([s[0].slice(0, 400), s[1] === true]);
      }
    }
    return {
      href,
      title: str(x.title, 300) || href,
      date: /^\d{4}-\d{2}-\d{2}/.test(str(x.date, 40)) ? x.date.slice(0, 10) : '',
      category: Array.isArray(x.categories) ? str(x.categories[0], 80) : '',
      snippet,
    };
  }

  // ---- shared bits of both elements ----

  function langOf(el) {
    const l = (el.getAttribute('lang') || el.closest('[lang]')?.getAttribute('lang') || 'en').toLowerCase();
    return l.startsWith('zh') ? 'zh' : 'en';
  }

  function rootOf(el) {
    const a = el.getAttribute('archive');
    if (a) {
      try {
        const u = new URL(a, document.baseURI);
        if (u.protocol === 'https:' || u.protocol === 'http:') return new URL(u.pathname.endsWith('/') ? u.href : `${u.href}/`);
      } catch {
        /* fall back to the script's archive */
      }
    }
    return archiveOfScript;
  }

  function targetOf(el) {
    const t = el.getAttribute('target') || '_self';
    return /^_(self|blank|top|parent)$/.test(t) ? t : '_self';
  }

  function limitOf(el, fallback, max) {
    const n = Number.parseInt(el.getAttribute('limit') || '', 10);
    return Number.isFinite(n) && n > 0 ? Math.min(n, max) : fallback;
  }

  function make(tag, attrs = {}, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k); // strings become text nodes
    return e;
  }

  function sheet(css) {
    const s = new CSSStyleSheet();
    s.replaceSync(css);
    return s;
  }

  // The host's styles cannot reach into a shadow root, but inherited values (font, colour,
  // spacing) flow in through the element itself: :host pins them, with !important, which is
  // the one way a shadow root's rule wins over a host page's (even `* { all: unset }`).
  const base = sheet(`
  :host {
    --_bg: var(--folio-bg, #ffffff); --_fg: var(--folio-fg, #1d1f23); --_muted: var(--folio-muted, #575b63);
    --_border: var(--folio-border, #c9ccd1); --_accent: var(--folio-accent, #0b57d0); --_mark: var(--folio-mark, #fde68a);
    --_mark-fg: var(--folio-mark-fg, #1d1f23); --_active: var(--folio-active, #e8eefb); --_radius: var(--folio-radius, 8px);
    font-family: var(--folio-font, system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif) !important;
    font-size: var(--folio-font-size, 15px) !important; line-height: 1.45 !important; font-weight: 400 !important;
    font-style: normal !important; color: var(--_fg) !important; letter-spacing: normal !important;
    word-spacing: normal !important; text-transform: none !important; text-align: start !important;
    white-space: normal !important; visibility: visible !important; direction: ltr;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme=light])) {
      --_bg: var(--folio-bg, #1e2126); --_fg: var(--folio-fg, #e8e6e3); --_muted: var(--folio-muted, #a9adb3);
      --_border: var(--folio-border, #4a4f57); --_accent: var(--folio-accent, #8ab4f8); --_mark: var(--folio-mark, #6b5a12);
      --_mark-fg: var(--folio-mark-fg, #fff8dc); --_active: var(--folio-active, #2c3440);
    }
  }
  :host([theme=dark]) {
    --_bg: var(--folio-bg, #1e2126); --_fg: var(--folio-fg, #e8e6e3); --_muted: var(--folio-muted, #a9adb3);
    --_border: var(--folio-border, #4a4f57); --_accent: var(--folio-accent, #8ab4f8); --_mark: var(--folio-mark, #6b5a12);
    --_mark-fg: var(--folio-mark-fg, #fff8dc); --_active: var(--folio-active, #2c3440);
  }
  .engine { display: none !important; }
  .meta { color: var(--_muted); font-size: 0.85em; }
  mark { background: var(--_mark); color: var(--_mark-fg); border-radius: 2px; padding: 0 1px; }
  .message { color: var(--_muted); margin: 0.5em 0; }
  `);

  // ---- <folio-search> ----

  const searchStyle = sheet(`
  :host { display: inline-block; }
  .open {
    display: inline-flex; align-items: center; gap: 0.5em; box-sizing: border-box; min-height: 2.4em; min-width: 10em;
    padding: 0.3em 0.6em; margin: 0; font: inherit; color: var(--_muted); background: var(--_bg);
    border: 1px solid var(--_border); border-radius: var(--_radius); cursor: pointer; text-align: start;
  }
  .open:hover { border-color: var(--_accent); }
  .open:focus-visible, input:focus-visible, .close:focus-visible, a:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  .open svg, .bar svg { width: 1.1em; height: 1.1em; flex: none; }
  .open .label { flex: 1; }
  kbd { font: inherit; font-size: 0.8em; border: 1px solid var(--_border); border-radius: 4px; padding: 0 0.35em; color: var(--_muted); }
  dialog {
    box-sizing: border-box; width: min(40em, calc(100vw - 2em)); max-height: min(36em, calc(100dvh - 4em));
    margin: 8vh auto auto; padding: 0; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border);
    border-radius: var(--_radius); box-shadow: 0 1em 3em rgb(0 0 0 / 0.3); font: inherit; overflow: hidden;
  }
  dialog[open] { display: flex; flex-direction: column; }
  dialog::backdrop { background: rgb(0 0 0 / 0.45); }
  .bar { display: flex; align-items: center; gap: 0.5em; padding: 0.6em 0.8em; border-bottom: 1px solid var(--_border); color: var(--_muted); }
  input {
    flex: 1; min-width: 0; box-sizing: border-box; margin: 0; padding: 0.35em 0.2em; font: inherit; font-size: 1.1em;
    color: var(--_fg); background: transparent; border: 0; outline: none; appearance: none;
  }
  input::-webkit-search-cancel-button { display: none; }
  .close { font: inherit; font-size: 0.8em; color: var(--_muted); background: transparent; border: 1px solid var(--_border); border-radius: 4px; padding: 0.15em 0.5em; cursor: pointer; }
  .body { overflow: auto; padding: 0.3em 0.8em 0.8em; overscroll-behavior: contain; }
  .status { margin: 0.4em 0; color: var(--_muted); font-size: 0.9em; }
  ul { list-style: none; margin: 0; padding: 0; }
  li { display: block; margin: 0 0 0.3em; padding: 0.5em 0.6em; border-radius: calc(var(--_radius) - 2px); cursor: pointer; }
  li[aria-selected=true] { background: var(--_active); box-shadow: inset 3px 0 0 var(--_accent); }
  li .title { display: block; font-weight: 600; color: var(--_accent); }
  li .snippet { display: block; margin-top: 0.15em; font-size: 0.9em; overflow-wrap: anywhere; }
  li.recent .title { font-weight: 400; color: var(--_fg); }
  .all { display: inline-block; margin-top: 0.4em; color: var(--_accent); }
  .all[hidden] { display: none; }
  .clear { font: inherit; font-size: 0.85em; color: var(--_accent); background: none; border: 0; padding: 0; text-decoration: underline; cursor: pointer; }
  .clear[hidden] { display: none; }
  @media (max-width: 600px) {
    dialog { width: 100vw; max-width: 100vw; height: 100dvh; max-height: 100dvh; margin: 0; border-radius: 0; }
  }
  @media (prefers-reduced-motion: no-preference) { li { transition: background 80ms; } }
  @media (pointer: coarse) { .open kbd { display: none; } }
  `);

  const searchIcon = () => {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const c = document.createElementNS(ns, 'path');
    c.setAttribute('d', 'M10.5 3a7.5 7.5 0 0 1 5.9 12.1l4.8 4.8-1.4 1.4-4.8-4.8A7.5 7.5 0 1 1 10.5 3zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11z');
    c.setAttribute('fill', 'currentColor');
    svg.append(c);
    return svg;
  };

  const isMac = /Mac|iP(hone|ad|od)/.test(navigator.platform || navigator.userAgent);
  let shortcutOwner = null; // the first <folio-search> that listens to the shortcuts

  function editable(el) {
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return false;
    return el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
  }

  function deepActive() {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el;
  }

  const RECENT_MAX = 6;

  class FolioSearch extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      this.root.adoptedStyleSheets = [base, searchStyle];
      this.seq = 0;
      this.items = [];
      this.active = -1;
      this.lastInput = -Infinity; // the first key searches at once, however soon after the page loaded
      this.onKey = (ev) => this.shortcut(ev);
    }

    connectedCallback() {
      if (this.built) return this.listen();
      this.built = true;
      const w = (this.w = words[langOf(this)]);
      const kbd = make('kbd', { part: 'kbd', 'aria-hidden': 'true' }, isMac ? '⌘K' : 'Ctrl K');
      this.button = make('button', { type: 'button', class: 'open', part: 'button', 'aria-haspopup': 'dialog', 'aria-keyshortcuts': 'Control+K Meta+K /' },
        searchIcon(), make('span', { class: 'label', part: 'label' }, this.getAttribute('label') || w.button), kbd);
      this.input = make('input', {
        type: 'search', part: 'input', role: 'combobox', 'aria-label': w.input, 'aria-expanded': 'false', 'aria-controls': 'list',
        'aria-autocomplete': 'list', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search', placeholder: this.getAttribute('placeholder') || w.input,
      });
      this.closeButton = make('button', { type: 'button', class: 'close', part: 'close', 'aria-label': w.close }, 'Esc');
      this.status = make('p', { class: 'status', part: 'status', role: 'status' });
      this.list = make('ul', { id: 'list', role: 'listbox', part: 'list', 'aria-label': w.results, hidden: true });
      this.clear = make('button', { type: 'button', class: 'clear', part: 'clear', hidden: true }, w.clear);
      this.all = make('a', { class: 'all', part: 'all', hidden: true });
      this.dialog = make('dialog', { part: 'dialog', 'aria-label': w.dialog },
        make('div', { class: 'bar', part: 'bar' }, searchIcon(), this.input, this.closeButton),
        make('div', { class: 'body', part: 'body' }, this.status, this.list, this.clear, this.all));
      this.root.append(this.button, this.dialog);

      const warm = () => this.link().open(this.root).catch(() => {});
      this.button.addEventListener('pointerenter', warm, { once: true });
      this.button.addEventListener('focus', warm, { once: true });
      this.button.addEventListener('click', () => this.show());
      this.closeButton.addEventListener('click', () => this.hide());
      this.dialog.addEventListener('cancel', (ev) => {
        ev.preventDefault();
        this.hide();
      });
      this.dialog.addEventListener('click', (ev) => {
        if (ev.target === this.dialog) this.hide(); // a click on the backdrop
      });
      this.dialog.addEventListener('keydown', (ev) => this.trapTab(ev));
      // While an input method composes (pinyin on its way to 龙井), wait for the word.
      this.input.addEventListener('input', (ev) => {
        if (!ev.isComposing) this.typed();
      });
      this.input.addEventListener('compositionend', () => this.typed());
      this.input.addEventListener('keydown', (ev) => this.move(ev));
      this.list.addEventListener('click', (ev) => {
        const li = ev.target.closest('li');
        if (li) this.choose(Number(li.dataset.i));
      });
      this.list.addEventListener('mousemove', (ev) => {
        const li = ev.target.closest('li');
        if (li && Number(li.dataset.i) !== this.active) this.select(Number(li.dataset.i));
      });
      this.clear.addEventListener('click', () => {
        this.saveRecent([]);
        this.showRecent();
        this.input.focus();
      });
      this.all.addEventListener('click', () => this.remember(this.input.value.trim()));
      this.listen();
    }

    disconnectedCallback() {
      if (shortcutOwner === this) {
        document.removeEventListener('keydown', this.onKey);
        shortcutOwner = null;
      }
      const l = links.get(rootOf(this).href + (this.hasAttribute('api') ? ' api' : ''));
      if (l && l.iframe && this.root.contains(l.iframe)) l.close();
    }

    listen() {
      if (shortcutOwner || this.getAttribute('shortcut') === 'off') return;
      shortcutOwner = this;
      document.addEventListener('keydown', this.onKey);
    }

    link() {
      return linkFor(rootOf(this), this.hasAttribute('api'));
    }

    shortcut(ev) {
      if (ev.defaultPrevented || this.dialog.open) return;
      const k = ev.key && ev.key.toLowerCase();
      const combo = k === 'k' && (ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey;
      const slash = ev.key === '/' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !editable(document.activeElement);
      if (!combo && !slash) return;
      ev.preventDefault();
      this.show();
    }

    show() {
      if (this.dialog.open) return;
      this.link().open(this.root).catch(() => {}); // first: the frame's request starts now
      this.returnTo = deepActive();
      this.dialog.showModal();
      this.input.focus();
      this.input.select();
      if (this.input.value.trim()) this.search();
      else this.showRecent();
    }

    hide() {
      if (!this.dialog.open) return;
      this.dialog.close(); // the results stay, consistent with aria-expanded, for the next open
      const back = this.returnTo && this.returnTo.isConnected ? this.returnTo : this.button;
      back.focus();
    }

    // trapTab keeps Tab inside the dialog (from its last control back to the first and back)
    // and closes it on Esc.
    trapTab(ev) {
      if (ev.key === 'Escape') {
        // Handled here, not left to the dialog's cancel: a search field with text would
        // take the first Esc to clear itself, and Chromium skips cancel on a dialog opened
        // without a user gesture.
        ev.preventDefault();
        this.hide();
        return;
      }
      if (ev.key !== 'Tab') return;
      const stops = [this.input, this.closeButton, this.clear, this.all].filter((e) => !e.hidden);
      const here = this.root.activeElement;
      const i = stops.indexOf(here);
      const next = ev.shiftKey ? (i <= 0 ? stops.length - 1 : i - 1) : i < 0 || i === stops.length - 1 ? 0 : i + 1;
      ev.preventDefault();
      stops[next].focus();
    }

    typed() {
      const now = performance.now();
      // The first key after a pause searches at once; a run of keys waits until it stops.
      const wait = now - this.lastInput > 400 ? 0 : 120;
      this.lastInput = now;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), wait);
    }

    async search() {
      const q = this.input.value.trim().slice(0, 500);
      const seq = ++this.seq;
      if (!q) {
        this.showRecent();
        return;
      }
      const w = this.w;
      this.all.hidden = false;
      this.all.textContent = w.all(q);
      const searchURL = new URL('search', rootOf(this));
      searchURL.searchParams.set('q', q);
      this.all.href = searchURL.href;
      this.all.target = targetOf(this);
      if (this.all.target === '_blank') this.all.rel = 'noopener';
      this.clear.hidden = true;
      const link = this.link();
      this.status.textContent = link.port ? w.searching : w.loading;
      this.busy(true);
      try {
        const r = await link.call('search', { q, limit: limitOf(this, 8, 20) });
        if (seq !== this.seq) return;
        const root = rootOf(this);
        const hits = Array.isArray(r.hits) ? r.hits.map((x) => entry(root, x)).filter(Boolean) : [];
        const total = Number.isSafeInteger(r.total) ? r.total : hits.length;
        this.render(hits, false);
        this.status.textContent = hits.length ? w.count(total) : w.none;
        this.dispatchEvent(new CustomEvent('folio-results', { detail: { query: q, total, count: hits.length } }));
      } catch (err) {
        if (seq !== this.seq) return;
        this.render([], false);
        this.status.textContent = err && err.code === 'bad_query' ? err.message : w.failed;
      } finally {
        if (seq === this.seq) this.busy(false);
      }
    }

    busy(on) {
      if (on) this.list.setAttribute('aria-busy', 'true');
      else this.list.removeAttribute('aria-busy');
    }

    showRecent() {
      const recent = this.recent();
      this.all.hidden = true;
      this.clear.hidden = recent.length === 0;
      this.status.textContent = recent.length ? '' : this.w.hint;
      this.render(recent.map((q) => ({ query: q })), true);
    }

    render(items, recent) {
      this.items = items;
      this.active = -1;
      this.input.removeAttribute('aria-activedescendant');
      this.list.setAttribute('aria-label', recent ? this.w.recent : this.w.results);
      const lis = items.map((x, i) => {
        const li = make('li', { id: `o${i}`, role: 'option', 'aria-selected': 'false', part: 'option', 'data-i': i, class: recent ? 'recent' : null });
        if (recent) {
          li.append(make('span', { class: 'title', part: 'title' }, x.query));
          return li;
        }
        const meta = [x.date, x.category].filter(Boolean).join(' · ');
        const snippet = make('span', { class: 'snippet', part: 'snippet' });
        for (const [text, marked] of x.snippet) snippet.append(marked ? make('mark', { part: 'mark' }, text) : text);
        li.append(make('span', { class: 'title', part: 'title' }, x.title), meta ? make('span', { class: 'meta', part: 'meta' }, meta) : null, x.snippet.length ? snippet : null);
        return li;
      });
      this.list.replaceChildren(...lis);
      this.list.hidden = lis.length === 0;
      this.input.setAttribute('aria-expanded', String(lis.length > 0));
      if (!recent && lis.length) this.select(0);
    }

    select(i) {
      const old = this.list.children[this.active];
      if (old) old.setAttribute('aria-selected', 'false');
      this.active = i;
      const li = this.list.children[i];
      if (!li) {
        this.input.removeAttribute('aria-activedescendant');
        return;
      }
      li.setAttribute('aria-selected', 'true');
      this.input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    }

    move(ev) {
      const n = this.items.length;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (!n) return;
        const d = ev.key === 'ArrowDown' ? 1 : -1;
        this.select(this.active < 0 ? (d > 0 ? 0 : n - 1) : (this.active + d + n) % n);
      } else if (ev.key === 'Enter') {
        ev.preventDefault();
        if (this.active >= 0) this.choose(this.active);
        else if (!this.all.hidden) this.go(this.all.href);
      }
    }

    choose(i) {
      const x = this.items[i];
      if (!x) return;
      if (x.query !== undefined) {
        this.input.value = x.query;
        this.input.focus();
        this.search();
        return;
      }
      this.remember(this.input.value.trim());
      this.go(x.href);
    }

    go(href) {
      const target = targetOf(this);
      if (target === '_blank') window.open(href, '_blank', 'noopener');
      else window.open(href, target);
    }

    // Recent searches are kept in the host page's localStorage under a key of this archive
    // ("folio-widget:recent:" + the archive's address): they are the host reader's own
    // typing, which the host page sees anyway. recent="off" keeps none.
    recentKey() {
      return `folio-widget:recent:${rootOf(this).href}`;
    }

    recent() {
      if (this.getAttribute('recent') === 'off') return [];
      try {
        const v = JSON.parse(localStorage.getItem(this.recentKey()) || '[]');
        return Array.isArray(v) ? v.filter((q) => typeof q === 'string' && q).slice(0, RECENT_MAX).map((q) => q.slice(0, 200)) : [];
      } catch {
        return [];
      }
    }

    saveRecent(list) {
      try {
        if (list.length) localStorage.setItem(this.recentKey(), JSON.stringify(list));
        else localStorage.removeItem(this.recentKey());
      } catch {
        /* storage may be off or full: recent searches are a nicety */
      }
    }

    remember(q) {
      if (!q || this.getAttribute('recent') === 'off') return;
      this.saveRecent([q, ...this.recent().filter((x) => x !== q)].slice(0, RECENT_MAX));
    }
  }

  // ---- <folio-posts> ----

  const postsStyle = sheet(`
  :host { display: block; }
  /* Its own background: the host's is unknown, and the colours must contrast in both themes. */
  div { background: var(--_bg); color: var(--_fg); border-radius: var(--_radius); padding: 0.6em 0.8em; }
  ul { list-style: none; margin: 0; padding: 0; }
  li { display: block; margin: 0 0 0.6em; }
  a { color: var(--_accent); text-decoration: underline; text-underline-offset: 0.15em; }
  a:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  .meta { display: block; }
  `);

  class FolioPosts extends HTMLElement {
    static observedAttributes = ['category', 'tag', 'limit', 'archive', 'lang', 'target'];

    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      this.root.adoptedStyleSheets = [base, postsStyle];
      this.seq = 0;
    }

    connectedCallback() {
      if (!this.box) {
        this.box = make('div', { part: 'box' });
        this.root.append(this.box);
      }
      // Light until used: the engine loads when the list comes near the screen.
      if (this.watch) return;
      this.watch = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          this.watch.disconnect();
          this.seen = true;
          this.load();
        }
      }, { rootMargin: '200px' });
      this.watch.observe(this);
    }

    disconnectedCallback() {
      if (this.watch) this.watch.disconnect();
      this.watch = null;
      const l = links.get(rootOf(this).href + (this.hasAttribute('api') ? ' api' : ''));
      if (l && l.iframe && this.root.contains(l.iframe)) l.close();
    }

    attributeChangedCallback() {
      if (this.seen) this.load();
    }

    async load() {
      const seq = ++this.seq;
      const w = words[langOf(this)];
      const root = rootOf(this);
      const label = this.getAttribute('label') || w.posts;
      if (!this.box.firstChild) this.box.replaceChildren(make('p', { class: 'message', part: 'message', role: 'status' }, w.loading));
      this.setAttribute('aria-busy', 'true');
      try {
        const link = linkFor(root, this.hasAttribute('api'));
        link.open(this.root).catch(() => {});
        const args = { limit: limitOf(this, 5, 50) };
        for (const k of ['category', 'tag']) if (this.getAttribute(k)) args[k] = this.getAttribute(k).slice(0, 200);
        const r = await link.call('list', args);
        if (seq !== this.seq) return;
        const items = Array.isArray(r.items) ? r.items.map((x) => entry(root, x)).filter(Boolean) : [];
        const target = targetOf(this);
        const lis = items.map((x) => make('li', { part: 'item' },
          make('a', { href: x.href, target, rel: target === '_blank' ? 'noopener' : null, part: 'link' }, x.title),
          x.date || x.category ? make('span', { class: 'meta', part: 'meta' }, [x.date, x.category].filter(Boolean).join(' · ')) : null));
        this.box.replaceChildren(lis.length ? make('ul', { part: 'list', 'aria-label': label }, ...lis) : make('p', { class: 'message', part: 'message' }, w.empty));
      } catch {
        if (seq === this.seq) this.box.replaceChildren(make('p', { class: 'message', part: 'message' }, w.failed));
      } finally {
        if (seq === this.seq) this.removeAttribute('aria-busy');
      }
    }
  }

  for (const [name, cls] of [['folio-search', FolioSearch], ['folio-posts', FolioPosts]]) {
    if (!customElements.get(name)) customElements.define(name, cls);
  }
})();
