// Every user-facing string has a Japanese and an English translation.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { root } = require('./lib/stack');

test('both catalogs translate every string the templates and the code use', () => {
  let out;
  try {
    out = execFileSync('node', [path.join(root, 'scripts/i18n-check'), '--quiet'], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`scripts/i18n-check failed:\n${e.stdout}`);
  }
  assert.match(out, /0 error/);
});
