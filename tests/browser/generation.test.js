// A person generates a portrait from a prompt on the compose page's
// Generate tab, picks one of the results and posts it; the post carries
// the AI label, and Explore's filter finds it. The stack's [generation]
// points at the OpenAI images stand-in that scripts/test starts
// (tests/generation/openai-images-server.js); the tests steer it through
// its /_control endpoint.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { base, viewports, launch, screenshot, scrollsSideways } = require('./lib/browser');

const varDir = process.env.BEAUBELLE_VAR || path.resolve(__dirname, '../../var');
const portFile = path.join(varDir, 'run/genstub.port');
const standin = process.env.BEAUBELLE_GENERATION_STANDIN ||
  (fs.existsSync(portFile) ? `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}` : null);
const skip = standin ? false : 'no OpenAI images stand-in (scripts/test starts one)';

let browser;
test.before(async () => { if (!skip) browser = await launch(); });
test.after(async () => { await control({}); await browser?.close(); });

// Tell the stand-in how to behave for the next requests.
async function control(settings) {
  if (!standin) return;
  const res = await fetch(`${standin}/_control`, { method: 'POST', body: JSON.stringify(settings) });
  assert.equal(res.status, 200);
}

async function signUp(page, username) {
  await page.goto(`${base}/signup`);
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'silver-orchard-night-5');
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/signup"] button[type="submit"]')]);
}

for (const [device, options] of Object.entries(viewports)) {
  test(`generate a portrait, pick one and post it with its AI label, on a ${device}`, { skip, timeout: 90000 }, async (t) => {
    const context = await browser.newContext({ ...options, locale: 'en-US' });
    const page = await context.newPage();
    const username = `gb_${device}_${Date.now() % 1000000}`;
    await signUp(page, username);
    await control({ delayMs: 1500 });

    await page.click('a[href="/new"]');
    await page.waitForURL(`${base}/new`);
    await Promise.all([page.waitForURL(`${base}/new/generate`), page.click('.compose-tabs a[href="/new/generate"]')]);
    assert.equal(await page.locator('.compose-tabs a[aria-current="page"]').innerText(), 'Generate');
    await page.fill('#prompt', 'Portrait of a woman in a sunlit greenhouse');
    await page.selectOption('#style', 'film');
    await page.selectOption('#n', '4');
    await screenshot(page, `generate-form-${device}`);
    await Promise.all([page.waitForURL(/\/new\/generate\/\d+$/), page.click('#generate-button')]);

    // The progress state, then the results once the page's poll sees them.
    const t0 = Date.now();
    await page.locator('.gen-progress').waitFor({ state: 'visible' });
    assert.match(await page.locator('.gen-progress').innerText(), /Generating your portrait/);
    await screenshot(page, `generate-progress-${device}`);
    await page.locator('.gen-result img').nth(3).waitFor({ timeout: 30000 });
    t.diagnostic(`${device}: prompt to results on screen in ${Date.now() - t0} ms (stand-in delay 1500 ms)`);
    assert.equal(await page.locator('.gen-result').count(), 4);
    for (let i = 0; i < 4; i++)
      assert.ok(await page.locator('.gen-result img').nth(i).evaluate((el) => el.complete && el.naturalWidth > 0), `result ${i + 1} loaded`);
    assert.equal(await scrollsSideways(page), false);
    await screenshot(page, `generate-results-${device}`);

    await page.locator('.gen-result').nth(1).click();
    assert.ok(await page.locator('.gen-result input').nth(1).isChecked());
    await page.fill('#caption', 'Greenhouse light #generated');
    await page.check('#share_prompt');
    await Promise.all([page.waitForURL(/\/p\/\d+$/), page.click('form.gen-pick button[type="submit"]')]);

    const label = page.locator('.post-page .ai-label');
    await label.waitFor();
    assert.equal((await label.innerText()).replace(/\s+/g, ' ').trim(), 'AI-generated · stand-in-diffusion');
    assert.match(await page.locator('.ai-prompt').innerText(), /Portrait of a woman in a sunlit greenhouse/);
    assert.ok(await page.locator('.post-page figure img').evaluate((el) => el.complete && el.naturalWidth > 0));
    await screenshot(page, `generated-post-${device}`);
    const postPath = new URL(page.url()).pathname;

    await page.goto(`${base}/explore`);
    await Promise.all([page.waitForURL(`${base}/explore?ai=only`), page.click('.ai-filter a[href="/explore?ai=only"]')]);
    await page.locator(`.feed a[href="${postPath}"]`).first().waitFor();
    assert.match(await page.locator('.feed .ai-label').first().innerText(), /AI-generated/);
    await Promise.all([page.waitForURL(`${base}/explore?ai=hide`), page.click('.ai-filter a[href="/explore?ai=hide"]')]);
    assert.equal(await page.locator(`.feed a[href="${postPath}"]`).count(), 0);
    await context.close();
  });
}

test('an engine that is down gives a clear message and the prompt back', { skip, timeout: 60000 }, async () => {
  const context = await browser.newContext({ ...viewports.phone, locale: 'en-US' });
  const page = await context.newPage();
  await signUp(page, `gd_${Date.now() % 1000000}`);
  await control({ failNext: { count: 5, status: 503 } });
  await page.goto(`${base}/new/generate`);
  await page.fill('#prompt', 'Portrait while the engine sleeps');
  await Promise.all([page.waitForURL(/\/new\/generate\/\d+$/), page.click('#generate-button')]);
  const error = page.locator('#generate-error');
  await error.waitFor({ timeout: 30000 });
  assert.match(await error.innerText(), /The image generator is not available right now/);
  assert.equal(await page.inputValue('#prompt'), 'Portrait while the engine sleeps');
  assert.equal(await page.locator('.gen-result').count(), 0);
  await screenshot(page, 'generate-engine-down');
  await control({});
  await context.close();
});

test('without JavaScript the progress page refreshes itself until the results are there', { skip, timeout: 60000 }, async () => {
  const context = await browser.newContext({ ...viewports.desktop, locale: 'en-US', javaScriptEnabled: false });
  const page = await context.newPage();
  await signUp(page, `gj_${Date.now() % 1000000}`);
  await control({ delayMs: 2000 });
  await page.goto(`${base}/new/generate`);
  await page.fill('#prompt', 'Portrait without scripts');
  await Promise.all([page.waitForURL(/\/new\/generate\/\d+$/), page.click('#generate-button')]);
  assert.ok(await page.locator('.gen-progress a.btn').isVisible(), 'a Refresh button');
  await page.locator('.gen-result img').first().waitFor({ timeout: 30000 });
  assert.ok(await page.locator('.gen-result input[checked]').count() >= 1, 'one is picked already');
  await control({});
  await context.close();
});
