// page.js — the embed page (/embed/): fills in the snippet and the CSP lines for the address
// this archive is served from, and copies the snippet.
const root = new URL('./', document.baseURI);
const origin = root.origin;
const snippet = `<script src="${new URL('widget.js', root).href}" defer></script>
<folio-search></folio-search>
<folio-posts limit="5"></folio-posts>`;
document.querySelector('#snippet code').textContent = snippet;
document.querySelector('#csp code').textContent = `script-src ${origin}; frame-src ${origin}`;
document.title = `${document.title} · embed`;

const status = document.querySelector('#copied');
document.querySelector('#copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(snippet);
    status.textContent = 'Copied.';
  } catch {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector('#snippet code'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
});
