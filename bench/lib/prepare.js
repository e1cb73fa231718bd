// Before the load runs: a logged-in seeded account (its session cookie and
// an OAuth token through the real authorization flow), ids for the write
// scenarios (posts to like; unattached images to post, copied in SQL from
// seeded ones so each POST makes a real post), written where the wrk Lua
// scripts read them. Prints shell assignments for scripts/bench.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('../../tests/http/lib/client');
const { registerApp, pkce, authorize, exchange } = require('../../tests/http/lib/api');
const { sql, varDir } = require('../../tests/http/lib/stack');

const USER = process.env.BENCH_USER || 'bench00042';
const PASSWORD = process.env.BENCH_PASSWORD;
const IDS = 50000;

(async () => {
  const client = new Client();
  const res = await client.submit('/login', '/login', { login: USER, password: PASSWORD });
  if (res.status !== 303) throw new Error(`login ${USER}: ${res.status}`);
  const app = await registerApp({});
  const { verifier, challenge } = pkce();
  const { code } = await authorize(client, app, { challenge });
  const token = (await exchange(app, code, { verifier })).body.access_token;
  const uid = Number(sql(`SELECT id FROM users WHERE username = '${USER}'`));
  const dir = path.join(varDir, 'bench');
  fs.mkdirSync(dir, { recursive: true });
  // Posts to like: approved originals by others, a fresh set each run.
  const posts = sql(`SELECT id FROM posts WHERE state = 'approved' AND repost_of_id IS NULL AND user_id <> ${uid}
    AND id NOT IN (SELECT post_id FROM likes WHERE user_id = ${uid}) ORDER BY RAND() LIMIT ${IDS}`);
  fs.writeFileSync(path.join(dir, 'posts.txt'), `${posts}\n`);
  // Unattached images of the account: copies of seeded rows (same files).
  sql(`INSERT INTO media (owner_id, sha256, kind, format, width, height, frames, feed_width, feed_height,
      thumb_width, thumb_height, bytes, blurhash, description)
    SELECT ${uid}, m.sha256, 'post', m.format, m.width, m.height, m.frames, m.feed_width, m.feed_height,
      m.thumb_width, m.thumb_height, m.bytes, m.blurhash, '' FROM media m
    JOIN (SELECT seq FROM seq_1_to_${IDS}) s ON 1 = 1 WHERE m.id = (SELECT MIN(id) FROM media)`);
  const media = sql(`SELECT m.id FROM media m LEFT JOIN posts p ON p.media_id = m.id
    WHERE m.owner_id = ${uid} AND p.id IS NULL ORDER BY m.id DESC LIMIT ${IDS}`);
  fs.writeFileSync(path.join(dir, 'media.txt'), `${media}\n`);
  const post = sql(`SELECT id FROM posts WHERE state = 'approved' AND repost_of_id IS NULL ORDER BY likes_count DESC LIMIT 1`);
  const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
  process.stdout.write([`BENCH_COOKIE=${q(client.cookieHeader())}`, `BENCH_TOKEN=${q(token)}`,
    `BENCH_POST=${q(post)}`, `BENCH_DIR=${q(dir)}`, ''].join('\n'));
})().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
