// Conditional GET: pages and API answers carry a weak ETag of their body,
// and a client that already has that body gets 304 without it. Visitors'
// pages may be kept by the browser (no-cache, revalidated); anything for
// a session or a token stays no-store.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { base } = require('./lib/stack');
const { Client, signup } = require('./lib/client');
const { makePost } = require('./lib/posting');
const { apiUser, call, postImage } = require('./lib/api');

const WEAK = /^W\/"[0-9a-f]{16}"$/;

async function get(path, headers = {}, method = 'GET') {
  const res = await fetch(base + path, { method, headers, redirect: 'manual' });
  res.body_text = await res.text();
  return res;
}

test('a visitor\'s page: ETag and no-cache, 304 while unchanged, 200 with a new tag once it changes', async () => {
  const first = await get('/explore');
  assert.equal(first.status, 200);
  const tag = first.headers.get('etag');
  assert.match(tag, WEAK);
  assert.equal(first.headers.get('cache-control'), 'no-cache');

  const again = await get('/explore', { 'If-None-Match': tag });
  assert.equal(again.status, 304);
  assert.equal(again.body_text, '', 'no body with a 304');
  assert.equal(again.headers.get('etag'), tag);
  assert.match(again.headers.get('content-security-policy') || '', /default-src 'self'/, 'security headers on a 304 too');

  const listed = await get('/explore', { 'If-None-Match': `W/"0000000000000000", ${tag}` });
  assert.equal(listed.status, 304, 'a tag among others in the list');
  const head = await get('/explore', { 'If-None-Match': tag }, 'HEAD');
  assert.equal(head.status, 304, 'HEAD revalidates like GET');
  const other = await get('/explore', { 'If-None-Match': 'W/"0000000000000000"' });
  assert.equal(other.status, 200, 'another tag gets the page');
  assert.equal(other.headers.get('etag'), tag);

  const author = await signup('cond');
  const id = await makePost(author.client, 'something new for Explore');
  const changed = await get('/explore', { 'If-None-Match': tag });
  assert.equal(changed.status, 200, 'the page changed: the new body is sent');
  assert.notEqual(changed.headers.get('etag'), tag);
  assert.match(changed.body_text, new RegExp(`href="/p/${id}"`));
});

test('a logged-in page keeps no-store and still answers 304 to its own tag', async () => {
  const u = await signup('condme');
  const page = await u.client.get('/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  const tag = page.headers.get('etag');
  assert.match(tag, WEAK);
  const again = await u.client.get('/', { 'If-None-Match': tag });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('cache-control'), 'no-store');
  // Someone else's page under the same URL is another body: never a 304.
  const visitor = await get('/', { 'If-None-Match': tag });
  assert.equal(visitor.status, 200);
});

test('API lists: 304 while the home timeline is unchanged, 200 after a new post', async () => {
  const u = await apiUser('condapi');
  const first = await call('GET', '/api/v1/timelines/home', { token: u.token });
  assert.equal(first.status, 200);
  const tag = first.headers.get('etag');
  assert.match(tag, WEAK);
  assert.equal(first.headers.get('cache-control'), 'no-store');
  const same = await call('GET', '/api/v1/timelines/home', { token: u.token, headers: { 'If-None-Match': tag } });
  assert.equal(same.status, 304);
  assert.equal(same.text, '');
  const status = await postImage(u.token, 'a new post for my timeline');
  const changed = await call('GET', '/api/v1/timelines/home', { token: u.token, headers: { 'If-None-Match': tag } });
  assert.equal(changed.status, 200);
  assert.equal(changed.body[0].id, status.id);
  assert.notEqual(changed.headers.get('etag'), tag);
});

test('no ETag on errors, on answers that set a cookie, or on writes', async () => {
  const missing = await get('/p/999999999', { 'If-None-Match': '*' });
  assert.equal(missing.status, 404, '* does not turn a 404 into a 304');
  assert.equal(missing.headers.get('etag'), null);

  const login = await get('/login', { 'If-None-Match': '*' });
  assert.equal(login.status, 200, 'the login page sets its CSRF cookie: always sent in full');
  assert.ok(login.headers.getSetCookie().some((c) => /^bb_csrf=/.test(c)));
  assert.equal(login.headers.get('etag'), null);

  const u = await signup('condw');
  const id = await makePost(u.client, 'to like');
  const fan = await signup('condf');
  const token = await fan.client.csrf(`/p/${id}`);
  const like = await fan.client.request(`/p/${id}/like`, {
    method: 'POST', body: new URLSearchParams({ csrf_token: token }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'If-None-Match': '*' },
  });
  assert.equal(like.status, 303, 'a write is done whatever If-None-Match says');
  assert.equal(like.headers.get('etag'), null);
  const page = await new Client().get(`/p/${id}`);
  assert.match(page.body_text, /data-count="likes">1</);
});
