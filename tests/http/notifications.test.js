// Notifications: created once by the job worker, grouped, counted,
// marked read, filtered, deleted, and pushed live through nginx.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sql, redis, waitFor } = require('./lib/stack');
const { Client, signup } = require('./lib/client');
const { makePost, act } = require('./lib/posting');
const { subscribe } = require('./lib/live');

const uidOf = (u) => Number(sql(`SELECT id FROM users WHERE username = '${u.username}'`));
const notes = (u, kind) => Number(sql(`SELECT COUNT(*) FROM notifications WHERE user_id = ${uidOf(u)}${kind ? ` AND kind = '${kind}'` : ''}`));
const unread = async (u) => JSON.parse((await u.client.get('/notifications/unread.json')).body_text).unread;

test('a like notifies the author once; opening the page reads it', async () => {
  const author = await signup('na');
  const fan = await signup('nf');
  const id = await makePost(author.client, 'notify me');
  await act(fan.client, `/p/${id}/like`);
  await act(fan.client, `/p/${id}/like`);
  assert.ok(await waitFor(() => notes(author, 'like') === 1, 5000, 50), 'one like notification');
  assert.equal(await unread(author), 1);
  const badge = await author.client.get('/settings');
  assert.match(badge.body_text, /<span class="badge" data-unread aria-hidden="true">1<\/span>/, 'the bell shows the count');
  const page = await author.client.get('/notifications', { 'Accept-Language': 'en' });
  assert.match(page.body_text, new RegExp(`<strong>${fan.username}</strong> liked your post`));
  assert.match(page.body_text, /class="notification unread kind-like"/);
  assert.equal(await unread(author), 0, 'opening the page marks them read');
  assert.doesNotMatch((await author.client.get('/settings')).body_text, /data-unread aria-hidden="true">1/);
});

test('unliking removes the notification; liking your own post notifies no one', async () => {
  const author = await signup('ua');
  const fan = await signup('uf');
  const id = await makePost(author.client, 'undo');
  await act(fan.client, `/p/${id}/like`);
  assert.ok(await waitFor(() => notes(author, 'like') === 1, 5000, 50));
  await act(fan.client, `/p/${id}/unlike`);
  assert.ok(await waitFor(() => notes(author, 'like') === 0, 5000, 50), 'no stale "liked your post"');
  await act(author.client, `/p/${id}/like`);
  await act(fan.client, `/p/${id}/repost`);
  assert.ok(await waitFor(() => notes(author, 'repost') === 1, 5000, 50));
  assert.equal(notes(author, 'like'), 0, 'the self-like made none');
});

test('super likes stand out and supersede the like they upgrade', async () => {
  const author = await signup('sa');
  const fan = await signup('sf');
  const id = await makePost(author.client, 'super');
  await act(fan.client, `/p/${id}/like`);
  assert.ok(await waitFor(() => notes(author, 'like') === 1, 5000, 50));
  await act(fan.client, `/p/${id}/superlike`);
  assert.ok(await waitFor(() => notes(author, 'superlike') === 1 && notes(author, 'like') === 0, 5000, 50));
  const page = await author.client.get('/notifications', { 'Accept-Language': 'en' });
  assert.match(page.body_text, /class="notification unread kind-superlike"/);
  assert.match(page.body_text, /super liked your post/);
  assert.match(page.body_text, /★/);
});

