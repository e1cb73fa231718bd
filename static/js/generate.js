// The Generate tab: while the images are being made, ask the server
// every second and a half and reload the page once they are ready (or
// the request failed). Without JavaScript a <noscript> refresh and the
// Refresh button do the same. The Generate button says it is working.
'use strict';
(() => {
  const progress = document.querySelector('.gen-progress[data-status-url]');
  if (progress) {
    const url = progress.dataset.statusUrl;
    const poll = async () => {
      try {
        const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (res.ok) {
          const { status } = await res.json();
          if (status !== 'pending' && status !== 'running') {
            window.location.reload();
            return;
          }
        }
      } catch { /* offline for a moment: ask again */ }
      setTimeout(poll, 1500);
    };
    setTimeout(poll, 1000);
  }
  const form = document.querySelector('.gen-form');
  if (form) {
    form.addEventListener('submit', () => {
      const button = form.querySelector('button[type="submit"]');
      if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
    });
  }
})();
