// The FastCGI worker pool: respawn, reload under load, graceful stop.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const net = require('node:net');
const { base, pidOf, childrenOf, alive, sleep, waitFor, spawnBeaubelle } = require('./lib/stack');
const fcgi = require('./lib/fcgi');

test('a worker killed with SIGKILL is replaced within a second', async () => {
  const master = pidOf('beaubelle');
  const before = childrenOf(master);
  assert.ok(before.length >= 1, 'the master has workers');
  const victim = before[0];
  process.kill(victim, 'SIGKILL');
  const t0 = Date.now();
  const replaced = await waitFor(() => {
    const now = childrenOf(master);
    return !now.includes(victim) && now.length === before.length;
  }, 1000, 20);
  assert.ok(replaced, `a new worker within 1 s (took ${Date.now() - t0} ms)`);
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
});

function runWrk(args) {
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

test('SIGHUP during a 10 s load of 32 connections fails no request', async () => {
  const master = pidOf('beaubelle');
  const oldWorkers = childrenOf(master);
  const load = runWrk(['-t2', '-c32', '-d10s', '--latency', `${base}/healthz`]);
  await sleep(3000);
  process.kill(master, 'SIGHUP');
  await sleep(3000);
  process.kill(master, 'SIGHUP');
  const out = await load;
  const total = Number((out.match(/(\d+) requests in/) || [])[1]);
  assert.ok(total > 1000, `wrk ran (${total} requests)`);
  assert.doesNotMatch(out, /Non-2xx or 3xx responses/, out);
  assert.doesNotMatch(out, /Socket errors/, out);
  const newWorkers = childrenOf(master);
  assert.ok(newWorkers.length >= 1);
  assert.ok(newWorkers.every((p) => !oldWorkers.includes(p)), 'every worker was replaced by the reload');
});

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test('SIGTERM lets the request in flight finish, then every process exits', async () => {
  const port = await freePort();
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`],
    { BEAUBELLE_SERVER_WORKERS: '2', BEAUBELLE_SERVER_SHUTDOWN_TIMEOUT: '5' });
  const address = { host: '127.0.0.1', port };
  const up = await waitFor(async () => {
    try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; }
  }, 10000, 100);
  assert.ok(up, 'the second pool answers');
  const workers = childrenOf(pool.pid);
  assert.equal(workers.length, 2);

  // A form post whose body arrives in two pieces, with SIGTERM in between.
  const token = 'B'.repeat(43);
  const body = `csrf_token=${token}&lang=en&return_to=%2Fslow`;
  const req = fcgi.open(address, {
    method: 'POST', path: '/language', contentLength: body.length,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `bb_csrf=${token}` },
  });
  req.send(body.slice(0, 30));
  await sleep(300);
  const exited = new Promise((resolve) => pool.on('exit', (code, signal) => resolve({ code, signal })));
  const t0 = Date.now();
  pool.kill('SIGTERM');
  await sleep(300);
  req.send(body.slice(30));
  req.end();
  const res = await req.response;
  assert.equal(res.status, 303, 'the request in flight completed');
  assert.match(res.headers.location, /\/slow$/);
  const { code } = await exited;
  assert.equal(code, 0, 'the master exits 0');
  assert.ok(Date.now() - t0 < 5000, 'within shutdown_timeout');
  for (const w of workers) assert.equal(alive(w), false, `worker ${w} exited`);
});

test('a worker is recycled after max_requests', async () => {
  const port = await freePort();
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`],
    { BEAUBELLE_SERVER_WORKERS: '1', BEAUBELLE_SERVER_MAX_REQUESTS: '5' });
  const address = { host: '127.0.0.1', port };
  try {
    await waitFor(async () => {
      try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; }
    }, 10000, 100);
    const first = childrenOf(pool.pid)[0];
    for (let i = 0; i < 10; i++) {
      const res = await fcgi.request(address, { path: '/healthz' });
      assert.equal(res.status, 200, `request ${i} answered`);
    }
    assert.ok(!childrenOf(pool.pid).includes(first), 'the first worker was replaced');
  } finally {
    pool.kill('SIGTERM');
  }
});

test('workers end with a master killed outright, and the next master can bind the sockets', async () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-pool-'));
  const [pages, images] = [path.join(dir, 'pages.sock'), path.join(dir, 'images.sock')];
  const start = () => spawnBeaubelle(['serve', '--listen', pages, '--image-listen', images],
    { BEAUBELLE_SERVER_WORKERS: '2', BEAUBELLE_SERVER_IMAGE_WORKERS: '1' });
  const up = (pool) => waitFor(async () => {
    try { return (await fcgi.request({ path: pages }, { path: '/healthz' })).status === 200 && childrenOf(pool.pid).length === 3; } catch { return false; }
  }, 10000, 100);
  const first = start();
  let second;
  try {
    assert.ok(await up(first), 'two page workers and an image worker');
    const workers = childrenOf(first.pid);
    process.kill(first.pid, 'SIGKILL');
    assert.ok(await waitFor(() => workers.every((pid) => !alive(pid)), 5000, 50), 'its workers exited');
    second = start();
    assert.ok(await up(second), 'a new master serves on the same sockets');
    const res = await fcgi.request({ path: images }, { path: '/healthz' });
    assert.equal(res.status, 200, 'its image workers answer on the image socket');
  } finally {
    first.kill('SIGKILL');
    second?.kill('SIGTERM');
    if (second) await waitFor(() => !alive(second.pid), 15000, 100);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('workers that keep dying young are replaced more and more slowly, then normally again', async () => {
  const { freePort } = require('./lib/stack');
  const port = await freePort();
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], { BEAUBELLE_SERVER_WORKERS: '1' });
  try {
    assert.ok(await waitFor(() => childrenOf(pool.pid).length === 1, 10000, 20), 'a worker');
    // Each new worker is killed as soon as it appears, for 4 s.
    let kills = 0;
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      for (const pid of childrenOf(pool.pid)) {
        try { process.kill(pid, 'SIGKILL'); kills++; } catch { /* gone already */ }
      }
      await sleep(5);
    }
    // Replaced at once, then after 200, 400, 800, 1600 ms...: a handful,
    // not one per slot of the pool.
    assert.ok(kills >= 3 && kills <= 10, `${kills} workers started in 4 s of a crash loop`);
    assert.ok(await waitFor(async () => {
      try { return (await fcgi.request({ host: '127.0.0.1', port }, { path: '/healthz' })).status === 200; } catch { return false; }
    }, 8000, 100), 'the pool serves again once its workers stop dying');
  } finally {
    pool.kill('SIGTERM');
  }
});

test('the pool serves a socket handed over by systemd socket activation', async () => {
  const port = await freePort();
  const { spawn } = require('node:child_process');
  const { bin, config } = require('./lib/stack');
  const activator = spawn('systemd-socket-activate', ['-l', `127.0.0.1:${port}`,
    '-E', 'BEAUBELLE_SERVER_WORKERS=1', '-E', `BEAUBELLE_CONFIG=${config}`, bin, 'serve'], { stdio: 'ignore' });
  try {
    const address = { host: '127.0.0.1', port };
    // The socket exists before the pool: the first request starts it.
    const res = await waitFor(async () => {
      try { return await fcgi.request(address, { path: '/healthz' }); } catch { return null; }
    }, 10000, 100);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'ok\n');
  } finally {
    activator.kill('SIGTERM');
  }
});
