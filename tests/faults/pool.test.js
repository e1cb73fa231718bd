// Fault tests of the FastCGI pool and the nginx in front of it
// (docs/operations.md "Faults", F1, F3-F6, F18, F20): baseline load,
// reloads and recycling under load with large uploads in flight, a burst
// into a frozen pool's listen queue, a hung worker, nginx's retries, and
// a leak soak. One stack of their own, with four workers; each test
// changes the pool's settings the way an operator does (the config file,
// then SIGHUP) and puts them back. FAULT_SECONDS (default 4) sets how
// long each phase lasts; ./scripts/faults runs them longer.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');
const { startStack, gone, sleep } = require('./lib/stack');
const { sanitized } = require('../http/lib/stack');
const { account, bearer, startLoad, postOnce, slowUpload, composeForm, Tally } = require('./lib/load');
const { checkWrites } = require('./lib/check');
const { call } = require('../http/lib/api');
const { noisePng, multipart, fixture } = require('../http/lib/images');
const fcgi = require('../http/lib/fcgi');

const SECONDS = Number(process.env.FAULT_SECONDS || 4);
const PHASE_MS = SECONDS * 1000;
const WORKERS = 4;
// Uploads go to a worker class of their own (server/master.c); the
// counts below are of both.
const IMAGE_WORKERS = 1;
const ALL = WORKERS + IMAGE_WORKERS;
const root = path.resolve(__dirname, '../..');
let stack;
let writers;

test.before(async () => {
  // The soak reads an API page thousands of times from one address.
  stack = await startStack(`\n[server]\nworkers = ${WORKERS}\nimage_workers = ${IMAGE_WORKERS}\n[limits]\napi_address_limit = 100000000\n`);
  const tag = `${process.pid % 1000}`;
  writers = await Promise.all([1, 2, 3].map((i) => account(stack, `pw${tag}_${i}`)));
});
test.after(async () => { await stack?.stop(); });

// Resident memory of each worker now: Map pid -> kB.
function workerRss() {
  return new Map(stack.workers().map((pid) => [pid, stack.rssKb(pid)]));
}

// Growth of the workers alive at both samples, summed, as a fraction.
function rssGrowth(early, late) {
  const common = [...early.keys()].filter((pid) => late.get(pid) > 0);
  const a = common.reduce((n, pid) => n + early.get(pid), 0);
  const b = common.reduce((n, pid) => n + late.get(pid), 0);
  return { workers: common.length, earlyKb: a, lateKb: b, growth: a ? (b - a) / a : 0 };
}

// Every request of a load answered 2xx/3xx, every post acknowledged once.
function assertClean(load) {
  assert.equal(load.tally.failed(), 0, `writes: ${JSON.stringify(load.tally.statuses)}, ${load.tally.errors} without an answer`);
  assert.equal(load.reads.failed(), 0, `reads: ${JSON.stringify(load.reads.statuses)}, ${load.reads.errors} without an answer`);
  assert.deepEqual(load.lost, [], 'every post was acknowledged');
  assert.ok(load.acked.length > 0, 'posts were acknowledged');
  assert.deepEqual(checkWrites(stack, load, writers), []);
}

const EAGAIN = /\(11: Resource temporarily unavailable\)/;
const logSince = (from) => stack.log('beaubelle').slice(from);

// A 10 MB image (random pixels do not compress): [limits] max_upload_bytes
// is 16M and nginx's client_max_body_size 17m, so it is an ordinary upload.
let bigImage;
const big = () => (bigImage ||= noisePng(1850, 1850));

// Find a worker busy with POST /new for at least minMs; null if none.
async function busyUploadWorker(minMs) {
  const ps = (await stack.status()).processes;
  return ps.find((p) => p.state === 'Running' && p['request method'] === 'POST' && p['request uri'] === '/new'
    && p['request duration us'] >= minMs * 1000) || null;
}

