// Lighthouse (mobile settings, Debian's chromium) on the main pages:
// accessibility and best practices at least 95, performance at least 95
// on Explore, a post page and the deck. Scores are kept in
// $BEAUBELLE_VAR/lighthouse.json.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { base } = require('./lib/browser');
const { signup } = require('../http/lib/client');
const { makePost, act } = require('../http/lib/posting');

const root = path.resolve(__dirname, '../..');
const varDir = process.env.BEAUBELLE_VAR || path.join(root, 'var');
const results = {};

function lighthouse(url, cookie) {
  const out = path.join(varDir, `lh-${Date.now()}.json`);
  const args = [url, '--quiet', '--output=json', `--output-path=${out}`,
    '--only-categories=performance,accessibility,best-practices',
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync'];
  if (cookie) args.push(`--extra-headers=${JSON.stringify({ Cookie: cookie })}`);
  return new Promise((resolve, reject) => {
    execFile(path.join(root, 'node_modules/.bin/lighthouse'), args,
      { env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || '/usr/bin/chromium' }, timeout: 180000 },
      (err) => {
        if (err && !fs.existsSync(out)) return reject(err);
        const report = JSON.parse(fs.readFileSync(out, 'utf8'));
        fs.unlinkSync(out);
        const scores = Object.fromEntries(Object.entries(report.categories).map(([k, c]) => [k, Math.round(c.score * 100)]));
        const failing = Object.entries(report.audits)
          .filter(([, a]) => a.scoreDisplayMode === 'binary' && a.score === 0).map(([k]) => k);
        // A scored audit that Lighthouse itself could not run (a timeout
        // on a busy machine) leaves its category without a score.
        const errored = Object.values(report.categories).filter((c) => c.score === null)
          .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0 && report.audits[r.id].scoreDisplayMode === 'error'))
          .map((r) => `${r.id}: ${report.audits[r.id].errorMessage}`);
        resolve({ scores, failing, errored, finalUrl: report.finalDisplayedUrl || report.finalUrl });
      });
  });
}

let user, postPath;
test.before(async () => {
  user = await signup('lh');
  const id = await makePost(user.client, 'Lighthouse #portrait');
  postPath = `/p/${id}`;
  const fan = await signup('lhfan');
  await act(fan.client, `${postPath}/like`);
});
test.after(() => fs.writeFileSync(path.join(varDir, 'lighthouse.json'), JSON.stringify(results, null, 2)));

for (const [name, page, loggedIn, perf] of [
  ['Explore', '/explore', false, true],
  ['a post page', null, false, true],
  ['the deck', '/deck', true, true],
  ['sign-up', '/signup', false, false],
  ['notifications', '/notifications', true, false],
]) {
  test(`Lighthouse on ${name}`, async () => {
    const url = base + (page || postPath);
    const cookie = loggedIn ? `sid=${user.client.cookies.get('sid')}` : null;
    let run = await lighthouse(url, cookie);
    // A tool failure (NO_NAVSTART on a busy machine), not a score: again, twice at most.
    for (let i = 0; i < 2 && run.errored.length; i++) run = await lighthouse(url, cookie);
    const { scores, failing, errored, finalUrl } = run;
    assert.deepEqual(errored, [], 'every scored audit ran');
    results[name] = scores;
    assert.equal(new URL(finalUrl).pathname, new URL(url).pathname, 'the page itself was measured (no redirect)');
    assert.ok(scores.accessibility >= 95, `accessibility ${scores.accessibility} (${failing.join(', ')})`);
    assert.ok(scores['best-practices'] >= 95, `best practices ${scores['best-practices']} (${failing.join(', ')})`);
    if (perf) assert.ok(scores.performance >= 95, `performance ${scores.performance}`);
  });
}
