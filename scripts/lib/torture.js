// For scripts/security-scan and tests/http/torture.test.js: allocation-
// failure injection (R46). A pool of one worker runs with
// tests/torture/failmalloc.so preloaded, sharing the stack's MariaDB and
// Redis, and each request below is sent again and again with the Nth
// allocation made while handling it failing: every N of the first 200,
// then 300 more spread evenly up to the last. The answer must be the
// normal one or a 5xx. A worker that ends after answering (a library's
// assertion or fault: server/crash_answer.c answers 503 first) is counted
// apart; a request left without an answer is a problem.
//
// Environment: TORTURE_SO (the built injector), BEAUBELLE_VAR (the stack),
// BEAUBELLE_BIN, and scan-login.js' SCAN_COOKIE, SCAN_CSRF, SCAN_TOKEN,
// SCAN_POST; TORTURE_FIRST (200), TORTURE_SPREAD (300) and TORTURE_ONLY
// (e.g. "2,4") narrow a run; TORTURE_LOG keeps the pool's log. Prints one
// line per request and "torture: N problems".
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const fcgi = require('../../tests/http/lib/fcgi');
const { freePort, childrenOf, sleep, waitFor } = require('../../tests/http/lib/stack');

const root = path.resolve(__dirname, '../..');
const env = process.env;
const SPREAD = Number(env.TORTURE_SPREAD || 300);
const FIRST = Number(env.TORTURE_FIRST || 200);

// Each with the answer it gets when nothing fails: the injection is meant
// for the path that succeeds, not for an error page.
const cases = [
  { name: 'Explore (visitor)', path: '/explore', expect: 200 },
  { name: 'home (logged in)', path: '/', headers: { Cookie: env.SCAN_COOKIE }, expect: 200 },
  { name: 'post page (logged in)', path: `/p/${env.SCAN_POST}`, headers: { Cookie: env.SCAN_COOKIE }, expect: 200 },
  { name: 'API home timeline', path: '/api/v1/timelines/home', headers: { Authorization: `Bearer ${env.SCAN_TOKEN}` }, expect: 200 },
  {
    name: 'like (form post)', method: 'POST', path: `/p/${env.SCAN_POST}/like`, expect: 303,
    headers: { Cookie: env.SCAN_COOKIE, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `csrf_token=${encodeURIComponent(env.SCAN_CSRF)}`,
  },
];

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-torture-'));
  const nFile = path.join(dir, 'n');
  fs.writeFileSync(nFile, '0');
  const port = await freePort();
  const address = { host: '127.0.0.1', port };
  const log = fs.openSync(path.join(dir, 'pool.log'), 'a');
  const pool = spawn(env.BEAUBELLE_BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--config', path.join(env.BEAUBELLE_VAR, 'beaubelle.conf')], {
    cwd: root, stdio: ['ignore', log, log],
    // Hundreds of calls with one token: no rate limit in the way.
    env: {
      ...env, BEAUBELLE_SERVER_WORKERS: '1', BEAUBELLE_LIMITS_API_TOKEN_LIMIT: '100000000',
      BEAUBELLE_LIMITS_API_ADDRESS_LIMIT: '100000000', LD_PRELOAD: env.TORTURE_SO, FAILMALLOC_FILE: nFile,
    },
  });
  const send = (c) => fcgi.request(address, { method: c.method || 'GET', path: c.path, headers: c.headers || {}, body: c.body });
  const worker = async () => (await waitFor(() => childrenOf(pool.pid)[0], 5000, 50)) || 0;
  let problems = 0;
  try {
    if (!(await waitFor(async () => { try { return (await send({ path: '/healthz' })).status === 200; } catch { return false; } }, 15000, 100))) {
      throw new Error('the pool under injection did not answer');
    }
    // TORTURE_ONLY=2,4 runs the second and fourth request only.
    const only = (env.TORTURE_ONLY || '').split(',').filter(Boolean).map(Number);
    for (const c of cases.filter((_, i) => !only.length || only.includes(i + 1))) {
      fs.writeFileSync(nFile, '0');
      const first = await send(c);
      const normal = first.status;
      if (normal !== c.expect) {
        console.log(`torture ${c.name}: answers ${normal} without failures, not ${c.expect}: ${first.body.slice(0, 200)}`);
        problems++;
      }
      await send({ path: '/healthz' }); // writes the count of the request before
      const k = Number(fs.readFileSync(`${nFile}.count`, 'utf8'));
      const tried = [];
      for (let n = 1; n <= Math.min(k, FIRST); n++) tried.push(n);
      for (let i = 1; k > FIRST && i <= SPREAD; i++) tried.push(FIRST + Math.round(((k - FIRST) * i) / SPREAD));
      const statuses = {};
      const bad = [];
      let deaths = 0;
      for (const n of [...new Set(tried)]) {
        const before = await worker();
        fs.writeFileSync(nFile, String(n));
        let status;
        try { status = (await send(c)).status; } catch { status = 'no answer'; }
        fs.writeFileSync(nFile, '0');
        const after = await worker();
        if (after !== before) deaths++;
        statuses[status] = (statuses[status] || 0) + 1;
        if (!(status === normal || status >= 500)) bad.push(`${n}:${status}${after !== before ? ' (worker ended)' : ''}`);
      }
      problems += bad.length;
      console.log(`torture ${c.name}: ${k} allocations, ${tried.length} failed one at a time, answers ${JSON.stringify(statuses)} ` +
        `(normal ${normal}), workers ended after answering ${deaths}${bad.length ? `; problems at ${bad.slice(0, 12).join(', ')}${bad.length > 12 ? ', ...' : ''}` : ''}`);
    }
  } finally {
    pool.kill('SIGTERM');
    await sleep(500);
    const deaths = (fs.readFileSync(path.join(dir, 'pool.log'), 'utf8').match(/Assertion .*/g) || []);
    const kinds = [...new Set(deaths)];
    if (kinds.length) console.log(`torture: assertions that ended workers: ${kinds.slice(0, 5).join(' | ')}`);
    if (env.TORTURE_LOG) fs.copyFileSync(path.join(dir, 'pool.log'), env.TORTURE_LOG);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`torture: ${problems} problems`);
  process.exit(problems ? 1 : 0);
})().catch((e) => { console.error(e.stack); process.exit(2); });
