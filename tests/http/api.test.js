// The Mastodon client API and the OAuth 2 provider, endpoint by
// endpoint: what succeeds, and how each failure answers (always JSON).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { sql, base } = require('./lib/stack');
const { Client, signup, PASSWORD } = require('./lib/client');
const { multipart } = require('./lib/images');
const {
  OOB, call, registerApp, pkce, consentPage, authorize, exchange, apiUser,
} = require('./lib/api');

const isJsonError = (res) => typeof res.body === 'object' && res.body !== null && typeof res.body.error === 'string';

// ---- OAuth 2 ----

test('apps register from JSON, urlencoded and multipart bodies', async () => {
  let res = await call('POST', '/api/v1/apps', {
    json: { client_name: 'Json app', redirect_uris: ['https://client.example/cb', OOB], scopes: 'read write', website: 'https://client.example' },
  });
  assert.equal(res.status, 200);
  assert.equal(typeof res.body.id, 'string');
  assert.equal(res.body.name, 'Json app');
  assert.deepEqual(res.body.scopes, ['read', 'write']);
  assert.deepEqual(res.body.redirect_uris, ['https://client.example/cb', OOB]);
  assert.equal(res.body.redirect_uri, `https://client.example/cb\n${OOB}`, 'the deprecated field is still there');
  assert.match(res.body.client_id, /^[A-Za-z0-9_-]{43}$/);
  assert.match(res.body.client_secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(res.body.client_secret_expires_at, 0);
  assert.equal(sql(`SELECT COUNT(*) FROM oauth_apps WHERE secret_hash = '${res.body.client_secret}'`), '0', 'the secret is stored hashed');

  res = await call('POST', '/api/v1/apps', { form: { client_name: 'Form app', redirect_uris: OOB } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.scopes, ['read'], 'scopes default to read');
  assert.equal(res.body.website, null);

  const { body, contentType } = multipart({ client_name: 'Multipart app', redirect_uris: 'myapp://oauth', scopes: 'read+write+follow' }, []);
  res = await call('POST', '/api/v1/apps', { body, headers: { 'Content-Type': contentType } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.scopes, ['read', 'write', 'follow'], '"+" separates scopes as a space does');
});

test('app registration refuses what it cannot use with 422 JSON', async () => {
  for (const json of [
    { redirect_uris: OOB },
    { client_name: 'x', redirect_uris: 'not a uri' },
    { client_name: 'x', redirect_uris: 'javascript:alert(1)' },
    { client_name: 'x' },
    { client_name: 'x', redirect_uris: OOB, scopes: 'read admin:write' },
    { client_name: 'x', redirect_uris: OOB, website: 'javascript:alert(1)' },
  ]) {
    const res = await call('POST', '/api/v1/apps', { json });
    assert.equal(res.status, 422, JSON.stringify(json));
    assert.ok(isJsonError(res));
  }
});

test('the consent page asks to log in first and comes back to the request', async () => {
  const app = await registerApp({ redirect: 'https://client.example/cb' });
  const anon = new Client();
  const q = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: 'https://client.example/cb', scope: 'read' });
  const res = await anon.get(`/oauth/authorize?${q}`);
  assert.equal(res.status, 303);
  const next = new URL(res.headers.get('location')).searchParams.get('next');
  assert.equal(next, `/oauth/authorize?${q}`);
  const account = await signup('oalog');
  const login = new Client();
  const back = await login.submit('/login', '/login', { login: account.username, password: PASSWORD, next });
  assert.equal(back.status, 303);
  assert.equal(new URL(back.headers.get('location')).pathname + new URL(back.headers.get('location')).search, next);
  const page = await login.get(next);
  assert.equal(page.status, 200);
  assert.match(page.body_text, /name="csrf_token"/);
  assert.match(page.body_text, /name="decision" value="approve"/);
});

test('an unknown client or an unregistered redirect URI gets an error page, not a redirect', async () => {
  const { client } = await signup('oabad');
  const app = await registerApp({ redirect: 'https://client.example/cb' });
  let { page } = await consentPage(client, app, { redirect: 'https://evil.example/cb' });
  assert.equal(page.status, 400);
  assert.equal(page.headers.get('location'), null);
  assert.match(page.headers.get('content-type'), /text\/html/);
  ({ page } = await consentPage(client, { ...app, client_id: 'nope' }, {}));
  assert.equal(page.status, 400);
});

test('authorization code with PKCE and state: redirect, exchange once, scopes kept', async () => {
  const { client } = await signup('oapk');
  const app = await registerApp({ redirect: 'myapp://oauth/cb', scopes: 'read write follow' });
  const { verifier, challenge } = pkce();
  const { page } = await consentPage(client, app, { scope: 'read write', challenge, state: 'xyz 1' });
  assert.match(page.headers.get('content-security-policy'), /form-action 'self' myapp:/, 'the browser may follow the redirect after the form');
  assert.match(page.body_text, /Test client/);
  const { res, code } = await authorize(client, app, { scope: 'read write', challenge, state: 'xyz 1' });
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.protocol, 'myapp:');
  assert.equal(loc.searchParams.get('state'), 'xyz 1');
  assert.match(code, /^[A-Za-z0-9_-]{43}$/);

  let tok = await exchange(app, code, { verifier: pkce().verifier });
  assert.equal(tok.status, 400, 'a wrong verifier fails');
  assert.equal(tok.body.error, 'invalid_grant');
  tok = await exchange(app, code, { verifier });
  assert.equal(tok.status, 400, 'the failed attempt used the code up');

  const second = await authorize(client, app, { scope: 'read write', challenge });
  tok = await exchange(app, second.code, { verifier });
  assert.equal(tok.status, 200);
  assert.equal(tok.body.token_type, 'Bearer');
  assert.equal(tok.body.scope, 'read write');
  assert.equal(typeof tok.body.created_at, 'number');
  assert.match(tok.body.access_token, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
  const hash = crypto.createHash('sha256').update(tok.body.access_token).digest('hex');
  assert.equal(sql(`SELECT COUNT(*) FROM oauth_tokens WHERE token_hash = '${hash}'`), '1', 'stored as its SHA-256');
  assert.equal(sql(`SELECT COUNT(*) FROM oauth_tokens WHERE token_hash = '${tok.body.access_token}'`), '0');
  const again = await exchange(app, second.code, { verifier });
  assert.equal(again.status, 400, 'a code is exchanged once');
  assert.equal(again.body.error, 'invalid_grant');
});

test('out-of-band apps show the code; the token endpoint reads urlencoded, multipart and HTTP Basic', async () => {
  const { client } = await signup('oaoob');
  const app = await registerApp();
  let { res, code } = await authorize(client, app, { scope: 'read' });
  assert.equal(res.status, 200);
  assert.match(res.body_text, /id="oauth-code"/);
  let tok = await call('POST', '/oauth/token', {
    form: { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: OOB },
  });
  assert.equal(tok.status, 200, tok.text);

  ({ code } = await authorize(client, app, { scope: 'read' }));
  const { body, contentType } = multipart({ grant_type: 'authorization_code', code, redirect_uri: OOB }, []);
  const basic = Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64');
  tok = await call('POST', '/oauth/token', { body, headers: { 'Content-Type': contentType, Authorization: `Basic ${basic}` } });
  assert.equal(tok.status, 200, tok.text);

  ({ code } = await authorize(client, app, { scope: 'read' }));
  tok = await call('POST', '/oauth/token', {
    json: { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: 'wrong', redirect_uri: OOB },
  });
  assert.equal(tok.status, 401);
  assert.equal(tok.body.error, 'invalid_client');
  const bad = Buffer.from(`${app.client_id}:nope`).toString('base64');
  tok = await call('POST', '/oauth/token', { form: { grant_type: 'client_credentials' }, headers: { Authorization: `Basic ${bad}` } });
  assert.equal(tok.status, 401);
  assert.match(tok.headers.get('www-authenticate'), /^Basic/);
});

test('denying, or asking for more than the app registered, goes back with an OAuth error', async () => {
  const { client } = await signup('oadeny');
  const app = await registerApp({ redirect: 'https://client.example/cb', scopes: 'read' });
  const { res } = await authorize(client, app, { scope: 'read', deny: true, state: 's1' });
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.searchParams.get('error'), 'access_denied');
  assert.equal(loc.searchParams.get('state'), 's1');
  assert.equal(loc.searchParams.get('code'), null);
  const { page } = await consentPage(client, app, { scope: 'read write' });
  assert.equal(page.status, 302);
  assert.equal(new URL(page.headers.get('location')).searchParams.get('error'), 'invalid_scope');
  const plain = await client.get(`/oauth/authorize?${new URLSearchParams({
    response_type: 'code', client_id: app.client_id, redirect_uri: 'https://client.example/cb', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain',
  })}`);
  assert.equal(new URL(plain.headers.get('location')).searchParams.get('error'), 'invalid_request', 'PKCE is S256 only');
});

