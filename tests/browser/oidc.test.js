// Logging in with the identity provider in Chromium: a new person goes
// through the provider's login page, chooses a username and lands on the
// home page; the next login goes straight in; a spoiled id_token ends on a
// page that leads back to the login page.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { base, viewports, launch, screenshot, scrollsSideways } = require('./lib/browser');
const { providerConfig, tamper } = require('../http/lib/oidc');

const provider = providerConfig('local');
const skip = provider ? false : 'no [oidc.local] provider in the stack config (scripts/test starts one)';

let browser;
test.before(async () => { if (!skip) browser = await launch(); });
test.after(async () => { await browser?.close(); });

// The provider's development login page: any login, any password.
async function providerLogin(page, login) {
  await page.waitForURL((u) => u.toString().startsWith(provider.issuer));
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
}

for (const [device, options] of Object.entries(viewports)) {
  test(`a new person logs in with the provider, chooses a username, and logs in again on a ${device}`, { skip }, async () => {
    const context = await browser.newContext({ ...options, locale: 'en-US' });
    const page = await context.newPage();
    const login = `oidc_${device}_${Date.now() % 1000000}`;

    await page.goto(`${base}/login`);
    await page.click('button:has-text("Log in with Local ID")');
    await providerLogin(page, login);
    await page.waitForURL(`${base}/auth/oidc/signup`);
    assert.equal(await page.inputValue('#username'), login, 'prefilled from the provider');
    assert.match(await page.locator('main').innerText(), /Local ID/);
    assert.equal(await scrollsSideways(page), false);
    await screenshot(page, `oidc-signup-${device}`);
    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/auth/oidc/signup"] button[type="submit"]')]);
    assert.ok(await page.locator('form[action="/logout"]').count() > 0, 'logged in on the home page');

    // Log out here (the provider still knows the person): straight back in.
    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/logout"] button')]);
    await page.goto(`${base}/login`);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button:has-text("Log in with Local ID")')]);
    assert.ok(await page.locator('form[action="/logout"]').count() > 0, 'logged in again without the username page');
    await page.goto(`${base}/settings/account`);
    assert.match(await page.locator('[data-provider="local"]').innerText(), /Linked since/);
    await context.close();
  });
}

test('a spoiled id_token ends on a clear page that leads back to logging in', { skip }, async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await tamper(provider.issuer, 'aud');
  await page.click('button:has-text("Log in with Local ID")');
  await providerLogin(page, `spoiled_${Date.now() % 1000000}`);
  await page.waitForURL(/\/auth\/oidc\/callback/);
  assert.match(await page.locator('main').innerText(), /could not be verified/);
  await screenshot(page, 'oidc-refused');
  await Promise.all([page.waitForURL(`${base}/login`), page.click('a:has-text("Back to log in")')]);
  assert.equal(await page.locator('form[action="/logout"]').count(), 0, 'not logged in');
  await context.close();
});