test('F1: baseline load: every request answered, p99 recorded, worker memory steady', async (t) => {
  const load = startLoad(stack.url, writers);
  // As "second 10 against second 30" of a 30 s run: the first third warms
  // up, and at least 40 posts per worker (a fresh worker's heap grows over
  // its first few hundred images, then levels off; the short form would
  // otherwise sample it half-grown).
  const warm = Date.now();
  await sleep(PHASE_MS / 3);
  while (load.acked.length < 40 * WORKERS && Date.now() - warm < 30000) await sleep(100);
  const early = workerRss();
  const warmUpMs = Date.now() - warm;
  const ackedWarm = load.acked.length;
  await sleep((PHASE_MS * 2) / 3);
  const late = workerRss();
  await load.stop();
  assertClean(load);
  const rss = rssGrowth(early, late);
  assert.ok(rss.workers > 0, 'the same workers were sampled twice');
  if (!sanitized) assert.ok(rss.growth < 0.10, `worker RSS grew ${(rss.growth * 100).toFixed(1)}% (${rss.earlyKb} -> ${rss.lateKb} kB)`);
  const p99 = load.reads.percentile(99);
  // The proposed budget is 250 ms; on a shared 2-core machine only a
  // generous bound is asserted and the figure is recorded.
  assert.ok(p99 < 2000, `home page p99 ${p99} ms`);
  t.diagnostic(JSON.stringify({
    warmUpMs, ackedWarm, reads: load.reads.times.length, readP50Ms: load.reads.percentile(50), readP99Ms: p99,
    writeP99Ms: load.tally.percentile(99), acked: load.acked.length,
    rssEarlyKb: rss.earlyKb, rssLateKb: rss.lateKb, rssGrowthPct: +(rss.growth * 100).toFixed(2),
  }));
});

test('F3: three reloads (SIGHUP) under load with two 10 MB uploads in flight fail nothing', async (t) => {
  const logFrom = stack.log('beaubelle').length;
  const load = startLoad(stack.url, writers);
  const retired = new Set();
  const reloadAt = [];
  const reload = async () => {
    for (const pid of stack.workers()) retired.add(pid);
    // Is an upload being processed right now (a worker inside POST /new
    // for a while)? Recorded: the reload must let it finish.
    reloadAt.push(await busyUploadWorker(50) ? 1 : 0);
    const handedOver = () => (logSince(logFrom).match(/event=old_generations_retiring /g) || []).length;
    const before = handedOver();
    stack.kill('beaubelle', 'SIGHUP');
    // One reload at a time: the next signal after this hand-over.
    const until = Date.now() + 15000;
    while (handedOver() === before && Date.now() < until) await sleep(20);
  };
  // The first upload's body ends half-way through, so the second reload
  // lands while a worker processes it; the second ends after the third.
  let sent;
  const firstSent = new Promise((r) => { sent = r; });
  const uploads = [
    slowUpload(writers[0], big(), PHASE_MS / 2, { onSent: sent }),
    slowUpload(writers[1], big(), PHASE_MS),
  ];
  await sleep(PHASE_MS / 4);
  await reload();
  await firstSent;
  await sleep(150);
  await reload();
  await sleep(PHASE_MS / 4);
  await reload();
  const done = await Promise.all(uploads);
  await load.stop();

  assert.deepEqual(done.map((u) => u.status), [303, 303], 'both uploads were posted');
  for (const [i, u] of done.entries()) load.acked.push({ key: u.key, id: u.id, user: writers[i].name });
  assertClean(load);
  // Old workers finish what they hold and exit within shutdown_timeout (10 s).
  const t0 = Date.now();
  for (const pid of retired) assert.ok(await gone(pid, 15000), `old worker ${pid} exited`);
  const drainMs = Date.now() - t0;
  const log = logSince(logFrom);
  assert.equal((log.match(/event=reloaded /g) || []).length, 3, 'three reloads');
  // The old generation is asked to finish only once every new worker is accepting.
  const handovers = [...log.matchAll(/event=old_generations_retiring generation=\d+ ready=(\d+)\/(\d+) after_ms=(\d+)/g)];
  assert.equal(handovers.length, 3, log.slice(-3000));
  for (const h of handovers) assert.equal(h[1], h[2], `the new generation was ready before the old one retired: ${h[0]}`);
  assert.equal(stack.workers().length, ALL);
  t.diagnostic(JSON.stringify({
    reloads: 3, uploadsMs: done.map((u) => u.ms), uploadBytes: big().length, uploadsBeingProcessedAtReload: reloadAt,
    handoverMs: handovers.map((h) => Number(h[3])), oldWorkers: retired.size, drainMs,
    acked: load.acked.length, writes: load.tally.statuses, reads: load.reads.statuses,
    readP99Ms: load.reads.percentile(99),
  }));
});

