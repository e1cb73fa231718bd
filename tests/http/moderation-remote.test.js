// [moderation] mode = remote: the networks on a KServe v2 server
// (tests/models/kserve-server.js, the npm libraries' own models on
// TensorFlow.js), the pre- and post-processing in C. The same photos give
// the same numbers as the built-in engine; the pipeline screens posts
// through the server; 503s are retried; a server that does not answer
// leaves the post pending and its job retried, never approved.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const path = require('node:path');
const { bin, sql, redis, waitFor, spawnBeaubelle, freePort } = require('./lib/stack');
const { signup } = require('./lib/client');
const { skimageData, samplePhoto, multipart } = require('./lib/images');
const fcgi = require('./lib/fcgi');
const kserve = require('../models/kserve-server');

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const modelsDir = process.env.BEAUBELLE_MODERATION_MODELS_DIR || path.join(root, '.cache/models');
const TOLERANCE = { prob: 1e-4, box: 0.5, score: 1e-4, female: 1e-4, age: 1e-2 };

let server;
test.before(async () => { server = await kserve.start(); });
test.after(async () => { await server?.close(); });

// `beaubelle moderate` on files with extra environment: {status, lines, stderr}.
// Asynchronous: the server answers from this very process.
async function moderate(files, extra) {
  const env = { ...process.env, BEAUBELLE_MODERATION_MODELS_DIR: modelsDir, ...extra };
  delete env.BEAUBELLE_CONFIG;
  try {
    const { stdout, stderr } = await run(bin, ['moderate', ...files], { env, encoding: 'utf8' });
    return { status: 0, lines: stdout.trim().split('\n').map((l) => JSON.parse(l)), stderr };
  } catch (e) {
    const out = String(e.stdout || '').trim();
    return { status: e.code, lines: out ? out.split('\n').map((l) => JSON.parse(l)) : [], stderr: String(e.stderr || '') };
  }
}
const remote = (extra = {}) => ({ BEAUBELLE_MODERATION_MODE: 'remote', BEAUBELLE_MODERATION_REMOTE_URL: server.url, ...extra });

test('remote inference gives the built-in engine\'s numbers on real photos', { timeout: 240000 }, async (t) => {
  const data = skimageData();
  assert.ok(data, 'scikit-image sample photos not found');
  const photos = ['astronaut.png', 'camera.png', 'coffee.png', 'chelsea.png'].map((f) => path.join(data, f));
  const builtin = await moderate(photos, { BEAUBELLE_MODERATION_MODE: 'builtin' });
  const calls = server.calls;
  const viaServer = await moderate(photos, remote());
  assert.equal(builtin.status, 0, builtin.stderr);
  assert.equal(viaServer.status, 0, viaServer.stderr);
  assert.ok(server.calls - calls >= photos.length * 2, 'the networks ran on the server');
  const max = {};
  const check = (kind, name, got, want) => {
    const d = Math.abs(got - want);
    max[kind] = Math.max(max[kind] || 0, d);
    assert.ok(d <= TOLERANCE[kind], `${name}: remote ${got} vs builtin ${want} (|d| = ${d})`);
  };
  let faces = 0;
  viaServer.lines.forEach((r, i) => {
    const b = builtin.lines[i];
    const name = path.basename(r.file);
    assert.equal(r.error, undefined, `${name}: ${r.error}`);
    assert.deepEqual([r.width, r.height, r.decision, r.reason], [b.width, b.height, b.decision, b.reason], name);
    for (const cls of Object.keys(b.nsfw)) check('prob', `${name} ${cls}`, r.nsfw[cls], b.nsfw[cls]);
    assert.equal(r.faces.length, b.faces.length, `${name}: faces`);
    r.faces.forEach((f, k) => {
      for (const key of ['x', 'y', 'w', 'h']) check('box', `${name} face ${k} ${key}`, f[key], b.faces[k][key]);
      check('score', `${name} face ${k} score`, f.score, b.faces[k].score);
      check('female', `${name} face ${k} P(female)`, f.female, b.faces[k].female);
      check('age', `${name} face ${k} age`, f.age, b.faces[k].age);
    });
    faces += r.faces.length;
  });
  // astronaut and camera have a face each, coffee and chelsea none
  assert.ok(faces >= 2, 'the photos exercise the face phases');
  assert.ok(viaServer.lines.some((r) => r.faces.length === 0), 'and a photo without a face');
  const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; };
  t.diagnostic(`largest differences: ${JSON.stringify(max)}`);
  t.diagnostic(`median ms per image: builtin ${median(builtin.lines.map((r) => r.ms.total)).toFixed(1)}, remote ${median(viaServer.lines.map((r) => r.ms.total)).toFixed(1)}`);
});

