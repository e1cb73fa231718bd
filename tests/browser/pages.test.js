// Every main page at a phone size and a desktop size, in Japanese and in
// English: the page language, no sideways scrolling on the phone, every
// control reachable with the Tab key, no English left on a Japanese page.
// Screenshots go to $BEAUBELLE_VAR/screenshots/.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { base, viewports, launch, screenshot, scrollsSideways } = require('./lib/browser');
const { signup } = require('../http/lib/client');
const { makePost, act } = require('../http/lib/posting');

const root = path.resolve(__dirname, '../..');
// English sentences of the interface (two words or more) that Japanese
// pages must not show.
const english = execFileSync('node', [path.join(root, 'scripts/i18n-check'), '--list'], { encoding: 'utf8' })
  .split('\n').filter((line) => line.startsWith('"')).map((line) => JSON.parse(line))
  .filter((s) => /^[A-Z][a-z]+ [a-z]+/.test(s) && !s.includes('{{') && !s.includes('BeauBelle'));

const generation = Boolean(process.env.BEAUBELLE_GENERATION_STANDIN);
let browser, user, other, postPath;
test.before(async () => {
  browser = await launch();
  user = await signup('walk');
  other = await signup('walko');
  const id = await makePost(other.client, 'A walk in the garden #walk');
  postPath = `/p/${id}`;
  await act(user.client, `/@${other.username}/follow`);
  await act(user.client, `${postPath}/like`);
});
test.after(async () => { await browser?.close(); });

const pages = () => [
  ['explore', '/explore'], ['trends', '/explore/tags'], ['tag', '/tags/walk'], ['post', postPath],
  ['profile', `/@${other.username}`], ['followers', `/@${other.username}/followers`], ['home', '/'],
  ['new', '/new'], ['deck', '/deck'], ['collection', '/collection'], ['notifications', '/notifications'],
  ['settings', '/settings'], ['account', '/settings/account'], ['sessions', '/settings/sessions'],
  ['notify-settings', '/settings/notifications'], ['blocks', '/settings/blocks'], ['delete', '/settings/delete'],
  // The Generate tab, when the stack has an engine (scripts/test gives it a stand-in).
  ...(generation ? [['generate', '/new/generate']] : []),
];

async function tabReachesEverything(page) {
  const wanted = await page.evaluate(() => {
    const els = [...document.querySelectorAll('a[href], button:not([disabled]), input:not([type="hidden"]), select, textarea, summary')]
      .filter((el) => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden')
      // What a closed <details> holds is reached by opening it (its summary is counted).
      .filter((el) => el.matches('summary') || !el.closest('details:not([open])'));
    els.forEach((el, i) => { el.dataset.walk = String(i); });
    return els.length;
  });
  const seen = new Set();
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < Math.min(wanted, 80) + 5 && seen.size < Math.min(wanted, 80); i++) {
    await page.keyboard.press('Tab');
    const idx = await page.evaluate(() => document.activeElement?.dataset.walk ?? null);
    if (idx !== null) seen.add(idx);
  }
  const missed = await page.evaluate((got) => [...document.querySelectorAll('[data-walk]')]
    .filter((el) => !got.includes(el.dataset.walk) && Number(el.dataset.walk) < 80).map((el) => el.outerHTML.slice(0, 80)), [...seen]);
  return { wanted: Math.min(wanted, 80), reached: seen.size, missed };
}

for (const [device, options] of Object.entries(viewports)) {
  for (const lang of ['ja', 'en']) {
    test(`every main page on a ${device} in ${lang}`, async () => {
      const context = await browser.newContext({ ...options, locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
      await context.addCookies([{ name: 'sid', value: user.client.cookies.get('sid'), url: base },
        { name: 'lang', value: lang, url: base }]);
      const page = await context.newPage();
      for (const [name, url] of pages()) {
        const res = await page.goto(base + url);
        assert.equal(res.status(), 200, `${url} answers`);
        assert.equal(await page.getAttribute('html', 'lang'), lang, `${url} is in ${lang}`);
        if (device === 'phone') assert.equal(await scrollsSideways(page), false, `${url} fits the phone`);
        const { wanted, reached, missed } = await tabReachesEverything(page);
        assert.equal(reached, wanted, `${url}: Tab reaches every control (${reached}/${wanted}); missed ${missed.join(' | ')}`);
        if (lang === 'ja') {
          const text = await page.evaluate(() => document.body.innerText);
          const left = english.filter((s) => text.includes(s));
          assert.deepEqual(left, [], `${url}: untranslated text`);
        }
        await screenshot(page, `page-${name}-${device}-${lang}`);
      }
      await context.close();
    });
  }
}
