// Accounts, sessions and the security baseline, through real requests.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { base, sql, redis, cli, varDir, freePort } = require('./lib/stack');
const { Client, signup, login, uniqueName, PASSWORD } = require('./lib/client');

const userCount = (name) => Number(sql(`SELECT COUNT(*) FROM users WHERE username = '${name}'`));
const sessionCookie = (res) => res.headers.getSetCookie().find((c) => c.startsWith('sid='));
// Pages differ in their CSRF tokens; compare them without.
const withoutTokens = (html) => html.replace(/value="[A-Za-z0-9_-]{43}"/g, 'value=""');

test('sign-up creates the account, logs in and sets a safe session cookie', async () => {
  const client = new Client();
  const username = uniqueName('new');
  const res = await client.submit('/signup', '/signup', { username, email: `${username}@example.org`, password: PASSWORD });
  assert.equal(res.status, 303);
  const cookie = sessionCookie(res);
  assert.ok(cookie, 'a session cookie is set');
  assert.match(cookie, /^sid=[A-Za-z0-9_-]{43};/, '256-bit token, base64url');
  assert.match(cookie, /; Path=\//);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Lax/);
  assert.doesNotMatch(cookie, /Domain=/i);
  assert.doesNotMatch(cookie, /Max-Age/, 'without "remember me" the cookie ends with the browser');
  assert.equal(userCount(username), 1);
  const hash = sql(`SELECT password_hash FROM users WHERE username = '${username}'`);
  const m = hash.match(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/);
  assert.ok(m, 'Argon2id hash');
  assert.ok(Number(m[1]) >= 19456 && Number(m[2]) >= 2, 'at least OWASP parameters');
  const token = client.cookies.get('sid');
  assert.equal(redis('EXISTS', `bb:sess:${require('node:crypto').createHash('sha256').update(token).digest('hex')}`), '1',
    'Redis keeps the session under the hash of the token');
  assert.equal(redis('KEYS', `bb:sess:${token}`), '', 'never under the token itself');
  const profile = await client.get(`/@${username}`);
  assert.equal(profile.status, 200);
  assert.match(profile.body_text, new RegExp(`@${username}`));
  assert.match(profile.body_text, /action="\/logout"/, 'the page shows the logged-in navigation');
});

test('sign-up refuses each bad field with a message and keeps what was typed', async () => {
  const client = new Client();
  const cases = [
    [{ username: 'ab' }, 'username', /3 to 30/],
    [{ username: 'bad name!' }, 'username', /3 to 30/],
    [{ username: 'Admin' }, 'username', /reserved/],
    [{ email: 'not-an-email' }, 'email', /valid email/],
    [{ password: 'short' }, 'password', /at least 8/],
    [{ password: 'password1' }, 'password', /too common/],
  ];
  for (const [bad, field, message] of cases) {
    const username = uniqueName('bad');
    const fields = { username, email: `${username}@example.org`, password: 'Secret-Typed-9x', ...bad };
    const res = await client.submit('/signup', '/signup', fields, { headers: { 'Accept-Language': 'en' } });
    assert.equal(res.status, 422, `${field} refused`);
    assert.match(res.body_text, new RegExp(`id="${field}-error">[^<]*`), `${field} has its error`);
    assert.match(res.body_text, message);
    assert.match(res.body_text, new RegExp(`value="${fields.email.replace(/[.]/g, '\\.')}"`), 'the email typed is kept');
    assert.doesNotMatch(res.body_text, new RegExp(fields.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'never the password');
    assert.equal(userCount(fields.username), 0, 'no account created');
  }
});

test('a username differing only in case is taken; an email can be used once', async () => {
  const first = await signup('case');
  const client = new Client();
  let res = await client.submit('/signup', '/signup', {
    username: first.username.toUpperCase(), email: `other-${first.email}`, password: PASSWORD,
  }, { headers: { 'Accept-Language': 'en' } });
  assert.equal(res.status, 422);
  assert.match(res.body_text, /taken/);
  res = await client.submit('/signup', '/signup', {
    username: uniqueName('mail'), email: first.email.toUpperCase(), password: PASSWORD,
  }, { headers: { 'Accept-Language': 'en' } });
  assert.equal(res.status, 422);
  assert.match(res.body_text, /cannot be used/);
  const profile = await new Client().get(`/@${first.username.toUpperCase()}`);
  assert.equal(profile.status, 200, 'profiles are found whatever the case');
});

test('log in with the username or the email; wrong and unknown look the same', async () => {
  const u = await signup('login');
  let { res } = await login(u.username, u.password);
  assert.equal(res.status, 303);
  ({ res } = await login(u.email, u.password));
  assert.equal(res.status, 303, 'email works too');
  const wrong = (await login(u.username, `${u.password}x`)).res;
  const trimmed = (await login(u.username, u.password.slice(0, -1))).res;
  const unknown = (await login(`${u.username}zz`, u.password)).res;
  assert.equal(wrong.status, 422);
  assert.equal(trimmed.status, 422, 'the password is checked exactly as typed');
  assert.equal(unknown.status, 422);
  assert.equal(sessionCookie(wrong), undefined, 'no session after a failure');
  const norm = (r, name) => withoutTokens(r.body_text).replaceAll(name, 'NAME');
  assert.equal(norm(wrong, u.username), norm(unknown, `${u.username}zz`), 'no account enumeration');
});

test('a login always starts a new session: a planted cookie is never adopted', async () => {
  const u = await signup('fix');
  const client = new Client();
  const planted = 'P'.repeat(43);
  client.cookies.set('sid', planted);
  const res = await client.submit('/login', '/login', { login: u.username, password: u.password });
  assert.equal(res.status, 303);
  const issued = client.cookies.get('sid');
  assert.ok(issued && issued !== planted, 'the server chose the token');
  const attacker = new Client();
  attacker.cookies.set('sid', planted);
  assert.equal((await attacker.get('/settings')).status, 303, 'the planted value logs nobody in');
  const again = (await login(u.username, u.password)).client.cookies.get('sid');
  assert.notEqual(again, issued, 'each login gets its own token');
});

test('"remember me" keeps the cookie across browser restarts', async () => {
  const u = await signup('rem');
  const { res } = await login(u.username, u.password, { remember: '1' });
  assert.match(sessionCookie(res), /Max-Age=\d+/);
});

test('log out deletes the session on the server', async () => {
  const u = await signup('out');
  const token = u.client.cookies.get('sid');
  const res = await u.client.submit('/settings', '/logout', {});
  assert.equal(res.status, 303);
  const replay = new Client();
  replay.cookies.set('sid', token);
  assert.equal((await replay.get('/settings')).status, 303, 'the old cookie no longer logs in');
});

test('CSRF: a write without the token, with another token or from another origin changes nothing', async () => {
  const u = await signup('csrf');
  const other = await signup('csrf2');
  const otherToken = await other.client.csrf();
  const name = () => sql(`SELECT display_name FROM users WHERE username = '${u.username}'`);
  const before = name();
  for (const [what, opts] of [
    ['no token', { token: null }],
    ['another session\'s token', { token: otherToken }],
    ['foreign Origin', { headers: { Origin: 'https://evil.example' } }],
    ['cross-site fetch', { headers: { 'Sec-Fetch-Site': 'cross-site' } }],
  ]) {
    const res = await u.client.submit('/settings', '/settings', { display_name: 'Hacked', bio: '', language: 'auto' }, opts);
    assert.equal(res.status, 403, what);
    assert.equal(name(), before, `${what}: nothing changed`);
  }
  const ok = await u.client.submit('/settings', '/settings', { display_name: 'Aya <b>', bio: 'hello', language: 'auto' });
  assert.equal(ok.status, 303, 'the real form works');
  assert.equal(name(), 'Aya <b>');
  const anon = new Client();
  const res = await anon.submit('/login', '/login', { login: u.username, password: u.password }, { token: null });
  assert.equal(res.status, 403, 'the login form is protected too');
});

test('user-written text is escaped on the profile', async () => {
  const u = await signup('xss');
  const res = await u.client.submit('/settings', '/settings', {
    display_name: '<script>alert(1)</script>', bio: '"><img src=x onerror=alert(1)>', language: 'auto',
  });
  assert.equal(res.status, 303);
  const page = await new Client().get(`/@${u.username}`);
  assert.doesNotMatch(page.body_text, /<script>alert/);
  assert.doesNotMatch(page.body_text, /<img src=x/);
  assert.match(page.body_text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('profile edits show on /@username; the language setting applies', async () => {
  const u = await signup('prof');
  const res = await u.client.submit('/settings', '/settings', { display_name: '美女図鑑の主', bio: 'AI portraits', language: 'en' });
  assert.equal(res.status, 303);
  const saved = await u.client.get(res.headers.get('location').replace(base, ''));
  assert.match(saved.body_text, /<html lang="en"/);
  assert.match(saved.body_text, /Your profile was saved/);
  const page = await new Client().get(`/@${u.username}`);
  assert.match(page.body_text, /美女図鑑の主/);
  assert.match(page.body_text, /AI portraits/);
  const bad = await u.client.submit('/settings', '/settings', { display_name: 'x'.repeat(61), bio: '', language: 'auto' });
  assert.equal(bad.status, 422);
  assert.equal((await new Client().get('/@no_such_user_here')).status, 404);
});

test('changing the password needs the current one and ends the other sessions', async () => {
  const u = await signup('pw');
  const second = (await login(u.username, u.password)).client;
  const newPassword = 'another-quiet-river-77';
  let res = await u.client.submit('/settings/account', '/settings/password', { current_password: 'wrong-one-123', new_password: newPassword });
  assert.equal(res.status, 422);
  assert.equal((await login(u.username, newPassword)).res.status, 422, 'unchanged');
  res = await u.client.submit('/settings/account', '/settings/password', { current_password: u.password, new_password: newPassword });
  assert.equal(res.status, 303);
  assert.equal((await second.get('/settings')).status, 303, 'the other session was logged out');
  assert.equal((await u.client.get('/settings')).status, 200, 'this session goes on');
  assert.equal((await login(u.username, newPassword)).res.status, 303);
  assert.equal((await login(u.username, u.password)).res.status, 422);
});

test('changing the email needs the password', async () => {
  const u = await signup('mail');
  const email = `changed-${u.email}`;
  let res = await u.client.submit('/settings/account', '/settings/email', { email, current_password: 'nope-nope-1' });
  assert.equal(res.status, 422);
  assert.equal(sql(`SELECT email FROM users WHERE username = '${u.username}'`), u.email);
  res = await u.client.submit('/settings/account', '/settings/email', { email, current_password: u.password });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT email FROM users WHERE username = '${u.username}'`), email);
});

test('sessions are listed and can be ended one by one or all but this one', async () => {
  const u = await signup('sess');
  const second = (await login(u.username, u.password)).client;
  const third = (await login(u.username, u.password)).client;
  const page = await u.client.get('/settings/sessions');
  const ids = [...page.body_text.matchAll(/name="session" value="([0-9a-f]{64})"/g)].map((m) => m[1]);
  assert.equal(ids.length, 3);
  const secondHash = require('node:crypto').createHash('sha256').update(second.cookies.get('sid')).digest('hex');
  const res = await u.client.submit('/settings/sessions', '/settings/sessions/revoke', { session: secondHash });
  assert.equal(res.status, 303);
  assert.equal((await second.get('/settings')).status, 303, 'the revoked session is dead');
  assert.equal((await third.get('/settings')).status, 200);
  const stranger = await signup('strg');
  const thirdHash = require('node:crypto').createHash('sha256').update(third.cookies.get('sid')).digest('hex');
  const foreign = await stranger.client.submit('/settings/sessions', '/settings/sessions/revoke', { session: thirdHash });
  assert.equal(foreign.status, 404, 'another user\'s session cannot be ended');
  assert.equal((await third.get('/settings')).status, 200);
  await u.client.submit('/settings/sessions', '/settings/sessions/others', {});
  assert.equal((await third.get('/settings')).status, 303);
  assert.equal((await u.client.get('/settings')).status, 200);
});

test('deleting the account needs the password, then removes it and its sessions', async () => {
  const u = await signup('del');
  const second = (await login(u.username, u.password)).client;
  let res = await u.client.submit('/settings/delete', '/settings/delete', { password: 'not-my-password' });
  assert.equal(res.status, 422);
  assert.equal(userCount(u.username), 1);
  res = await u.client.submit('/settings/delete', '/settings/delete', { password: u.password });
  assert.equal(res.status, 303);
  assert.equal(userCount(u.username), 0);
  assert.equal((await second.get('/settings')).status, 303, 'the deleted account\'s cookie is rejected');
  assert.equal((await new Client().get(`/@${u.username}`)).status, 404);
});

test('pages that need a login redirect to it and come back after', async () => {
  const res = await new Client().get('/settings/account');
  assert.equal(res.status, 303);
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.pathname, '/login');
  assert.equal(loc.searchParams.get('next'), '/settings/account');
  const u = await signup('next');
  const c = new Client();
  const back = await c.submit('/login?next=%2Fsettings%2Faccount', '/login', { login: u.username, password: u.password, next: '/settings/account' });
  assert.equal(new URL(back.headers.get('location')).pathname, '/settings/account');
  const evil = await new Client().submit('/login', '/login', { login: u.username, password: u.password, next: '//evil.example/' });
  assert.equal(new URL(evil.headers.get('location')).host, new URL(base).host, 'no open redirect');
});

test('logged-in pages are never cached and carry the security headers', async () => {
  const u = await signup('hdr');
  const res = await u.client.get('/settings');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(res.headers.get('referrer-policy'));
});

test('beaubelle admin create-admin promotes an account', async () => {
  const u = await signup('adm');
  const out = cli(['admin', 'create-admin', u.username]);
  assert.match(out, /admin/);
  assert.equal(sql(`SELECT role FROM users WHERE username = '${u.username}'`), 'admin');
  const page = await u.client.get('/settings');
  assert.match(page.body_text, /href="\/admin\/moderation"/, 'admins see the review queue link');
});

test('security events are logged without secrets', async () => {
  const canary = 'Canary-PW-123!-zz';
  const u = await signup('log', canary);
  await login(u.username, 'wrong-password-zz');
  const logs = fs.readdirSync(path.join(varDir, 'log')).map((f) => fs.readFileSync(path.join(varDir, 'log', f), 'utf8')).join('\n');
  assert.ok(!logs.includes(canary), 'no password in any log');
  assert.ok(!logs.includes(u.client.cookies.get('sid')), 'no session token in any log');
  const lines = fs.readFileSync(path.join(varDir, 'log/beaubelle.log'), 'utf8').split('\n');
  const events = lines.map((l) => l.slice(l.indexOf('{'))).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  assert.ok(events.some((e) => e.event === 'signup' && e.ip && e.request_id && e.route === '/signup'));
  assert.ok(events.some((e) => e.event === 'login_failed'));
});

test('after Redis loses its data people are logged out, and nothing breaks', async () => {
  const u = await signup('flush');
  redis('FLUSHALL');
  const res = await u.client.get('/settings');
  assert.equal(res.status, 303, 'back to the login page, not a 500');
  assert.equal((await u.client.get('/')).status, 200);
  const again = await login(u.username, u.password);
  assert.equal(again.res.status, 303, 'logging in works again');
});

test('over https the session cookie is __Host- prefixed and Secure, and HSTS is sent', async () => {
    const fcgi = require('./lib/fcgi');
  const { spawnBeaubelle, waitFor } = require('./lib/stack');
  const port = await freePort();
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`],
    { BEAUBELLE_SERVER_BASE_URL: 'https://beaubelle.example', BEAUBELLE_SERVER_WORKERS: '1' });
  const address = { host: '127.0.0.1', port };
  try {
    const form = await waitFor(async () => { try { return await fcgi.request(address, { path: '/signup' }); } catch { return null; } }, 10000, 100);
    assert.match(form.headers['strict-transport-security'], /max-age=31536000/);
    const csrfCookie = form.headers['set-cookie'];
    assert.match(csrfCookie, /^__Host-bb_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    const token = csrfCookie.split(';')[0].split('=')[1];
    const username = uniqueName('tls');
    const body = new URLSearchParams({ csrf_token: token, username, email: `${username}@example.org`, password: PASSWORD }).toString();
    const res = await fcgi.request(address, {
      method: 'POST', path: '/signup', body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `__Host-bb_csrf=${token}`, Origin: 'https://beaubelle.example' },
    });
    assert.equal(res.status, 303);
    assert.match(res.headers['set-cookie'], /^__Host-sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    assert.equal(res.headers.location, 'https://beaubelle.example/', 'URLs come from base_url, not the Host header');
  } finally {
    pool.kill('SIGTERM');
  }
});

test('an avatar upload shows on the profile; replacing it removes the old files', async () => {
  const { multipart, noisePng, webpInfo } = require('./lib/images');
  const u = await signup('ava');
  const send = async (png) => {
    const token = await u.client.csrf('/settings');
    const { body, contentType } = multipart({ csrf_token: token, display_name: 'Ava', bio: '', language: 'auto' },
      [{ name: 'avatar', filename: 'me.png', type: 'image/png', data: png }]);
    return u.client.request('/settings', { method: 'POST', body, headers: { 'Content-Type': contentType } });
  };
  assert.equal((await send(noisePng(64, 64))).status, 303);
  const page = await new Client().get(`/@${u.username}`);
  const first = page.body_text.match(/class="avatar avatar-lg" src="([^"]+)"/)[1];
  const img = await fetch(base + first);
  assert.equal(img.status, 200);
  assert.ok(webpInfo(Buffer.from(await img.arrayBuffer())).width <= 320);
  assert.equal((await send(noisePng(64, 64))).status, 303);
  const second = (await new Client().get(`/@${u.username}`)).body_text.match(/class="avatar avatar-lg" src="([^"]+)"/)[1];
  assert.notEqual(second, first);
  assert.equal((await fetch(base + first)).status, 404, 'the replaced avatar is deleted');
  const bad = await (async () => {
    const token = await u.client.csrf('/settings');
    const { body, contentType } = multipart({ csrf_token: token, display_name: 'Ava', bio: '', language: 'auto' },
      [{ name: 'avatar', filename: 'x.svg', type: 'image/svg+xml', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>') }]);
    return u.client.request('/settings', { method: 'POST', body, headers: { 'Content-Type': contentType } });
  })();
  assert.equal(bad.status, 422);
  assert.match(bad.body_text, /id="avatar-error"/);
});

test('deleting the account deletes its posts and their image files', async () => {
  const { multipart, noisePng } = require('./lib/images');
  const u = await signup('gone');
  const form = await u.client.get('/new');
  const token = form.body_text.match(/name="csrf_token" value="([^"]+)"/)[1];
  const { body, contentType } = multipart({ csrf_token: token, caption: 'bye' },
    [{ name: 'image', filename: 'n.png', type: 'image/png', data: noisePng(48, 48) }]);
  const created = await u.client.request('/new', { method: 'POST', body, headers: { 'Content-Type': contentType } });
  assert.equal(created.status, 303);
  const postPath = new URL(created.headers.get('location')).pathname;
  const img = (await u.client.get(postPath)).body_text.match(/\/media\/[^" ]+-feed\.webp/)[0];
  assert.equal((await fetch(base + img)).status, 200);
  const res = await u.client.submit('/settings/delete', '/settings/delete', { password: u.password });
  assert.equal(res.status, 303);
  assert.equal((await new Client().get(postPath)).status, 404);
  assert.equal((await fetch(base + img)).status, 404, 'the image files are gone');
});

test('TRACE and unknown methods are refused; no version leaks', async () => {
  const http = require('node:http');
  const raw = (method) => new Promise((resolve, reject) => {
    const req = http.request(`${base}/`, { method }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(await raw('TRACE'), 405);
  assert.equal(await raw('PROPFIND'), 405);
  const page = await fetch(`${base}/`);
  assert.equal(page.headers.get('server'), 'nginx', 'no version in the Server header');
  assert.equal(page.headers.get('x-powered-by'), null);
});