test('503 answers are retried with backoff until the server answers', async () => {
  const photo = path.join(skimageData(), 'coffee.png');
  server.failNext(2, 503);
  const calls = server.calls;
  const ok = await moderate([photo], remote({ BEAUBELLE_MODERATION_REMOTE_RETRIES: '2' }));
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.lines[0].reason, 'no_face');
  assert.equal(server.calls - calls, 4, 'two failures, then detector and nsfw');

  server.failNext(2, 503);
  const failed = await moderate([photo], remote({ BEAUBELLE_MODERATION_REMOTE_RETRIES: '1' }));
  assert.equal(failed.status, 1);
  assert.match(failed.lines[0].error, /after 2 attempts: .*HTTP 503/);
});

test('a 4xx answer is not retried; a server that is down is an error', async () => {
  const photo = path.join(skimageData(), 'coffee.png');
  server.failNext(1, 400);
  const calls = server.calls;
  const bad = await moderate([photo], remote({ BEAUBELLE_MODERATION_REMOTE_RETRIES: '3' }));
  assert.equal(bad.status, 1);
  assert.match(bad.lines[0].error, /HTTP 400/);
  assert.equal(server.calls - calls, 1, 'one attempt only');

  const port = await freePort();
  const down = await moderate([photo], remote({ BEAUBELLE_MODERATION_REMOTE_URL: `http://127.0.0.1:${port}`, BEAUBELLE_MODERATION_REMOTE_RETRIES: '1' }));
  assert.equal(down.status, 1);
  assert.match(down.lines[0].error, /after 2 attempts/);
});

test('remote mode without remote_url is refused at start', async () => {
  const r = await moderate([path.join(skimageData(), 'coffee.png')], { BEAUBELLE_MODERATION_MODE: 'remote', BEAUBELLE_MODERATION_REMOTE_URL: '' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /remote_url/);
});


// --- the pipeline: a pool and a worker of our own on a private stream
test.describe('the pipeline in remote mode', () => {
  const stream = `bb:jobs:modremote:${process.pid}`;
  let env, pool, worker, address;

  test.before(async () => {
    env = {
      BEAUBELLE_MODERATION_MODE: 'remote', BEAUBELLE_MODERATION_REMOTE_URL: server.url,
      BEAUBELLE_MODERATION_REMOTE_TIMEOUT: '2s', BEAUBELLE_MODERATION_REMOTE_RETRIES: '0',
      BEAUBELLE_JOBS_STREAM: stream, BEAUBELLE_JOBS_RETRY_BASE_MS: '1000', BEAUBELLE_SERVER_WORKERS: '1',
    };
    const port = await freePort();
    pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], env);
    worker = spawnBeaubelle(['worker'], env);
    address = { host: '127.0.0.1', port };
    await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 10000, 100);
  });
  test.after(() => { server.hang = false; pool?.kill('SIGTERM'); worker?.kill('SIGTERM'); });

  async function postVia(u, data, caption) {
    const cookie = `sid=${u.client.cookies.get('sid')}`;
    const form = await fcgi.request(address, { path: '/new', headers: { Cookie: cookie } });
    const token = form.body.match(/name="csrf_token" value="([^"]+)"/)[1];
    const { body, contentType } = multipart({ csrf_token: token, caption }, [{ name: 'image', filename: 'i.png', type: 'image/png', data }]);
    const res = await fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie, 'Content-Type': contentType } });
    assert.equal(res.status, 303);
    return Number(res.headers.location.split('/p/')[1]);
  }
  const state = (id) => sql(`SELECT state FROM posts WHERE id = ${id}`);

  test('a portrait of a woman is approved through the remote server', { timeout: 60000 }, async () => {
    const author = await signup('rw');
    const calls = server.calls;
    const id = await postVia(author, samplePhoto('astronaut.png'), 'remote portrait');
    assert.ok(await waitFor(() => state(id) !== 'pending', 40000, 200));
    assert.equal(state(id), 'approved');
    const scores = JSON.parse(sql(`SELECT moderation_scores FROM posts WHERE id = ${id}`));
    assert.ok(scores.faces.length >= 1 && scores.faces[0].female >= 0.7, JSON.stringify(scores.faces));
    assert.equal(server.calls - calls, 3, 'detector, age/gender and nsfw ran on the server');
  });

  test('a server that never answers leaves the post pending and the job retried', { timeout: 90000 }, async () => {
    const author = await signup('rh');
    server.hang = true;
    const id = await postVia(author, samplePhoto('astronaut.png'), 'remote hangs');
    const delayed = () => redis('ZRANGE', `${stream}:delayed`, '0', '-1').split('\n');
    assert.ok(await waitFor(() => delayed().includes(String(id)), 30000, 200), 'the job waits for a retry');
    assert.equal(state(id), 'pending', 'not approved, not lost');
    server.hang = false;
    assert.ok(await waitFor(() => state(id) !== 'pending', 60000, 200), 'screened once the server answers');
    assert.equal(state(id), 'approved');
  });
});
