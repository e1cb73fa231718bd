// The command line: migrations, rendering, configuration errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, bin, cli, cliResult, sql, waitFor, spawnBeaubelle, freePort } = require('./lib/stack');
const { execFileSync } = require('node:child_process');
const fcgi = require('./lib/fcgi');

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bb-test-'));
}

test('migrate is a no-op when the schema is current', () => {
  const out = cli(['migrate']);
  assert.doesNotMatch(out, /applied/);
  assert.match(out, /schema version \d+/);
  const status = cli(['migrate', '--status']);
  assert.match(status, /current/);
});

test('/readyz answers 503 while a migration is pending, 200 once applied', async () => {
  const dir = tmpdir();
  for (const f of fs.readdirSync(path.join(root, 'sql'))) fs.copyFileSync(path.join(root, 'sql', f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, '9990_pending_check.sql'), 'CREATE TABLE pending_check (id INT PRIMARY KEY);\n');
  const port = await freePort();
  const env = { BEAUBELLE_SERVER_MIGRATIONS_DIR: dir, BEAUBELLE_SERVER_WORKERS: '1' };
  const pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], env);
  const address = { host: '127.0.0.1', port };
  try {
    const res = await waitFor(async () => {
      try { return await fcgi.request(address, { path: '/readyz' }); } catch { return null; }
    }, 10000, 100);
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).migrations, false);
    assert.ok(res.headers['retry-after']);
    const out = cli(['migrate'], { env: { ...process.env, ...env } });
    assert.match(out, /applied 9990_pending_check\.sql/);
    const again = await fcgi.request(address, { path: '/readyz' });
    assert.equal(again.status, 200);
  } finally {
    pool.kill('SIGTERM');
    sql('DROP TABLE IF EXISTS pending_check; DELETE FROM schema_migrations WHERE version = 9990');
  }
});

test('render prints a template filled from JSON, escaping by default', () => {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'card.mustache'), '<p>{{name}}</p>{{> sig}}');
  fs.writeFileSync(path.join(dir, 'sig.mustache'), '<i>{{{raw}}}</i>');
  fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ name: '<Aya & co>', raw: '<b>ok</b>' }));
  const out = execFileSync(bin, ['render', path.join(dir, 'card.mustache'), path.join(dir, 'data.json')], { encoding: 'utf8' });
  assert.equal(out, '<p>&lt;Aya &amp; co&gt;</p><i><b>ok</b></i>');
});

test('render fails clearly on a syntax error', () => {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'bad.mustache'), '{{#open}}never closed');
  fs.writeFileSync(path.join(dir, 'data.json'), '{}');
  let err;
  try { execFileSync(bin, ['render', path.join(dir, 'bad.mustache'), path.join(dir, 'data.json')], { stdio: 'pipe' }); } catch (e) { err = e; }
  assert.ok(err, 'non-zero exit');
  assert.match(String(err.stderr), /bad/);
});

test('a bad configuration stops start-up with a message naming the key', () => {
  const dir = tmpdir();
  const conf = path.join(dir, 'bad.conf');
  fs.writeFileSync(conf, '[server]\nworkers = lots\n');
  let err;
  try { execFileSync(bin, ['serve', '--config', conf], { stdio: 'pipe', timeout: 5000 }); } catch (e) { err = e; }
  assert.ok(err && err.status !== 0);
  assert.match(String(err.stderr), /workers/);
});

test('a missing template stops start-up, not the first request', () => {
  const dir = tmpdir();
  fs.mkdirSync(path.join(dir, 'layouts'));
  fs.writeFileSync(path.join(dir, 'layouts/base.mustache'), '{{$content}}{{/content}}');
  fs.writeFileSync(path.join(dir, 'home.mustache'), '{{<layouts/base}}{{/layouts/base}}{{> missing_partial}}');
  const r = cliResult(['serve', '--listen', '127.0.0.1:1'], {
    env: { ...process.env, BEAUBELLE_SERVER_TEMPLATES_DIR: dir }, timeout: 5000,
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /missing_partial|pages\/error/);
});

test('config prints every key with its documentation', () => {
  const out = execFileSync(bin, ['config'], { encoding: 'utf8' });
  for (const s of ['[server]', '[mysql]', '[redis]', '[media]', '[limits]', '[jobs]', 'base_url =']) assert.ok(out.includes(s), s);
});
