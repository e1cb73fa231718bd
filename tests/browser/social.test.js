// Follow and like update in place with JavaScript, and work as plain
// forms without it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { base, viewports, launch, screenshot } = require('./lib/browser');

const fixtures = path.resolve(__dirname, '../data/images');
let browser;
test.before(async () => { browser = await launch(); });
test.after(async () => { await browser?.close(); });

async function newUser(options, prefix, { js = true } = {}) {
  const context = await browser.newContext({ ...options, locale: 'en-US', javaScriptEnabled: js });
  const page = await context.newPage();
  const username = `${prefix}${Date.now() % 1000000}`;
  await page.goto(`${base}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'amber-window-coast-12');
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signup"] button[type="submit"]')]);
  return { context, page, username };
}

test('follow, like and super like in place on a phone', async () => {
  const author = await newUser(viewports.desktop, 'sa');
  await author.page.goto(`${base}/new`);
  await author.page.setInputFiles('#image', path.join(fixtures, 'still.png'));
  await Promise.all([author.page.waitForURL(/\/p\/\d+$/), author.page.click('form.compose button[type="submit"]')]);
  const postUrl = author.page.url();

  const fan = await newUser(viewports.phone, 'sf');
  await fan.page.goto(`${base}/@${author.username}`);
  const follow = fan.page.locator('form.follow-form button');
  assert.equal(await follow.getAttribute('aria-pressed'), 'false');
  const url = fan.page.url();
  await follow.click();
  await fan.page.waitForFunction(() => document.querySelector('form.follow-form button').getAttribute('aria-pressed') === 'true');
  assert.equal(fan.page.url(), url, 'no page load');
  assert.equal((await follow.innerText()).trim(), 'Following');

  await fan.page.goto(postUrl);
  const like = fan.page.locator('.post-actions button.like');
  await like.click();
  await fan.page.waitForFunction(() => document.querySelector('.post-actions button.like').classList.contains('on'));
  assert.equal(await fan.page.locator('.post-actions [data-count="likes"]').innerText(), '1');
  await fan.page.locator('.post-actions button.superlike').click();
  await fan.page.waitForFunction(() => document.querySelector('.post-actions button.superlike').classList.contains('on'));
  assert.equal(await fan.page.locator('.post-actions [data-count="superlikes"]').innerText(), '1');
  assert.equal(await fan.page.locator('.post-actions [data-count="likes"]').innerText(), '1', 'still one like');
  await fan.page.locator('.post-actions button.repost').click();
  await fan.page.waitForFunction(() => document.querySelector('.post-actions button.repost').classList.contains('on'));
  assert.equal(await fan.page.locator('.post-actions [data-count="reposts"]').innerText(), '1');
  assert.equal(await fan.page.locator('.post-actions button.repost').getAttribute('formaction'), new URL(postUrl).pathname + '/unrepost');
  await screenshot(fan.page, 'post-liked-phone');
  await fan.page.locator('.post-actions button.like').click();
  await fan.page.waitForFunction(() => !document.querySelector('.post-actions button.like').classList.contains('on'));
  assert.equal(await fan.page.locator('.post-actions [data-count="likes"]').innerText(), '0', 'the like is taken back');
  assert.equal(await fan.page.locator('.post-actions button.superlike').getAttribute('aria-pressed'), 'false', 'with the super like');
  assert.equal(fan.page.url(), postUrl, 'no page load');

  await fan.page.goto(`${base}/`);
  await fan.page.waitForSelector('article.card.post');
  await screenshot(fan.page, 'home-phone');
  await author.context.close();
  await fan.context.close();
});

test('without JavaScript the like button is a form that comes back to the page', async () => {
  const author = await newUser(viewports.desktop, 'na');
  await author.page.goto(`${base}/new`);
  await author.page.setInputFiles('#image', path.join(fixtures, 'still.webp'));
  await Promise.all([author.page.waitForURL(/\/p\/\d+$/), author.page.click('form.compose button[type="submit"]')]);
  const postUrl = author.page.url();
  const fan = await newUser(viewports.desktop, 'nf', { js: false });
  await fan.page.goto(postUrl);
  await Promise.all([fan.page.waitForNavigation(), fan.page.click('.post-actions button.like')]);
  assert.equal(fan.page.url(), postUrl);
  assert.equal(await fan.page.locator('.post-actions button.like').getAttribute('aria-pressed'), 'true');
  await Promise.all([fan.page.waitForNavigation(), fan.page.click('.post-actions button.repost')]);
  assert.equal(fan.page.url(), postUrl);
  assert.equal(await fan.page.locator('.post-actions button.repost').getAttribute('aria-pressed'), 'true', 'the repost button posts to its own action');
  assert.equal(await fan.page.locator('.post-actions button.like').getAttribute('aria-pressed'), 'true', 'the like is kept');
  await author.context.close();
  await fan.context.close();
});
