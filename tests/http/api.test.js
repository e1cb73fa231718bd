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
