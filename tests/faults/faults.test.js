// Fault tests (docs/operations.md "Faults"): under load with writes that
// carry Idempotency-Keys, break one part of a stack of our own, let it
// recover, and check that every acknowledged post is in MariaDB exactly
// once, no key made two posts, counts and timelines agree, nobody got a
// 500, and the site answered again in time. FAULT_SECONDS (default 4)
// sets how long each phase lasts; ./scripts/faults runs them longer.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const { startStack, gone, sleep } = require('./lib/stack');
const { account, startLoad } = require('./lib/load');
const { checkWrites, checkTimeline } = require('./lib/check');

const PHASE_MS = Number(process.env.FAULT_SECONDS || 4) * 1000;
let stack;
let writers;
let follower;

test.before(async () => {
  stack = await startStack();
  const tag = `${process.pid % 1000}`;
  writers = await Promise.all([1, 2, 3].map((i) => account(stack, `fw${tag}_${i}`)));
  follower = await account(stack, `ff${tag}`);
  for (const w of writers) {
    const res = await follower.client.submit(`/@${w.name}`, `/@${w.name}/follow`, {});
    assert.equal(res.status, 303);
  }
  await follower.client.get('/'); // the follower's timeline exists, so fan-out fills it
});
test.after(async () => { await stack?.stop(); });

// The job queue is empty and nothing is in flight.
async function settled(timeoutMs = 30000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const queued = Number(stack.redis('XLEN', 'bb:jobs'));
    if (queued === 0) return true;
    await sleep(100);
  }
  return false;
}

// Load, the fault in the middle, recovery, checks; returns the figures.
async function underLoad(t, fault) {
  const load = startLoad(stack.url, writers);
  await sleep(PHASE_MS / 2);
  const figures = (await fault()) || {};
  figures.recoveryMs = await stack.ready(60000);
  await sleep(PHASE_MS / 2);
  await load.stop();
  assert.ok(figures.recoveryMs >= 0, 'the site answers /readyz again');
  assert.ok(await settled(), 'the job queue drains');
  const problems = checkWrites(stack, load, writers);
  assert.deepEqual(problems, []);
  const fives = load.tally.count((s) => s === 500) + load.reads.count((s) => s === 500);
  assert.equal(fives, 0, `no 500s: writes ${JSON.stringify(load.tally.statuses)} reads ${JSON.stringify(load.reads.statuses)}`);
  assert.ok(load.acked.length > 0, 'posts were acknowledged');
  assert.deepEqual(load.lost.filter((l) => l.failed), [], 'no post was refused for good');
  figures.acked = load.acked.length;
  figures.unacknowledged = load.lost.length;
  figures.writes = load.tally.statuses;
  figures.reads = load.reads.statuses;
  figures.transportErrors = load.tally.errors + load.reads.errors;
  t.diagnostic(JSON.stringify(figures));
  return { load, figures };
}

test('F2: workers killed with -9 every second lose only their own requests', async (t) => {
  let kills = 0;
  const { load, figures } = await underLoad(t, async () => {
    for (let i = 0; i < PHASE_MS / 1000; i++) {
      const ws = stack.workers();
      if (ws.length) { process.kill(ws[Math.floor(Math.random() * ws.length)], 'SIGKILL'); kills++; }
      await sleep(1000);
    }
    return { kills };
  });
  const failed = load.reads.count((s) => s >= 500) + load.reads.errors;
  assert.ok(failed <= kills, `${failed} failed reads for ${kills} kills`);
  assert.equal(figures.unacknowledged, 0);
  assert.ok(stack.workers().length > 0, 'workers were replaced');
});

test('F7: MariaDB killed with -9 mid-write and restarted: 503s meanwhile, every acknowledged post once', async (t) => {
  const { figures } = await underLoad(t, async () => {
    const pid = stack.pidOf('mysqld');
    stack.kill('mysqld');
    assert.ok(await gone(pid));
    await sleep(PHASE_MS / 2);
    const restarted = Date.now();
    await stack.restart('bb_start_mariadb');
    return { downMs: Date.now() - restarted + PHASE_MS / 2 };
  });
  assert.ok((figures.writes[503] || 0) + (figures.reads[503] || 0) > 0, 'the outage was seen as 503s');
  assert.ok(figures.recoveryMs < 5000, `answers within 5 s of MariaDB coming back (${figures.recoveryMs} ms)`);
});

