// The bell updates live: another person's like shows on the badge
// without reloading, and opening the notifications clears it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { base, viewports, launch, screenshot } = require('./lib/browser');
const { signup } = require('../http/lib/client');
const { act } = require('../http/lib/posting');

const fixtures = path.resolve(__dirname, '../data/images');
let browser;
test.before(async () => { browser = await launch(); });
test.after(async () => { await browser?.close(); });

test('the badge appears within 2 s of a like, live, and clears on the notifications page', async () => {
  const context = await browser.newContext({ ...viewports.phone, locale: 'en-US' });
  const page = await context.newPage();
  const username = `bell${Date.now() % 1000000}`;
  await page.goto(`${base}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'copper-lantern-river-8');
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signup"] button[type="submit"]')]);
  await page.goto(`${base}/new`);
  await page.setInputFiles('#image', path.join(fixtures, 'still.png'));
  await Promise.all([page.waitForURL(/\/p\/\d+$/), page.click('form.compose button[type="submit"]')]);
  const postPath = new URL(page.url()).pathname;
  await page.goto(`${base}/settings`);
  const badge = page.locator('.tabs [data-unread]');
  assert.equal(await badge.isHidden(), true, 'no badge at zero');
  // Give the EventSource a moment to connect before the event happens.
  await page.waitForTimeout(500);

  const fan = await signup('bellfan');
  const t0 = Date.now();
  await act(fan.client, `${postPath}/like`);
  await badge.waitFor({ state: 'visible', timeout: 2000 });
  assert.equal(await badge.innerText(), '1');
  assert.ok(Date.now() - t0 < 2000, `live within 2 s (${Date.now() - t0} ms)`);
  assert.equal(new URL(page.url()).pathname, '/settings', 'without reloading');
  await screenshot(page, 'bell-badge-phone');

  await page.click('.tabs a[href="/notifications"]');
  await page.waitForURL(`${base}/notifications`);
  assert.match(await page.locator('.notification').first().innerText(), /liked your post/);
  assert.equal(await page.locator('.tabs [data-unread]').isHidden(), true, 'the badge is cleared');
  await screenshot(page, 'notifications-phone');
  await context.close();
});
