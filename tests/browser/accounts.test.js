// A person signs up, logs out, logs in, edits the profile and sees it,
// on a phone and on a desktop.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { base, viewports, launch, screenshot, scrollsSideways } = require('./lib/browser');

let browser;
test.before(async () => { browser = await launch(); });
test.after(async () => { await browser?.close(); });

for (const [device, options] of Object.entries(viewports)) {
  test(`sign up, log out, log in and edit the profile on a ${device}`, async () => {
    const context = await browser.newContext({ ...options, locale: 'en-US' });
    const page = await context.newPage();
    const username = `br_${device}_${Date.now() % 1000000}`;
    const password = 'violet-evening-harbor-31';

    await page.goto(`${base}/signup`);
    assert.equal(await scrollsSideways(page), false);
    await page.fill('#username', username);
    await page.fill('#email', `${username}@example.org`);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signup"] button[type="submit"]')]);
    assert.ok(await page.locator('form[action="/logout"]').count() > 0, 'logged in after sign-up');

    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/logout"] button')]);
    assert.equal(await page.locator('form[action="/logout"]').count(), 0, 'logged out');

    await page.goto(`${base}/login`);
    await page.fill('#login', username);
    await page.fill('#password', password);
    await page.check('#remember');
    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/login"] button[type="submit"]')]);
    const cookies = await context.cookies();
    assert.ok(cookies.find((c) => c.name === 'sid' && c.httpOnly && c.expires > Date.now() / 1000),
      'a remembered, HttpOnly session cookie');

    await page.goto(`${base}/settings`);
    await page.fill('#display_name', `Portraits by ${device}`);
    await page.fill('#bio', 'Soft light, film grain, and a little mystery.');
    await Promise.all([page.waitForURL(/\/settings\?done=profile/), page.click('form[action="/settings"] button[type="submit"]')]);
    assert.match(await page.locator('.flash').innerText(), /saved/);
    await screenshot(page, `settings-${device}`);

    await page.goto(`${base}/@${username}`);
    assert.equal(await page.locator('h1').innerText(), `Portraits by ${device}`);
    assert.match(await page.locator('.bio').innerText(), /film grain/);
    assert.equal(await scrollsSideways(page), false, 'the profile fits the screen');
    await screenshot(page, `profile-${device}`);
    await context.close();
  });
}

test('a wrong password shows the error next to the form, in Japanese too', async () => {
  const context = await browser.newContext({ ...viewports.phone, locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#login', 'nobody_by_that_name');
  await page.fill('#password', 'whatever-it-is-1');
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForSelector('#login-error');
  assert.match(await page.locator('#login-error').innerText(), /正しくありません/);
  await screenshot(page, 'login-error-phone-ja');
  await context.close();
});
