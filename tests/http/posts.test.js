// Image posts: upload, processing, storage, the post page and deletion.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { isBlurhashValid } = require('blurhash');
const { base, sql, varDir, cli, spawnBeaubelle, waitFor, freePort } = require('./lib/stack');
const { Client, signup } = require('./lib/client');
const { fixture, webpInfo, noisePng, multipart } = require('./lib/images');
const fcgi = require('./lib/fcgi');

// Post through the compose form, the way a browser does.
async function post(client, file, fields = {}, { token, key } = {}) {
  const page = await client.get('/new');
  const csrf = token !== undefined ? token : page.body_text.match(/name="csrf_token" value="([^"]+)"/)[1];
  const idem = key !== undefined ? key : page.body_text.match(/name="idempotency_key" value="([^"]+)"/)[1];
  const { body, contentType } = multipart({ csrf_token: csrf, idempotency_key: idem, caption: '', alt: '', ...fields },
    file ? [{ name: 'image', filename: file.name, type: file.type, data: file.data }] : []);
  return client.request('/new', { method: 'POST', body, headers: { 'Content-Type': contentType, 'Accept-Language': 'en' } });
}
const fileOf = (name, type = 'image/jpeg') => ({ name, type, data: fixture(name) });
const postId = (res) => Number(new URL(res.headers.get('location')).pathname.split('/')[2]);
const mediaUrls = (html) => [...new Set([...html.matchAll(/\/media\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}-(?:orig|feed|thumb)\.webp/g)].map((m) => m[0]))];

test('each accepted type is stored as three WebP sizes without metadata', async () => {
  const u = await signup('img');
  for (const [name, type] of [['portrait.jpg', 'image/jpeg'], ['still.png', 'image/png'], ['still.webp', 'image/webp'],
    ['still.gif', 'image/gif'], ['anim.gif', 'image/gif']]) {
    const res = await post(u.client, fileOf(name, type), { caption: `a ${name}` });
    assert.equal(res.status, 303, `${name} accepted: ${res.body_text.slice(0, 200)}`);
    const page = await u.client.get(new URL(res.headers.get('location')).pathname);
    assert.equal(page.status, 200);
    const [linked] = mediaUrls(page.body_text);
    assert.ok(linked, `${name}: the page shows the image`);
    const urls = ['orig', 'feed', 'thumb'].map((v) => linked.replace(/-(orig|feed|thumb)\.webp$/, `-${v}.webp`));
    for (const url of urls) {
      const img = await fetch(base + url);
      assert.equal(img.status, 200);
      assert.equal(img.headers.get('content-type'), 'image/webp');
      assert.match(img.headers.get('cache-control'), /immutable/);
      assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
      const info = webpInfo(Buffer.from(await img.arrayBuffer()));
      assert.ok(info, `${url} is WebP`);
      assert.ok(!info.chunks.includes('EXIF') && !info.chunks.includes('XMP '), `${name}: no metadata in ${url}`);
      const limit = url.endsWith('-thumb.webp') ? 320 : url.endsWith('-feed.webp') ? 1080 : 2048;
      assert.ok(Math.max(info.width, info.height) <= limit, `${url} within ${limit}px`);
      if (name === 'anim.gif') assert.ok(info.chunks.includes('ANIM'), 'an animation stays animated');
    }
    const hash = page.body_text.match(/data-blurhash="([^"]+)"/)[1];
    assert.ok(isBlurhashValid(hash).result, `${name}: valid Blurhash ${hash}`);
    assert.equal(hash[0], 'U', '4×4 components');
  }
});

