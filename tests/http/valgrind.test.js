// A memcheck smoke run: a pool of its own under valgrind (workers are
// forked, so valgrind follows them) serves pages, a login, the API, an
// image upload through libvips and a post page; no process may report a
// memory error. Skipped without valgrind, and on the ASan build.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, bin, config, waitFor, freePort, sanitized } = require('./lib/stack');
const { signup } = require('./lib/client');
const { multipart, noisePng } = require('./lib/images');
const fcgi = require('./lib/fcgi');

const valgrind = (() => { try { return execFileSync('which', ['valgrind'], { encoding: 'utf8' }).trim(); } catch { return null; } })();
// AddressSanitizer and valgrind cannot watch the same process.
const skip = !valgrind ? 'valgrind not installed' : sanitized ? 'the binary is built with AddressSanitizer' : false;

test('the pool runs clean under valgrind memcheck', { skip, timeout: 300000 }, async (t) => {
  const port = await freePort();
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-valgrind-'));
  const pool = spawn(valgrind, ['--error-exitcode=9', '--leak-check=no', `--log-file=${logs}/vg.%p.log`,
    bin, 'serve', '--listen', `127.0.0.1:${port}`, '--config', config],
  { cwd: root, env: { ...process.env, BEAUBELLE_SERVER_WORKERS: '1' }, stdio: 'ignore' });
  t.after(() => fs.rmSync(logs, { recursive: true, force: true }));
  const address = { host: '127.0.0.1', port };
  try {
    assert.ok(await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 120000, 250),
      'the pool answers under valgrind');
    for (const p of ['/', '/explore', '/login', '/signup', '/tags/x', '/@nobody', '/api/v1/instance', '/status', '/metrics']) {
      const r = await fcgi.request(address, { path: p, headers: { 'Accept-Language': 'en' } });
      assert.ok(r.status < 500, `${p}: ${r.status}`);
    }
    // A logged-in person (the session lives in the shared Redis) posts an image.
    const u = await signup('vg');
    const cookie = u.client.cookieHeader();
    const form = await fcgi.request(address, { path: '/new', headers: { Cookie: cookie } });
    assert.equal(form.status, 200);
    const token = form.body.match(/name="csrf_token" value="([^"]+)"/)[1];
    const key = form.body.match(/name="idempotency_key" value="([^"]+)"/)[1];
    const { body, contentType } = multipart({ csrf_token: token, idempotency_key: key, caption: 'under valgrind #memcheck', alt: '' },
      [{ name: 'image', filename: 'noise.png', type: 'image/png', data: noisePng(96, 64) }]);
    const posted = await fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie, 'Content-Type': contentType } });
    assert.equal(posted.status, 303);
    const page = await fcgi.request(address, { path: new URL(posted.headers.location).pathname, headers: { Cookie: cookie } });
    assert.equal(page.status, 200);
  } finally {
    pool.kill('SIGTERM');
    await new Promise((resolve) => pool.once('exit', resolve));
  }
  const reports = fs.readdirSync(logs).map((f) => fs.readFileSync(path.join(logs, f), 'utf8'));
  assert.ok(reports.length >= 2, 'the master and a worker ran under valgrind');
  for (const r of reports) assert.match(r, /ERROR SUMMARY: 0 errors from 0 contexts/, r.slice(-3000));
});
