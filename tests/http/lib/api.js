// The Mastodon client API as tests use it: register an app, log a
// person in through the consent page (as a browser would, with the
// cookie session and the form's CSRF token), exchange the code for a
// token, and call the API with it.
'use strict';
const crypto = require('node:crypto');
const { base } = require('./stack');
const { signup } = require('./client');
const { multipart, fixture } = require('./images');

const OOB = 'urn:ietf:wg:oauth:2.0:oob';
const ALL_SCOPES = 'read write follow push';

const unescapeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// A JSON answer: { status, headers, body (parsed, or null), text }.
// origin: the site (the stack under test unless given).
async function call(method, path, { token, json, form, body, headers = {}, origin = base } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (form !== undefined) {
    h['Content-Type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  }
  const res = await fetch(origin + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON: tests look at text */ }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

async function registerApp({ scopes = ALL_SCOPES, redirect = OOB, name = 'Test client', website, origin } = {}) {
  const res = await call('POST', '/api/v1/apps', {
    origin,
    json: { client_name: name, redirect_uris: redirect, scopes, ...(website ? { website } : {}) },
  });
  if (res.status !== 200) throw new Error(`app registration failed: ${res.status} ${res.text}`);
  return res.body;
}

// A PKCE verifier and its S256 challenge.
function pkce() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

// Open the consent page as the logged-in browser `client`; returns the
// response and the form's hidden fields.
async function consentPage(client, app, { scope = ALL_SCOPES, redirect = app.redirect_uris[0], challenge, state } = {}) {
  const q = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: redirect, scope });
  if (challenge) { q.set('code_challenge', challenge); q.set('code_challenge_method', 'S256'); }
  if (state) q.set('state', state);
  const page = await client.get(`/oauth/authorize?${q}`);
  const fields = {};
  for (const m of page.body_text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]] = unescapeHtml(m[2]);
  }
  return { page, fields };
}

// Approve (or deny) on the consent page; returns { res, code }.
async function authorize(client, app, opts = {}) {
  const { page, fields } = await consentPage(client, app, opts);
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${page.body_text.slice(0, 200)}`);
  const res = await client.request('/oauth/authorize', {
    method: 'POST',
    body: new URLSearchParams({ ...fields, decision: opts.deny ? 'deny' : 'approve' }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  let code = null;
  if (res.status === 302) code = new URL(res.headers.get('location')).searchParams.get('code');
  else { const m = res.body_text.match(/id="oauth-code">([^<]+)</); code = m ? m[1] : null; }
  return { res, code };
}

async function exchange(app, code, { verifier, redirect = app.redirect_uris[0], origin } = {}) {
  return call('POST', '/oauth/token', {
    origin,
    json: {
      grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret,
      redirect_uri: redirect, ...(verifier ? { code_verifier: verifier } : {}),
    },
  });
}

// A new account with a user token of scopes: { ...signup, app, token, id }.
async function apiUser(prefix = 'api', { scopes = ALL_SCOPES } = {}) {
  const account = await signup(prefix);
  const app = await registerApp({ scopes: ALL_SCOPES });
  const { verifier, challenge } = pkce();
  const { code } = await authorize(account.client, app, { scope: scopes, challenge });
  const res = await exchange(app, code, { verifier });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${res.text}`);
  const me = await call('GET', '/api/v1/accounts/verify_credentials', { token: res.body.access_token });
  return { ...account, app, token: res.body.access_token, id: me.body ? me.body.id : null };
}

// Upload an image through POST /api/v2/media; returns the answer.
async function uploadMedia(token, { data = fixture('still.png'), description, path = '/api/v2/media', type = 'image/png' } = {}) {
  const { body, contentType } = multipart(description !== undefined ? { description } : {},
    [{ name: 'file', filename: 'image.png', type, data }]);
  return call('POST', path, { token, body, headers: { 'Content-Type': contentType } });
}

// Upload and post an image; returns the Status.
async function postImage(token, status = '', opts = {}) {
  const media = await uploadMedia(token, opts);
  if (media.status !== 200) throw new Error(`upload failed: ${media.status} ${media.text}`);
  const res = await call('POST', '/api/v1/statuses', { token, json: { status, media_ids: [media.body.id] } });
  if (res.status !== 200) throw new Error(`post failed: ${res.status} ${res.text}`);
  return res.body;
}

// The links of a Link header by rel, as masto.js reads them.
function links(header) {
  const out = {};
  for (const part of (header || '').split(',')) {
    const m = part.match(/<([^>]+)>;\s*rel="([^"]+)"/);
    if (m) out[m[2]] = m[1];
  }
  return out;
}

module.exports = {
  OOB, ALL_SCOPES, call, registerApp, pkce, consentPage, authorize, exchange, apiUser, uploadMedia, postImage, links,
};
