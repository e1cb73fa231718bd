// docs/openapi.yaml: it lints clean with Redocly's recommended rules, and
// it describes exactly the API the route table serves.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./lib/stack');

const spec = path.join(root, 'docs/openapi.yaml');

test('docs/openapi.yaml lints clean (no error, no warning)', () => {
  let out;
  try {
    out = execFileSync(path.join(root, 'node_modules/.bin/redocly'), ['lint', spec, '--format=json'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDOCLY_TELEMETRY: 'off' }, timeout: 120000,
    });
  } catch (e) {
    assert.fail(`redocly lint failed:\n${e.stdout}\n${e.stderr}`);
  }
  const report = JSON.parse(out.slice(out.indexOf('{')));
  assert.deepEqual(report.problems, []);
  assert.equal(report.totals.errors, 0);
  assert.equal(report.totals.warnings, 0);
});

// "GET /api/v1/statuses/{id}" for each operation of the document.
function documented() {
  const ops = new Set();
  let current = null;
  let inPaths = false;
  for (const line of fs.readFileSync(spec, 'utf8').split('\n')) {
    if (/^paths:/.test(line)) { inPaths = true; continue; }
    if (inPaths && /^\S/.test(line)) break;
    let m = line.match(/^ {2}(\/\S*):$/);
    if (m) { current = m[1]; continue; }
    m = line.match(/^ {4}(get|post|put|patch|delete):$/);
    if (m && current) ops.add(`${m[1].toUpperCase()} ${current}`);
  }
  return ops;
}

// The API's routes in app/web/routes.c: API(...) entries and the
// consent page, with :param written {param}.
function served() {
  const src = fs.readFileSync(path.join(root, 'app/web/routes.c'), 'utf8');
  const ops = new Set();
  for (const m of src.matchAll(/API\("([A-Z]+)", "([^"]+)"/g)) ops.add(`${m[1]} ${m[2].replace(/:(\w+)/g, '{$1}')}`);
  for (const m of src.matchAll(/\{ "([A-Z]+)", "(\/oauth\/authorize|\/avatars\/missing\.png)"/g)) ops.add(`${m[1]} ${m[2]}`);
  return ops;
}

test('every API route is documented, and every documented operation is served', () => {
  const doc = documented();
  const routes = served();
  assert.ok(routes.size > 60);
  assert.deepEqual([...routes].filter((o) => !doc.has(o)), [], 'served but not documented');
  assert.deepEqual([...doc].filter((o) => !routes.has(o)), [], 'documented but not served');
});
