// For scripts/security-scan: allocation-failure injection (R46). A pool of
// one worker runs with tests/torture/failmalloc.so preloaded, sharing the
// scanned stack's MariaDB and Redis, and each request below is sent again
// and again with the Nth allocation made while handling it failing: every
// N of the first 200, then an even spread up to the last. The answer must
// be the normal one or a 5xx, and the worker must not die.
//
// Environment: TORTURE_SO (the built injector), BEAUBELLE_VAR (the stack),
// BEAUBELLE_BIN, and scan-login.js' SCAN_COOKIE, SCAN_CSRF, SCAN_TOKEN,
// SCAN_POST. Prints one line per request and "torture: N problems".
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

const cases = [
  { name: 'Explore (visitor)', path: '/explore' },
  { name: 'home (logged in)', path: '/', headers: { Cookie: env.SCAN_COOKIE } },
  { name: 'post page (logged in)', path: `/p/${env.SCAN_POST}`, headers: { Cookie: env.SCAN_COOKIE } },
  { name: 'API home timeline', path: '/api/v1/timelines/home', headers: { Authorization: `Bearer ${env.SCAN_TOKEN}` } },
  {
    name: 'like (form post)', method: 'POST', path: `/p/${env.SCAN_POST}/like`,
    headers: { Cookie: env.SCAN_COOKIE, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://127.0.0.1' },
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
    env: { ...env, BEAUBELLE_SERVER_WORKERS: '1', LD_PRELOAD: env.TORTURE_SO, FAILMALLOC_FILE: nFile },
  });
  const send = (c) => fcgi.request(address, { method: c.method || 'GET', path: c.path, headers: c.headers || {}, body: c.body });
  const worker = async () => (await waitFor(() => childrenOf(pool.pid)[0], 5000, 50)) || 0;
  let problems = 0;
  try {
    if (!(await waitFor(async () => { try { return (await send({ path: '/healthz' })).status === 200; } catch { return false; } }, 15000, 100))) {
      throw new Error('the pool under injection did not answer');
    }
    for (const c of cases) {
      fs.writeFileSync(nFile, '0');
      const first = await send(c);
      const normal = first.status;
      if (normal >= 500) console.log(`torture ${c.name}: answers ${normal} even without failures: ${first.body.slice(0, 200)}`);
      await send({ path: '/healthz' }); // writes the count of the request before
      const k = Number(fs.readFileSync(`${nFile}.count`, 'utf8'));
      const tried = [];
      for (let n = 1; n <= Math.min(k, 200); n++) tried.push(n);
      for (let i = 1; k > 200 && i <= SPREAD; i++) tried.push(200 + Math.round(((k - 200) * i) / SPREAD));
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
        if (after !== before || !(status === normal || status >= 500)) bad.push(`${n}:${status}${after !== before ? ' (worker died)' : ''}`);
      }
      problems += bad.length;
      console.log(`torture ${c.name}: ${k} allocations, ${tried.length} failed one at a time, answers ${JSON.stringify(statuses)} ` +
        `(normal ${normal}), worker deaths ${deaths}${bad.length ? `; problems at ${bad.slice(0, 12).join(', ')}${bad.length > 12 ? ', ...' : ''}` : ''}`);
    }
  } finally {
    pool.kill('SIGTERM');
    await sleep(500);
    const deaths = (fs.readFileSync(path.join(dir, 'pool.log'), 'utf8').match(/Assertion .*/g) || []);
    const kinds = [...new Set(deaths)];
    if (kinds.length) console.log(`torture: assertions that ended workers: ${kinds.slice(0, 5).join(' | ')}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`torture: ${problems} problems`);
  process.exit(problems ? 1 : 0);
})().catch((e) => { console.error(e.stack); process.exit(2); });
