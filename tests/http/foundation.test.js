// The request layer through nginx: health, pages, errors, limits, headers.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { base } = require('./lib/stack');

// Anonymous forms carry a token equal to their bb_csrf cookie.
const TOKEN = 'A'.repeat(43);
const withCsrf = (headers) => ({ Cookie: `bb_csrf=${TOKEN}`, ...headers });

const securityHeaders = ['content-security-policy', 'x-content-type-options', 'referrer-policy'];

function assertSecurityHeaders(res) {
  for (const h of securityHeaders) assert.ok(res.headers.get(h), `${h} present`);
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
}

test('GET /healthz answers ok', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok\n');
  assertSecurityHeaders(res);
});

test('GET /readyz reports MariaDB, Redis and the schema as ready', async () => {
  const res = await fetch(`${base}/readyz`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.mysql, true);
  assert.equal(body.redis, true);
  assert.equal(body.migrations, true);
  assert.ok(body.schema_version >= 1);
});

test('GET / renders the landing page from templates, in the chosen language', async () => {
  const ja = await fetch(`${base}/`, { headers: { 'Accept-Language': 'ja-JP,ja;q=0.9' } });
  assert.equal(ja.status, 200);
  assert.match(ja.headers.get('content-type'), /^text\/html; charset=utf-8/);
  const jaHtml = await ja.text();
  assert.match(jaHtml, /<html lang="ja"/);
  assert.match(jaHtml, /<main id="main"/);
  assertSecurityHeaders(ja);

  const en = await fetch(`${base}/`, { headers: { 'Accept-Language': 'en-US,en;q=0.9' } });
  const enHtml = await en.text();
  assert.match(enHtml, /<html lang="en"/);
  assert.notEqual(jaHtml, enHtml, 'the two languages render differently');
});

test('static URLs are versioned and served by nginx with a long cache', async () => {
  const html = await (await fetch(`${base}/`)).text();
  const m = html.match(/href="(\/static\/v[0-9a-f]+\/css\/app\.css)"/);
  assert.ok(m, 'the page links a versioned stylesheet');
  const css = await fetch(`${base}${m[1]}`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type'), /^text\/css/);
  assert.match(css.headers.get('cache-control'), /max-age=31536000, immutable/);
  assert.equal(css.headers.get('x-content-type-options'), 'nosniff');
});

test('an unknown page is a 404 HTML page', async () => {
  const res = await fetch(`${base}/no/such/page`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(await res.text(), /404/);
  assertSecurityHeaders(res);
});

test('an unknown API path is a 404 with a JSON error', async () => {
  const res = await fetch(`${base}/api/v1/nothing-here`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error, 'string');
  assert.ok(body.error.length > 0);
});

test('a wrong method is a 405 that says which methods are allowed', async () => {
  const res = await fetch(`${base}/healthz`, { method: 'DELETE' });
  assert.equal(res.status, 405);
  assert.match(res.headers.get('allow'), /GET/);
});

test('HEAD is answered like GET without a body', async () => {
  const res = await fetch(`${base}/healthz`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
});

test('POST /language sets the language cookie and redirects to a local path only', async () => {
  const form = (body) => fetch(`${base}/language`, {
    method: 'POST', redirect: 'manual',
    headers: withCsrf({ 'Content-Type': 'application/x-www-form-urlencoded' }), body: `csrf_token=${TOKEN}&${body}`,
  });
  let res = await form('lang=en&return_to=%2Fexplore');
  assert.equal(res.status, 303);
  assert.match(res.headers.get('set-cookie'), /^lang=en; Path=\/; .*SameSite=Lax/);
  assert.equal(new URL(res.headers.get('location')).pathname, '/explore');

  res = await form('lang=ja&return_to=%2F%2Fevil.example%2F');
  assert.equal(res.status, 303);
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.host, new URL(base).host, 'no open redirect to another host');
  assert.equal(loc.pathname, '/');

  const page = await fetch(`${base}/`, { headers: { Cookie: 'lang=en', 'Accept-Language': 'ja' } });
  assert.match(await page.text(), /<html lang="en"/, 'the cookie wins over Accept-Language');
});

test('bad bodies get a clear 4xx, never a 500', async () => {
  const post = (headers, body) => fetch(`${base}/language`, { method: 'POST', redirect: 'manual', headers: withCsrf(headers), body });
  let res = await post({ 'Content-Type': 'application/x-www-form-urlencoded' }, `csrf_token=${TOKEN}&lang=fr`);
  assert.equal(res.status, 422);
  res = await post({ 'Content-Type': 'application/x-www-form-urlencoded' }, 'lang=en');
  assert.equal(res.status, 403, 'no CSRF token, no change');
  res = await post({ 'Content-Type': 'application/x-www-form-urlencoded' }, 'lang=%zz');
  assert.equal(res.status, 400, 'a broken escape is malformed');
  res = await post({ 'Content-Type': 'application/x-www-form-urlencoded' }, 'lang=%ff%fe');
  assert.equal(res.status, 400, 'invalid UTF-8 is malformed');
  res = await post({ 'Content-Type': 'text/xml' }, '<lang>en</lang>');
  assert.equal(res.status, 415);
  res = await post({ 'Content-Type': 'application/x-www-form-urlencoded' }, `lang=en&x=${'a'.repeat(70 * 1024)}`);
  assert.equal(res.status, 413, 'a form over max_body_bytes is refused');
  res = await post({ 'Content-Type': 'multipart/form-data' }, 'no boundary');
  assert.equal(res.status, 400);
  const big = Buffer.alloc(18 * 1024 * 1024, 0x61);
  res = await post({ 'Content-Type': 'application/octet-stream' }, big);
  assert.equal(res.status, 413, 'nginx refuses bodies over client_max_body_size');
});

test('a header with a huge query string is refused, not crashed on', async () => {
  const res = await fetch(`${base}/?q=${'x'.repeat(9000)}`);
  assert.ok([400, 414].includes(res.status), `got ${res.status}`);
});
