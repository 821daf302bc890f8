// page.js — the embed page (/embed/): fills in the snippet and the CSP lines for the address
// this archive is served from, and copies the snippet. Where this archive's server answers
// the JSON API (folio serve, the edge: data/folio.json comes with Folio-Edge: api), the
// snippet's elements get the api attribute, so that the widget asks the API directly, and
// the CSP lines add connect-src.
const root = new URL('./', document.baseURI);
const origin = root.origin;
const code = document.querySelector('#snippet code');
const csp = document.querySelector('#csp code');
let snippet = '';

function fill(api) {
  const a = api ? ' api' : '';
  snippet = `<script src="${new URL('widget.js', root).href}" defer></script>
<folio-search${a}></folio-search>
<folio-posts limit="5"${a}></folio-posts>`;
  code.textContent = snippet;
  csp.textContent = `script-src ${origin}; frame-src ${origin}${api ? `; connect-src ${origin}` : ''}`;
  document.querySelector('#api').hidden = !api;
}
fill(false);
fetch(new URL('data/folio.json', root), { method: 'HEAD', cache: 'no-store' }).then(
  (r) => fill(r.ok && r.headers.get('folio-edge') === 'api'),
  () => {},
);
document.title = `${document.title} · embed`;

const status = document.querySelector('#copied');
document.querySelector('#copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(snippet);
    status.textContent = 'Copied.';
  } catch {
    const range = document.createRange();
    range.selectNodeContents(code);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
});
