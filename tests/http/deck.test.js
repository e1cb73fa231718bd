// The deck, the collection and trending tags.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sql, cli, waitFor } = require('./lib/stack');
const { Client, signup } = require('./lib/client');
const { makePost, act } = require('./lib/posting');
const { noisePng } = require('./lib/images');

const deckIds = (html) => [...html.matchAll(/<article class="deck-card" data-post="(\d+)"/g)].map((m) => Number(m[1]));
const num = (q) => Number(sql(q));

async function swipe(client, postId, action, { asJson = false } = {}) {
  const token = await client.csrf('/settings');
  return client.request('/deck/swipe', {
    method: 'POST', body: new URLSearchParams({ csrf_token: token, post_id: String(postId), action }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(asJson ? { Accept: 'application/json' } : {}) },
  });
}

test('the deck never shows own, pending, removed or already swiped posts', async () => {
  const viewer = await signup('dv');
  const author = await signup('da');
  const own = await makePost(viewer.client, 'mine');
  const pending = await makePost(author.client, 'pending one');
  sql(`UPDATE posts SET state = 'pending' WHERE id = ${pending}`);
  const removed = await makePost(author.client, 'removed one');
  sql(`UPDATE posts SET state = 'removed' WHERE id = ${removed}`);
  const fresh = await makePost(author.client, 'fresh', noisePng(30, 40));
  const seen = new Set();
  for (let round = 0; round < 6; round++) {
    const page = await viewer.client.get('/deck');
    assert.equal(page.status, 200);
    const ids = deckIds(page.body_text);
    if (ids.length === 0) break;
    for (const id of ids) {
      assert.ok(![own, pending, removed].includes(id), `card ${id} must not be shown`);
    }
    assert.ok(!seen.has(ids[0]), `the top card ${ids[0]} was swiped already`);
    seen.add(ids[0]);
    assert.equal((await swipe(viewer.client, ids[0], 'pass')).status, 303);
  }
  assert.ok(seen.size >= 1);
  assert.equal(num(`SELECT COUNT(*) FROM deck_swipes s JOIN users u ON u.id = s.user_id WHERE u.username = '${viewer.username}'`), seen.size);
  assert.equal((await swipe(viewer.client, own, 'like')).status, 422, 'own posts cannot be swiped');
  assert.equal((await swipe(viewer.client, pending, 'like')).status, 404);
  assert.equal((await swipe(viewer.client, fresh, 'dislike')).status, 422);
});

test("the deck puts first what the accounts a viewer follows liked", async () => {
  const author = await signup('ds');
  const viewer = await signup('dw');
  const other = await signup('dy');
  const followed = [];
  const strangers = [];
  for (let i = 0; i < 3; i++) followed.push(await signup('df'));
  for (let i = 0; i < 3; i++) strangers.push(await signup('dz'));
  for (const f of followed) await act(viewer.client, `/@${f.username}/follow`);
  const byFriends = await makePost(author.client, 'liked by friends', noisePng(31, 40));
  const byStrangers = await makePost(author.client, 'liked by strangers', noisePng(32, 40));
  for (const f of followed) assert.equal((await act(f.client, `/p/${byFriends}/like`)).status, 303);
  for (const s of strangers) assert.equal((await act(s.client, `/p/${byStrangers}/like`)).status, 303);
  // Same likes and nearly the same age: only the social signal tells them apart.
  assert.equal(deckIds((await viewer.client.get('/deck')).body_text)[0], byFriends);
  assert.notEqual(deckIds((await other.client.get('/deck')).body_text)[0], byFriends,
    'for someone who follows none of them it is one post among others');
  // Muted or blocking authors leave the deck, however well their posts rank.
  assert.equal((await act(viewer.client, `/@${author.username}/mute`)).status, 303);
  let ids = deckIds((await viewer.client.get('/deck')).body_text);
  assert.ok(!ids.includes(byFriends) && !ids.includes(byStrangers), 'a muted author is not on the deck');
  assert.equal((await act(viewer.client, `/@${author.username}/unmute`)).status, 303);
  assert.equal(deckIds((await viewer.client.get('/deck')).body_text)[0], byFriends, 'and is back once unmuted');
  assert.equal((await act(author.client, `/@${viewer.username}/block`)).status, 303);
  ids = deckIds((await viewer.client.get('/deck')).body_text);
  assert.ok(!ids.includes(byFriends) && !ids.includes(byStrangers), 'nor is an author who blocked the viewer');
});

