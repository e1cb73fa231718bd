// Allocation-failure injection (R46), the short form of the security
// scan's: five requests, each sent again with its Nth allocation failing
// (every N of the first 100, then 20 more spread to the last). Each must
// get its normal answer or a 5xx; a worker a library's assertion ends
// must have answered 503 first (server/crash_answer.c).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, base, bin, varDir, sanitized } = require('./lib/stack');

test('every request holds when any one of its allocations fails',
  { skip: sanitized ? 'the binary is built with AddressSanitizer' : false, timeout: 600000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-torture-'));
  try {
    const so = path.join(dir, 'failmalloc.so');
    execFileSync('cc', ['-O1', '-shared', '-fPIC', '-o', so, path.join(root, 'tests/torture/failmalloc.c'), '-ldl']);
    const login = execFileSync('node', [path.join(root, 'scripts/lib/scan-login.js')],
      { env: { ...process.env, BEAUBELLE_TEST_URL: base }, encoding: 'utf8' });
    const scan = Object.fromEntries(login.trim().split('\n').map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i), l.slice(i + 1).replace(/^'|'$/g, '')];
    }));
    let out;
    try {
      out = execFileSync('node', [path.join(root, 'scripts/lib/torture.js')], {
        env: { ...process.env, ...scan, TORTURE_SO: so, TORTURE_FIRST: '100', TORTURE_SPREAD: '20', BEAUBELLE_BIN: bin, BEAUBELLE_VAR: varDir },
        encoding: 'utf8', timeout: 540000,
      });
    } catch (e) {
      out = String(e.stdout || '') + String(e.stderr || '');
    }
    const cases = out.match(/^torture .*: \d+ allocations, .*$/gm) || [];
    assert.equal(cases.length, 5, `five requests tortured:\n${out}`);
    for (const line of cases) assert.doesNotMatch(line, /problems at/, line);
    assert.match(out, /^torture: 0 problems$/m, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
