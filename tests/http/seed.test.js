// `beaubelle seed`: a realistic data set, every counter exact, usable at once.
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { base, sql, redis, cli, cliResult } = require('./lib/stack');
const { login } = require('./lib/client');

const USERS = 200;
const POSTS = 2000;
// Unique per run, so the suite can run again on the same database.
const prefix = `t${process.pid % 10000}x${Date.now() % 1000000}`;
const other = `${prefix}b`;
const num = (q) => Number(sql(q));
const rows = (q) => sql(q).split('\n').filter(Boolean).map((l) => l.split('\t'));
const seededUsers = (p) => `SELECT id FROM users WHERE username LIKE '${p}%'`;
const seededPosts = (p) => `SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id WHERE u.username LIKE '${p}%'`;
const STALE = 'bb:tl:home:987654321';

let output;

before(() => {
  // A timeline left over from an older database must not survive the seed.
  redis('RPUSH', STALE, '1', '2', '3');
  output = cli(['seed', '--users', String(USERS), '--posts', String(POSTS), '--prefix', prefix, '--seed', '7'],
    { timeout: 120000 });
});

test('seed creates the accounts, posts, follows, likes and reposts it reports', () => {
  assert.match(output, /seed: done: 200 users, \d+ follows, 2000 posts, \d+ reposts, \d+ likes/);
  const [, follows, reposts, likes] = output.match(/done: \d+ users, (\d+) follows, \d+ posts, (\d+) reposts, (\d+) likes/).map(Number);
  assert.equal(num(`SELECT COUNT(*) FROM users WHERE username LIKE '${prefix}%'`), USERS);
  assert.equal(num(`SELECT COUNT(*) FROM users WHERE username = '${prefix}00001'`), 1, 'names like user00001');
  assert.equal(num(`SELECT COUNT(*) FROM posts WHERE id IN (${seededPosts(prefix)}) AND repost_of_id IS NULL`), POSTS);
  assert.equal(num(`SELECT COUNT(*) FROM posts WHERE id IN (${seededPosts(prefix)}) AND repost_of_id IS NOT NULL`), reposts);
  assert.equal(num(`SELECT COUNT(*) FROM follows WHERE follower_id IN (${seededUsers(prefix)})`), follows);
  assert.equal(num(`SELECT COUNT(*) FROM likes WHERE user_id IN (${seededUsers(prefix)})`), likes);
  assert.ok(follows > USERS, 'people follow several accounts');
  assert.ok(likes > POSTS / 2 && reposts > 0);
  assert.ok(num(`SELECT COUNT(*) FROM likes WHERE user_id IN (${seededUsers(prefix)}) AND kind = 'superlike'`) > 0,
    'some likes are super likes');
  assert.equal(num(`SELECT COUNT(*) FROM posts WHERE id IN (${seededPosts(prefix)}) AND state <> 'approved'`), 0);
  assert.equal(num(`SELECT COUNT(*) FROM follows WHERE follower_id IN (${seededUsers(prefix)}) AND follower_id = followee_id`), 0,
    'nobody follows themselves');
  assert.equal(redis('EXISTS', STALE), '0', 'cached home timelines were dropped');
});

