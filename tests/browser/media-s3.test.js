// With [media] backend = s3, a person posts from the compose page and
// the browser sends the image straight to the bucket through a presigned
// URL (the app only gets its staging key), then sees it on the post page
// loaded from the bucket. The pool runs with its own configuration behind
// a small HTTP front (lib/front.js); the bucket is a local S3-compatible
// server that checks signatures (tests/http/lib/s3.js).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { viewports, launch, screenshot } = require('./lib/browser');
const front = require('./lib/front');
const { varDir, waitFor, spawnBeaubelle, sql, freePort } = require('../http/lib/stack');
const fcgi = require('../http/lib/fcgi');
const s3lib = require('../http/lib/s3');
const { noisePng } = require('../http/lib/images');
const fs = require('node:fs');

const fixtures = path.resolve(__dirname, '../data/images');
const BUCKET = 'bb-browser';
let browser, s3, pool, web;
const address = { host: '127.0.0.1', port: 0 };


test.before(async () => {
  s3 = await s3lib.start([BUCKET], path.join(varDir, `s3-browser-${process.pid}`));
  web = await front.start(address);
  address.port = await freePort();
  pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${address.port}`],
    s3lib.env(s3, BUCKET, { BEAUBELLE_SERVER_WORKERS: '1', BEAUBELLE_SERVER_BASE_URL: web.url }));
  assert.ok(await waitFor(async () => {
    try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; }
  }, 15000, 100), 'the s3 pool answers');
  browser = await launch();
});
test.after(async () => {
  await browser?.close();
  pool?.kill('SIGTERM');
  await web?.close();
  await s3?.close().catch(() => {});
});

test('the compose page uploads straight to the bucket and the post shows the image from it', async () => {
  const context = await browser.newContext({ ...viewports.phone, locale: 'en-US' });
  const page = await context.newPage();
  const puts = [], posts = [], blocked = [];
  page.on('request', (req) => {
    if (req.method() === 'PUT' && req.url().startsWith(s3.url)) puts.push(req.url());
    if (req.method() === 'POST' && req.url() === `${web.url}/new`) posts.push(req.postDataBuffer());
  });
  page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) blocked.push(msg.text()); });

  const username = `s3b_${Date.now() % 1000000}`;
  await page.goto(`${web.url}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'silver-orchard-night-5');
  await Promise.all([page.waitForURL(`${web.url}/`), page.click('form[action="/signup"] button[type="submit"]')]);

  // An image of its own: deleting a post keeps files that other posts use.
  const file = path.join(varDir, `s3-browser-${process.pid}.png`);
  fs.writeFileSync(file, noisePng(300, 400));
  await page.goto(`${web.url}/new`);
  await page.setInputFiles('#image', file);
  await page.waitForSelector('#preview[src^="blob:"]', { state: 'visible' });
  await page.fill('#caption', 'Straight to the bucket');
  await page.fill('#alt', 'A portrait');
  await Promise.all([page.waitForURL(/\/p\/\d+$/), page.click('form.compose button[type="submit"]')]);

  assert.equal(puts.length, 1, 'the browser PUT the file to the bucket');
  assert.match(puts[0], /\/staging\/\d+\/[0-9a-f]{32}\?.*X-Amz-Signature=/);
  assert.equal(posts.length, 1);
  assert.ok(posts[0].length < 4096, `the form sent the staging key, not the image (${posts[0].length} bytes)`);
  assert.match(posts[0].toString(), /name="staged"\r\n\r\nstaging\/\d+\/[0-9a-f]{32}/);

  const img = page.locator('.post-page figure img');
  await img.waitFor();
  assert.ok((await img.getAttribute('src')).startsWith(`${s3.url}/${BUCKET}/`), 'the image comes from the bucket');
  assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'and it loaded');
  assert.deepEqual(blocked, [], 'the CSP let the upload and the image through');
  const id = new URL(page.url()).pathname.split('/')[2];
  const hash = sql(`SELECT m.sha256 FROM posts p JOIN media m ON m.id = p.media_id WHERE p.id = ${id}`);
  assert.equal((await fetch(`${s3.url}/${BUCKET}/${s3lib.mediaKey(hash, 'orig')}`)).status, 200);
  assert.equal((await fetch(puts[0].split('?')[0])).status, 404, 'the staging object is gone');
  await screenshot(page, 'post-s3-phone');

  // Deleting the post removes its images from the bucket.
  await page.click(`a[href="/p/${id}/delete"]`);
  await page.waitForURL(`${web.url}/p/${id}/delete`);
  assert.ok(await page.locator('figure img').evaluate((el) => el.complete && el.naturalWidth > 0), 'the confirmation shows the thumbnail');
  await Promise.all([page.waitForURL(`${web.url}/@${username}`), page.click(`form[action="/p/${id}/delete"] button[type="submit"]`)]);
  for (const v of ['orig', 'feed', 'thumb']) {
    assert.equal((await fetch(`${s3.url}/${BUCKET}/${s3lib.mediaKey(hash, v)}`)).status, 404, `${v} gone from the bucket`);
  }
  fs.rmSync(file, { force: true });
  await context.close();
});

test('without JavaScript the form uploads through the app, into the bucket all the same', async () => {
  const context = await browser.newContext({ ...viewports.desktop, locale: 'en-US', javaScriptEnabled: false });
  const page = await context.newPage();
  const puts = [];
  page.on('request', (req) => { if (req.method() === 'PUT') puts.push(req.url()); });
  const username = `s3n_${Date.now() % 1000000}`;
  await page.goto(`${web.url}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'silver-orchard-night-5');
  await Promise.all([page.waitForURL(`${web.url}/`), page.click('form[action="/signup"] button[type="submit"]')]);
  await page.goto(`${web.url}/new`);
  await page.setInputFiles('#image', path.join(fixtures, 'portrait.jpg'));
  await page.fill('#caption', 'Through the app');
  await Promise.all([page.waitForURL(/\/p\/\d+$/), page.click('form.compose button[type="submit"]')]);
  assert.deepEqual(puts, [], 'no direct upload without JavaScript');
  const img = page.locator('.post-page figure img');
  await img.waitFor();
  assert.ok((await img.getAttribute('src')).startsWith(`${s3.url}/${BUCKET}/`), 'the image comes from the bucket');
  assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'and it loaded');
  await context.close();
});