test('F4: recycling every ~50 requests (with jitter) under load fails nothing, no EAGAIN', async (t) => {
  const MAX = 50;
  await stack.reconfigure(`[server]\nmax_requests = ${MAX}\n`, { workers: ALL });
  const logFrom = stack.log('beaubelle').length;
  const errFrom = stack.nginxErrorsAt();
  const load = startLoad(stack.url, writers, { readers: 3 });
  await sleep(PHASE_MS);
  await load.stop();
  const log = logSince(logFrom);
  await stack.reconfigure('', { workers: ALL });

  assertClean(load);
  const errors = stack.nginxErrors(errFrom);
  assert.deepEqual(errors.filter((l) => EAGAIN.test(l)), [], 'no connect() to the pool failed with EAGAIN');
  assert.deepEqual(errors.filter((l) => /\[(error|crit|alert|emerg)\]/.test(l)), [], 'nginx logged no error');
  const served = [...log.matchAll(/event=worker_recycled requests=(\d+)/g)].map((m) => Number(m[1]));
  assert.ok(served.length >= 2, `workers were recycled (${served.length} times)`);
  assert.ok(served.every((n) => n >= MAX * 0.9 && n <= MAX * 1.1), `each after max_requests ±10%: ${served}`);
  // Staggered: with the jitter, 6 recycles all at one count would be a
  // 1 in 11^5 chance (a busy machine may manage fewer in the short form).
  if (served.length >= 6) assert.ok(new Set(served).size > 1, `recycle counts differ: ${served}`);
  t.diagnostic(JSON.stringify({
    maxRequests: MAX, recycles: served.length, recycledAfter: served, acked: load.acked.length,
    writes: load.tally.statuses, reads: load.reads.statuses, readP99Ms: load.reads.percentile(99),
  }));
});

test('F6: a worker hung mid-request (SIGSTOP) is killed after request_timeout; only its request fails', async (t) => {
  const T = Math.max(3, Math.round(SECONDS / 3));
  await stack.reconfigure(`[server]\nrequest_timeout = ${T}\n`, { workers: ALL });
  const logFrom = stack.log('beaubelle').length;
  const load = startLoad(stack.url, writers, { write: false, readers: 2 });
  await sleep(PHASE_MS / 2);
  const baseline = new Tally();
  for (const [, , ms] of load.reads.times) baseline.add(200, ms);
  const mark = load.reads.times.length;

  // A large upload; its worker is frozen while it processes the image.
  let victim = null;
  let upload;
  let stoppedAt;
  for (let attempt = 0; attempt < 3 && !victim; attempt++) {
    upload = slowUpload(writers[2], big(), 0);
    const until = Date.now() + 20000;
    let finished = false;
    upload.then(() => { finished = true; });
    while (!victim && !finished && Date.now() < until) {
      const w = await busyUploadWorker(20);
      if (w) {
        process.kill(w.pid, 'SIGSTOP');
        stoppedAt = Date.now();
        victim = w;
      } else await sleep(5);
    }
  }
  assert.ok(victim, 'a worker was caught processing the upload');
  const answer = await upload;
  const answeredAfterMs = Date.now() - stoppedAt;
  assert.ok(await gone(victim.pid, 5000), 'the frozen worker is gone');
  const killedAfterMs = Date.now() - stoppedAt;
  const t1 = Date.now();
  while (stack.workers().length < ALL && Date.now() - t1 < 5000) await sleep(20);
  const replacedMs = Date.now() - t1;
  await sleep(PHASE_MS / 2);
  await load.stop();
  await stack.reconfigure('', { workers: ALL });

  assert.ok([502, 504].includes(answer.status), `the frozen request failed with a gateway error (${answer.status})`);
  assert.match(logSince(logFrom), new RegExp(`event=worker_killed pid=${victim.pid} reason=request_timeout`));
  assert.ok(killedAfterMs <= T * 1000 + 2000, `killed ${killedAfterMs} ms after it froze (request_timeout ${T} s)`);
  assert.equal(stack.workers().length, ALL, 'the worker was replaced');
  assert.equal(load.reads.failed(), 0, `only that request failed: ${JSON.stringify(load.reads.statuses)}`);
  const during = new Tally();
  for (const [, , ms] of load.reads.times.slice(mark)) during.add(200, ms);
  const baseP99 = baseline.percentile(99);
  const p99 = during.percentile(99);
  // 2x the baseline; a floor of 250 ms keeps a fast baseline's scheduling
  // noise on a shared machine from failing it.
  assert.ok(p99 < Math.max(2 * baseP99, 250), `other requests' p99 ${p99} ms against a baseline of ${baseP99} ms`);
  // Sent again with its Idempotency-Key, the post is made once.
  const again = await slowUpload(writers[2], big(), 0, { key: answer.key });
  assert.equal(again.status, 303);
  const rows = stack.sql(`SELECT COUNT(*) FROM posts WHERE user_id = ${writers[2].id} AND idempotency_key = '${answer.key}'`);
  assert.equal(rows, '1', 'one post for the key');
  assert.deepEqual(checkWrites(stack, { acked: [{ key: again.key, id: again.id, user: writers[2].name }] }, writers), []);
  t.diagnostic(JSON.stringify({
    requestTimeoutS: T, frozenStatus: answer.status, answeredAfterMs, killedAfterMs, replacedMs,
    baselineP99Ms: baseP99, faultP99Ms: p99, reads: load.reads.statuses,
  }));
});

