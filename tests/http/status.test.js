// /status: the pool at a glance, as php-fpm's status page shows it, for
// the operator on the machine (nginx answers it to localhost only).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { base, root, spawnBeaubelle, waitFor, freePort } = require('./lib/stack');
const fcgi = require('./lib/fcgi');

const KEYS = ['pool', 'start time', 'start since', 'accepted conn', 'idle processes', 'active processes',
  'total processes', 'image processes', 'max active processes', 'slow requests'];

test('/status lists the pool\'s counts as text and as JSON', async () => {
  const res = await fetch(`${base}/status`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const text = await res.text();
  for (const key of KEYS) assert.match(text, new RegExp(`^${key}: +\\S`, 'm'), key);
  const first = await (await fetch(`${base}/status?json`)).json();
  assert.deepEqual(Object.keys(first), KEYS);
  assert.ok(first['active processes'] >= 1, 'the worker answering is busy');
  assert.equal(first['total processes'], first['idle processes'] + first['active processes']);
  assert.ok(first['max active processes'] >= first['active processes']);
  assert.match(first['start time'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  for (let i = 0; i < 5; i++) await fetch(`${base}/healthz`);
  const second = await (await fetch(`${base}/status?json`)).json();
  assert.ok(second['accepted conn'] >= first['accepted conn'] + 6, 'requests are counted pool-wide');
});

// nginx (beaubelle-pools.conf) sends uploads to the image workers, which
// run behind pages for the CPU.
test('an image upload is served by an image worker, niced; pages by the page workers', async () => {
  const { signup } = require('./lib/client');
  const { makePost } = require('./lib/posting');
  const workers = async () => (await (await fetch(`${base}/status?json&full`)).json()).processes;
  const served = (list, pool) => list.filter((p) => p.pool === pool).reduce((n, p) => n + p.requests, 0);
  const before = await workers();
  assert.ok(before.some((p) => p.pool === 'images'), 'the pool has image workers');
  const author = await signup('imgw');
  await makePost(author.client, 'through the image workers');
  await author.client.get('/explore');
  const after = await workers();
  const images = after.filter((p) => p.pool === 'images');
  assert.ok(served(after, 'images') > served(before, 'images'), 'an image worker took a request');
  assert.ok(images.some((p) => p['request method'] === 'POST' && p['request uri'] === '/new'), 'the upload');
  assert.ok(!images.some((p) => p['request uri'] === '/explore'), 'pages stay with the page workers');
  for (const p of images) {
    const nice = Number(fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    assert.equal(nice, 10, `image worker ${p.pid} runs at [server] image_nice`);
  }
  for (const p of after.filter((x) => x.pool === 'pages')) {
    assert.equal(Number(fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1].split(' ')[16]), 0);
  }
});

test('/status?full shows each worker and the path it serves, never a query string', async () => {
  const res = await fetch(`${base}/status?full&access_token=canary-secret-123`);
  const text = await res.text();
  assert.doesNotMatch(text, /canary-secret-123/);
  const json = await (await fetch(`${base}/status?json&full&access_token=canary-secret-123`)).json();
  assert.ok(Array.isArray(json.processes) && json.processes.length === json['total processes']);
  assert.equal(json.processes.filter((p) => p.pool === 'images').length, json['image processes']);
  const me = json.processes.find((p) => p.state === 'Running');
  assert.ok(me, 'the worker answering is running');
  assert.equal(me['request method'], 'GET');
  assert.equal(me['request uri'], '/status');
  for (const p of json.processes) {
    assert.ok(p.pid > 0 && p.requests >= 0 && p['request duration us'] >= 0);
    assert.doesNotMatch(p['request uri'], /\?/);
  }
});

test('nginx serves /status and /metrics to localhost only', () => {
  const conf = fs.readFileSync(path.join(root, 'nginx/beaubelle-locations.conf'), 'utf8');
  for (const loc of ['/status', '/metrics']) {
    const block = conf.match(new RegExp(`location = ${loc} \\{([^}]*)\\}`));
    assert.ok(block, `a location for ${loc}`);
    assert.match(block[1], /allow 127\.0\.0\.1;\s*allow ::1;\s*deny all;/);
  }
});

test('requests past slow_request_ms count as slow, on /status and in /metrics', async (t) => {
  const port = await freePort();
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`],
    { BEAUBELLE_SERVER_WORKERS: '1', BEAUBELLE_SERVER_SLOW_REQUEST_MS: '1' });
  t.after(() => pool.kill('SIGTERM'));
  const address = { host: '127.0.0.1', port };
  const up = await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 10000, 100);
  assert.ok(up);
  for (let i = 0; i < 3; i++) await fcgi.request(address, { path: '/explore' });
  const status = JSON.parse((await fcgi.request(address, { path: '/status', query: 'json' })).body);
  assert.ok(status['slow requests'] >= 1, `slow requests: ${status['slow requests']}`);
  assert.equal(status['total processes'], 1);
  const metrics = (await fcgi.request(address, { path: '/metrics' })).body;
  assert.match(metrics, /^beaubelle_slow_requests_total [1-9]\d*$/m);
});
