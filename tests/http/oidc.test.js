// Logging in with an OpenID Connect provider: panva's oidc-provider on
// 127.0.0.1 (tests/oidc/provider.js, started by scripts/test and written
// into the stack's config as [oidc.local]). Every refused answer ends on a
// page with a way back, logs its reason, and creates nothing.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { base, sql, varDir, config, spawnBeaubelle, waitFor, freePort } = require('./lib/stack');
const { Client, signup, login: passwordLogin, uniqueName, PASSWORD } = require('./lib/client');
const { providerConfig, ProviderBrowser, tamper, atProvider, oidcLogin } = require('./lib/oidc');
const fcgi = require('./lib/fcgi');

const provider = providerConfig('local');
const skip = provider ? false : 'no [oidc.local] provider in the stack config (scripts/test starts one)';
const poolLog = path.join(varDir, 'log', 'beaubelle.log');

const count = (q) => Number(sql(q));
// Pages in English, whatever the server's default language.
const english = () => new Client({ 'Accept-Language': 'en' });
async function englishSignup(prefix) {
  const person = await signup(prefix);
  person.client.headers['Accept-Language'] = 'en';
  return person;
}
const identities = () => count('SELECT COUNT(*) FROM user_identities');
const users = () => count('SELECT COUNT(*) FROM users');
const esc = (s) => s.replace(/'/g, "''");

// The log lines written since mark (a byte offset of the pool's log).
function logSince(mark) {
  const fd = fs.openSync(poolLog, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(size - mark);
    fs.readSync(fd, buf, 0, buf.length, mark);
    return buf.toString('utf8');
  } finally { fs.closeSync(fd); }
}
const logMark = () => fs.statSync(poolLog).size;

// A login name at the provider that is also a free, valid username here.
const personName = () => uniqueName('id').toLowerCase();

// A first login all the way to the home page; returns the client and name.
async function newPerson(t, { login = personName(), browser = new ProviderBrowser() } = {}) {
  const client = english();
  const { res } = await oidcLogin(client, { login, browser });
  assert.equal(res.status, 303, res.body_text.slice(0, 300));
  assert.equal(res.headers.get('location'), `${base}/auth/oidc/signup`);
  const created = await client.submit('/auth/oidc/signup', '/auth/oidc/signup', { username: login, display_name: '' });
  assert.equal(created.status, 303, created.body_text.slice(0, 300));
  return { client, login, browser };
}

test('the login and sign-up pages offer the provider, and their CSP lets the form reach it', { skip }, async () => {
  const c = english();
  for (const page of ['/login', '/signup']) {
    const res = await c.get(page);
    assert.equal(res.status, 200);
    assert.match(res.body_text, /action="\/auth\/oidc\/local"/);
    assert.match(res.body_text, /Log in with Local ID|Local ID/);
    assert.match(res.headers.get('content-security-policy'), new RegExp(`form-action 'self' ${provider.issuer}[ ;]`));
  }
});

test('a new person logs in through the provider, chooses a username and lands on their home', { skip }, async () => {
  const login = personName();
  const client = english();
  const before = users();
  const { begin, res } = await oidcLogin(client, { login });
  // The redirect to the provider: code flow, PKCE S256, state, nonce, our callback from base_url.
  const auth = new URL(begin.headers.get('location'));
  assert.equal(auth.origin, provider.issuer);
  assert.equal(auth.searchParams.get('response_type'), 'code');
  assert.equal(auth.searchParams.get('client_id'), provider.client_id);
  assert.equal(auth.searchParams.get('redirect_uri'), `${base}/auth/oidc/callback`);
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  assert.match(auth.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(auth.searchParams.get('state'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(auth.searchParams.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(auth.searchParams.get('scope'), /(^| )openid( |$)/);
  // Back from the provider: the username page, nothing created yet.
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `${base}/auth/oidc/signup`);
  assert.equal(users(), before);
  const page = await client.get('/auth/oidc/signup');
  assert.equal(page.status, 200);
  assert.match(page.body_text, new RegExp(`name="username" value="${login}"`), 'prefilled from preferred_username');
  assert.match(page.body_text, /Local ID/);
  // A bad choice comes back with its message; then a good one logs in.
  const bad = await client.submit('/auth/oidc/signup', '/auth/oidc/signup', { username: 'x!', display_name: 'A' });
  assert.equal(bad.status, 422);
  assert.equal(users(), before);
  const done = await client.submit('/auth/oidc/signup', '/auth/oidc/signup', { username: login, display_name: 'Aiko From ID' });
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), `${base}/`);
  const home = await client.get('/');
  assert.equal(home.status, 200);
  assert.match(home.body_text, new RegExp(`/@${login}`));
  const row = sql(`SELECT u.username, u.display_name, u.email IS NULL, u.password_hash IS NULL, i.provider, i.issuer, i.subject
    FROM users u JOIN user_identities i ON i.user_id = u.id WHERE u.username = '${login}'`).split('\t');
  assert.deepEqual(row, [login, 'Aiko From ID', '1', '1', 'local', provider.issuer, login]);
  // The username page is gone once used.
  assert.equal((await english().get('/auth/oidc/signup')).status, 400);
});

test('a second login goes straight in, with the provider\'s session and without it', { skip }, async (t) => {
  const { login, browser } = await newPerson(t);
  const formsBefore = browser.forms;
  const again = english();
  const { res } = await oidcLogin(again, { login, browser, next: '/settings' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `${base}/settings`, 'straight to where the person was going');
  assert.equal(browser.forms, formsBefore, 'the provider remembered the person: no login form');
  assert.match((await again.get('/settings')).body_text, new RegExp(login));
  // A fresh browser logs in at the provider and comes to the same account.
  const other = english();
  const second = await oidcLogin(other, { login });
  assert.equal(second.res.status, 303);
  assert.equal(second.res.headers.get('location'), `${base}/`);
  assert.equal(count(`SELECT COUNT(*) FROM users WHERE username = '${login}'`), 1);
  assert.notEqual(count(`SELECT COUNT(*) FROM user_identities WHERE subject = '${login}' AND last_login_at IS NOT NULL`), 0);
});

test('an identity whose email is an existing account\'s does not log in to that account', { skip }, async () => {
  const login = personName();
  const holder = english();
  const made = await holder.submit('/signup', '/signup', { username: `${login}_pw`.slice(0, 30), email: `${login}@id.example`, password: PASSWORD });
  assert.equal(made.status, 303);
  const client = english();
  const { res } = await oidcLogin(client, { login });
  assert.equal(res.headers.get('location'), `${base}/auth/oidc/signup`, 'a new person, never matched by email');
  assert.ok(!client.cookies.has('sid'));
});

test('the suggested username is left empty when it is taken or not valid', { skip }, async () => {
  const taken = await englishSignup('tk');
  const client = english();
  const { res } = await oidcLogin(client, { login: taken.username.toLowerCase() });
  assert.equal(res.status, 303);
  const page = await client.get('/auth/oidc/signup');
  assert.match(page.body_text, /name="username" value=""/);
  const dup = await client.submit('/auth/oidc/signup', '/auth/oidc/signup', { username: taken.username });
  assert.equal(dup.status, 422);
  assert.match(dup.body_text, /id="username-error"/);
});

const refusals = [
  ['payload', 'bad signature', 'the payload changed under the signature'],
  ['none', 'algorithm not allowed', 'alg none'],
  ['hs256', 'algorithm not allowed', 'HS256 signed with the public key'],
  ['aud', 'wrong audience', 'another audience'],
  ['iss', 'wrong issuer', 'another issuer'],
  ['expired', 'expired', 'expired'],
  ['nonce', 'nonce mismatch', 'another nonce'],
  ['replay', 'nonce mismatch', 'the id_token of an earlier login (replayed nonce)'],
  ['unknown-key', 'unknown signing key', 'a key the provider never published'],
  ['jku', 'bad signature', 'a key a jku header points to'],
];

for (const [mode, reason, what] of refusals) {
  test(`an id_token with ${what} is refused`, { skip }, async () => {
    const login = personName();
    if (mode === 'replay') await newPerson(null, {}); // an earlier login whose id_token is replayed
    const before = { users: users(), identities: identities() };
    const mark = logMark();
    const client = english();
    await tamper(provider.issuer, mode);
    const { res } = await oidcLogin(client, { login });
    assert.equal(res.status, 400);
    assert.match(res.body_text, /could not be verified/);
    assert.match(res.body_text, /href="\/login"/, 'a way back');
    assert.ok(!client.cookies.has('sid'), 'no session');
    assert.deepEqual({ users: users(), identities: identities() }, before, 'nothing created');
    assert.equal((await client.get('/auth/oidc/signup')).status, 400, 'no pending sign-up');
    const log = await waitFor(() => logSince(mark).includes('oidc_failed') && logSince(mark), 3000);
    assert.match(log, new RegExp(`"event":"oidc_failed".*id_token refused: ${reason}`));
  });
}

test('an id_token signed with the provider\'s published P-256 key (ES256) is accepted', { skip }, async () => {
  const client = english();
  await tamper(provider.issuer, 'es256');
  const { res } = await oidcLogin(client, { login: personName() });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `${base}/auth/oidc/signup`);
  const state = await (await fetch(`${provider.issuer}/__test/state`)).json();
  assert.equal(state.mode, null, 'the ES256 token was the one served');
});

test('a callback whose state is not this browser\'s, unknown, or used already is refused', { skip }, async () => {
  const before = { users: users(), identities: identities() };
  // Someone starts a login and sends the callback link to someone else.
  const starter = english();
  const begin = await starter.submit('/login', '/auth/oidc/local', {});
  const callback = await atProvider(begin.headers.get('location'), { browser: new ProviderBrowser(), login: personName() });
  const mark = logMark();
  const victim = english();
  await victim.get('/login');
  const res = await victim.get(callback);
  assert.equal(res.status, 400);
  assert.match(res.body_text, /started in another browser/);
  assert.match(logSince(mark), /oidc_failed.*state mismatch/);
  // The flow was taken out: even its own browser cannot use it now.
  assert.equal((await starter.get(callback)).status, 400);
  // A made-up state and a missing one.
  const made = new URL(callback, base);
  made.searchParams.set('state', 'A'.repeat(43));
  assert.equal((await starter.get(made.pathname + made.search)).status, 400);
  assert.equal((await starter.get('/auth/oidc/callback?code=abc')).status, 400);
  assert.deepEqual({ users: users(), identities: identities() }, before);
});

test('a replayed callback (same code and state) is refused', { skip }, async () => {
  const { login } = await newPerson(null);
  const client = english();
  const { callback, res } = await oidcLogin(client, { login });
  assert.equal(res.status, 303);
  const replay = english();
  replay.cookies = new Map(client.cookies);
  const again = await replay.get(callback);
  assert.equal(again.status, 400);
});

test('the provider saying no (access_denied) ends on a page with a way back', { skip }, async () => {
  const client = english();
  const begin = await client.submit('/login', '/auth/oidc/local', {});
  const state = new URL(begin.headers.get('location')).searchParams.get('state');
  const res = await client.get(`/auth/oidc/callback?error=access_denied&state=${state}`);
  assert.equal(res.status, 400);
  assert.match(res.body_text, /did not log you in/);
  assert.match(res.body_text, /href="\/login"/);
});

test('an unknown provider is 404, and starting a login needs the form\'s CSRF token', { skip }, async () => {
  const c = english();
  assert.equal((await c.submit('/login', '/auth/oidc/nosuch', {})).status, 404);
  assert.equal((await c.submit('/login', '/auth/oidc/local', {}, { token: 'x'.repeat(43) })).status, 403);
});

test('a password account links the provider from settings, logs in with it, and unlinks it', { skip }, async () => {
  const owner = await englishSignup('ln');
  const login = personName();
  const browser = new ProviderBrowser();
  const link = await oidcLogin(owner.client, { login, browser, start: '/settings/logins/local/link', formPage: '/settings/account' });
  assert.equal(link.res.status, 303);
  assert.equal(link.res.headers.get('location'), `${base}/settings/account?done=linked`);
  const settings = await owner.client.get('/settings/account');
  assert.match(settings.body_text, /data-provider="local"[\s\S]*?Linked since/);
  assert.match(settings.headers.get('content-security-policy'), new RegExp(`form-action 'self' ${provider.issuer}`));
  // Logging in through the provider now opens the password account.
  const viaProvider = english();
  const { res } = await oidcLogin(viaProvider, { login, browser });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `${base}/`);
  assert.match((await viaProvider.get('/settings/account')).body_text, new RegExp(owner.username));
  // The same identity cannot be linked to a second account.
  const other = await englishSignup('ln2');
  const twice = await oidcLogin(other.client, { login, browser, start: '/settings/logins/local/link', formPage: '/settings/account' });
  assert.equal(twice.res.status, 409);
  assert.match(twice.res.body_text, /already linked to another/);
  assert.match(twice.res.body_text, /href="\/settings\/account"/);
  // Unlinking asks for the password (re-authentication), then works; the
  // provider login is then a new person.
  const noPassword = await owner.client.submit('/settings/account', '/settings/logins/local/unlink', {});
  assert.equal(noPassword.status, 422);
  const wrong = await owner.client.submit('/settings/account', '/settings/logins/local/unlink', { unlink_password: 'nope-nope-nope' });
  assert.equal(wrong.status, 422);
  assert.equal(count(`SELECT COUNT(*) FROM user_identities WHERE subject = '${esc(login)}'`), 1);
  const unlink = await owner.client.submit('/settings/account', '/settings/logins/local/unlink', { unlink_password: owner.password });
  assert.equal(unlink.status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM user_identities WHERE subject = '${esc(login)}'`), 0);
  const after = await oidcLogin(english(), { login, browser });
  assert.equal(after.res.headers.get('location'), `${base}/auth/oidc/signup`);
  // Linking needs a logged-in session.
  const anon = english();
  const anonLink = await anon.submit('/login', '/settings/logins/local/link', {});
  assert.equal(anonLink.status, 303);
  assert.match(anonLink.headers.get('location'), /\/login/);
});

test('a provider-only account cannot unlink its only login until it sets a password', { skip }, async (t) => {
  const { client, login } = await newPerson(t);
  const settings = await client.get('/settings/account');
  assert.match(settings.body_text, /no email address yet/);
  assert.doesNotMatch(settings.body_text, /name="current_password"/, 'no current password to ask for');
  const refused = await client.submit('/settings/account', '/settings/logins/local/unlink', {});
  assert.equal(refused.status, 409);
  assert.match(refused.body_text, /only way to log in/);
  assert.equal(count(`SELECT COUNT(*) FROM user_identities WHERE subject = '${esc(login)}'`), 1);
  // Setting a first password needs no current one; a weak one is refused.
  const weak = await client.submit('/settings/account', '/settings/password', { new_password: 'short' });
  assert.equal(weak.status, 422);
  const set = await client.submit('/settings/account', '/settings/password', { new_password: PASSWORD });
  assert.equal(set.status, 303);
  assert.match(set.headers.get('location'), /done=password_set/);
  const unlink = await client.submit('/settings/account', '/settings/logins/local/unlink', { unlink_password: PASSWORD });
  assert.equal(unlink.status, 303);
  const { res } = await passwordLogin(login, PASSWORD);
  assert.equal(res.status, 303, 'the password works');
  // A second password change now asks for the current one.
  const change = await client.submit('/settings/account', '/settings/password', { new_password: `${PASSWORD}-2` });
  assert.equal(change.status, 422);
});

// A pool of its own whose config names a provider that is not there, or
// one whose discovery document is another issuer's, or with other settings.
async function poolWith(t, issuer, env = {}) {
  const port = await freePort();
  const configPath = path.join(varDir, `oidc-${port}.conf`);
  const text = fs.readFileSync(config, 'utf8').replace(/^issuer = .*$/m, `issuer = ${issuer}`);
  fs.writeFileSync(configPath, text, { mode: 0o600 });
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], { BEAUBELLE_SERVER_WORKERS: '1', ...env }, { configPath });
  t.after(() => { pool.kill('SIGTERM'); fs.rmSync(configPath, { force: true }); });
  const address = { host: '127.0.0.1', port };
  const up = await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 10000, 100);
  assert.ok(up, 'the pool starts although the provider is not usable');
  // POST the login button as a browser does: the login page's CSRF cookie and token.
  const start = async () => {
    const page = await fcgi.request(address, { path: '/login', headers: { 'Accept-Language': 'en' } });
    const cookie = page.headers['set-cookie'].split(';')[0];
    const token = page.body.match(/name="csrf_token" value="([^"]+)"/)[1];
    const body = `csrf_token=${token}`;
    return fcgi.request(address, { method: 'POST', path: '/auth/oidc/local', body,
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'en' } });
  };
  return { pool, start, address };
}

// A cookie jar over fcgi responses.
function jar() {
  const cookies = new Map();
  return {
    take(res) {
      for (const line of res.cookies) {
        const [pair] = line.split(';');
        const i = pair.indexOf('=');
        if (/Max-Age=0/i.test(line)) cookies.delete(pair.slice(0, i));
        else cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
      return res;
    },
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
  };
}

test('with password sign-up closed, the provider still creates accounts', { skip }, async (t) => {
  const { address } = await poolWith(t, provider.issuer, { BEAUBELLE_SECURITY_PASSWORD_SIGNUP: '0' });
  const cookies = jar();
  const get = async (p) => cookies.take(await fcgi.request(address, { path: p.split('?')[0], query: p.split('?')[1] || '', headers: { Cookie: cookies.header() } }));
  const post = async (p, fields) => cookies.take(await fcgi.request(address, { method: 'POST', path: p,
    body: new URLSearchParams(fields).toString(),
    headers: { Cookie: cookies.header(), 'Content-Type': 'application/x-www-form-urlencoded' } }));
  const page = await get('/signup');
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /action="\/signup"/, 'no password form');
  assert.match(page.body, /action="\/auth\/oidc\/local"/, 'the provider\'s button instead');
  const token = page.body.match(/name="csrf_token" value="([^"]+)"/)[1];
  const login = personName();
  assert.equal((await post('/signup', { csrf_token: token, username: login, email: `${login}@example.org`, password: PASSWORD })).status, 403);
  const begin = await post('/auth/oidc/local', { csrf_token: token });
  assert.equal(begin.status, 303);
  const callback = await atProvider(begin.headers.location, { browser: new ProviderBrowser(), login });
  const back = await get(callback);
  assert.equal(back.status, 303);
  assert.equal(back.headers.location, `${base}/auth/oidc/signup`);
  const form = await get('/auth/oidc/signup');
  const done = await post('/auth/oidc/signup', { csrf_token: form.body.match(/name="csrf_token" value="([^"]+)"/)[1], username: login });
  assert.equal(done.status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM users u JOIN user_identities i ON i.user_id = u.id WHERE u.username = '${login}'`), 1);
});

