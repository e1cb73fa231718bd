// Rate limits on login and sign-up, on a pool of their own with low
// limits, reached over FastCGI so each test can be its own IP address.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnBeaubelle, waitFor, sql, freePort } = require('./lib/stack');
const { signup } = require('./lib/client');
const fcgi = require('./lib/fcgi');

let pool, address;

test.before(async () => {
  const port = await freePort();
  pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], {
    BEAUBELLE_SERVER_WORKERS: '2',
    BEAUBELLE_LIMITS_LOGIN_IP_LIMIT: '3',
    BEAUBELLE_LIMITS_LOGIN_ACCOUNT_LIMIT: '6',
    BEAUBELLE_LIMITS_SIGNUP_IP_LIMIT: '2',
    BEAUBELLE_SECURITY_ARGON2_OPS: '3',
  });
  address = { host: '127.0.0.1', port };
  await waitFor(async () => {
    try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; }
  }, 10000, 100);
});
test.after(() => pool?.kill('SIGTERM'));

let ipCounter = 0;
const freshIp = () => `10.${process.pid % 250}.${Math.floor(Date.now() / 1000) % 250}.${++ipCounter}`;

// A form POST as a browser at ip would send it, with a valid CSRF pair.
async function post(path, fields, ip) {
  const token = 'T'.repeat(43);
  const body = new URLSearchParams({ csrf_token: token, ...fields }).toString();
  const t0 = process.hrtime.bigint();
  const res = await fcgi.request(address, {
    method: 'POST', path, body, remoteAddr: ip,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `bb_csrf=${token}` },
  });
  res.ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return res;
}

test('login attempts per IP are limited before any hashing, with Retry-After', async () => {
  const u = await signup('rl');
  const ip = freshIp();
  for (let i = 0; i < 3; i++) {
    const res = await post('/login', { login: u.username, password: 'wrong-guess-000' }, ip);
    assert.equal(res.status, 422, `attempt ${i + 1} is checked`);
  }
  const over = await post('/login', { login: u.username, password: u.password }, ip);
  assert.equal(over.status, 429, 'the fourth is refused, even with the right password');
  assert.ok(Number(over.headers['retry-after']) > 0);
  const checked = await post('/login', { login: u.username, password: 'wrong-guess-000' }, freshIp());
  assert.ok(over.ms < checked.ms, `refused without hashing (${over.ms.toFixed(1)} ms vs ${checked.ms.toFixed(1)} ms)`);
  const other = await post('/login', { login: u.username, password: u.password }, freshIp());
  assert.equal(other.status, 303, 'another address is not affected');
});

test('login attempts per account are limited across addresses', async () => {
  const u = await signup('rla');
  for (let i = 0; i < 6; i++) {
    const res = await post('/login', { login: u.username.toUpperCase(), password: 'wrong-guess-111' }, freshIp());
    assert.notEqual(res.status, 429, `attempt ${i + 1}`);
  }
  const over = await post('/login', { login: u.username, password: u.password }, freshIp());
  assert.equal(over.status, 429);
  assert.ok(over.headers['retry-after']);
});

test('sign-ups per IP are limited', async () => {
  const ip = freshIp();
  const name = (i) => `rls${process.pid % 1000}${Date.now() % 100000}${i}`;
  for (let i = 0; i < 2; i++) {
    const res = await post('/signup', { username: name(i), email: `${name(i)}@example.org`, password: 'quiet-harbor-lamp-8' }, ip);
    assert.equal(res.status, 303);
  }
  const over = await post('/signup', { username: name(9), email: `${name(9)}@example.org`, password: 'quiet-harbor-lamp-8' }, ip);
  assert.equal(over.status, 429);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM users WHERE username = '${name(9)}'`)), 0);
});

test('a stronger Argon2 setting upgrades the stored hash at the next login', async () => {
  const u = await signup('rh');
  const before = sql(`SELECT password_hash FROM users WHERE username = '${u.username}'`);
  assert.match(before, /,t=2,/);
  const res = await post('/login', { login: u.username, password: u.password }, freshIp());
  assert.equal(res.status, 303);
  const after = sql(`SELECT password_hash FROM users WHERE username = '${u.username}'`);
  assert.match(after, /,t=3,/, 'rehashed with the pool\'s t=3');
});
