// A person posts an image with the compose form and finds it on the
// post page and on their profile.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { base, viewports, launch, screenshot, scrollsSideways } = require('./lib/browser');

const fixtures = path.resolve(__dirname, '../data/images');
let browser;
test.before(async () => { browser = await launch(); });
test.after(async () => { await browser?.close(); });

async function signUp(page, username) {
  await page.goto(`${base}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'silver-orchard-night-5');
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signup"] button[type="submit"]')]);
}

for (const [device, options] of Object.entries(viewports)) {
  test(`post an image and see it on the post page and the profile, on a ${device}`, async () => {
    const context = await browser.newContext({ ...options, locale: 'en-US' });
    const page = await context.newPage();
    const username = `pb_${device}_${Date.now() % 1000000}`;
    await signUp(page, username);

    await page.click('a[href="/new"]');
    await page.waitForURL(`${base}/new`);
    await page.setInputFiles('#image', path.join(fixtures, 'portrait.jpg'));
    await page.waitForSelector('#preview[src^="blob:"]', { state: 'visible' });
    assert.ok(await page.locator('.preview').isVisible(), 'the preview shows before upload');
    await page.fill('#caption', 'Golden hour #portrait');
    await page.fill('#alt', 'A woman in warm evening light');
    await screenshot(page, `compose-${device}`);
    await Promise.all([page.waitForURL(/\/p\/\d+$/), page.click('form.compose button[type="submit"]')]);

    const img = page.locator('.post-page figure img');
    await img.waitFor();
    assert.equal(await img.getAttribute('alt'), 'A woman in warm evening light');
    assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the image loaded');
    assert.match(await page.locator('.caption').innerText(), /Golden hour #portrait/);
    assert.equal(await page.locator('.caption a.tag').getAttribute('href'), '/tags/portrait');
    assert.equal(await scrollsSideways(page), false);
    await screenshot(page, `post-${device}`);
    const postPath = new URL(page.url()).pathname;

    await page.goto(`${base}/@${username}`);
    const tile = page.locator(`.grid a[href="${postPath}"] img`);
    await tile.waitFor();
    assert.ok(await tile.evaluate((el) => el.complete && el.naturalWidth > 0), 'the thumbnail loaded');
    await screenshot(page, `profile-grid-${device}`);
    await context.close();
  });
}

test('images show their Blurhash placeholder until they load', async () => {
  const context = await browser.newContext(viewports.phone);
  const page = await context.newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/media/**', async (route) => { await held; await route.continue(); });
  await page.goto(`${base}/explore`, { waitUntil: 'domcontentloaded' });
  const img = page.locator('img[data-blurhash]').first();
  await page.waitForFunction(() => document.querySelector('img[data-blurhash]')?.style.backgroundImage.startsWith('url("data:image/png'));
  assert.ok(await img.getAttribute('width') && await img.getAttribute('height'), 'the image reserves its space');
  release();
  await page.waitForFunction(() => {
    const i = document.querySelector('img[data-blurhash]');
    return i.complete && i.naturalWidth > 0 && i.style.backgroundImage === '';
  });
  await context.close();
});
