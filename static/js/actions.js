// Likes, super likes, reposts and follows update in place: the forms
// still work without JavaScript (they post and come back); with it, the
// form is sent with fetch and the buttons and counts take the new state.
'use strict';
(() => {
  const flip = (form, on, onPath, offPath) => {
    const button = form.querySelector('button');
    button.classList.toggle('on', on);
    button.setAttribute('aria-pressed', String(on));
    form.action = form.action.replace(/\/[a-z]+$/, `/${on ? offPath : onPath}`);
  };

  const apply = (form, state) => {
    const box = form.closest('[data-post]') || form.closest('article') || document;
    if ('likes_count' in state) {
      for (const el of document.querySelectorAll(`[data-post="${box.dataset.post}"] [data-count], .post-page [data-count]`)) {
        if (box.dataset.post && !el.closest(`[data-post="${box.dataset.post}"]`) && !el.closest('.post-page')) continue;
        const key = `${el.dataset.count}_count`;
        if (key in state) el.textContent = state[key];
      }
      for (const f of box.querySelectorAll('form[data-action]')) {
        const kind = f.action.match(/\/(like|unlike|superlike|repost|unrepost)$/);
        if (!kind) continue;
        if (kind[1] === 'like' || kind[1] === 'unlike') flip(f, state.liked, 'like', 'unlike');
        if (kind[1] === 'repost' || kind[1] === 'unrepost') flip(f, state.reposted, 'repost', 'unrepost');
        if (kind[1] === 'superlike') {
          const b = f.querySelector('button');
          b.classList.toggle('on', state.superliked);
          b.setAttribute('aria-pressed', String(state.superliked));
          b.disabled = state.superliked;
        }
      }
    }
    if ('following' in state) {
      const b = form.querySelector('button');
      flip(form, state.following, 'follow', 'unfollow');
      b.classList.toggle('btn-primary', !state.following);
      b.textContent = state.following ? b.dataset.on || 'Following' : b.dataset.off || 'Follow';
    }
  };

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-action')) return;
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!res.ok) {
        form.submit(); // let the server's page explain (limit reached, logged out…)
        return;
      }
      apply(form, await res.json());
    } catch {
      form.submit();
    } finally {
      if (!button.classList.contains('superlike') || !button.classList.contains('on')) button.disabled = false;
    }
  });
})();
