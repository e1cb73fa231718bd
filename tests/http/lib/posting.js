// Making posts in tests, through the compose form as a browser does.
'use strict';
const { multipart, fixture } = require('./images');

// Post an image (still.png unless data is given); returns the post id.
async function makePost(client, caption = '', data = fixture('still.png')) {
  const page = await client.get('/new');
  const token = page.body_text.match(/name="csrf_token" value="([^"]+)"/)[1];
  const key = page.body_text.match(/name="idempotency_key" value="([^"]+)"/)[1];
  const { body, contentType } = multipart({ csrf_token: token, idempotency_key: key, caption, alt: '' },
    [{ name: 'image', filename: 'image.png', type: 'image/png', data }]);
  const res = await client.request('/new', { method: 'POST', body, headers: { 'Content-Type': contentType } });
  if (res.status !== 303) throw new Error(`post failed: ${res.status}`);
  return Number(new URL(res.headers.get('location')).pathname.split('/')[2]);
}

// POST an action form (like, follow…) with the session's token; asJson
// asks for the JSON answer the page script uses.
async function act(client, path, { asJson = false, returnTo } = {}) {
  const token = await client.csrf('/settings');
  const body = new URLSearchParams({ csrf_token: token, ...(returnTo ? { return_to: returnTo } : {}) }).toString();
  return client.request(path, {
    method: 'POST', body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(asJson ? { Accept: 'application/json' } : {}) },
  });
}

// Ids of the posts shown as cards on a page, in order.
const cardIds = (html) => [...html.matchAll(/<article class="card post">[\s\S]*?href="\/p\/(\d+)" class="muted"/g)].map((m) => Number(m[1]));

module.exports = { makePost, act, cardIds };
