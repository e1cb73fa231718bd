// The binary is built hardened (configure's HARDEN_CFLAGS/LDFLAGS):
// position-independent, relocations read-only and bound at start
// (relro, now), stack protector and _FORTIFY_SOURCE's checked calls.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { bin } = require('./lib/stack');

test('the beaubelle binary is PIE, full RELRO, with stack protector and fortified calls', () => {
  const dyn = execFileSync('readelf', ['-d', '-W', bin], { encoding: 'utf8' });
  assert.match(dyn, /FLAGS_1.*\bNOW\b.*\bPIE\b|FLAGS_1.*\bPIE\b.*\bNOW\b/);
  assert.match(dyn, /\(FLAGS\)\s+BIND_NOW/);
  const headers = execFileSync('readelf', ['-l', '-W', bin], { encoding: 'utf8' });
  assert.match(headers, /GNU_RELRO/);
  const syms = execFileSync('readelf', ['--dyn-syms', '-W', bin], { encoding: 'utf8' });
  assert.match(syms, /__stack_chk_fail/);
  assert.match(syms, /__(snprintf|memcpy|vsnprintf|fprintf|printf|strcpy|read)_chk/);
});