test('names, bios and captions mix Japanese and English; captions carry their hashtags', () => {
  const names = rows(`SELECT display_name, bio FROM users WHERE username LIKE '${prefix}%'`);
  assert.ok(names.some(([n]) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(n)), 'Japanese names');
  assert.ok(names.some(([n]) => /^[A-Z][a-z]+/.test(n)), 'English names');
  assert.ok(names.filter(([, b]) => b).length > USERS / 2, 'most have a bio');
  // Every original has a media row of its own, owned by its author.
  assert.equal(num(`SELECT COUNT(DISTINCT p.media_id) FROM posts p WHERE p.id IN (${seededPosts(prefix)}) AND p.repost_of_id IS NULL`), POSTS);
  assert.equal(num(`SELECT COUNT(*) FROM posts p JOIN media m ON m.id = p.media_id
    WHERE p.id IN (${seededPosts(prefix)}) AND p.repost_of_id IS NULL AND m.owner_id <> p.user_id`), 0);
  // A repost shares its original's media and has no caption.
  assert.equal(num(`SELECT COUNT(*) FROM posts r JOIN posts o ON o.id = r.repost_of_id
    WHERE r.id IN (${seededPosts(prefix)}) AND (r.media_id <> o.media_id OR r.caption <> '' OR r.user_id = o.user_id
      OR r.created_at <= o.created_at OR r.id <= o.id)`), 0);
  // Each post's hashtag rows are exactly the #tags of its caption.
  const tagged = rows(`SELECT p.caption, (SELECT GROUP_CONCAT(h.name ORDER BY h.name SEPARATOR ' ')
      FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id WHERE ph.post_id = p.id)
    FROM posts p WHERE p.id IN (${seededPosts(prefix)}) AND p.repost_of_id IS NULL ORDER BY p.id LIMIT 300`);
  for (const [caption, tags] of tagged) {
    const inCaption = [...caption.matchAll(/(?:^|\s)#(\S+)/g)].map((m) => m[1]);
    assert.ok(inCaption.length >= 1, `a hashtag in "${caption}"`);
    // Tag names compare case-insensitively, as the column does.
    const lower = (list) => list.map((t) => t.toLowerCase()).sort();
    assert.deepEqual(lower(inCaption), lower((tags || '').split(' ')), caption);
  }
  const jaTags = num(`SELECT COUNT(*) FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
    WHERE ph.post_id IN (${seededPosts(prefix)}) AND h.name IN ('美女', 'ポートレート')`);
  assert.ok(jaTags > 0, 'Japanese tags are used');
});

test('every counter equals the rows it counts', () => {
  assert.equal(num(`SELECT COUNT(*) FROM users u WHERE u.username LIKE '${prefix}%' AND (
      u.followers_count <> (SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id)
   OR u.following_count <> (SELECT COUNT(*) FROM follows f WHERE f.follower_id = u.id)
   OR u.posts_count <> (SELECT COUNT(*) FROM posts p WHERE p.user_id = u.id AND p.state = 'approved' AND p.repost_of_id IS NULL))`), 0,
  'followers_count, following_count, posts_count');
  assert.equal(num(`SELECT COUNT(*) FROM posts p WHERE p.id IN (${seededPosts(prefix)}) AND (
      p.likes_count <> (SELECT COUNT(*) FROM likes l WHERE l.post_id = p.id)
   OR p.superlikes_count <> (SELECT COUNT(*) FROM likes l WHERE l.post_id = p.id AND l.kind = 'superlike')
   OR p.reposts_count <> (SELECT COUNT(*) FROM posts r WHERE r.repost_of_id = p.id))`), 0,
  'likes_count, superlikes_count, reposts_count');
  assert.ok(num(`SELECT SUM(followers_count) FROM users WHERE username LIKE '${prefix}%'`) > 0);
});

test('follower counts are skewed: the top account has many times the median', () => {
  const counts = rows(`SELECT followers_count FROM users WHERE username LIKE '${prefix}%' ORDER BY followers_count`)
    .map(([c]) => Number(c));
  const median = counts[Math.floor(counts.length / 2)];
  const top = counts[counts.length - 1];
  assert.ok(top >= 5 * Math.max(median, 1), `top ${top}, median ${median}`);
  assert.ok(top >= USERS / 4, `the top account is followed by a good share of everyone (${top})`);
  // Active posters post more, and likes pile up on popular posts.
  const posts = rows(`SELECT posts_count FROM users WHERE username LIKE '${prefix}%' ORDER BY posts_count DESC`).map(([c]) => Number(c));
  assert.ok(posts[0] >= 5 * Math.max(posts[Math.floor(posts.length / 2)], 1), `posts per account ${posts[0]} vs median`);
  const likes = rows(`SELECT likes_count FROM posts WHERE id IN (${seededPosts(prefix)}) AND repost_of_id IS NULL ORDER BY likes_count DESC`)
    .map(([c]) => Number(c));
  const total = likes.reduce((a, b) => a + b, 0);
  const topTenth = likes.slice(0, likes.length / 10).reduce((a, b) => a + b, 0);
  assert.ok(topTenth > total / 3, `the most liked tenth of posts holds ${topTenth} of ${total} likes`);
});

test('posts, follows and likes are spread over the last two months, ids in time order', () => {
  const [oldest, newest] = rows(`SELECT TIMESTAMPDIFF(DAY, MIN(created_at), UTC_TIMESTAMP()), TIMESTAMPDIFF(MINUTE, MAX(created_at), UTC_TIMESTAMP())
    FROM posts WHERE id IN (${seededPosts(prefix)})`)[0].map(Number);
  assert.ok(oldest >= 55 && oldest <= 60, `oldest post ${oldest} days ago`);
  assert.ok(newest < 24 * 60, `newest post ${newest} minutes ago`);
  assert.equal(num(`SELECT COUNT(*) FROM posts a JOIN posts b ON b.id = a.id + 1
    WHERE a.id IN (${seededPosts(prefix)}) AND b.id IN (${seededPosts(prefix)}) AND b.created_at < a.created_at`), 0,
  'a later id is never an earlier post');
  assert.equal(num(`SELECT COUNT(*) FROM likes l JOIN posts p ON p.id = l.post_id
    WHERE l.user_id IN (${seededUsers(prefix)}) AND (l.created_at < p.created_at OR l.created_at > UTC_TIMESTAMP(3))`), 0,
  'a like comes after its post');
  assert.equal(num(`SELECT COUNT(*) FROM posts p JOIN users u ON u.id = p.user_id
    WHERE p.id IN (${seededPosts(prefix)}) AND p.created_at < u.created_at`), 0, 'nobody posts before joining');
});

test('every stored image is served through the media URL', async () => {
  const hashes = rows(`SELECT DISTINCT m.sha256 FROM media m JOIN posts p ON p.media_id = m.id
    WHERE p.id IN (${seededPosts(prefix)})`).map(([h]) => h);
  assert.ok(hashes.length >= 5, `the default images are used (${hashes.length})`);
  for (const h of hashes) {
    for (const variant of ['orig', 'feed', 'thumb']) {
      const res = await fetch(`${base}/media/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}-${variant}.webp`);
      assert.equal(res.status, 200, `${h}-${variant}`);
      assert.equal(res.headers.get('content-type'), 'image/webp');
    }
  }
});

test('a seeded account logs in with the demo password and sees its home timeline', async () => {
  const [username] = rows(`SELECT u.username FROM users u JOIN follows f ON f.follower_id = u.id
    JOIN posts p ON p.user_id = f.followee_id AND p.state = 'approved'
    WHERE u.username LIKE '${prefix}%' GROUP BY u.id ORDER BY COUNT(*) DESC LIMIT 1`)[0];
  const wrong = await login(username, 'not-the-password');
  assert.notEqual(wrong.res.status, 303);
  const { client, res } = await login(username, 'beaubelle-demo');
  assert.equal(res.status, 303, `login as ${username}`);
  const home = await client.get('/');
  assert.equal(home.status, 200);
  assert.ok((home.body_text.match(/class="card post"/g) || []).length >= 5, 'the timeline shows posts');
});

test('seeding again under the same names is refused and changes nothing', () => {
  const before = num(`SELECT COUNT(*) FROM users`);
  const posts = num(`SELECT COUNT(*) FROM posts`);
  const res = cliResult(['seed', '--users', '10', '--posts', '10', '--prefix', prefix]);
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, new RegExp(`${prefix}00001 exists; .*--prefix`));
  assert.equal(num(`SELECT COUNT(*) FROM users`), before);
  assert.equal(num(`SELECT COUNT(*) FROM posts`), posts);
  const usage = cliResult(['seed', '--users', '10']);
  assert.equal(usage.status, 2, 'missing --posts is a usage error');
  assert.equal(cliResult(['seed', '--users', '10', '--posts', '1', '--prefix', 'no-dash']).status, 2);
});

test('the same seed gives the same data under another prefix', () => {
  cli(['seed', '--users', String(USERS), '--posts', String(POSTS), '--prefix', other, '--seed', '7'], { timeout: 120000 });
  const shape = (p) => sql(`SELECT SUBSTRING(username, ${p.length + 1}), display_name, bio, followers_count, following_count, posts_count
    FROM users WHERE username LIKE '${p}%' AND username NOT LIKE '${p}b%' ORDER BY username`);
  const a = shape(prefix);
  assert.equal(a.split('\n').length, USERS);
  assert.equal(shape(other), a);
  const captions = (p) => sql(`SELECT p.caption FROM posts p JOIN users u ON u.id = p.user_id
    WHERE u.username LIKE '${p}%' AND u.username NOT LIKE '${p}b%' ORDER BY p.id`);
  assert.equal(captions(other), captions(prefix));
});
