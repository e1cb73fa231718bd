// Follow, like, super like, repost, block, mute and the timelines.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sql, redis, waitFor, sleep } = require('./lib/stack');
const { Client, signup } = require('./lib/client');
const { makePost, act, cardIds } = require('./lib/posting');
const { apiUser, call } = require('./lib/api');

const num = (q) => Number(sql(q));
const postCount = (id, col) => num(`SELECT ${col} FROM posts WHERE id = ${id}`);
const userCount = (name, col) => num(`SELECT ${col} FROM users WHERE username = '${name}'`);

test('follow and unfollow are idempotent and keep both counters exact', async () => {
  const a = await signup('fa');
  const b = await signup('fb');
  let res = await act(a.client, `/@${b.username}/follow`, { returnTo: `/@${b.username}` });
  assert.equal(res.status, 303);
  assert.equal(new URL(res.headers.get('location')).pathname, `/@${b.username}`);
  await act(a.client, `/@${b.username}/follow`);
  assert.equal(userCount(b.username, 'followers_count'), 1, 'following twice counts once');
  assert.equal(userCount(a.username, 'following_count'), 1);
  res = await act(a.client, `/@${b.username}/unfollow`, { asJson: true });
  assert.equal(res.status, 200);
  const state = JSON.parse(res.body_text);
  assert.equal(state.following, false);
  assert.equal(state.followers_count, 0);
  await act(a.client, `/@${b.username}/unfollow`);
  assert.equal(userCount(b.username, 'followers_count'), 0);
  assert.equal(userCount(a.username, 'following_count'), 0);
});