test('likes of one post within a day are grouped, and concurrent events all count', async () => {
  const author = await signup('ga');
  const id = await makePost(author.client, 'group me');
  const fans = [];
  for (let i = 0; i < 10; i++) fans.push(await signup('gf'));
  const tokens = await Promise.all(fans.map((f) => f.client.csrf('/settings')));
  await Promise.all(fans.map((f, i) => f.client.request(`/p/${id}/like`, {
    method: 'POST', body: `csrf_token=${tokens[i]}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })));
  assert.ok(await waitFor(() => notes(author, 'like') === 10, 10000, 100), 'ten notifications');
  assert.equal(await unread(author), 10);
  const page = await author.client.get('/notifications', { 'Accept-Language': 'en' });
  assert.equal([...page.body_text.matchAll(/<li class="notification/g)].length, 1, 'shown as one group');
  assert.match(page.body_text, /and 9 others liked your post/);
  const ja = await author.client.get('/notifications', { 'Accept-Language': 'ja' });
  assert.match(ja.body_text, /ほか9人があなたの投稿にいいねしました/);
});

test('follows, reposts and mentions notify; unfollowing takes the follow back', async () => {
  const a = await signup('fa');
  const b = await signup('fb');
  await act(b.client, `/@${a.username}/follow`);
  assert.ok(await waitFor(() => notes(a, 'follow') === 1, 5000, 50));
  await act(b.client, `/@${a.username}/unfollow`);
  assert.ok(await waitFor(() => notes(a, 'follow') === 0, 5000, 50));
  await makePost(b.client, `hello @${a.username} and @nobody_at_all_here`);
  assert.ok(await waitFor(() => notes(a, 'mention') === 1, 5000, 50));
  const page = await a.client.get('/notifications?type=mentions', { 'Accept-Language': 'en' });
  assert.match(page.body_text, /mentioned you/);
  assert.doesNotMatch(page.body_text, /kind-follow/);
  assert.equal((await a.client.get('/notifications?type=nonsense')).status, 400);
});

test('a deleted post takes its notifications with it', async () => {
  const author = await signup('da');
  const fan = await signup('df');
  const id = await makePost(author.client, 'short lived');
  await act(fan.client, `/p/${id}/like`);
  assert.ok(await waitFor(() => notes(author, 'like') === 1, 5000, 50));
  await author.client.submit(`/p/${id}/delete`, `/p/${id}/delete`, {});
  assert.equal(notes(author), 0);
});

test('a blocked account\'s actions do not notify, and earlier ones disappear', async () => {
  const a = await signup('bka');
  const b = await signup('bkb');
  await act(b.client, `/@${a.username}/follow`);
  assert.ok(await waitFor(() => notes(a, 'follow') === 1, 5000, 50));
  await act(a.client, `/@${b.username}/block`);
  assert.equal(notes(a), 0);
  await act(a.client, `/@${b.username}/unblock`);
  await act(a.client, `/@${b.username}/mute`);
  await act(b.client, `/@${a.username}/follow`);
  assert.ok(await waitFor(() => notes(a, 'follow') === 1, 5000, 50), 'a mute does not stop notifications');
});

test('each kind can be turned off in settings', async () => {
  const a = await signup('oa');
  const b = await signup('ob');
  const res = await a.client.submit('/settings/notifications', '/settings/notifications', { superlike: '1', repost: '1', follow: '1', mention: '1', moderation: '1' });
  assert.equal(res.status, 303);
  const id = await makePost(a.client, 'quiet likes');
  await act(b.client, `/p/${id}/like`);
  await act(b.client, `/@${a.username}/follow`);
  assert.ok(await waitFor(() => notes(a, 'follow') === 1, 5000, 50));
  assert.equal(notes(a, 'like'), 0, 'likes are off');
  const page = await a.client.get('/settings/notifications');
  assert.doesNotMatch(page.body_text, /id="n-like"[^>]* checked/);
  assert.match(page.body_text, /id="n-follow"[^>]* checked/);
});

test('the unread count survives Redis losing it', async () => {
  const a = await signup('ra');
  const b = await signup('rb');
  await act(b.client, `/@${a.username}/follow`);
  assert.ok(await waitFor(() => notes(a, 'follow') === 1, 5000, 50));
  assert.equal(await unread(a), 1);
  redis('FLUSHALL');
  const again = new Client();
  await again.submit('/login', '/login', { login: a.username, password: a.password });
  assert.equal(JSON.parse((await again.get('/notifications/unread.json')).body_text).unread, 1);
  await again.submit('/notifications', '/notifications/read', {});
  assert.equal(JSON.parse((await again.get('/notifications/unread.json')).body_text).unread, 0);
});

test('live: the owner gets events over SSE held by nginx; nobody else may subscribe', async () => {
  const a = await signup('la');
  const b = await signup('lb');
  const cookie = `sid=${a.client.cookies.get('sid')}`;
  const other = await subscribe(`/live/notifications/${uidOf(b)}`, cookie);
  assert.equal(other.status, 403, 'someone else\'s channel is refused');
  other.close();
  const anon = await subscribe(`/live/notifications/${uidOf(a)}`, '');
  assert.equal(anon.status, 403, 'a visitor is refused');
  anon.close();
  const mine = await subscribe(`/live/notifications/${uidOf(a)}`, cookie);
  assert.equal(mine.status, 200);
  await act(b.client, `/@${a.username}/follow`);
  assert.ok(await waitFor(() => mine.events.length > 0, 5000, 50), 'an event arrived');
  assert.equal(JSON.parse(mine.events[0]).unread, 1);
  mine.close();
});
