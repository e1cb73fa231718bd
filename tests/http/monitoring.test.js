// What operators watch: the Prometheus alert rules and the Grafana
// dashboard in dist/ are valid, the alerts fire on the series that should
// raise them (promtool's rule unit tests), and every metric they use is
// one the running pool exports.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { base, root, varDir } = require('./lib/stack');

const promtool = process.env.PROMTOOL || path.join(varDir, '../tools/promtool');
const rules = path.join(root, 'dist/prometheus/beaubelle-alerts.yml');
const dashboard = JSON.parse(fs.readFileSync(path.join(root, 'dist/grafana/beaubelle-dashboard.json'), 'utf8'));

function run(args) {
  try {
    return { status: 0, out: execFileSync(promtool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { status: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

test('the alert rules are valid and fire when they should', () => {
  assert.ok(fs.existsSync(promtool), `promtool at ${promtool}`);
  const check = run(['check', 'rules', rules]);
  assert.equal(check.status, 0, check.out);
  assert.match(check.out, /SUCCESS: 9 rules found/);
  const unit = run(['test', 'rules', path.join(root, 'tests/prometheus/alerts.test.yml')]);
  assert.equal(unit.status, 0, unit.out);
});

test('the dashboard and the alerts use only metrics the pool exports', async () => {
  await fetch(`${base}/healthz`);
  const text = await (await fetch(`${base}/metrics`)).text();
  const exported = new Set();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    exported.add(m[1]);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(m[1] + s);
  }
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
  const alertExprs = [...fs.readFileSync(rules, 'utf8').matchAll(/expr: \|?\s*\n?([\s\S]*?)\n\s+(?:for|labels):/g)].map((m) => m[1]);
  assert.ok(exprs.length >= 7 && alertExprs.length === 9);
  const used = new Set([...exprs, ...alertExprs].flatMap((e) => e.match(/\b(?:http|beaubelle)_[a-z_]+/g) || []));
  assert.ok(used.size >= 6);
  for (const name of used) assert.ok(exported.has(name), `${name} is exported by /metrics`);
  assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, 'panel ids are unique');
});