test('following yourself is refused; following requires a login', async () => {
  const a = await signup('self');
  const res = await act(a.client, `/@${a.username}/follow`);
  assert.equal(res.status, 422);
  assert.equal(userCount(a.username, 'following_count'), 0);
  const anon = await new Client().request(`/@${a.username}/follow`, { method: 'POST', body: '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(anon.status, 403, 'no CSRF token, no session: refused');
  assert.equal((await act(a.client, '/@nobody_like_this/follow')).status, 404);
});

test('likes and super likes count exactly; a super like is also a like', async () => {
  const author = await signup('la');
  const fan = await signup('lf');
  const id = await makePost(author.client, 'like me');
  await act(fan.client, `/p/${id}/like`);
  await act(fan.client, `/p/${id}/like`);
  assert.equal(postCount(id, 'likes_count'), 1, 'double like is one like');
  const res = await act(fan.client, `/p/${id}/superlike`, { asJson: true });
  const state = JSON.parse(res.body_text);
  assert.equal(state.superliked, true);
  assert.equal(state.liked, true);
  assert.equal(state.likes_count, 1, 'upgrading keeps one like');
  assert.equal(state.superlikes_count, 1);
  assert.equal(typeof state.super_remaining, 'number');
  await act(fan.client, `/p/${id}/unlike`);
  assert.equal(postCount(id, 'likes_count'), 0);
  assert.equal(postCount(id, 'superlikes_count'), 0);
  await act(fan.client, `/p/${id}/unlike`);
  assert.equal(postCount(id, 'likes_count'), 0, 'unliking twice changes nothing');
});

test('the sixth super like of the day is refused with a message', async () => {
  const author = await signup('sa');
  const fan = await signup('sf');
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await makePost(author.client, `n${i}`));
  for (let i = 0; i < 5; i++) assert.equal((await act(fan.client, `/p/${ids[i]}/superlike`)).status, 303);
  const page = await fan.client.get(`/p/${ids[5]}`);
  assert.match(page.body_text, /super-left/, 'the remaining number is shown') ;
  const res = await act(fan.client, `/p/${ids[5]}/superlike`);
  assert.equal(res.status, 422);
  assert.match(res.body_text, /super likes|スーパーライク/);
  assert.equal(postCount(ids[5], 'superlikes_count'), 0);
  assert.equal((await act(fan.client, `/p/${ids[5]}/like`)).status, 303, 'a plain like still works');
});

test('50 users liking at once count exactly 50', async () => {
  const author = await signup('cc');
  const id = await makePost(author.client, 'popular');
  const fans = [];
  for (let i = 0; i < 50; i++) fans.push(await signup('cf'));
  const tokens = await Promise.all(fans.map((f) => f.client.csrf('/settings')));
  const results = await Promise.all(fans.map((f, i) => f.client.request(`/p/${id}/like`, {
    method: 'POST', body: `csrf_token=${tokens[i]}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })));
  for (const r of results) assert.equal(r.status, 303);
  assert.equal(postCount(id, 'likes_count'), 50);
  assert.equal(num(`SELECT COUNT(*) FROM likes WHERE post_id = ${id}`), 50);
  const likers = await new Client().get(`/p/${id}/likes`);
  assert.equal(likers.status, 200);
  assert.equal([...likers.body_text.matchAll(/<li class="person">/g)].length, 40, 'the liked-by list is paginated');
  assert.match(likers.body_text, /max_id=\d+/);
});

test('one user liking many posts at once: every like lands, none is refused for contention', async () => {
  const author = await signup('ma');
  const fan = await signup('mf');
  const ids = [];
  for (let i = 0; i < 24; i++) ids.push(await makePost(author.client, `many ${i}`));
  const token = await fan.client.csrf('/settings');
  const results = await Promise.all(ids.map((id) => fan.client.request(`/p/${id}/like`, {
    method: 'POST', body: `csrf_token=${token}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })));
  assert.deepEqual(results.map((r) => r.status), ids.map(() => 303));
  assert.equal(num(`SELECT COUNT(*) FROM likes l JOIN users u ON u.id = l.user_id WHERE u.username = '${fan.username}'`), ids.length);
  assert.equal(num(`SELECT SUM(likes_count) FROM posts WHERE id IN (${ids.join(',')})`), ids.length);
});

test('pending, deleted and unknown posts cannot be liked (404)', async () => {
  const author = await signup('pd');
  const fan = await signup('pf');
  const id = await makePost(author.client, 'soon gone');
  sql(`UPDATE posts SET state = 'pending' WHERE id = ${id}`);
  assert.equal((await act(fan.client, `/p/${id}/like`)).status, 404);
  sql(`UPDATE posts SET state = 'approved' WHERE id = ${id}`);
  await author.client.submit(`/p/${id}/delete`, `/p/${id}/delete`, {});
  assert.equal((await act(fan.client, `/p/${id}/like`)).status, 404);
  assert.equal((await act(fan.client, '/p/999999999/like')).status, 404);
  assert.equal((await act(fan.client, '/p/abc/like')).status, 404);
});

test('the home timeline: own and followed posts, reposts, newest first, paged by cursor', async () => {
  const reader = await signup('hr');
  const star = await signup('hs');
  const stranger = await signup('hx');
  const empty = await reader.client.get('/');
  assert.match(empty.body_text, /href="\/explore"/, 'a new user is pointed to Explore');
  assert.equal(cardIds(empty.body_text).length, 0);
  await act(reader.client, `/@${star.username}/follow`);
  const mine = await makePost(reader.client, 'my own');
  const ids = [];
  for (let i = 0; i < 22; i++) ids.push(await makePost(star.client, `star ${i}`));
  const hidden = await makePost(stranger.client, 'not followed');
  const wanted = [...ids.reverse(), mine];
  const page1 = await waitFor(async () => {
    const p = await reader.client.get('/');
    return cardIds(p.body_text)[0] === wanted[0] ? p : null;
  }, 10000, 100);
  assert.ok(page1, 'fan-out reached the reader');
  assert.deepEqual(cardIds(page1.body_text), wanted.slice(0, 20));
  assert.ok(!cardIds(page1.body_text).includes(hidden));
  const older = page1.body_text.match(/href="(\/\?max_id=\d+)" rel="next"/)[1];
  const page2 = await reader.client.get(older);
  assert.deepEqual(cardIds(page2.body_text), wanted.slice(20, 23));

  // A repost by someone the reader follows shows with its reposter.
  const orig = await makePost(stranger.client, 'reposted one');
  await act(star.client, `/p/${orig}/repost`);
  await act(star.client, `/p/${orig}/repost`);
  assert.equal(postCount(orig, 'reposts_count'), 1, 'reposting twice counts once');
  const withRepost = await waitFor(async () => {
    const p = await reader.client.get('/');
    return cardIds(p.body_text)[0] === orig ? p : null;
  }, 10000, 100);
  assert.ok(withRepost);
  assert.match(withRepost.body_text, new RegExp(`${star.username}[^<]*reposted|${star.username} さんがリポスト`));
  await act(star.client, `/p/${orig}/unrepost`);
  assert.equal(postCount(orig, 'reposts_count'), 0);
});

test("the home feed marks the viewer's likes, super likes and reposts, on pages and in the API", async () => {
  const reader = await apiUser('mk');
  const star = await signup('ms');
  const stranger = await signup('mx');
  await act(reader.client, `/@${star.username}/follow`);
  const [liked, superliked, reposted, plain] = [await makePost(star.client, 'l'), await makePost(star.client, 's'),
    await makePost(star.client, 'r'), await makePost(star.client, 'p')];
  const other = await makePost(stranger.client, 'o');
  await act(star.client, `/p/${other}/repost`);
  assert.equal((await act(reader.client, `/p/${liked}/like`)).status, 303);
  assert.equal((await act(reader.client, `/p/${superliked}/superlike`)).status, 303);
  assert.equal((await act(reader.client, `/p/${reposted}/repost`)).status, 303);
  const marks = (html) => {
    const out = {};
    for (const card of html.split('<article class="card post">').slice(1)) {
      const id = Number(card.match(/data-post="(\d+)"/)[1]);
      const on = (kind) => new RegExp(`class="action ${kind} on"`).test(card);
      out[id] = [...(out[id] || []), { like: on('like'), superlike: on('superlike'), repost: on('repost') }];
    }
    return out;
  };
  const page = await waitFor(async () => {
    const p = await reader.client.get('/');
    return Object.keys(marks(p.body_text)).length === 5 ? p : null;
  }, 10000, 100);
  assert.ok(page, 'the five posts reached the reader');
  const m = marks(page.body_text);
  assert.deepEqual(m[liked], [{ like: true, superlike: false, repost: false }]);
  assert.deepEqual(m[superliked], [{ like: true, superlike: true, repost: false }]);
  assert.deepEqual(m[reposted], [{ like: false, superlike: false, repost: true }, { like: false, superlike: false, repost: true }],
    "the post and the reader's own repost of it");
  assert.deepEqual(m[plain], [{ like: false, superlike: false, repost: false }]);
  assert.deepEqual(m[other], [{ like: false, superlike: false, repost: false }], 'a repost by someone else is not the reader\'s');
  assert.match(page.body_text, /class="muted super-left">[^<]*4</, 'one super like used of five');

  const api = await call('GET', '/api/v1/timelines/home', { token: reader.token });
  assert.equal(api.status, 200);
  const seen = {};
  for (const s of api.body) {
    const shown = s.reblog || s;
    seen[shown.id] = [...(seen[shown.id] || []), [shown.favourited, shown.reblogged]];
  }
  assert.deepEqual(seen[String(liked)], [[true, false]]);
  assert.deepEqual(seen[String(superliked)], [[true, false]]);
  assert.deepEqual(seen[String(reposted)], [[false, true], [false, true]]);
  assert.deepEqual(seen[String(plain)], [[false, false]]);
  assert.deepEqual(seen[String(other)], [[false, false]]);
  // The authors' accounts come with the posts: whole, with their counts.
  const byStar = api.body.find((st) => st.id === String(plain));
  assert.equal(byStar.account.username, star.username);
  assert.equal(byStar.account.followers_count, 1);
  assert.equal(byStar.account.statuses_count, userCount(star.username, 'posts_count'));
  const boost = api.body.find((st) => st.reblog && st.reblog.id === String(other));
  assert.equal(boost.account.username, star.username);
  assert.equal(boost.reblog.account.username, stranger.username);
  assert.equal(boost.reblog.account.followers_count, 0);
});

test('after FLUSHALL the home timeline is rebuilt with the same posts', async () => {
  const reader = await signup('fr');
  const star = await signup('fs');
  await act(reader.client, `/@${star.username}/follow`);
  for (let i = 0; i < 3; i++) await makePost(star.client, `kept ${i}`);
  const before = await waitFor(async () => {
    const p = await reader.client.get('/');
    return cardIds(p.body_text).length === 3 ? cardIds(p.body_text) : null;
  }, 10000, 100);
  assert.ok(before);
  redis('FLUSHALL');
  const again = (await login(reader)).client;
  const after = cardIds((await again.get('/')).body_text);
  assert.deepEqual(after, before);
});

async function login(u) {
  const c = new Client();
  const res = await c.submit('/login', '/login', { login: u.username, password: u.password });
  assert.equal(res.status, 303);
  return { client: c };
}

test('a post deleted after fan-out is gone from followers\' pages', async () => {
  const reader = await signup('dr');
  const star = await signup('ds');
  await act(reader.client, `/@${star.username}/follow`);
  await reader.client.get('/'); // the reader has a timeline
  const id = await makePost(star.client, 'here and gone');
  assert.ok(await waitFor(async () => cardIds((await reader.client.get('/')).body_text).includes(id), 10000, 100));
  await star.client.submit(`/p/${id}/delete`, `/p/${id}/delete`, {});
  assert.ok(!cardIds((await reader.client.get('/')).body_text).includes(id));
  const uid = sql(`SELECT id FROM users WHERE username = '${reader.username}'`);
  assert.ok(await waitFor(() => !redis('LRANGE', `bb:tl:home:${uid}`, '0', '-1').split('\n').includes(String(id)), 5000, 100),
    'and from the stored timeline');
});

test('an account deleted with its posts leaves no empty page: the home timeline and the API look past them', async () => {
  const reader = await apiUser('gr');
  const early = await signup('ge');
  const gone = await signup('gg');
  const kept = [];
  for (let i = 0; i < 3; i++) kept.unshift(await makePost(early.client, `kept ${i}`));
  await act(reader.client, `/@${early.username}/follow`);
  await act(reader.client, `/@${gone.username}/follow`);
  await reader.client.get('/'); // the reader has a timeline, so fan-out fills it
  const many = [];
  for (let i = 0; i < 25; i++) many.unshift(await makePost(gone.client, `soon gone ${i}`));
  assert.ok(await waitFor(async () => cardIds((await reader.client.get('/')).body_text)[0] === many[0], 10000, 100),
    'fan-out reached the reader');

  const res = await gone.client.submit('/settings/delete', '/settings/delete', { password: gone.password });
  assert.equal(res.status, 303);
  const stored = redis('LRANGE', `bb:tl:home:${reader.id}`, '0', '-1').split('\n').map(Number);
  assert.deepEqual(stored.slice(0, 25), many, 'the deleted posts are still at the head of the stored timeline');

  const page = await reader.client.get('/');
  assert.deepEqual(cardIds(page.body_text), kept, 'the page shows the posts after them');
  assert.doesNotMatch(page.body_text, /rel="next"/, 'and nothing older is left');
  const api = await call('GET', '/api/v1/timelines/home?limit=2', { token: reader.token });
  assert.equal(api.status, 200);
  assert.deepEqual(api.body.map((st) => Number(st.id)), kept.slice(0, 2), 'the API too, a full page of 2');
  const next = api.headers.get('link').match(/<[^>]*(\/api\/v1\/timelines\/home\?[^>]*max_id=\d+)>; rel="next"/)[1];
  const rest = await call('GET', next, { token: reader.token });
  assert.deepEqual(rest.body.map((st) => Number(st.id)), kept.slice(2), 'and its next page the rest');
});

test('a new follow brings the followee\'s earlier posts into the timeline', async () => {
  const reader = await signup('br');
  const star = await signup('bs');
  const old = await makePost(star.client, 'from before');
  await reader.client.get('/');
  await act(reader.client, `/@${star.username}/follow`);
  assert.ok(cardIds((await reader.client.get('/')).body_text).includes(old));
  await act(reader.client, `/@${star.username}/unfollow`);
  assert.ok(!cardIds((await reader.client.get('/')).body_text).includes(old));
});

test('Explore shows recent posts to everyone and is the home page when logged out', async () => {
  const u = await signup('ex');
  const id = await makePost(u.client, 'for everyone #explored');
  const anon = await new Client().get('/');
  assert.equal(anon.status, 200);
  assert.ok(cardIds(anon.body_text).includes(id));
  const explore = await new Client().get('/explore');
  assert.ok(cardIds(explore.body_text).includes(id));
  const fan = await signup('exf');
  await act(fan.client, `/p/${id}/like`);
  const again = await new Client().get('/explore');
  assert.match(again.body_text, /id="top-title"/, 'the most liked of the day');
  assert.match(again.body_text, new RegExp(`<ul class="grid">[\\s\\S]*href="/p/${id}"`));
});

test('the tag timeline lists posts with that hashtag', async () => {
  const u = await signup('tg');
  const tag = `tag${Date.now() % 100000}`;
  const a = await makePost(u.client, `first #${tag}`);
  await makePost(u.client, 'no tag here');
  const b = await makePost(u.client, `second #${tag.toUpperCase()}`);
  const page = await new Client().get(`/tags/${tag}`);
  assert.equal(page.status, 200);
  assert.deepEqual(cardIds(page.body_text), [b, a]);
  const jp = await makePost(u.client, '夕暮れの #美女写真');
  assert.ok(cardIds((await new Client().get(`/tags/${encodeURIComponent('美女写真')}`)).body_text).includes(jp));
  assert.equal((await new Client().get('/tags/bad%20tag')).status, 404);
});

test('blocking ends follows both ways and hides each from the other', async () => {
  const a = await signup('ba');
  const b = await signup('bb');
  await act(a.client, `/@${b.username}/follow`);
  await act(b.client, `/@${a.username}/follow`);
  const bPost = await makePost(b.client, 'from b');
  const aPost = await makePost(a.client, 'from a');
  const res = await act(a.client, `/@${b.username}/block`);
  assert.equal(res.status, 303);
  assert.equal(userCount(a.username, 'followers_count'), 0);
  assert.equal(userCount(a.username, 'following_count'), 0);
  assert.equal(userCount(b.username, 'followers_count'), 0);
  assert.equal(num(`SELECT COUNT(*) FROM follows f JOIN users u ON u.id = f.follower_id WHERE u.username IN ('${a.username}','${b.username}')`), 0);
  assert.equal((await act(b.client, `/@${a.username}/follow`)).status, 403, 'the blocked cannot follow back');
  assert.equal((await act(b.client, `/p/${aPost}/like`)).status, 404, 'nor like');
  assert.equal((await act(a.client, `/p/${bPost}/repost`)).status, 404, 'nor does the blocker see their posts');
  assert.equal((await b.client.get(`/p/${aPost}`)).status, 404);
  assert.ok(!cardIds((await a.client.get('/explore')).body_text).includes(bPost), 'gone from Explore too');
  const blocks = await a.client.get('/settings/blocks');
  assert.match(blocks.body_text, new RegExp(`@${b.username}`));
  await act(a.client, `/@${b.username}/unblock`);
  assert.equal((await b.client.get(`/p/${aPost}`)).status, 200);
});

test('muting hides an account\'s posts from the muter only', async () => {
  const a = await signup('ma');
  const b = await signup('mb');
  const c = await signup('mc');
  await act(a.client, `/@${b.username}/follow`);
  await act(c.client, `/@${b.username}/follow`);
  const id = await makePost(b.client, 'muted words');
  assert.ok(await waitFor(async () => cardIds((await a.client.get('/')).body_text).includes(id), 10000, 100));
  await act(a.client, `/@${b.username}/mute`);
  assert.ok(!cardIds((await a.client.get('/')).body_text).includes(id));
  assert.ok(await waitFor(async () => cardIds((await c.client.get('/')).body_text).includes(id), 10000, 100),
    'others still see it');
  assert.equal(userCount(b.username, 'followers_count'), 2, 'a mute is not an unfollow');
  assert.match((await a.client.get('/settings/blocks')).body_text, new RegExp(`@${b.username}`));
  await act(a.client, `/@${b.username}/unmute`);
  assert.ok(cardIds((await a.client.get('/')).body_text).includes(id));
});

test('followers and following lists show accounts with their follow buttons', async () => {
  const star = await signup('ls');
  const fans = [];
  for (let i = 0; i < 3; i++) {
    const f = await signup('lf');
    await act(f.client, `/@${star.username}/follow`);
    fans.push(f);
  }
  const page = await fans[0].client.get(`/@${star.username}/followers`);
  assert.equal(page.status, 200);
  for (const f of fans) assert.match(page.body_text, new RegExp(`href="/@${f.username}"`));
  assert.match(page.body_text, new RegExp(`action="/@${fans[1].username}/follow"`), 'a follow button for the others');
  const following = await new Client().get(`/@${fans[0].username}/following`);
  assert.match(following.body_text, new RegExp(`href="/@${star.username}"`));
  assert.equal((await new Client().get('/@nobody_here_at_all/followers')).status, 404);
});