test('a provider that is down gives a friendly error, not a 500, and the pool still starts', { skip }, async (t) => {
  const dead = await freePort();
  const { pool, start } = await poolWith(t, `http://127.0.0.1:${dead}`);
  const res = await start();
  assert.equal(res.status, 503);
  assert.match(res.body, /cannot be reached right now/);
  assert.match(res.body, /href="\/login"/);
  assert.ok(res.headers['retry-after']);
  const log = fs.readFileSync(pool.logPath, 'utf8');
  assert.match(log, /event=oidc_discovery_failed provider=local/);
  assert.match(log, /oidc_failed/);
});

test('a discovery document of another issuer is refused', { skip }, async (t) => {
  // The provider's document says http://127.0.0.1:PORT; the config adds a path.
  const { pool, start } = await poolWith(t, `${provider.issuer}/other`);
  const res = await start();
  assert.equal(res.status, 503);
  const log = fs.readFileSync(pool.logPath, 'utf8');
  assert.match(log, /oidc_discovery_failed provider=local .*(not "|HTTP 404)/);
});

test('the token endpoint refusing the code (expired or reused) ends on a clear page', { skip }, async () => {
  const client = english();
  const begin = await client.submit('/login', '/auth/oidc/local', {});
  const callback = await atProvider(begin.headers.get('location'), { browser: new ProviderBrowser(), login: personName() });
  const url = new URL(callback, base);
  url.searchParams.set('code', 'not-a-code-the-provider-issued');
  const mark = logMark();
  const res = await client.get(url.pathname + url.search);
  assert.equal(res.status, 400);
  assert.match(res.body_text, /did not confirm this login/);
  assert.match(logSince(mark), /token endpoint answered HTTP 400 error=invalid_grant/);
});

test('a provider-only account deletes itself by typing its username', { skip }, async (t) => {
  const { client, login } = await newPerson(t);
  const form = await client.get('/settings/delete');
  assert.match(form.body_text, /name="confirm_username"/);
  assert.doesNotMatch(form.body_text, /name="password"/);
  const wrong = await client.submit('/settings/delete', '/settings/delete', { confirm_username: 'someone' });
  assert.equal(wrong.status, 422);
  assert.equal(count(`SELECT COUNT(*) FROM users WHERE username = '${login}'`), 1);
  const done = await client.submit('/settings/delete', '/settings/delete', { confirm_username: login });
  assert.equal(done.status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM users WHERE username = '${login}'`), 0);
  assert.equal(count(`SELECT COUNT(*) FROM user_identities WHERE subject = '${esc(login)}'`), 0, 'the identity went with it');
});