// GET path on nginx with n connections at once; resolves to a Tally.
function burst(n, pathname) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: n });
  const tally = new Tally();
  const one = () => new Promise((resolve) => {
    const t0 = Date.now();
    const req = http.get({ host: '127.0.0.1', port: stack.port, path: pathname, agent, timeout: 120000 }, (res) => {
      res.resume();
      res.on('end', () => { tally.add(res.statusCode, Date.now() - t0); resolve(); });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => { tally.errors++; resolve(); });
  });
  const all = Promise.all(Array.from({ length: n }, one)).then(() => { agent.destroy(); return tally; });
  return all;
}

function openFilesLimit() {
  const m = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+|unlimited)/m);
  return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
}

test('F5: 1000 connections into a frozen pool wait in the listen queue: no 502, no EAGAIN', async (t) => {
  const N = 1000;
  const somaxconn = Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  const queue = stack.listenQueue();
  // The kernel grants min(backlog, somaxconn); docs/operations.md says to raise it.
  if (queue.backlog < N + 24) {
    t.skip(`the FastCGI socket's listen queue holds ${queue.backlog} (net.core.somaxconn ${somaxconn}); ` +
      `this burst needs ${N + 24}: sysctl -w net.core.somaxconn=4096`);
    return;
  }
  if (openFilesLimit() < N + 200) {
    t.skip(`this process may open ${openFilesLimit()} files; ${N} connections need more (ulimit -n)`);
    return;
  }
  const errFrom = stack.nginxErrorsAt();
  const workers = stack.workers();
  // Frozen workers hold the queue as busy ones would, exactly.
  for (const pid of workers) process.kill(pid, 'SIGSTOP');
  let peak = 0;
  let results;
  try {
    results = burst(N, '/explore');
    const until = Date.now() + 30000;
    while (Date.now() < until) {
      peak = Math.max(peak, stack.listenQueue().waiting);
      if (peak >= N) break;
      await sleep(50);
    }
    await sleep(PHASE_MS / 8);
  } finally {
    for (const pid of workers) process.kill(pid, 'SIGCONT');
  }
  const t0 = Date.now();
  const tally = await results;
  const drainMs = Date.now() - t0;

  assert.equal(tally.count((s) => s === 502), 0, `no 502: ${JSON.stringify(tally.statuses)}`);
  assert.equal(tally.errors, 0, 'every connection was answered');
  assert.equal(tally.count((s) => s !== 200 && s !== 503), 0, `each answered 200, or our own 503: ${JSON.stringify(tally.statuses)}`);
  assert.deepEqual(stack.nginxErrors(errFrom).filter((l) => EAGAIN.test(l)), [], 'no EAGAIN from connect()');
  assert.ok(peak >= N * 0.9, `the burst waited in the listen queue (peak ${peak})`);
  assert.deepEqual(stack.workers().sort(), workers.sort(), 'no worker died');
  t.diagnostic(JSON.stringify({
    connections: N, backlog: queue.backlog, somaxconn, peakQueued: peak, drainMs,
    statuses: tally.statuses, p99Ms: tally.percentile(99),
  }));
});