test('a swipe is recorded once; a deck like is a real like in the collection and notifies', async () => {
  const viewer = await signup('lv');
  const author = await signup('la');
  const id = await makePost(author.client, 'deck like', noisePng(20, 30));
  let res = await swipe(viewer.client, id, 'like', { asJson: true });
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body_text).recorded, true);
  res = await swipe(viewer.client, id, 'like', { asJson: true });
  assert.equal(JSON.parse(res.body_text).recorded, false, 'the second swipe changes nothing');
  assert.equal(num(`SELECT likes_count FROM posts WHERE id = ${id}`), 1);
  assert.ok(!deckIds((await viewer.client.get('/deck')).body_text).includes(id), 'a swiped card does not come back');
  const collection = await viewer.client.get('/collection');
  assert.match(collection.body_text, new RegExp(`href="/p/${id}"`));
  assert.ok(await waitFor(() => num(`SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = '${author.username}' AND n.kind = 'like'`) === 1, 5000, 50),
    'the author is notified');
  // Removing from the collection is unliking.
  await act(viewer.client, `/p/${id}/unlike`);
  assert.doesNotMatch((await viewer.client.get('/collection')).body_text, new RegExp(`href="/p/${id}"`));
});

test('super likes from the deck share the daily limit and are marked in the collection', async () => {
  const viewer = await signup('sv');
  const author = await signup('sa');
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await makePost(author.client, `s${i}`, noisePng(10 + i, 12)));
  await act(viewer.client, `/p/${ids[0]}/superlike`);
  for (let i = 1; i < 5; i++) assert.equal((await swipe(viewer.client, ids[i], 'superlike')).status, 303);
  const over = await swipe(viewer.client, ids[5], 'superlike');
  assert.equal(over.status, 422);
  assert.equal(num(`SELECT COUNT(*) FROM deck_swipes WHERE post_id = ${ids[5]}`), 0, 'nothing recorded: the card can be swiped again');
  const collection = await viewer.client.get('/collection');
  assert.equal([...collection.body_text.matchAll(/class="super-mark"/g)].length, 5);
});

test('a collection is private unless its owner shows it', async () => {
  const owner = await signup('co');
  const author = await signup('ca');
  const id = await makePost(author.client, 'collected', noisePng(22, 22));
  await act(owner.client, `/p/${id}/like`);
  assert.equal((await new Client().get(`/@${owner.username}/collection`)).status, 404);
  await owner.client.submit('/settings', '/settings', { display_name: 'Co', bio: '', language: 'auto', collection_public: '1' });
  const page = await new Client().get(`/@${owner.username}/collection`);
  assert.equal(page.status, 200);
  assert.match(page.body_text, new RegExp(`href="/p/${id}"`));
});

test('trends count distinct accounts per tag, weighted to the last hours', async () => {
  const tag = `trend${Date.now() % 1000000}`;
  const a = await signup('ta');
  const b = await signup('tb');
  // One account using the tag 50 times: a post, then the job that counts
  // it run 49 more times (as if it had posted again each time).
  await makePost(a.client, `#${tag} first`);
  const aid = num(`SELECT id FROM users WHERE username = '${a.username}'`);
  const first = num(`SELECT MAX(id) FROM posts WHERE user_id = ${aid}`);
  for (let i = 0; i < 49; i++) cli(['admin', 'enqueue', 'trend', String(first)]);
  const seen = async (want) => waitFor(async () => {
    const page = await new Client().get('/explore/tags', { 'Accept-Language': 'en' });
    const m = page.body_text.match(new RegExp(`href="/tags/${tag}">#${tag}</a>\\s*<span class="muted">(\\d+) people`));
    return m && Number(m[1]) === want ? page : null;
  }, 8000, 100);
  assert.ok(await seen(1), 'one account counts once, however often');
  await makePost(b.client, `me too #${tag.toUpperCase()}`);
  const page = await seen(2);
  assert.ok(page, 'two accounts');
  assert.match(page.body_text, /<svg class="spark"/);
  const explore = await new Client().get('/explore');
  assert.match(explore.body_text, new RegExp(`#${tag}`), 'the side panel on Explore');
  const out = cli(['admin', 'rebuild-trends']);
  assert.match(out, /recorded \d+ hashtag uses/);
});

test('admin rebuild-timelines rebuilds every home timeline from MariaDB', () => {
  const out = cli(['admin', 'rebuild-timelines']);
  assert.match(out, /rebuilt \d+ home timelines/);
});
