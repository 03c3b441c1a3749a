// The demo exchange page's own script, a file rather than inline so the page runs under a CSP without
// 'unsafe-inline' (src/server/http/hardening.ts): the hero's "Chat with support" button opens the widget.
document.addEventListener('click', (event) => {
  const opener = event.target instanceof Element ? event.target.closest('[data-open-chat]') : null;
  if (opener && window.Kefu) window.Kefu.open();
});
