// /metrics: Prometheus text that promtool accepts, restricted to localhost.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const { base, varDir } = require('./lib/stack');

test('/metrics counts requests by route and status, and lints clean', async () => {
  await fetch(`${base}/healthz`);
  await fetch(`${base}/no-such-page`);
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(text, /http_requests_total\{method="any",route="none",status="404"\} \d+/);
  assert.match(text, /http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+/);
  assert.match(text, /^beaubelle_workers [1-9]/m);
  assert.match(text, /^beaubelle_jobs_queued \d+/m);
  assert.match(text, /^beaubelle_jobs_owed 0$/m, 'no job waits in MariaDB for Redis');
  const promtool = process.env.PROMTOOL || path.join(varDir, '../tools/promtool');
  assert.ok(fs.existsSync(promtool), `promtool at ${promtool}`);
  execFileSync(promtool, ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
});
