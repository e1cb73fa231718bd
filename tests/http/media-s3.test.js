// [media] backend = s3 against a local S3-compatible server that checks
// signatures (tests/http/lib/s3.js): the full post flow on a pool of our
// own — form upload, presigned direct upload, display from the bucket,
// delete (objects gone), presigned URLs tampered with or expired refused,
// the store down (a clear error, nothing half-created) — and
// `beaubelle admin media-migrate` moving the local store of the test
// stack into the bucket with every image still displayed.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { varDir, sql, waitFor, spawnBeaubelle, bin, config, freePort } = require('./lib/stack');
const { signup } = require('./lib/client');
const { apiUser } = require('./lib/api');
const { makePost } = require('./lib/posting');
const { fixture, noisePng, webpInfo, multipart, samplePhoto } = require('./lib/images');
const fcgi = require('./lib/fcgi');
const s3lib = require('./lib/s3');

const BUCKET = 'bb-media';
const STREAM = `bb:jobs:s3:${process.pid}`;
let s3, pool, address, env;

// The CLI, run asynchronously: the S3 server answers from this process.
async function cliAsync(args, env) {
  try {
    const { stdout, stderr } = await promisify(execFile)(bin, [...args, '--config', config], { env, encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (e) {
    return { status: e.code, stdout: String(e.stdout || ''), stderr: String(e.stderr || '') };
  }
}


test.before(async () => {
  s3 = await s3lib.start([BUCKET], path.join(varDir, `s3-${process.pid}`));
  // Presigned URLs live 10 s here, so expiry can be tested in the suite.
  // Posts wait for moderation on a stream of their own, screened by a
  // worker of our own (the last test but two) reading from the bucket.
  env = s3lib.env(s3, BUCKET, {
    BEAUBELLE_SERVER_WORKERS: '1', BEAUBELLE_S3_PRESIGN_EXPIRY: '10s',
    BEAUBELLE_MODERATION_MODE: 'builtin', BEAUBELLE_JOBS_STREAM: STREAM, BEAUBELLE_JOBS_RETRY_BASE_MS: '500',
  });
  const port = await freePort();
  pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], env);
  address = { host: '127.0.0.1', port };
  assert.ok(await waitFor(async () => {
    try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; }
  }, 15000, 100), 'the s3 pool answers');
});
test.after(async () => { pool?.kill('SIGTERM'); await s3?.close().catch(() => {}); });

const cookieOf = (u) => `sid=${u.client.cookies.get('sid')}`;
const objectUrl = (hash, variant) => `${s3.url}/${BUCKET}/${s3lib.mediaKey(hash, variant)}`;
const localFile = (hash, variant) => path.join(varDir, 'media', s3lib.mediaKey(hash, variant));

async function page(u, p) {
  return fcgi.request(address, { path: p, headers: { Cookie: cookieOf(u), 'Accept-Language': 'en' } });
}

async function composeToken(u) {
  const form = await page(u, '/new');
  assert.equal(form.status, 200);
  return { token: form.body.match(/name="csrf_token" value="([^"]+)"/)[1], html: form.body };
}

// POST /new through the s3 pool; fields and optional file data.
async function postNew(u, fields, data) {
  const { token } = await composeToken(u);
  const files = data ? [{ name: 'image', filename: 'i.png', type: 'image/png', data }] : [];
  const { body, contentType } = multipart({ csrf_token: token, caption: 'on s3', ...fields }, files);
  return fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookieOf(u), 'Content-Type': contentType, 'Accept-Language': 'en' } });
}

