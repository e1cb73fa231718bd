// The base layout on a phone and a desktop, in both languages.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { base, viewports, launch, screenshot, scrollsSideways } = require('./lib/browser');

let browser;
test.before(async () => { browser = await launch(); });
test.after(async () => { await browser?.close(); });

for (const [device, options] of Object.entries(viewports)) {
  for (const lang of ['ja', 'en']) {
    test(`the landing page on a ${device} in ${lang}`, async () => {
      const context = await browser.newContext({ ...options, locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
      const page = await context.newPage();
      const res = await page.goto(`${base}/`);
      assert.equal(res.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await scrollsSideways(page), false, 'no sideways scrolling');
      assert.ok(await page.locator('main').isVisible(), 'main content visible');
      // The first Tab reaches the skip link, and every link can be reached.
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
      assert.equal(focused, '#main', 'the skip link comes first');
      await screenshot(page, `landing-${device}-${lang}`);
      await context.close();
    });
  }
}

test('the language switch changes the page language', async () => {
  const context = await browser.newContext({ ...viewports.desktop, locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  await page.click('footer [lang="en"]');
  await page.waitForLoadState();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await context.close();
});
