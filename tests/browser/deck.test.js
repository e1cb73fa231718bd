// Swiping real cards with a finger on a phone: right likes, left passes,
// up super likes; the liked ones are then in the collection.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { base, viewports, launch, screenshot } = require('./lib/browser');
const { signup } = require('../http/lib/client');
const { makePost } = require('../http/lib/posting');
const { noisePng } = require('../http/lib/images');

let browser;
test.before(async () => { browser = await launch(); });
test.after(async () => { await browser?.close(); });

// A finger drag on the top card through the DevTools protocol: real
// touch events, which the browser turns into the pointer events deck.js reads.
async function drag(page, cdp, dx, dy) {
  const box = await page.locator('.deck-card:not(.gone)').first().boundingBox();
  const x = box.x + box.width / 2, y = box.y + box.height / 3;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  for (let i = 1; i <= 8; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x + (dx * i) / 8, y: y + (dy * i) / 8 }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

test('swipe right, left and up through cards on a phone, then find the likes in the collection', async () => {
  const author = await signup('deckauthor');
  for (let i = 0; i < 3; i++) await makePost(author.client, `card ${i}`, noisePng(60 + i, 80));
  const context = await browser.newContext({ ...viewports.phone, locale: 'en-US' });
  const page = await context.newPage();
  const username = `swiper${Date.now() % 1000000}`;
  await page.goto(`${base}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'meadow-velvet-signal-3');
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signup"] button[type="submit"]')]);
  await page.goto(`${base}/deck`);
  await page.waitForSelector('.deck-card');
  const cdp = await context.newCDPSession(page);
  const done = [];
  for (const [dx, dy, action] of [[260, 0, 'like'], [-260, 0, 'pass'], [0, -320, 'superlike']]) {
    const card = page.locator('.deck-card:not(.gone)').first();
    const id = await card.getAttribute('data-post');
    const swiped = page.waitForResponse((r) => r.url().endsWith('/deck/swipe') && r.status() === 200);
    await drag(page, cdp, dx, dy);
    await swiped;
    await page.waitForFunction((pid) => {
      const c = document.querySelector(`.deck-card[data-post="${pid}"]`);
      return !c || c.classList.contains('gone');
    }, id);
    done.push({ id, action });
  }
  assert.equal(new URL(page.url()).pathname, '/deck', 'no page loads while swiping');
  await screenshot(page, 'deck-phone');
  await page.goto(`${base}/collection`);
  const inCollection = await page.locator('.collection a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const { id, action } of done) {
    const present = inCollection.includes(`/p/${id}`);
    assert.equal(present, action !== 'pass', `${action} of ${id} ${present ? 'is' : 'is not'} in the collection`);
  }
  assert.equal(await page.locator('.collection .super-mark').count(), 1, 'the super like is marked');
  await screenshot(page, 'collection-phone');
  await context.close();
});

test('the deck works with the keyboard on a desktop', async () => {
  const context = await browser.newContext({ ...viewports.desktop, locale: 'en-US' });
  const page = await context.newPage();
  const username = `keys${Date.now() % 1000000}`;
  await page.goto(`${base}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'harbor-quiet-maple-6');
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signup"] button[type="submit"]')]);
  await page.goto(`${base}/deck`);
  await page.waitForSelector('.deck-card');
  const first = await page.locator('.deck-card:not(.gone)').first().getAttribute('data-post');
  const swiped = page.waitForResponse((r) => r.url().endsWith('/deck/swipe'));
  await page.keyboard.press('ArrowLeft');
  await swiped;
  await page.waitForFunction((pid) => document.querySelector(`.deck-card[data-post="${pid}"]`)?.classList.contains('gone') ?? true, first);
  // The card flies off before the answer; the announcement follows it.
  await page.waitForFunction(() => /Passed/.test(document.getElementById('deck-status').textContent), null, { timeout: 5000 })
    .catch(() => {});
  assert.match(await page.locator('#deck-status').innerText(), /Passed/, 'announced to screen readers');
  await screenshot(page, 'deck-desktop');
  await context.close();
});