// wrk over a mix of pages as one logged-in reader, for `seconds`;
// returns { requests, failed, errors }.
function wrk(script, seconds, cookie) {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t2', '-c4', `-d${seconds}s`, '-s', script, '-H', `Cookie: ${cookie}`, '-H', 'Accept-Language: en', stack.url],
      { encoding: 'utf8' }, (err, out) => {
        if (err) return reject(err);
        const n = (re) => Number((out.match(re) || [0, 0])[1]);
        resolve({
          requests: n(/(\d+) requests in/), failed: n(/Non-2xx or 3xx responses: (\d+)/),
          errors: /Socket errors/.test(out) ? out.match(/Socket errors:.*/)[0] : null, out,
        });
      });
  });
}

test('F20: leak soak: thousands of page loads, worker memory steady with recycling off', async (t) => {
  const TOTAL = 5000 * SECONDS;
  // Recycling would hide a leak: off for the soak.
  await stack.reconfigure('[server]\nmax_requests = 0\n', { workers: ALL });
  const reader = writers[0];
  const post = (await postOnce(reader, new Tally(), Date.now() + 30000)).id;
  const pages = ['/', '/explore', `/@${writers[1].name}`, `/p/${post}`, '/notifications', '/settings',
    '/api/v1/timelines/public', '/new', `/@${reader.name}/collection`, '/deck', '/collection'];
  for (const p of pages) assert.ok((await reader.client.get(p)).status < 400, `${p} answers`);
  const script = path.join(stack.dir, 'pages.lua');
  fs.writeFileSync(script, `local paths = { ${pages.map((p) => JSON.stringify(p)).join(', ')} }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
`);
  const cookie = reader.client.cookieHeader();
  let done = 0;
  let failed = 0;
  const errors = [];
  const t0 = Date.now();
  // Warm-up: a tenth of the requests, then the first sample.
  const chunk = Math.max(1, Math.round(SECONDS / 4));
  while (done < TOTAL / 10) {
    const r = await wrk(script, 1, cookie);
    done += r.requests; failed += r.failed; if (r.errors) errors.push(r.errors);
  }
  const early = workerRss();
  while (done < TOTAL) {
    const r = await wrk(script, chunk, cookie);
    done += r.requests; failed += r.failed; if (r.errors) errors.push(r.errors);
  }
  const late = workerRss();
  const ms = Date.now() - t0;
  await stack.reconfigure('', { workers: ALL });

  assert.equal(failed, 0, 'every page answered 2xx/3xx');
  assert.deepEqual(errors, [], 'no socket errors');
  const rss = rssGrowth(early, late);
  assert.equal(rss.workers, ALL, 'the same workers served the whole soak');
  if (!sanitized) assert.ok(rss.growth < 0.05, `worker RSS grew ${(rss.growth * 100).toFixed(1)}% (${rss.earlyKb} -> ${rss.lateKb} kB)`);
  t.diagnostic(JSON.stringify({
    requests: done, seconds: +(ms / 1000).toFixed(1), pages: pages.length,
    rssEarlyKb: rss.earlyKb, rssLateKb: rss.lateKb, rssGrowthPct: +(rss.growth * 100).toFixed(2),
  }));
});