test('a JPEG with GPS EXIF comes out clean and upright', async () => {
  const u = await signup('gps');
  const original = fixture('photo-gps-orient6.jpg');
  assert.ok(original.includes(Buffer.from('GPS')) || original.includes(Buffer.from('Exif')), 'the fixture carries EXIF');
  const res = await post(u.client, fileOf('photo-gps-orient6.jpg'));
  assert.equal(res.status, 303);
  const page = await u.client.get(new URL(res.headers.get('location')).pathname);
  const orig = mediaUrls(page.body_text)[0].replace(/-(feed|thumb)\.webp$/, '-orig.webp');
  const bytes = Buffer.from(await (await fetch(base + orig)).arrayBuffer());
  const info = webpInfo(bytes);
  assert.ok(!info.chunks.includes('EXIF'));
  assert.ok(!bytes.includes(Buffer.from('GPS')), 'no GPS anywhere in the file');
  const [w, h] = sql(`SELECT width, height FROM media m JOIN posts p ON p.media_id = m.id WHERE p.id = ${postId(res)}`).split('\t').map(Number);
  assert.equal(info.width, w);
  assert.equal(info.height, h);
  assert.ok(h > w, 'Orientation=6 was applied: the stored image is upright (portrait)');
});

test('files that are not safe images are refused with a clear message and leave nothing', async () => {
  const u = await signup('bad');
  const count = () => Number(sql(`SELECT COUNT(*) FROM posts p JOIN users u ON u.id = p.user_id WHERE u.username = '${u.username}'`));
  const files = () => fs.readdirSync(path.join(varDir, 'media'), { recursive: true }).length;
  const before = files();
  for (const [name, type, status] of [
    ['script.svg', 'image/svg+xml', 422], ['html.jpg', 'image/jpeg', 422], ['doc.pdf', 'application/pdf', 422],
    ['truncated.jpg', 'image/jpeg', 422], ['bomb.png', 'image/png', 422], ['bomb-sof.jpg', 'image/jpeg', 422],
    ['many-frames.gif', 'image/gif', 422], ['image.tiff', 'image/tiff', 422], ['image.psd', 'image/jpeg', 422],
  ]) {
    const res = await post(u.client, fileOf(name, type));
    assert.equal(res.status, status, `${name} refused`);
    assert.match(res.body_text, /id="image-error">[^<]+/, `${name}: the message is next to the field`);
  }
  assert.equal(count(), 0, 'no post created');
  assert.equal(files(), before, 'no file stored');
  const none = await post(u.client, null, { caption: 'no image' });
  assert.equal(none.status, 422);
  assert.match(none.body_text, /Choose an image/);
  assert.match(none.body_text, /no image<\/textarea>/, 'the caption typed is kept');
});

test('a temporary file in the media folder (a dot name, as a killed writer leaves) is never served', async () => {
  const u = await signup('tmpf');
  const res = await post(u.client, { name: 'n.png', type: 'image/png', data: noisePng(20, 20) });
  assert.equal(res.status, 303);
  const hash = sql(`SELECT m.sha256 FROM posts p JOIN media m ON m.id = p.media_id WHERE p.id = ${postId(res)}`);
  const dir = path.join(varDir, 'media', hash.slice(0, 2), hash.slice(2, 4));
  const name = `.${hash}-orig.webp.Ab12Cd`;
  fs.writeFileSync(path.join(dir, name), 'RIFF part of an image');
  try {
    assert.equal((await fetch(`${base}/media/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${name}`)).status, 404);
    assert.equal((await fetch(`${base}/media/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}-orig.webp`)).status, 200, 'the image itself is');
  } finally {
    fs.rmSync(path.join(dir, name));
  }
});

test('an upload over 16 MB is refused with 413', async () => {
  const u = await signup('big');
  const big = Buffer.concat([fixture('portrait.jpg'), Buffer.alloc(16 * 1024 * 1024 + 100, 1)]);
  const res = await post(u.client, { name: 'big.jpg', type: 'image/jpeg', data: big });
  assert.equal(res.status, 413);
  const huge = await post(u.client, { name: 'huge.jpg', type: 'image/jpeg', data: Buffer.alloc(18 * 1024 * 1024, 1) });
  assert.equal(huge.status, 413, 'nginx stops it before the application');
});