async function presign(u, size, type = 'image/png') {
  const { token } = await composeToken(u);
  const body = new URLSearchParams({ csrf_token: token, size: String(size), type }).toString();
  const res = await fcgi.request(address, {
    method: 'POST', path: '/new/presign', body,
    headers: { Cookie: cookieOf(u), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
  });
  return { status: res.status, json: JSON.parse(res.body) };
}

const put = (url, data, type = 'image/png') => fetch(url, { method: 'PUT', body: data, headers: { 'Content-Type': type } });
const head = async (url) => (await fetch(url)).status;
const postsOf = (u) => Number(sql(`SELECT COUNT(*) FROM posts p JOIN users u ON u.id = p.user_id WHERE u.username = '${u.username}'`));
const hashOf = (id) => sql(`SELECT m.sha256 FROM posts p JOIN media m ON m.id = p.media_id WHERE p.id = ${id}`);
const idOf = (res) => Number(res.headers.location.split('/p/')[1]);

test('a form upload is stored in the bucket, not on disk, and pages load it from there', async () => {
  const u = await signup('s3f');
  const data = noisePng(80, 60); // an image no other test stored on the local disk
  const res = await postNew(u, {}, data);
  assert.equal(res.status, 303, res.body.slice(0, 300));
  const id = idOf(res);
  const hash = hashOf(id);
  assert.equal(hash, s3lib.sha256(data), 'named by the SHA-256 of the upload');
  for (const v of ['orig', 'feed', 'thumb']) {
    const r = await fetch(objectUrl(hash, v));
    assert.equal(r.status, 200, `${v} is in the bucket`);
    const info = webpInfo(Buffer.from(await r.arrayBuffer()));
    assert.ok(info && info.width > 0, `${v} is a WebP`);
    assert.ok(!fs.existsSync(localFile(hash, v)), `${v} is not on the local disk`);
  }
  const p = await page(u, `/p/${id}`);
  assert.equal(p.status, 200);
  assert.ok(p.body.includes(`src="${objectUrl(hash, 'feed')}"`), 'the post page shows the image from the bucket');
  const csp = p.headers['content-security-policy'];
  assert.match(csp, new RegExp(`img-src [^;]*${s3.url.replace(/[.:/]/g, '\\$&')}`), 'img-src allows the bucket');
  assert.match(csp, new RegExp(`connect-src [^;]*${s3.url.replace(/[.:/]/g, '\\$&')}`), 'connect-src allows uploads to it');
});

test('a media upload through the API goes to the bucket and the API answers with its URLs', async () => {
  const { token } = await apiUser('s3api');
  const data = noisePng(70, 50);
  const { body, contentType } = multipart({}, [{ name: 'file', filename: 'a.png', type: 'image/png', data }]);
  const res = await fcgi.request(address, {
    method: 'POST', path: '/api/v2/media', body, headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
  });
  assert.ok(res.status === 200 || res.status === 202, `${res.status} ${res.body.slice(0, 200)}`);
  const m = JSON.parse(res.body);
  const hash = s3lib.sha256(data);
  assert.equal(m.url, objectUrl(hash, 'orig'), 'url is the bucket object');
  assert.equal(m.preview_url, objectUrl(hash, 'thumb'));
  assert.equal(await head(m.url), 200);
});

test('a presigned direct upload is fetched, processed like any upload, and its staging object deleted', async () => {
  const u = await signup('s3d');
  const { html } = await composeToken(u);
  assert.match(html, /data-presign="\/new\/presign"/, 'the compose form offers direct uploads');
  assert.match(html, /name="staged"/);
  const data = noisePng(64, 48);
  const { status, json } = await presign(u, data.length);
  assert.equal(status, 200, JSON.stringify(json));
  assert.equal(json.method, 'PUT');
  assert.match(json.key, /^staging\/\d+\/[0-9a-f]{32}$/, 'an unguessable key under the user\'s staging prefix');
  assert.match(json.url, /X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost/, 'length and type are signed');
  assert.match(json.url, /X-Amz-Expires=10&/);
  const up = await put(json.url, data, json.headers['Content-Type']);
  assert.equal(up.status, 200, await up.text());
  const staging = `${s3.url}/${BUCKET}/${json.key}`;
  assert.equal(await head(staging), 200, 'the original is staged');

  const idem = `direct-${Date.now()}`;
  const res = await postNew(u, { staged: json.key, idempotency_key: idem });
  assert.equal(res.status, 303, res.body.slice(0, 400));
  const id = idOf(res);
  const again = await postNew(u, { staged: json.key, idempotency_key: idem });
  assert.equal(again.status, 303, 'the same form sent twice');
  assert.equal(idOf(again), id, 'makes one post');
  const hash = hashOf(id);
  assert.equal(hash, s3lib.sha256(data), 'the staged bytes went through the pipeline');
  for (const v of ['orig', 'feed', 'thumb']) assert.equal(await head(objectUrl(hash, v)), 200, `${v} stored`);
  assert.equal(await head(staging), 404, 'the staging object is deleted');
  const p = await page(u, `/p/${id}`);
  assert.ok(p.body.includes(objectUrl(hash, 'feed')), 'displayed from the bucket');
});

test('a staged file is validated like an upload: a non-image is refused and its staging copy removed', async () => {
  const u = await signup('s3v');
  const data = fixture('doc.pdf');
  const { json } = await presign(u, data.length, 'image/png'); // the browser lies about the type
  assert.equal((await put(json.url, data, 'image/png')).status, 200);
  const res = await postNew(u, { staged: json.key });
  assert.equal(res.status, 422);
  assert.equal(postsOf(u), 0, 'no post');
  assert.equal(await head(`${s3.url}/${BUCKET}/${json.key}`), 404, 'staging object deleted');
});

test('the app takes only staging keys it handed to this person', async () => {
  const a = await signup('s3a'), b = await signup('s3b');
  const data = fixture('still.png');
  const { json } = await presign(a, data.length);
  assert.equal((await put(json.url, data)).status, 200);
  const theft = await postNew(b, { staged: json.key });
  assert.equal(theft.status, 422, 'another user\'s staging key is refused');
  const other = await postNew(b, { staged: s3lib.mediaKey(s3lib.sha256(data), 'orig') });
  assert.equal(other.status, 422, 'a key outside staging is refused');
  assert.equal(postsOf(b), 0);
  assert.equal(await head(`${s3.url}/${BUCKET}/${json.key}`), 200, 'and the owner\'s staged file is untouched');
});

test('presign refuses what an upload would: wrong type, too large, not logged in', async () => {
  const u = await signup('s3p');
  assert.equal((await presign(u, 1000, 'image/svg+xml')).status, 415);
  assert.equal((await presign(u, 17 * 1024 * 1024)).status, 413);
  assert.equal((await presign(u, 0)).status, 400);
  const noToken = await fcgi.request(address, {
    method: 'POST', path: '/new/presign', body: 'size=100&type=image/png',
    headers: { Cookie: cookieOf(u), 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(noToken.status, 403, 'a cookie request without the CSRF token is refused');
  const anon = await fcgi.request(address, { method: 'POST', path: '/new/presign', body: 'size=1&type=image/png', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.notEqual(anon.status, 200);
});

test('a presigned URL tampered with, used for other bytes, or expired is refused by the store', { timeout: 30000 }, async () => {
  const u = await signup('s3t');
  const data = fixture('still.png');
  const { json } = await presign(u, data.length);
  const sig = json.url.match(/X-Amz-Signature=([0-9a-f]{64})/)[1];
  const flipped = json.url.replace(sig, (sig[0] === '0' ? '1' : '0') + sig.slice(1));
  assert.equal((await put(flipped, data)).status, 403, 'a changed signature');
  const otherKey = json.url.replace(/staging\/(\d+)\/[0-9a-f]{32}/, `staging/$1/${'0'.repeat(32)}`);
  assert.equal((await put(otherKey, data)).status, 403, 'another key');
  assert.equal((await put(json.url, Buffer.concat([data, Buffer.from('x')]))).status, 403, 'more bytes than signed');
  assert.equal((await put(json.url, data, 'image/gif')).status, 403, 'another content type');
  const longer = json.url.replace('X-Amz-Expires=10', 'X-Amz-Expires=3600');
  assert.equal((await put(longer, data)).status, 403, 'a longer expiry');
  assert.equal(await head(`${s3.url}/${BUCKET}/${json.key}`), 404, 'nothing was stored');
  await new Promise((r) => setTimeout(r, 11000));
  const late = await put(json.url, data);
  assert.equal(late.status, 403, 'expired');
  assert.match(await late.text(), /expired/i);
  assert.equal(await head(`${s3.url}/${BUCKET}/${json.key}`), 404);
});

test('deleting a post removes its objects from the bucket', async () => {
  const u = await signup('s3x');
  const data = noisePng(40, 40);
  const res = await postNew(u, {}, data);
  assert.equal(res.status, 303);
  const id = idOf(res);
  const hash = hashOf(id);
  assert.equal(await head(objectUrl(hash, 'orig')), 200);
  const { token } = await composeToken(u);
  const del = await fcgi.request(address, {
    method: 'POST', path: `/p/${id}/delete`, body: `csrf_token=${encodeURIComponent(token)}`,
    headers: { Cookie: cookieOf(u), 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(del.status, 303);
  for (const v of ['orig', 'feed', 'thumb']) assert.equal(await head(objectUrl(hash, v)), 404, `${v} gone`);
});

test('the moderation worker screens an image it reads from the bucket', { timeout: 90000 }, async () => {
  const u = await signup('s3w');
  const data = samplePhoto('astronaut.png');
  const res = await postNew(u, {}, data);
  assert.equal(res.status, 303);
  const id = idOf(res);
  const hash = hashOf(id);
  assert.equal(await head(objectUrl(hash, 'orig')), 200, 'the original is in the bucket');
  assert.equal(sql(`SELECT state FROM posts WHERE id = ${id}`), 'pending');
  const tmpBefore = fs.readdirSync(path.join(varDir, 'tmp')).filter((f) => f.startsWith('media-')).length;
  const worker = spawnBeaubelle(['worker'], env);
  try {
    assert.ok(await waitFor(() => sql(`SELECT state FROM posts WHERE id = ${id}`) !== 'pending', 60000, 250), 'screened');
  } finally {
    worker.kill('SIGTERM');
  }
  assert.equal(sql(`SELECT state FROM posts WHERE id = ${id}`), 'approved');
  const scores = JSON.parse(sql(`SELECT moderation_scores FROM posts WHERE id = ${id}`));
  assert.ok(scores.faces.length >= 1, 'the models saw the face in the downloaded image');
  const tmpAfter = fs.readdirSync(path.join(varDir, 'tmp')).filter((f) => f.startsWith('media-')).length;
  assert.equal(tmpAfter, tmpBefore, 'the downloaded copy is removed');
});

test('media-migrate copies the local store into the bucket, resumes, verifies, and every image still shows', { timeout: 120000 }, async () => {
  // A post on the test stack's own local store.
  const u = await signup('s3m');
  const data = noisePng(56, 30);
  const id = await makePost(u.client, 'local first', data);
  const hash = s3lib.sha256(data);
  assert.ok(fs.existsSync(localFile(hash, 'orig')), 'stored on the local disk');
  assert.equal(await head(objectUrl(hash, 'orig')), 404, 'not in the bucket yet');
  const migrateEnv = { ...process.env, ...s3lib.env(s3, BUCKET) };
  delete migrateEnv.BEAUBELLE_MEDIA_BACKEND; // the stack itself is still local
  const local = fs.readdirSync(path.join(varDir, 'media'), { recursive: true }).filter((f) => /-(orig|feed|thumb)\.webp$/.test(f));

  const first = await cliAsync(['admin', 'media-migrate'], migrateEnv);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  const counts = (out) => {
    const m = out.match(/(\d+) files, (\d+) copied \(\d+ bytes\), (\d+) already there, (\d+) verified by SHA-256, (\d+) failed/);
    return { files: +m[1], copied: +m[2], present: +m[3], verified: +m[4], failed: +m[5] };
  };
  const c1 = counts(first.stdout);
  assert.equal(c1.files, local.length, 'every local file counted');
  assert.equal(c1.verified, c1.files);
  assert.equal(c1.failed, 0);
  assert.match(first.stdout, /backend = s3/);

  // Resumable: a second run copies nothing; a lost object is copied again.
  assert.equal((await fetch(objectUrl(hash, 'thumb'), { method: 'DELETE' })).status, 204);
  assert.equal(await head(objectUrl(hash, 'thumb')), 404);
  const again = await cliAsync(['admin', 'media-migrate'], migrateEnv);
  assert.equal(again.status, 0, again.stdout + again.stderr);
  const c2 = counts(again.stdout);
  assert.deepEqual([c2.files, c2.copied, c2.present, c2.verified], [c1.files, 1, c1.files - 1, c1.files], again.stdout);
  assert.equal(await head(objectUrl(hash, 'thumb')), 200, 'the lost object is back');

  // Verification reads every object back: a changed one is caught.
  const verify = await cliAsync(['admin', 'media-migrate', '--verify-only'], migrateEnv);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.equal(counts(verify.stdout).verified, c1.files);
  const orig = Buffer.from(await (await fetch(objectUrl(hash, 'feed'))).arrayBuffer());
  const forged = Buffer.from(orig);
  forged[forged.length - 1] ^= 0xff; // same size, other bytes
  assert.equal((await fetch(objectUrl(hash, 'feed'), { method: 'PUT', body: forged })).status, 200);
  const caught = await cliAsync(['admin', 'media-migrate', '--verify-only'], migrateEnv);
  assert.equal(caught.status, 1, 'a differing object fails verification');
  assert.match(caught.stderr, /differs/);
  assert.equal(counts(caught.stdout).failed, 1);
  const repaired = await cliAsync(['admin', 'media-migrate'], migrateEnv);
  assert.equal(repaired.status, 0, repaired.stdout + repaired.stderr);
  assert.equal(counts(repaired.stdout).copied, 1, 'and a copy run puts it right');
  assert.ok(orig.equals(Buffer.from(await (await fetch(objectUrl(hash, 'feed'))).arrayBuffer())));

  // The images of the local stack now show through the s3 pool.
  const p = await page(u, `/p/${id}`);
  assert.equal(p.status, 200);
  const srcs = [...p.body.matchAll(/src="(http:\/\/127\.0\.0\.1:\d+\/[^"]+\.webp)"/g)].map((m) => m[1]);
  assert.ok(srcs.includes(objectUrl(hash, 'feed')), 'the page points at the bucket');
  for (const src of srcs) assert.equal(await head(src), 200, src);
  const hashes = sql('SELECT DISTINCT sha256 FROM media').split('\n').filter(Boolean);
  let shown = 0;
  for (const h of hashes) {
    if (!fs.existsSync(localFile(h, 'orig'))) continue; // rows whose files a test removed on purpose
    for (const v of ['orig', 'feed', 'thumb']) assert.equal(await head(objectUrl(h, v)), 200, `${h} ${v}`);
    shown++;
  }
  assert.ok(shown >= 1, `${shown} images of the local store are in the bucket`);
});

test('with the store down a post fails with a clear error and nothing is half-created', async () => {
  const u = await signup('s3z');
  const data = noisePng(33, 33);
  const { json } = await presign(u, data.length);
  assert.equal((await put(json.url, data)).status, 200);
  await s3.close();
  const other = noisePng(34, 34);
  const res = await postNew(u, {}, other);
  assert.equal(res.status, 503);
  assert.match(res.body, /class="field-error"[^>]*>The image could not be saved right now\. Please try again later\./, 'the page says what happened');
  const staged = await postNew(u, { staged: json.key });
  assert.equal(staged.status, 503);
  assert.match(staged.body, /class="field-error"[^>]*>The image store cannot be reached\. Please try again in a moment\./);
  assert.equal(postsOf(u), 0, 'no post row');
  assert.equal(Number(sql(`SELECT COUNT(*) FROM media WHERE sha256 = '${s3lib.sha256(other)}'`)), 0, 'no media row');
  assert.ok(!fs.existsSync(localFile(s3lib.sha256(other), 'orig')), 'nothing on the local disk either');

  // media-migrate stops soon, failing, rather than retrying every file.
  const migrateEnv = { ...process.env, ...s3lib.env(s3, BUCKET, { BEAUBELLE_S3_RETRIES: '0' }) };
  delete migrateEnv.BEAUBELLE_MEDIA_BACKEND;
  const t0 = Date.now();
  const down = await cliAsync(['admin', 'media-migrate'], migrateEnv);
  assert.equal(down.status, 1);
  assert.match(down.stderr, /seems down, stopping/);
  assert.match(down.stdout, /incomplete; run it again to resume/);
  assert.ok(Date.now() - t0 < 20000, 'it gives up in seconds');
});