test('F18: nginx does not pass a POST to a second pool after the first took it and died', async (t) => {
  const w = writers[0];
  const token = await bearer(stack, w);
  const mine = await postOnce(w, new Tally(), Date.now() + 30000);
  assert.ok(mine.id, 'a post to delete later');
  const countOf = () => Number(stack.sql(`SELECT posts_count FROM users WHERE id = ${w.id}`));
  const before = countOf();
  // Pool A reads the whole request, then closes the connection without a
  // word, as a pool that crashed after reading the body would.
  const seen = [];
  const a = await fcgi.serve(({ params, body, socket }) => {
    seen.push({ method: params.REQUEST_METHOD, uri: params.DOCUMENT_URI, bytes: body.length, length: Number(params.CONTENT_LENGTH || 0) });
    socket.destroy();
  });
  let post;
  let get;
  let del;
  try {
    // The repo's settings (nginx/beaubelle-fastcgi.conf: no
    // fastcgi_next_upstream, so nginx's default "error timeout"); A first,
    // the real pool as the next server.
    // Both worker classes' upstreams: the POST is an upload.
    await stack.nginxConfigure((conf) => conf.replace(/server unix:([^;]*beaubelle(-images)?\.sock);/g,
      (_, to) => `server 127.0.0.1:${a.port} max_fails=0;\n        server unix:${to} backup;`));
    const f = await composeForm(w);
    const { body, contentType } = multipart({ csrf_token: f.token, idempotency_key: f.key, caption: 'f18', alt: '' },
      [{ name: 'image', filename: 'still.png', type: 'image/png', data: fixture('still.png') }]);
    post = { key: f.key, res: await w.client.request('/new', { method: 'POST', body, headers: { 'Content-Type': contentType } }) };
    // A GET is idempotent: nginx does try the next server, so the rig
    // retries what it may.
    get = await w.client.get('/explore');
    // So is a DELETE, for nginx: the handler must bear being sent twice.
    del = await call('DELETE', `/api/v1/statuses/${mine.id}`, { token, origin: stack.url });
  } finally {
    await stack.nginxConfigure((conf) => conf);
    a.server.close();
  }
  const firstSeen = seen.find((s) => s.method === 'POST');
  assert.ok(firstSeen && firstSeen.uri === '/new', 'pool A got the POST');
  assert.equal(firstSeen.bytes, firstSeen.length, 'and read its whole body before dying');
  assert.equal(post.res.status, 502, 'the client is told the post failed');
  assert.equal(seen.filter((s) => s.method === 'POST').length, 1, 'nginx sent the POST once');
  const rows = stack.sql(`SELECT COUNT(*) FROM posts WHERE user_id = ${w.id} AND idempotency_key = '${post.key}'`);
  assert.equal(rows, '0', 'no post was made behind the client\'s back');
  assert.ok(seen.some((s) => s.method === 'GET'), 'pool A got the GET');
  assert.equal(get.status, 200, 'and nginx retried it on the real pool');
  assert.ok(seen.some((s) => s.method === 'DELETE'), 'pool A got the DELETE');
  assert.equal(del.status, 200, 'nginx retried the DELETE on the real pool, which deleted the post');
  assert.equal(countOf(), before - 1, 'posts_count went down by one');

  // The same DELETE again, as a retry would send it: 404, nothing more.
  const again = await call('DELETE', `/api/v1/statuses/${mine.id}`, { token, origin: stack.url });
  assert.equal(again.status, 404);
  assert.equal(countOf(), before - 1, 'posts_count did not change again');
  assert.deepEqual(checkWrites(stack, { acked: [] }, [w]), [], 'posts_count matches the posts');

  // The rule, in every nginx config we ship and the one running.
  const files = [path.join(root, 'scripts/lib/nginx-dev.conf.in')];
  for (const dir of ['nginx', 'dist']) {
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p); else files.push(p);
      }
    };
    walk(path.join(root, dir));
  }
  const offending = files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n')
    .filter((l) => /^\s*[a-z_]+_next_upstream\b/.test(l) && /non_idempotent/.test(l)).map((l) => `${f}: ${l.trim()}`));
  assert.deepEqual(offending, [], 'no *_next_upstream with non_idempotent');
  const effective = execFileSync('nginx', ['-T', '-q', '-c', path.join(stack.varDir, 'nginx/nginx.conf'),
    '-p', path.join(stack.varDir, 'nginx/'), '-e', path.join(stack.varDir, 'log/nginx-error.log')], { encoding: 'utf8' });
  assert.doesNotMatch(effective, /non_idempotent/);
  t.diagnostic(JSON.stringify({
    postStatus: post.res.status, rowsForKey: Number(rows), poolASaw: seen.map((s) => s.method),
    getStatus: get.status, deleteStatus: del.status, replayStatus: again.status, configsChecked: files.length,
  }));
});