test('the consent form is a CSRF-protected cookie form', async () => {
  const { client } = await signup('oacsrf');
  const app = await registerApp();
  const { fields } = await consentPage(client, app, { scope: 'read' });
  delete fields.csrf_token;
  const res = await client.request('/oauth/authorize', {
    method: 'POST', body: new URLSearchParams({ ...fields, decision: 'approve' }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.status, 403);
});

test('client credentials give an app token; other grants are refused', async () => {
  const app = await registerApp({ scopes: 'read write' });
  let res = await call('POST', '/oauth/token', {
    json: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.scope, 'read');
  const verify = await call('GET', '/api/v1/apps/verify_credentials', { token: res.body.access_token });
  assert.equal(verify.status, 200);
  assert.equal(verify.body.name, 'Test client');
  assert.deepEqual(verify.body.scopes, ['read', 'write']);
  res = await call('POST', '/oauth/token', {
    json: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'follow' },
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, 'invalid_scope');
  res = await call('POST', '/oauth/token', {
    json: { grant_type: 'refresh_token', refresh_token: 'x', client_id: app.client_id, client_secret: app.client_secret },
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, 'unsupported_grant_type');
  res = await call('POST', '/oauth/token', { json: { client_id: app.client_id } });
  assert.equal(res.body.error, 'invalid_request');
});

test('revoking: only the issuing app may, it is idempotent, and the token stops working', async () => {
  const user = await apiUser('oarev');
  const other = await registerApp();
  let res = await call('POST', '/oauth/revoke', {
    json: { client_id: other.client_id, client_secret: other.client_secret, token: user.token },
  });
  assert.equal(res.status, 403);
  assert.equal(res.body.error, 'unauthorized_client');
  assert.equal((await call('GET', '/api/v1/apps/verify_credentials', { token: user.token })).status, 200);
  for (let i = 0; i < 2; i++) {
    res = await call('POST', '/oauth/revoke', {
      form: { client_id: user.app.client_id, client_secret: user.app.client_secret, token: user.token },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {});
  }
  res = await call('GET', '/api/v1/apps/verify_credentials', { token: user.token });
  assert.equal(res.status, 401);
  assert.ok(isJsonError(res));
  assert.match(res.headers.get('www-authenticate'), /^Bearer/);
});

test('tokens are read from the Authorization header only', async () => {
  const user = await apiUser('oaqs');
  const res = await call('GET', `/api/v1/apps/verify_credentials?access_token=${user.token}`);
  assert.equal(res.status, 401);
  assert.ok(isJsonError(res));
  assert.equal((await call('GET', '/api/v1/apps/verify_credentials', { token: 'x'.repeat(43) })).status, 401);
  assert.equal((await call('GET', '/api/v1/apps/verify_credentials')).status, 401);
});

test('people see the apps they authorized in settings and revoke them', async () => {
  const user = await apiUser('oaset');
  let page = await user.client.get('/settings/apps');
  assert.equal(page.status, 200);
  assert.match(page.body_text, /Test client/);
  assert.match(page.body_text, /href="\/settings\/apps" aria-current="page"/);
  const id = page.body_text.match(/name="app" value="(\d+)"/)[1];
  const csrf = page.body_text.match(/name="csrf_token" value="([^"]+)"/)[1];
  const res = await user.client.request('/settings/apps/revoke', {
    method: 'POST', body: new URLSearchParams({ csrf_token: csrf, app: id }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.status, 303);
  page = await user.client.get('/settings/apps');
  assert.doesNotMatch(page.body_text, /name="app" value=/);
  assert.equal((await call('GET', '/api/v1/apps/verify_credentials', { token: user.token })).status, 401);
});

test('the authorization server metadata lists our endpoints and methods', async () => {
  const res = await call('GET', '/.well-known/oauth-authorization-server');
  assert.equal(res.status, 200);
  assert.match(res.body.token_endpoint, /\/oauth\/token$/);
  assert.match(res.body.app_registration_endpoint, /\/api\/v1\/apps$/);
  assert.deepEqual(res.body.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(res.body.grant_types_supported, ['authorization_code', 'client_credentials']);
  assert.ok(res.body.scopes_supported.includes('write:media'));
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
});

// ---- Discovery ----

test('nodeinfo names the software and says whose API it speaks', async () => {
  const links = await call('GET', '/.well-known/nodeinfo');
  assert.equal(links.status, 200);
  const link = links.body.links.find((l) => l.rel === 'http://nodeinfo.diaspora.software/ns/schema/2.0');
  const res = await call('GET', new URL(link.href).pathname);
  assert.equal(res.status, 200);
  assert.equal(res.body.version, '2.0');
  assert.equal(res.body.software.name, 'beaubelle');
  assert.equal(res.body.metadata.upstream.name, 'mastodon');
  assert.equal(typeof res.body.usage.users.total, 'number');
  assert.equal(typeof res.body.openRegistrations, 'boolean');
  assert.match(res.headers.get('content-type'), /application\/json/);
});

test('webfinger finds local accounts by acct: or profile URL', async () => {
  const { username } = await signup('wf');
  const host = new URL(base).host;
  let res = await call('GET', `/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${host}`)}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.subject, `acct:${username}@${host}`);
  assert.ok(res.body.links.some((l) => l.rel === 'self' && l.type === 'application/activity+json'));
  assert.match(res.headers.get('content-type'), /application\/jrd\+json/);
  res = await call('GET', `/.well-known/webfinger?resource=${encodeURIComponent(`${base}/@${username}`)}`);
  assert.equal(res.status, 200);
  res = await call('GET', `/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@elsewhere.example`)}`);
  assert.equal(res.status, 404);
  assert.ok(isJsonError(res));
  assert.equal((await call('GET', '/.well-known/webfinger')).status, 400);
});

test('instance v1 and v2 carry what clients require, with our real limits', async () => {
  const v1 = await call('GET', '/api/v1/instance');
  assert.equal(v1.status, 200);
  for (const k of ['uri', 'title', 'description', 'short_description', 'email', 'version']) assert.equal(typeof v1.body[k], 'string', k);
  assert.match(v1.body.version, /^4\.\d+\.\d+ \(compatible; BeauBelle /);
  assert.equal(typeof v1.body.urls.streaming_api, 'string');
  assert.equal(v1.body.contact_account, null);
  assert.deepEqual(v1.body.rules, []);
  const cfg = v1.body.configuration;
  assert.equal(cfg.statuses.max_characters, 500);
  assert.equal(cfg.statuses.max_media_attachments, 1);
  assert.equal(cfg.media_attachments.image_size_limit, 16 * 1024 * 1024, 'the configured max_upload_bytes');
  assert.ok(cfg.media_attachments.supported_mime_types.includes('image/webp'));
  const v2 = await call('GET', '/api/v2/instance');
  assert.equal(v2.status, 200);
  assert.equal(v2.body.domain, v1.body.uri);
  assert.equal(typeof v2.body.registrations.enabled, 'boolean');
  assert.equal(v2.body.api_versions.mastodon, 0);
  assert.equal(v2.body.configuration.media_attachments.description_limit, 1500);
  assert.equal(typeof v2.body.configuration.urls.streaming, 'string');
});

test('the endpoints clients call after login answer empty, with their scopes enforced', async () => {
  const user = await apiUser('stub');
  for (const path of ['/api/v1/filters', '/api/v2/filters', '/api/v1/lists', '/api/v1/announcements', '/api/v1/followed_tags',
    '/api/v1/follow_requests', '/api/v1/bookmarks', '/api/v1/conversations', '/api/v1/scheduled_statuses']) {
    const res = await call('GET', path, { token: user.token });
    assert.equal(res.status, 200, path);
    assert.deepEqual(res.body, [], path);
    assert.equal((await call('GET', path)).status, 401, `${path} needs a token`);
  }
  assert.deepEqual((await call('GET', '/api/v1/markers', { token: user.token })).body, {});
  assert.deepEqual((await call('GET', '/api/v1/custom_emojis')).body, []);
  const prefs = await call('GET', '/api/v1/preferences', { token: user.token });
  assert.equal(prefs.body['posting:default:visibility'], 'public');
  assert.equal(prefs.body['posting:default:language'], null);
});

test('CORS: preflight answers 204 and every API answer allows any origin without credentials', async () => {
  for (const path of ['/api/v1/instance', '/oauth/token', '/oauth/revoke', '/.well-known/nodeinfo', '/api/v1/apps']) {
    const res = await fetch(base + path, {
      method: 'OPTIONS', headers: { Origin: 'https://elk.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(res.status, 204, path);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-headers'), /Authorization/);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  }
  const res = await call('GET', '/api/v1/instance', { headers: { Origin: 'https://elk.example' } });
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.match(res.headers.get('access-control-expose-headers'), /Link/);
  const page = await fetch(`${base}/oauth/authorize`);
  assert.equal(page.headers.get('access-control-allow-origin'), null, 'the consent page is not an API');
});

test('unknown API paths and wrong methods answer JSON errors', async () => {
  let res = await call('GET', '/api/v1/nothing_here');
  assert.equal(res.status, 404);
  assert.ok(isJsonError(res));
  res = await call('DELETE', '/api/v1/instance');
  assert.equal(res.status, 405);
  assert.ok(isJsonError(res));
});

test('accounts without an avatar point at a default image', async () => {
  const res = await fetch(`${base}/avatars/missing.png`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const buf = Buffer.from(await res.arrayBuffer());
  assert.equal(buf.subarray(1, 4).toString(), 'PNG');
});

// ---- Accounts ----

const { fixture } = require('./lib/images');
const { waitFor } = require('./lib/stack');
const { uploadMedia, postImage, links } = require('./lib/api');

// A token of the given scopes for an existing account.
async function tokenFor(account, scopes) {
  const app = await registerApp({ scopes: 'read write follow push profile' });
  const { verifier, challenge } = pkce();
  const { code } = await authorize(account.client, app, { scope: scopes, challenge });
  return (await exchange(app, code, { verifier })).body.access_token;
}

test('verify_credentials is the account itself with its source; scopes are enforced', async () => {
  const user = await apiUser('vc');
  const res = await call('GET', '/api/v1/accounts/verify_credentials', { token: user.token });
  assert.equal(res.status, 200);
  const a = res.body;
  for (const k of ['id', 'username', 'acct', 'url', 'display_name', 'note', 'avatar', 'header', 'created_at']) {
    assert.equal(typeof a[k], 'string', k);
  }
  assert.match(a.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(a.fields, []);
  assert.deepEqual(a.emojis, []);
  assert.equal(a.acct, user.username);
  assert.equal(typeof a.followers_count, 'number');
  assert.equal(a.source.privacy, 'public');
  assert.deepEqual(a.source.fields, []);
  assert.match(a.avatar, /^http/);

  const profileOnly = await tokenFor(user, 'profile');
  assert.equal((await call('GET', '/api/v1/accounts/verify_credentials', { token: profileOnly })).status, 200);
  const res403 = await call('GET', '/api/v1/timelines/home', { token: profileOnly });
  assert.equal(res403.status, 403);
  assert.ok(isJsonError(res403));
  const writeOnly = await tokenFor(user, 'write');
  assert.equal((await call('GET', '/api/v1/accounts/verify_credentials', { token: writeOnly })).status, 403);
  const granular = await tokenFor(user, 'read:accounts');
  assert.equal((await call('GET', '/api/v1/accounts/verify_credentials', { token: granular })).status, 200);
  assert.equal((await call('GET', '/api/v1/notifications', { token: granular })).status, 403);
});

test('an app token (client credentials) cannot act for a user', async () => {
  const app = await registerApp();
  const tok = await call('POST', '/oauth/token', {
    json: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read' },
  });
  const res = await call('GET', '/api/v1/accounts/verify_credentials', { token: tok.body.access_token });
  assert.equal(res.status, 422);
  assert.ok(isJsonError(res));
  assert.equal((await call('GET', '/api/v1/timelines/public', { token: tok.body.access_token })).status, 200);
});

test('accounts by id and by lookup; unknown ones are 404 JSON', async () => {
  const user = await apiUser('acc');
  const host = new URL(base).host;
  let res = await call('GET', `/api/v1/accounts/${user.id}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.username, user.username);
  res = await call('GET', `/api/v1/accounts/lookup?acct=${user.username}`);
  assert.equal(res.body.id, user.id);
  res = await call('GET', `/api/v1/accounts/lookup?acct=${encodeURIComponent(`@${user.username}@${host}`)}`);
  assert.equal(res.body.id, user.id);
  for (const path of ['/api/v1/accounts/999999999', '/api/v1/accounts/abc', `/api/v1/accounts/lookup?acct=${user.username}@elsewhere.example`]) {
    res = await call('GET', path);
    assert.equal(res.status, 404, path);
    assert.ok(isJsonError(res));
  }
  assert.equal((await call('GET', `/api/v1/accounts/${user.id}`, { token: 'y'.repeat(43) })).status, 401, 'a bad token is refused even where none is needed');
});

test('update_credentials changes the profile from a multipart form, within limits', async () => {
  const user = await apiUser('upd');
  const { body, contentType } = multipart({ display_name: 'Nouveau nom', note: 'Hello #portraits' },
    [{ name: 'avatar', filename: 'a.png', type: 'image/png', data: fixture('still.png') }]);
  let res = await call('PATCH', '/api/v1/accounts/update_credentials', { token: user.token, body, headers: { 'Content-Type': contentType } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.display_name, 'Nouveau nom');
  assert.match(res.body.note, /^<p>Hello <a class="tag" href="http[^"]+\/tags\/portraits">#portraits<\/a><\/p>$/);
  assert.equal(res.body.source.note, 'Hello #portraits');
  assert.match(res.body.avatar, /\/media\/.+\.webp$/);
  res = await call('PATCH', '/api/v1/accounts/update_credentials', { token: user.token, json: { display_name: 'x'.repeat(61) } });
  assert.equal(res.status, 422);
  assert.ok(isJsonError(res));
  res = await call('PATCH', '/api/v1/accounts/update_credentials', { token: user.token, json: { note: 'only the note' } });
  assert.equal(res.body.display_name, 'Nouveau nom', 'fields not sent are kept');
  const readOnly = await tokenFor(user, 'read');
  assert.equal((await call('PATCH', '/api/v1/accounts/update_credentials', { token: readOnly, json: { note: 'x' } })).status, 403);
});

test('follow and unfollow answer the relationship; relationships keep the order asked', async () => {
  const a = await apiUser('rel');
  const b = await apiUser('rel');
  const c = await apiUser('rel');
  let res = await call('POST', `/api/v1/accounts/${b.id}/follow`, { token: a.token });
  assert.equal(res.status, 200);
  assert.equal(res.body.id, b.id);
  assert.equal(res.body.following, true);
  for (const k of ['showing_reblogs', 'notifying', 'followed_by', 'blocking', 'blocked_by', 'muting', 'muting_notifications', 'requested', 'domain_blocking', 'endorsed']) {
    assert.equal(typeof res.body[k], 'boolean', k);
  }
  res = await call('POST', `/api/v1/accounts/${b.id}/follow`, { token: a.token });
  assert.equal(res.body.following, true, 'following twice is fine');
  assert.equal((await call('GET', `/api/v1/accounts/${b.id}`)).body.followers_count, 1);
  res = await call('GET', `/api/v1/accounts/relationships?id[]=${c.id}&id[]=${b.id}&id[]=999999999`, { token: a.token });
  assert.deepEqual(res.body.map((r) => [r.id, r.following]), [[c.id, false], [b.id, true]]);
  res = await call('GET', `/api/v1/accounts/relationships?id=${b.id}`, { token: b.token });
  assert.equal(res.body[0].following, false, 'oneself');
  res = await call('GET', `/api/v1/accounts/relationships?id[]=${a.id}`, { token: b.token });
  assert.equal(res.body[0].followed_by, true);
  assert.equal((await call('POST', `/api/v1/accounts/${a.id}/follow`, { token: a.token })).status, 403, 'not oneself');
  assert.equal((await call('POST', '/api/v1/accounts/999999999/follow', { token: a.token })).status, 404);
  res = await call('POST', `/api/v1/accounts/${b.id}/unfollow`, { token: a.token });
  assert.equal(res.body.following, false);
  assert.equal((await call('GET', `/api/v1/accounts/${b.id}`)).body.followers_count, 0);
  const readOnly = await tokenFor(a, 'read');
  assert.equal((await call('POST', `/api/v1/accounts/${b.id}/follow`, { token: readOnly })).status, 403);
  const followScope = await tokenFor(a, 'follow');
  assert.equal((await call('POST', `/api/v1/accounts/${b.id}/follow`, { token: followScope })).status, 200, 'the legacy follow scope covers follows');
  res = await call('POST', `/api/v1/accounts/${b.id}/block`, { token: a.token });
  assert.equal(res.body.blocking, true);
  assert.equal(res.body.following, false, 'a block ends the follow');
  assert.equal((await call('POST', `/api/v1/accounts/${a.id}/follow`, { token: b.token })).status, 403, 'blocked');
  assert.equal((await call('POST', `/api/v1/accounts/${b.id}/unblock`, { token: a.token })).body.blocking, false);
  assert.equal((await call('POST', `/api/v1/accounts/${b.id}/mute`, { token: a.token })).body.muting, true);
  assert.equal((await call('POST', `/api/v1/accounts/${b.id}/unmute`, { token: a.token })).body.muting, false);
});

test('followers and following page through Link headers only', async () => {
  const star = await apiUser('fol');
  const fans = [await apiUser('fol'), await apiUser('fol'), await apiUser('fol')];
  for (const f of fans) await call('POST', `/api/v1/accounts/${star.id}/follow`, { token: f.token });
  let path = `/api/v1/accounts/${star.id}/followers?limit=2`;
  const seen = [];
  for (let i = 0; i < 5 && path; i++) {
    const res = await call('GET', path);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('link'), 'every page has a Link header');
    seen.push(...res.body.map((a) => a.id));
    const next = links(res.headers.get('link')).next;
    if (next) assert.match(next, /limit=2/, 'the limit is carried');
    path = res.body.length ? (next ? new URL(next).pathname + new URL(next).search : null) : null;
  }
  assert.deepEqual(seen, fans.map((f) => f.id).reverse(), 'newest follower first, each once');
  const following = await call('GET', `/api/v1/accounts/${fans[0].id}/following`);
  assert.deepEqual(following.body.map((a) => a.id), [star.id]);
});

// ---- Media ----

test('media: v2 and v1 uploads answer 200 with the URL; only the uploader sees an unattached upload', async () => {
  const user = await apiUser('med');
  const other = await apiUser('med');
  let res = await uploadMedia(user.token, { description: 'A portrait in soft light' });
  assert.equal(res.status, 200, res.text);
  const m = res.body;
  assert.equal(typeof m.id, 'string');
  assert.equal(m.type, 'image');
  assert.match(m.url, /^http.+-orig\.webp$/);
  assert.match(m.preview_url, /^http.+-thumb\.webp$/);
  assert.equal(m.description, 'A portrait in soft light');
  assert.equal(typeof m.meta.original.width, 'number');
  assert.equal(typeof m.blurhash, 'string');
  res = await uploadMedia(user.token, { path: '/api/v1/media' });
  assert.equal(res.status, 200);
  assert.equal(res.body.description, null);

  assert.equal((await call('GET', `/api/v1/media/${m.id}`, { token: user.token })).status, 200);
  res = await call('GET', `/api/v1/media/${m.id}`, { token: other.token });
  assert.equal(res.status, 404, "another user's media is not found");
  assert.ok(isJsonError(res));
  assert.equal((await call('PUT', `/api/v1/media/${m.id}`, { token: other.token, json: { description: 'mine now' } })).status, 404);
  res = await call('PUT', `/api/v1/media/${m.id}`, { token: user.token, json: { description: 'New alt', focus: '0.1,-0.5' } });
  assert.equal(res.status, 200);
  assert.equal(res.body.description, 'New alt');
  assert.equal((await call('PUT', `/api/v1/media/${m.id}`, { token: user.token, json: { focus: '3,3' } })).status, 422);
  const st = await call('POST', '/api/v1/statuses', { token: other.token, json: { status: 'stolen', media_ids: [m.id] } });
  assert.equal(st.status, 422, "another user's media cannot be posted");
  await call('POST', '/api/v1/statuses', { token: user.token, json: { status: '', media_ids: [m.id] } });
  assert.equal((await call('GET', `/api/v1/media/${m.id}`, { token: user.token })).status, 404, 'posted media is no longer an upload');
});

test('media: refused uploads answer 422 JSON; scopes apply', async () => {
  const user = await apiUser('medbad');
  let res = await uploadMedia(user.token, { data: Buffer.from('not an image at all'), type: 'image/png' });
  assert.equal(res.status, 422);
  assert.ok(isJsonError(res));
  const { body, contentType } = multipart({ description: 'no file' }, []);
  res = await call('POST', '/api/v2/media', { token: user.token, body, headers: { 'Content-Type': contentType } });
  assert.equal(res.status, 422);
  res = await uploadMedia(user.token, { description: 'x'.repeat(1501) });
  assert.equal(res.status, 422);
  const readOnly = await tokenFor(user, 'read');
  assert.equal((await uploadMedia(readOnly)).status, 403);
  assert.equal((await uploadMedia(null)).status, 401);
  const granular = await tokenFor(user, 'write:media');
  assert.equal((await uploadMedia(granular)).status, 200);
});

// ---- Statuses ----

test('posting an uploaded image answers a complete Status', async () => {
  const user = await apiUser('st');
  const s = await postImage(user.token, 'First light #goldenhour\nsecond line');
  for (const k of ['id', 'uri', 'created_at', 'visibility', 'spoiler_text', 'content']) assert.equal(typeof s[k], 'string', k);
  assert.match(s.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(s.account.id, user.id);
  assert.equal(s.visibility, 'public');
  assert.equal(s.spoiler_text, '');
  assert.equal(s.media_attachments.length, 1);
  assert.deepEqual(s.mentions, []);
  assert.deepEqual(s.emojis, []);
  assert.deepEqual(s.tags.map((t) => t.name), ['goldenhour']);
  assert.match(s.content, /^<p>First light <a class="tag" href="http[^"]+\/tags\/goldenhour">#goldenhour<\/a><br>second line<\/p>$/);
  for (const k of ['reblog', 'in_reply_to_id', 'in_reply_to_account_id', 'poll', 'card', 'application', 'edited_at']) assert.equal(s[k], null, k);
  for (const k of ['favourited', 'reblogged', 'muted', 'bookmarked', 'pinned', 'sensitive']) assert.equal(s[k], false, k);
  assert.equal(s.favourites_count, 0);
  assert.equal(s.beaubelle.super_liked, false);
  const res = await call('GET', `/api/v1/statuses/${s.id}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.id, s.id);
  assert.equal(res.body.favourited, undefined, 'no viewer state without a token');
  assert.deepEqual((await call('GET', `/api/v1/statuses/${s.id}/context`)).body, { ancestors: [], descendants: [] });
  assert.equal((await call('GET', '/api/v1/statuses/999999999')).status, 404);
});

test('Idempotency-Key: a retried post, even concurrent, makes one post', async () => {
  const user = await apiUser('idem');
  const m = (await uploadMedia(user.token)).body;
  const key = `retry-${crypto.randomUUID()}`;
  const send = () => call('POST', '/api/v1/statuses', {
    token: user.token, json: { status: 'once', media_ids: [m.id] }, headers: { 'Idempotency-Key': key },
  });
  const answers = await Promise.all([send(), send(), send()]);
  for (const a of answers) assert.equal(a.status, 200, a.text);
  assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
  assert.equal(sql(`SELECT COUNT(*) FROM posts WHERE user_id = ${user.id}`), '1');
  const later = await send();
  assert.equal(later.body.id, answers[0].body.id, 'a later retry finds the same post');
});

test('status validation: 422 JSON for what a post cannot be', async () => {
  const user = await apiUser('stbad');
  const m1 = (await uploadMedia(user.token)).body;
  const m2 = (await uploadMedia(user.token)).body;
  for (const [json, why] of [
    [{ status: 'no image' }, 'an image is required'],
    [{ status: 'two', media_ids: [m1.id, m2.id] }, 'one image per post'],
    [{ status: 'x'.repeat(501), media_ids: [m1.id] }, 'too long'],
    [{ status: 'private', media_ids: [m1.id], visibility: 'private' }, 'only public'],
    [{ status: 'reply', media_ids: [m1.id], in_reply_to_id: '1' }, 'no replies'],
    [{ status: 'poll', poll: { options: ['a', 'b'], expires_in: 600 } }, 'no polls'],
    [{ status: 'ghost', media_ids: ['999999999'] }, 'unknown media'],
  ]) {
    const res = await call('POST', '/api/v1/statuses', { token: user.token, json });
    assert.equal(res.status, 422, why);
    assert.ok(isJsonError(res), why);
  }
  const form = await call('POST', '/api/v1/statuses', { token: user.token, form: { status: 'from a form', 'media_ids[]': m1.id, sensitive: 'true' } });
  assert.equal(form.status, 200, 'urlencoded with a Rails-style array');
  assert.equal(form.body.sensitive, true);
  const readOnly = await tokenFor(user, 'read');
  assert.equal((await call('POST', '/api/v1/statuses', { token: readOnly, json: { media_ids: [m2.id] } })).status, 403);
  assert.equal((await call('POST', '/api/v1/statuses', { json: { media_ids: [m2.id] } })).status, 401);
});

test('deleting: only your own post, answering its text for a redraft', async () => {
  const user = await apiUser('del');
  const other = await apiUser('del');
  const s = await postImage(user.token, 'to be deleted');
  assert.equal((await call('DELETE', `/api/v1/statuses/${s.id}`, { token: other.token })).status, 404);
  const res = await call('DELETE', `/api/v1/statuses/${s.id}`, { token: user.token });
  assert.equal(res.status, 200);
  assert.equal(res.body.text, 'to be deleted');
  assert.equal((await call('GET', `/api/v1/statuses/${s.id}`)).status, 404);
  assert.equal((await call('DELETE', `/api/v1/statuses/${s.id}`, { token: user.token })).status, 404);
});

test('favourite, super like and reblog: idempotent, counted, listed, and notified', async () => {
  const author = await apiUser('fav');
  const fan = await apiUser('fav');
  const s = await postImage(author.token, 'like me');
  let res = await call('POST', `/api/v1/statuses/${s.id}/favourite`, { token: fan.token });
  assert.equal(res.status, 200);
  assert.equal(res.body.favourited, true);
  assert.equal(res.body.favourites_count, 1);
  res = await call('POST', `/api/v1/statuses/${s.id}/favourite`, { token: fan.token });
  assert.equal(res.body.favourites_count, 1, 'twice is once');
  res = await call('POST', `/api/v1/beaubelle/statuses/${s.id}/superlike`, { token: fan.token });
  assert.equal(res.status, 200);
  assert.equal(res.body.favourited, true, 'a super like is a favourite to clients');
  assert.equal(res.body.favourites_count, 1);
  assert.equal(res.body.beaubelle.super_liked, true);
  assert.equal(res.body.beaubelle.superlikes_count, 1);

  res = await call('GET', `/api/v1/statuses/${s.id}/favourited_by`);
  assert.deepEqual(res.body.map((a) => a.id), [fan.id]);
  assert.ok(res.headers.get('link'));
  res = await call('GET', '/api/v1/favourites', { token: fan.token });
  assert.deepEqual(res.body.map((x) => x.id), [s.id]);
  assert.ok(links(res.headers.get('link')).next);

  res = await call('POST', `/api/v1/statuses/${s.id}/reblog`, { token: fan.token });
  assert.equal(res.status, 200);
  assert.notEqual(res.body.id, s.id, 'the answer is the reblog');
  assert.equal(res.body.reblog.id, s.id);
  assert.equal(res.body.reblog.reblogged, true);
  assert.equal(res.body.reblog.reblogs_count, 1);
  assert.equal(res.body.content, '');
  assert.deepEqual(res.body.media_attachments, []);
  const wrapper = res.body.id;
  assert.equal((await call('POST', `/api/v1/statuses/${s.id}/reblog`, { token: fan.token })).body.id, wrapper, 'idempotent');
  assert.equal((await call('GET', `/api/v1/statuses/${wrapper}`)).body.reblog.id, s.id);
  res = await call('GET', `/api/v1/statuses/${s.id}/reblogged_by`);
  assert.deepEqual(res.body.map((a) => a.id), [fan.id]);

  assert.ok(await waitFor(async () => (await call('GET', '/api/v1/notifications', { token: author.token })).body.length === 2, 5000, 100));
  res = await call('GET', '/api/v1/notifications', { token: author.token });
  const fav = res.body.find((n) => n.type === 'favourite');
  assert.equal(fav.beaubelle.type, 'superlike', 'the extension says which');
  assert.equal(fav.status.id, s.id);
  assert.equal(fav.account.id, fan.id);
  assert.ok(res.body.some((n) => n.type === 'reblog'));

  res = await call('POST', `/api/v1/statuses/${s.id}/unreblog`, { token: fan.token });
  assert.equal(res.body.id, s.id);
  assert.equal(res.body.reblogged, false);
  assert.equal(res.body.reblogs_count, 0);
  res = await call('POST', `/api/v1/statuses/${s.id}/unfavourite`, { token: fan.token });
  assert.equal(res.body.favourited, false);
  assert.equal(res.body.favourites_count, 0);
  assert.equal(res.body.beaubelle.superlikes_count, 0);
  assert.equal((await call('POST', `/api/v1/statuses/${s.id}/unfavourite`, { token: fan.token })).status, 200, 'idempotent');
  const readOnly = await tokenFor(fan, 'read');
  assert.equal((await call('POST', `/api/v1/statuses/${s.id}/favourite`, { token: readOnly })).status, 403);
  assert.equal((await call('POST', '/api/v1/statuses/999999999/favourite', { token: fan.token })).status, 404);
});

// ---- Timelines ----

test('home timeline: followed posts, paged by max_id, since_id and min_id with Link headers', async () => {
  const author = await apiUser('home');
  const reader = await apiUser('home');
  await call('POST', `/api/v1/accounts/${author.id}/follow`, { token: reader.token });
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push((await postImage(author.token, `post ${i}`)).id);
  const newest = [...ids].reverse();
  assert.ok(await waitFor(async () => (await call('GET', '/api/v1/timelines/home?limit=40', { token: reader.token })).body.length === 4, 5000, 100));

  let res = await call('GET', '/api/v1/timelines/home?limit=2', { token: reader.token });
  assert.deepEqual(res.body.map((s) => s.id), newest.slice(0, 2));
  const l = links(res.headers.get('link'));
  assert.match(res.headers.get('link'), /; rel="next", <.*>; rel="prev"$/, 'quoted rel values');
  assert.equal(new URL(l.next).searchParams.get('max_id'), newest[1]);
  assert.equal(new URL(l.next).searchParams.get('limit'), '2');
  assert.equal(new URL(l.prev).searchParams.get('min_id'), newest[0]);

  res = await call('GET', `/api/v1/timelines/home?limit=2&max_id=${newest[1]}`, { token: reader.token });
  assert.deepEqual(res.body.map((s) => s.id), newest.slice(2, 4));
  res = await call('GET', `/api/v1/timelines/home?since_id=${ids[0]}&limit=2`, { token: reader.token });
  assert.deepEqual(res.body.map((s) => s.id), newest.slice(0, 2), 'since_id: the newest page');
  res = await call('GET', `/api/v1/timelines/home?min_id=${ids[0]}&limit=2`, { token: reader.token });
  assert.deepEqual(res.body.map((s) => s.id), [ids[2], ids[1]], 'min_id: the page just above the cursor');
  res = await call('GET', `/api/v1/timelines/home?min_id=${newest[0]}`, { token: reader.token });
  assert.deepEqual(res.body, []);
  const empty = links(res.headers.get('link'));
  assert.equal(empty.next, undefined, 'an empty page has no next');
  assert.equal(new URL(empty.prev).searchParams.get('min_id'), newest[0], 'but says where to look for newer posts');
  assert.equal((await call('GET', '/api/v1/timelines/home')).status, 401);
  assert.equal((await call('GET', '/api/v1/timelines/home?max_id=abc', { token: reader.token })).status, 400);
});

test('public and tag timelines carry their filters into the Link header', async () => {
  const user = await apiUser('pub');
  const tag = `tag${Date.now()}`;
  const a = await postImage(user.token, `#${tag} one`);
  const b = await postImage(user.token, `#${tag} two`);
  let res = await call('GET', '/api/v1/timelines/public?local=true&only_media=true&limit=1');
  assert.equal(res.status, 200);
  assert.equal(res.body.length, 1);
  const next = new URL(links(res.headers.get('link')).next);
  assert.equal(next.searchParams.get('local'), 'true');
  assert.equal(next.searchParams.get('only_media'), 'true');
  assert.doesNotMatch(res.headers.get('link').split(', ')[0], /,/, 'no raw commas inside a URL');
  assert.deepEqual((await call('GET', '/api/v1/timelines/public?remote=true')).body, []);
  res = await call('GET', `/api/v1/timelines/tag/${tag}?limit=1`);
  assert.deepEqual(res.body.map((s) => s.id), [b.id]);
  const more = new URL(links(res.headers.get('link')).next);
  res = await call('GET', more.pathname + more.search);
  assert.deepEqual(res.body.map((s) => s.id), [a.id]);
  assert.deepEqual((await call('GET', '/api/v1/timelines/tag/no%20such%20tag')).body, []);
  res = await call('GET', `/api/v1/accounts/${user.id}/statuses`);
  assert.deepEqual(res.body.map((s) => s.id), [b.id, a.id]);
  assert.deepEqual((await call('GET', `/api/v1/accounts/${user.id}/statuses?pinned=true`)).body, []);
});

test('trending tags answer Tag entities', async () => {
  const res = await call('GET', '/api/v1/trends/tags');
  assert.equal(res.status, 200);
  assert.ok(Array.isArray(res.body));
  for (const t of res.body) {
    assert.equal(typeof t.name, 'string');
    assert.ok(Array.isArray(t.history));
  }
});

// ---- Notifications ----

test('notifications: types filters, one by id, unread count, dismiss and clear', async () => {
  const me = await apiUser('nt');
  const fan = await apiUser('nt');
  const s = await postImage(me.token, 'notify me');
  await call('POST', `/api/v1/accounts/${me.id}/follow`, { token: fan.token });
  await call('POST', `/api/v1/statuses/${s.id}/favourite`, { token: fan.token });
  assert.ok(await waitFor(async () => (await call('GET', '/api/v1/notifications', { token: me.token })).body.length === 2, 5000, 100));
  let res = await call('GET', '/api/v1/notifications?types[]=follow', { token: me.token });
  assert.deepEqual(res.body.map((n) => n.type), ['follow']);
  assert.equal(res.body[0].status, undefined, 'a follow has no status');
  assert.match(res.body[0].group_key, /^ungrouped-/);
  res = await call('GET', '/api/v1/notifications?exclude_types[]=follow', { token: me.token });
  assert.deepEqual(res.body.map((n) => n.type), ['favourite']);
  assert.match(new URL(links(res.headers.get('link')).next).search, /exclude_types%5B%5D=follow/, 'array filters are carried');
  const id = res.body[0].id;
  assert.equal((await call('GET', `/api/v1/notifications/${id}`, { token: me.token })).body.type, 'favourite');
  assert.equal((await call('GET', `/api/v1/notifications/${id}`, { token: fan.token })).status, 404, "someone else's notification");
  res = await call('GET', '/api/v1/notifications/unread_count', { token: me.token });
  assert.equal(typeof res.body.count, 'number');
  assert.equal((await call('POST', `/api/v1/notifications/${id}/dismiss`, { token: me.token })).status, 200);
  assert.equal((await call('GET', `/api/v1/notifications/${id}`, { token: me.token })).status, 404);
  assert.equal((await call('POST', `/api/v1/notifications/${id}/dismiss`, { token: me.token })).status, 404);
  assert.deepEqual((await call('POST', '/api/v1/notifications/clear', { token: me.token })).body, {});
  assert.deepEqual((await call('GET', '/api/v1/notifications', { token: me.token })).body, []);
  const readOnly = await tokenFor(me, 'read');
  assert.equal((await call('POST', '/api/v1/notifications/clear', { token: readOnly })).status, 403);
  assert.equal((await call('GET', '/api/v1/notifications')).status, 401);
});

// ---- Transport ----

test('rate limits: headers on every API answer, 429 JSON past 300 requests in 5 minutes per token', async () => {
  const user = await apiUser('rl');
  let res = await call('GET', '/api/v1/custom_emojis', { token: user.token });
  assert.equal(res.headers.get('x-ratelimit-limit'), '300');
  const remaining = Number(res.headers.get('x-ratelimit-remaining'));
  assert.ok(remaining > 250 && remaining < 300);
  assert.match(res.headers.get('x-ratelimit-reset'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  assert.ok(Number((await call('GET', '/api/v1/instance')).headers.get('x-ratelimit-limit')) > 300, 'anonymous requests count per address');
  for (let i = 0; i < remaining; i++) {
    res = await call('GET', '/api/v1/custom_emojis', { token: user.token });
    assert.equal(res.status, 200);
  }
  assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
  res = await call('GET', '/api/v1/custom_emojis', { token: user.token });
  assert.equal(res.status, 429);
  assert.ok(isJsonError(res));
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
});

test('errors under /api are JSON whatever fails: body too large, bad JSON, unsupported type', async () => {
  const user = await apiUser('errs');
  let res = await call('POST', '/api/v1/statuses', { token: user.token, body: '{"status": ', headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 400);
  assert.ok(isJsonError(res));
  res = await call('POST', '/api/v1/statuses', { token: user.token, body: 'x', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(res.status, 415);
  assert.ok(isJsonError(res));
  res = await call('POST', '/api/v1/statuses', { token: user.token, body: 'a'.repeat(2 * 1024 * 1024), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 413);
  assert.ok(isJsonError(res));
});

// ---- BeauBelle extensions ----

test('the deck: ranked cards as Statuses, swipes that like, super-like or pass', async () => {
  const author = await apiUser('dk');
  const swiper = await apiUser('dk');
  const a = await postImage(author.token, 'card one');
  const b = await postImage(author.token, 'card two');
  let res = await call('GET', '/api/v1/beaubelle/deck?limit=6', { token: swiper.token });
  assert.equal(res.status, 200);
  assert.ok(res.body.cards.length > 0 && res.body.cards.length <= 6);
  for (const card of res.body.cards) {
    assert.notEqual(card.account.id, swiper.id, 'never one\'s own posts');
    assert.equal(card.media_attachments.length, 1);
  }
  assert.equal(typeof res.body.super_likes_remaining, 'number');
  res = await call('POST', '/api/v1/beaubelle/deck/swipe', { token: swiper.token, json: { status_id: a.id, action: 'superlike' } });
  assert.equal(res.status, 200);
  assert.equal(res.body.recorded, true);
  res = await call('POST', '/api/v1/beaubelle/deck/swipe', { token: swiper.token, form: { status_id: b.id, action: 'pass' } });
  assert.equal(res.body.recorded, true);
  res = await call('GET', '/api/v1/beaubelle/deck', { token: swiper.token });
  assert.ok(!res.body.cards.some((s) => s.id === a.id || s.id === b.id), 'swiped cards do not come back');
  assert.equal((await call('GET', `/api/v1/statuses/${a.id}`, { token: swiper.token })).body.beaubelle.super_liked, true);
  res = await call('POST', '/api/v1/beaubelle/deck/swipe', { token: swiper.token, json: { status_id: a.id, action: 'maybe' } });
  assert.equal(res.status, 422);
  assert.ok(isJsonError(res));
  res = await call('POST', '/api/v1/beaubelle/deck/swipe', { token: author.token, json: { status_id: a.id, action: 'like' } });
  assert.equal(res.status, 422, 'not one\'s own post');
  assert.ok(isJsonError(res));
  assert.equal((await call('POST', '/api/v1/beaubelle/deck/swipe', { token: swiper.token, json: { status_id: '999999999', action: 'like' } })).status, 404);
  const readOnly = await tokenFor(swiper, 'read');
  assert.equal((await call('POST', '/api/v1/beaubelle/deck/swipe', { token: readOnly, json: { status_id: b.id, action: 'like' } })).status, 403);

  // The collection: the owner's own, others only when shared.
  res = await call('GET', `/api/v1/beaubelle/accounts/${swiper.id}/collection`, { token: swiper.token });
  assert.deepEqual(res.body.map((s) => s.id), [a.id]);
  assert.equal(res.body[0].beaubelle.collected_as_super_like, true);
  assert.ok(res.headers.get('link'));
  assert.equal((await call('GET', `/api/v1/beaubelle/accounts/${swiper.id}/collection`)).status, 404, 'private by default');
  const page = await swiper.client.get('/settings');
  const csrf = page.body_text.match(/name="csrf_token" value="([^"]+)"/)[1];
  await swiper.client.request('/settings', {
    method: 'POST', body: new URLSearchParams({ csrf_token: csrf, display_name: '', bio: '', language: '', collection_public: '1' }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  res = await call('GET', `/api/v1/beaubelle/accounts/${swiper.id}/collection`);
  assert.equal(res.status, 200, 'shared');
  assert.deepEqual(res.body.map((s) => s.id), [a.id]);
});

test('an upload never posted is deleted after a day, by the uploader\'s next upload', async () => {
  const user = await apiUser('gc');
  const stale = (await uploadMedia(user.token)).body;
  const fresh = (await uploadMedia(user.token)).body;
  sql(`UPDATE media SET created_at = NOW(3) - INTERVAL 2 DAY WHERE id = ${stale.id}`);
  assert.equal((await uploadMedia(user.token)).status, 200);
  assert.equal((await call('GET', `/api/v1/media/${stale.id}`, { token: user.token })).status, 404);
  assert.equal(sql(`SELECT COUNT(*) FROM media WHERE id = ${stale.id}`), '0');
  assert.equal((await call('GET', `/api/v1/media/${fresh.id}`, { token: user.token })).status, 200, 'a recent one stays');
});