test('a caption is limited, linked and escaped; the post page has Open Graph tags', async () => {
  const u = await signup('cap');
  const long = await post(u.client, fileOf('still.png', 'image/png'), { caption: 'x'.repeat(501) });
  assert.equal(long.status, 422);
  const res = await post(u.client, fileOf('still.png', 'image/png'), {
    caption: `#美女 and #Portrait by @${u.username} <script>x</script>`, alt: 'a pink square',
  });
  assert.equal(res.status, 303);
  const page = await new Client().get(new URL(res.headers.get('location')).pathname);
  assert.match(page.body_text, /<a class="tag" href="\/tags\/美女">#美女<\/a>/);
  assert.match(page.body_text, new RegExp(`<a class="mention" href="/@${u.username}">@${u.username}</a>`));
  assert.match(page.body_text, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.match(page.body_text, /<meta property="og:image" content="http:\/\/127\.0\.0\.1:\d+\/media\//);
  assert.match(page.body_text, /alt="a pink square"/);
  assert.match(page.body_text, /srcset="/);
  const tags = sql(`SELECT GROUP_CONCAT(h.name ORDER BY h.name) FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id WHERE ph.post_id = ${postId(res)}`);
  // A tag keeps the spelling of its first use, which another test may have made.
  assert.equal(tags.toLowerCase().split(',').sort().join(','), ['portrait', '美女'].sort().join(','));
});

test('submitting the same form twice makes one post', async () => {
  const u = await signup('idem');
  const page = await u.client.get('/new');
  const token = page.body_text.match(/name="csrf_token" value="([^"]+)"/)[1];
  const key = page.body_text.match(/name="idempotency_key" value="([^"]+)"/)[1];
  const [a, b] = await Promise.all([
    post(u.client, fileOf('still.png', 'image/png'), {}, { token, key }),
    post(u.client, fileOf('still.png', 'image/png'), {}, { token, key }),
  ]);
  assert.equal(a.status, 303);
  assert.equal(b.status, 303);
  assert.equal(a.headers.get('location'), b.headers.get('location'));
  assert.equal(Number(sql(`SELECT COUNT(*) FROM posts p JOIN users u ON u.id = p.user_id WHERE u.username = '${u.username}'`)), 1);
});

test('only the author deletes a post (after confirming); the files go with it', async () => {
  const owner = await signup('own');
  const other = await signup('oth');
  const unique = { name: 'mine.png', type: 'image/png', data: noisePng(40, 30) };
  const res = await post(owner.client, unique);
  const id = postId(res);
  const [linked] = mediaUrls((await owner.client.get(`/p/${id}`)).body_text);
  const urls = ['orig', 'feed', 'thumb'].map((v) => linked.replace(/-(orig|feed|thumb)\.webp$/, `-${v}.webp`));
  for (const url of urls) assert.equal((await fetch(base + url)).status, 200);
  assert.equal((await other.client.get(`/p/${id}/delete`)).status, 403);
  const token = await other.client.csrf('/settings');
  const attempt = await other.client.request(`/p/${id}/delete`, {
    method: 'POST', body: `csrf_token=${token}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(attempt.status, 403);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM posts WHERE id = ${id}`)), 1, 'nothing deleted');
  const confirm = await owner.client.get(`/p/${id}/delete`);
  assert.equal(confirm.status, 200);
  const del = await owner.client.submit(`/p/${id}/delete`, `/p/${id}/delete`, {});
  assert.equal(del.status, 303);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM posts WHERE id = ${id}`)), 0);
  assert.equal((await new Client().get(`/p/${id}`)).status, 404);
  for (const url of urls) assert.equal((await fetch(base + url)).status, 404, `${url} is gone`);
});

test('a moderator can remove any post; it disappears for everyone', async () => {
  const author = await signup('auth');
  const mod = await signup('mod');
  cli(['admin', 'set-role', mod.username, 'moderator']);
  const id = postId(await post(author.client, fileOf('still.webp', 'image/webp')));
  const res = await mod.client.submit(`/p/${id}/delete`, `/p/${id}/delete`, {});
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT state FROM posts WHERE id = ${id}`), 'removed', 'kept for the record');
  assert.equal((await new Client().get(`/p/${id}`)).status, 404);
  assert.equal((await author.client.get(`/p/${id}`)).status, 404);
});

