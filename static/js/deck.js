// The deck: the top card follows the finger and flies off — right to
// like, left to pass, up to super like — or answers the arrow keys.
// Without JavaScript the three buttons are a plain form.
'use strict';
(() => {
  const deck = document.getElementById('deck');
  if (!deck) return;
  const status = document.getElementById('deck-status');
  const THRESHOLD = 90;
  let busy = false;

  const top = () => deck.querySelector('.deck-card:not(.gone)');
  const announce = (text) => { if (status) status.textContent = text; };

  const empty = () => {
    if (top()) return;
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = deck.dataset.emptyText;
    deck.append(p);
  };

  // Keep a few cards ahead so the next image is already loaded.
  const refill = async () => {
    if (deck.querySelectorAll('.deck-card:not(.gone)').length > 2) return;
    try {
      const ai = deck.dataset.ai ? `&ai=${encodeURIComponent(deck.dataset.ai)}` : '';
      const res = await fetch(`/deck?cards=1${ai}`, { credentials: 'same-origin' });
      if (!res.ok) return;
      const box = document.createElement('div');
      box.innerHTML = await res.text();
      for (const card of box.querySelectorAll('.deck-card')) {
        if (!deck.querySelector(`.deck-card[data-post="${card.dataset.post}"]`)) deck.append(card);
      }
    } catch { /* offline: the remaining cards still work */ }
  };

  const swipe = async (card, action) => {
    if (busy || !card) return;
    busy = true;
    const form = card.querySelector('form');
    const body = new URLSearchParams(new FormData(form));
    body.set('action', action);
    const under = card.nextElementSibling;
    if (under && under.classList.contains('deck-card')) under.classList.add('next');
    card.classList.add('gone', `fly-${action}`);
    try {
      // form.action would name the buttons called "action", not the URL.
      const res = await fetch(form.getAttribute('action'), {
        method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' },
      });
      if (res.ok) {
        const state = await res.json();
        for (const el of document.querySelectorAll('.super-left')) {
          el.textContent = el.textContent.replace(/\d+/, String(state.super_remaining));
        }
        announce(deck.dataset[action] || action);
        setTimeout(() => card.remove(), 400);
      } else {
        // Refused (the day's super likes are used, say): show the card again
        // and let the server's page explain.
        card.classList.remove('gone', `fly-${action}`);
        under?.classList.remove('next');
        const button = form.querySelector(`button[value="${action}"]`);
        busy = false;
        form.requestSubmit(button);
        return;
      }
    } catch {
      card.classList.remove('gone', `fly-${action}`);
      under?.classList.remove('next');
    }
    busy = false;
    empty();
    refill();
    const next = top();
    if (next) next.querySelector('button.like')?.focus({ preventScroll: true });
  };

  deck.addEventListener('click', (event) => {
    const button = event.target.closest('button[name="action"]');
    if (!button) return;
    event.preventDefault();
    swipe(button.closest('.deck-card'), button.value);
  });

  document.addEventListener('keydown', (event) => {
    if (event.target.closest('input, textarea, select')) return;
    const action = { ArrowRight: 'like', ArrowLeft: 'pass', ArrowUp: 'superlike' }[event.key];
    if (!action) return;
    event.preventDefault();
    swipe(top(), action);
  });

  // Touch and mouse drags on the top card.
  let start = null;
  deck.addEventListener('pointerdown', (event) => {
    const card = event.target.closest('.deck-card');
    if (!card || card !== top() || event.target.closest('button, a')) return;
    start = { x: event.clientX, y: event.clientY, card };
    card.setPointerCapture(event.pointerId);
    card.classList.add('dragging');
  });
  deck.addEventListener('pointermove', (event) => {
    if (!start) return;
    const dx = event.clientX - start.x, dy = event.clientY - start.y;
    start.card.style.transform = `translate(${dx}px, ${dy}px) rotate(${dx / 20}deg)`;
    start.card.dataset.hint = dy < -THRESHOLD && Math.abs(dy) > Math.abs(dx) ? 'superlike'
      : dx > THRESHOLD ? 'like' : dx < -THRESHOLD ? 'pass' : '';
  });
  const end = (event) => {
    if (!start) return;
    const { card } = start;
    const dx = event.clientX - start.x, dy = event.clientY - start.y;
    start = null;
    card.classList.remove('dragging');
    card.style.transform = '';
    delete card.dataset.hint;
    if (dy < -THRESHOLD && Math.abs(dy) > Math.abs(dx)) swipe(card, 'superlike');
    else if (dx > THRESHOLD) swipe(card, 'like');
    else if (dx < -THRESHOLD) swipe(card, 'pass');
  };
  deck.addEventListener('pointerup', end);
  deck.addEventListener('pointercancel', end);
  refill();
})();
