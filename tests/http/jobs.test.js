// The job queue: acknowledged on success, retried with backoff, parked in
// the dead-letter stream, and taken over when a job worker dies.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { cli, cliResult, redis, pidOf, alive, waitFor, spawnBeaubelle, varDir } = require('./lib/stack');

const token = (name) => `${name}-${process.pid}-${Date.now()}`;
const done = (t) => redis('SISMEMBER', 'bb:selftest:done', t) === '1';
const runs = (t) => Number(redis('HGET', 'bb:selftest:runs', t) || 0);

test('a job runs once and is acknowledged', async () => {
  const t = token('ok');
  cli(['admin', 'enqueue', 'selftest', `ok:${t}`]);
  assert.ok(await waitFor(() => done(t), 5000), 'the job ran');
  assert.equal(runs(t), 1);
  assert.ok(await waitFor(() => redis('XLEN', 'bb:jobs') === '0', 3000), 'nothing left in the stream');
});

test('a failing job is retried with backoff until it succeeds', async () => {
  const t = token('flaky');
  cli(['admin', 'enqueue', 'selftest', `flaky:2:${t}`]);
  assert.ok(await waitFor(() => done(t), 10000), 'the job succeeded on its third attempt');
  assert.equal(runs(t), 3);
});

test('a job that always fails ends in the dead-letter stream with its reason', async () => {
  const t = token('fail');
  cli(['admin', 'enqueue', 'selftest', `fail:${t}`]);
  const dead = await waitFor(() => redis('XRANGE', 'bb:jobs:dead', '-', '+').includes(t), 15000, 100);
  assert.ok(dead, 'parked after the last attempt');
  assert.equal(runs(t), 5, 'max_attempts runs');
  assert.equal(done(t), false);
  const entry = redis('XRANGE', 'bb:jobs:dead', '-', '+');
  assert.match(entry, /asked to fail/);
});

test('an invalid job is refused by the CLI', () => {
  const r = cliResult(['admin', 'enqueue', 'selftest', 'line\nbreak']);
  assert.notEqual(r.status, 0);
});

test('a job held by a worker killed mid-job is taken over by another worker', async () => {
  const t = token('sleep');
  const stackWorker = pidOf('worker');
  cli(['admin', 'enqueue', 'selftest', `sleep:3000:${t}`]);
  assert.ok(await waitFor(() => runs(t) === 1, 5000), 'the job started');
  process.kill(stackWorker, 'SIGKILL');
  await waitFor(() => !alive(stackWorker), 2000);
  assert.equal(done(t), false, 'the killed worker did not finish');
  // A replacement worker, recorded as the stack's so ./scripts/stop stops it.
  const w = spawnBeaubelle(['worker']);
  fs.writeFileSync(path.join(varDir, 'run/worker.pid'), `${w.pid}\n`);
  w.unref();
  assert.ok(await waitFor(() => done(t), 20000, 100), 'the job was reclaimed and finished');
  assert.equal(runs(t), 2);
});