test('F9: Redis killed with -9 and restarted with its data: sessions and timelines survive', async (t) => {
  const { load } = await underLoad(t, async () => {
    const pid = stack.pidOf('redis');
    stack.kill('redis');
    assert.ok(await gone(pid));
    await sleep(PHASE_MS / 2);
    await stack.restart('bb_start_redis');
    return {};
  });
  const me = await follower.client.get('/settings');
  assert.equal(me.status, 200, 'a session older than the append-only file\'s second survives');
  assert.deepEqual(await checkTimeline(stack, follower, load), [], 'posts missing from the follower\'s timeline');
});

test('the job worker killed with -9 mid-run: its jobs are taken over, every post reaches the follower', async (t) => {
  const { load } = await underLoad(t, async () => {
    stack.kill('worker');
    await sleep(PHASE_MS / 2);
    await stack.restart('bb_start_app');
    return {};
  });
  assert.ok(await settled());
  const missing = await checkTimeline(stack, follower, load);
  assert.deepEqual(missing, [], 'posts missing from the follower\'s timeline');
});

test('F11: Redis frozen (SIGSTOP): requests answer within its timeout, 503 not 500, and recover', async (t) => {
  const { load, figures } = await underLoad(t, async () => {
    const pid = stack.pidOf('redis');
    process.kill(pid, 'SIGSTOP');
    await sleep(PHASE_MS / 2);
    process.kill(pid, 'SIGCONT');
    return {};
  });
  // A page waits out [redis] timeout_ms (500 ms) at most once, and then
  // the worker leaves Redis alone for a second: answers within 1 s.
  assert.ok(load.reads.maxMs < 1000, `slowest page ${load.reads.maxMs} ms`);
  figures.slowestReadMs = load.reads.maxMs;
  t.diagnostic(JSON.stringify({ slowestReadMs: load.reads.maxMs }));
});

test('F15: slowloris against nginx ties up no FastCGI worker', async (t) => {
  const sockets = [];
  for (let i = 0; i < 200; i++) {
    const s = net.connect(stack.port, '127.0.0.1');
    s.on('error', () => {});
    s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    sockets.push(s);
  }
  const drip = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write('X'); }, 1000);
  try {
    let busiest = 0;
    let slowest = 0;
    for (let i = 0; i < PHASE_MS / 500; i++) {
      const status = await (await fetch(`${stack.url}/status?json`)).json();
      busiest = Math.max(busiest, status['active processes']);
      const t0 = Date.now();
      const page = await fetch(`${stack.url}/explore`);
      await page.text();
      assert.equal(page.status, 200);
      slowest = Math.max(slowest, Date.now() - t0);
      await sleep(500);
    }
    // The only busy worker is the one answering /status itself.
    assert.equal(busiest, 1, 'nginx holds the slow connections, not the workers');
    assert.ok(slowest < 2000, `other visitors are served (slowest ${slowest} ms)`);
    t.diagnostic(JSON.stringify({ slowConnections: sockets.length, busiestWorkers: busiest, slowestPageMs: slowest }));
  } finally {
    clearInterval(drip);
    for (const s of sockets) s.destroy();
  }
});

// Last: it logs everyone out.
test('F10: Redis wiped: people log in again (never a 500), timelines rebuild from MariaDB', async (t) => {
  const before = startLoad(stack.url, writers);
  await sleep(PHASE_MS / 2);
  const pid = stack.pidOf('redis');
  stack.kill('redis', 'SIGTERM');
  assert.ok(await gone(pid));
  for (const f of fs.readdirSync(path.join(stack.varDir, 'redis'))) fs.rmSync(path.join(stack.varDir, 'redis', f), { recursive: true });
  await stack.restart('bb_start_redis');
  const recoveryMs = await stack.ready(60000);
  await sleep(PHASE_MS / 2);
  await before.stop();
  assert.ok(recoveryMs >= 0);
  assert.equal(before.tally.count((s) => s === 500) + before.reads.count((s) => s === 500), 0,
    `no 500s: ${JSON.stringify(before.tally.statuses)} ${JSON.stringify(before.reads.statuses)}`);
  assert.deepEqual(checkWrites(stack, before, writers), []);
  // Sessions lived in Redis: the page sends people to log in.
  const res = await follower.client.get('/settings');
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /\/login/);
  const again = await follower.client.submit('/login', '/login', { login: follower.name, password: 'gentle-meadow-lantern-42' });
  assert.equal(again.status, 303);
  const missing = await checkTimeline(stack, follower, before);
  assert.deepEqual(missing, [], 'the rebuilt timeline holds every acknowledged post');
  t.diagnostic(JSON.stringify({ recoveryMs, acked: before.acked.length, writes: before.tally.statuses, reads: before.reads.statuses }));
});
