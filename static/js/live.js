// The notification badge stays current without reloading: nginx pushes
// events over Server-Sent Events (nchan); where that is not available,
// a cheap JSON count is asked every 30 seconds.
'use strict';
(() => {
  const user = document.body.dataset.user;
  if (!user) return;
  const badges = document.querySelectorAll('[data-unread]');
  const onNotificationsPage = location.pathname === '/notifications';

  const show = (count) => {
    for (const b of badges) {
      b.textContent = String(count);
      b.hidden = !(count > 0) || onNotificationsPage;
    }
    if (onNotificationsPage && count > 0) {
      // The open page reads new notifications as they arrive.
      const live = document.getElementById('notif-live');
      if (live) live.textContent = '…';
      location.reload();
    }
  };

  let polling = null;
  const poll = () => {
    if (polling) return;
    const ask = async () => {
      try {
        const res = await fetch('/notifications/unread.json', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (res.ok) show((await res.json()).unread);
      } catch { /* offline: try again later */ }
    };
    polling = setInterval(ask, 30000);
  };

  if (!('EventSource' in window)) {
    poll();
    return;
  }
  let failures = 0;
  const source = new EventSource(`/live/notifications/${encodeURIComponent(user)}`);
  source.onmessage = (event) => {
    failures = 0;
    try {
      const data = JSON.parse(event.data);
      if (typeof data.unread === 'number') show(data.unread);
    } catch { /* not ours */ }
  };
  source.onerror = () => {
    failures += 1;
    if (failures >= 3) {
      source.close();
      poll();
    }
  };
})();
