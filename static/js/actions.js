// Likes, super likes, reposts and follows update in place: the forms
// still work without JavaScript (they post and come back); with it, the
// form is sent with fetch and the buttons and counts take the new state.
'use strict';
(() => {
  // Where a button posts: its own formaction, or else its form's action.
  const target = (button) =>
    button.getAttribute('formaction') || (button.form && button.form.getAttribute('action')) || '';
  const retarget = (button, path) => {
    const url = target(button).replace(/\/[a-z]+$/, `/${path}`);
    if (button.hasAttribute('formaction')) button.setAttribute('formaction', url);
    else button.form.setAttribute('action', url);
  };
  const flip = (button, on, onPath, offPath) => {
    button.classList.toggle('on', on);
    button.setAttribute('aria-pressed', String(on));
    retarget(button, on ? offPath : onPath);
  };

  const apply = (form, button, state) => {
    const box = form.closest('[data-post]') || form.closest('article') || document;
    if ('likes_count' in state) {
      for (const el of document.querySelectorAll(`[data-post="${box.dataset.post}"] [data-count], .post-page [data-count]`)) {
        if (box.dataset.post && !el.closest(`[data-post="${box.dataset.post}"]`) && !el.closest('.post-page')) continue;
        const key = `${el.dataset.count}_count`;
        if (key in state) el.textContent = state[key];
      }
      for (const b of box.querySelectorAll('form[data-action] button')) {
        const kind = target(b).match(/\/(like|unlike|superlike|repost|unrepost)$/);
        if (!kind) continue;
        if (kind[1] === 'like' || kind[1] === 'unlike') flip(b, state.liked, 'like', 'unlike');
        if (kind[1] === 'repost' || kind[1] === 'unrepost') flip(b, state.reposted, 'repost', 'unrepost');
        if (kind[1] === 'superlike') {
          b.classList.toggle('on', state.superliked);
          b.setAttribute('aria-pressed', String(state.superliked));
          b.disabled = state.superliked;
        }
      }
    }
    if ('following' in state) {
      flip(button, state.following, 'follow', 'unfollow');
      button.classList.toggle('btn-primary', !state.following);
      button.textContent = state.following ? button.dataset.on || 'Following' : button.dataset.off || 'Follow';
    }
  };

  // Without fetch's answer the server's own page explains (limit
  // reached, logged out…): the form is posted the plain way.
  const post = (form, url) => {
    form.setAttribute('action', url);
    form.submit();
  };

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-action')) return;
    event.preventDefault();
    const button = event.submitter || form.querySelector('button');
    const url = target(button);
    button.disabled = true;
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!res.ok) {
        post(form, url);
        return;
      }
      apply(form, button, await res.json());
    } catch {
      post(form, url);
    } finally {
      if (!button.classList.contains('superlike') || !button.classList.contains('on')) button.disabled = false;
    }
  });
})();
