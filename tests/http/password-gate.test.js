// [security] argon2_concurrency: at most N password hashes at once on the
// host, across every worker, so a burst of logins cannot take all the
// memory (each hash takes argon2_memory). A login that finds every slot
// busy past argon2_wait_ms gets 503 with Retry-After, never a wrong
// "password not right".
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnBeaubelle, waitFor, freePort } = require('./lib/stack');
const fcgi = require('./lib/fcgi');

async function pool(t, env) {
  const port = await freePort();
  const child = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`],
    { BEAUBELLE_SERVER_WORKERS: '4', BEAUBELLE_SECURITY_ARGON2_MEMORY: '64M', ...env });
  t.after(() => child.kill('SIGTERM'));
  const address = { host: '127.0.0.1', port };
  const up = await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 10000, 100);
  assert.ok(up);
  return { address, child };
}

// n logins at once for accounts that do not exist (each runs one hash).
async function burst(address, n) {
  const page = await fcgi.request(address, { path: '/login' });
  const cookie = page.cookies.map((c) => c.split(';')[0]).join('; ');
  const token = page.body.match(/name="csrf_token" value="([^"]+)"/)[1];
  return Promise.all(Array.from({ length: n }, (_, i) => {
    const body = new URLSearchParams({ csrf_token: token, login: `nobody_${process.pid}_${i}`, password: 'some long password' }).toString();
    return fcgi.request(address, { method: 'POST', path: '/login', body,
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' } });
  }));
}

test('with one hashing slot and no patience, a burst of logins gets 503s, not wrong answers', async (t) => {
  const { address, child } = await pool(t, { BEAUBELLE_SECURITY_ARGON2_CONCURRENCY: '1', BEAUBELLE_SECURITY_ARGON2_WAIT_MS: '1' });
  const answers = await burst(address, 8);
  const statuses = answers.map((a) => a.status);
  assert.ok(statuses.every((s) => s === 422 || s === 503), statuses.join(','));
  assert.ok(statuses.includes(503), `some logins found the slot busy: ${statuses}`);
  assert.ok(statuses.includes(422), `some logins ran: ${statuses}`);
  for (const a of answers.filter((x) => x.status === 503)) assert.ok(Number(a.headers['retry-after']) > 0);
  assert.match(fs.readFileSync(child.logPath, 'utf8'), /event=argon2_busy slots=1/);
});

test('logins wait for a slot within argon2_wait_ms and then all run', async (t) => {
  const { address, child } = await pool(t, { BEAUBELLE_SECURITY_ARGON2_CONCURRENCY: '1', BEAUBELLE_SECURITY_ARGON2_WAIT_MS: '20000' });
  const statuses = (await burst(address, 6)).map((a) => a.status);
  assert.deepEqual(statuses, Array(6).fill(422));
  assert.match(fs.readFileSync(child.logPath, 'utf8'), /event=argon2_waited ms=\d+/, 'they queued for the one slot');
});