test('the profile grid shows posts newest first, paginated by cursor', async () => {
  const u = await signup('grid');
  const ids = [];
  for (let i = 0; i < 26; i++) ids.push(postId(await post(u.client, fileOf('still.png', 'image/png'), { caption: `n${i}` })));
  const first = await new Client().get(`/@${u.username}`);
  const shown = [...first.body_text.matchAll(/href="\/p\/(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(shown, ids.slice().reverse().slice(0, 24));
  const older = first.body_text.match(/href="(\/@[^"]+\?max_id=\d+)"/)[1];
  const second = await new Client().get(older);
  const rest = [...second.body_text.matchAll(/href="\/p\/(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(rest, ids.slice(0, 2).reverse());
  assert.match(sql(`SELECT posts_count FROM users WHERE username = '${u.username}'`), /^26$/);
  assert.equal((await new Client().get(`/@${u.username}?max_id=abc`)).status, 400);
});

test('another user sees nothing of a post still pending moderation', async () => {
  const port = await freePort();
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], { BEAUBELLE_MODERATION_MODE: 'builtin', BEAUBELLE_SERVER_WORKERS: '1' });
  const address = { host: '127.0.0.1', port };
  try {
    await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 10000, 100);
    const u = await signup('pend');
    const cookie = `sid=${u.client.cookies.get('sid')}`;
    const form = await fcgi.request(address, { path: '/new', headers: { Cookie: cookie } });
    const token = form.body.match(/name="csrf_token" value="([^"]+)"/)[1];
    const { body, contentType } = multipart({ csrf_token: token, caption: 'pending one' },
      [{ name: 'image', filename: 'p.png', type: 'image/png', data: fixture('still.png') }]);
    const res = await fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie, 'Content-Type': contentType } });
    assert.equal(res.status, 303);
    const id = Number(res.headers.location.split('/p/')[1]);
    assert.equal(sql(`SELECT state FROM posts WHERE id = ${id}`), 'pending');
    const own = await u.client.get(`/p/${id}`);
    assert.equal(own.status, 200);
    assert.match(own.body_text, /class="status-badge"/, 'the author sees the review badge');
    assert.equal((await new Client().get(`/p/${id}`)).status, 404);
    const other = await signup('peek');
    assert.equal((await other.client.get(`/p/${id}`)).status, 404);
    assert.doesNotMatch((await other.client.get(`/@${u.username}`)).body_text, new RegExp(`/p/${id}"`));
    assert.match((await u.client.get(`/@${u.username}`)).body_text, new RegExp(`/p/${id}"`));
  } finally {
    pool.kill('SIGTERM');
  }
});

test('the storage quota and the upload rate are limited per account', async () => {
  const port = await freePort();
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], {
    BEAUBELLE_MEDIA_QUOTA_BYTES: '1M', BEAUBELLE_LIMITS_UPLOAD_LIMIT: '3', BEAUBELLE_SERVER_WORKERS: '1',
  });
  const address = { host: '127.0.0.1', port };
  try {
    await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 10000, 100);
    const u = await signup('quota');
    const cookie = `sid=${u.client.cookies.get('sid')}`;
    const send = async (data, name) => {
      const form = await fcgi.request(address, { path: '/new', headers: { Cookie: cookie } });
      const token = form.body.match(/name="csrf_token" value="([^"]+)"/)[1];
      const { body, contentType } = multipart({ csrf_token: token }, [{ name: 'image', filename: name, type: 'image/png', data }]);
      return fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie, 'Content-Type': contentType, 'Accept-Language': 'en' } });
    };
    const noise = noisePng(700, 700);
    assert.ok(noise.length > 1024 * 1024, 'the noise image is over the quota by itself');
    const over = await send(noise, 'noise.png');
    assert.equal(over.status, 422);
    assert.match(over.body, /storage is full/);
    assert.equal((await send(fixture('still.png'), 'a.png')).status, 303);
    assert.equal((await send(fixture('still.png'), 'b.png')).status, 303);
    const limited = await send(fixture('still.png'), 'c.png');
    assert.equal(limited.status, 429, 'the fourth upload in the window');
    assert.ok(limited.headers['retry-after']);
  } finally {
    pool.kill('SIGTERM');
  }
});
