// The packages BeauBelle runs on are at least the versions in
// dist/versions.txt (each carries the security fixes known when it was
// recorded): an older library on a machine fails here, not in production.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./lib/stack');

test('every package in dist/versions.txt is installed at that version or newer', () => {
  const wanted = fs.readFileSync(path.join(root, 'dist/versions.txt'), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/));
  assert.ok(wanted.length >= 10);
  for (const [pkg, min] of wanted) {
    const have = execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim();
    assert.ok(have, `${pkg} is installed`);
    let ok = true;
    try { execFileSync('dpkg', ['--compare-versions', have, 'ge', min]); } catch { ok = false; }
    assert.ok(ok, `${pkg} ${have} is older than ${min}`);
  }
});
