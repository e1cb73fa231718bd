// Load with writes that carry Idempotency-Keys, as a careful client does:
// each writer posts through the compose form again and again; a post that
// gets no answer, or a 502/503/504, is sent again with the same key (with
// backoff) until the site acknowledges it with its id. Every answer is
// counted, so a check can tell a 503 (fine during an outage) from a 500
// (never fine), and the acknowledged posts can be compared with MariaDB.
'use strict';
const http = require('node:http');
const { Client } = require('../../http/lib/client');
const { multipart, fixture } = require('../../http/lib/images');
const { registerApp, pkce, authorize, exchange } = require('../../http/lib/api');
const { sleep } = require('./stack');

const RETRYABLE = new Set([502, 503, 504]);
const PASSWORD = 'gentle-meadow-lantern-42';

// Answers by status; each also kept as [time (ms since the epoch), status,
// duration ms] (transport errors as status 0) so a check can look at a
// time window or at percentiles.
class Tally {
  constructor() { this.statuses = {}; this.errors = 0; this.maxMs = 0; this.times = []; }
  add(status, ms = 0) {
    this.statuses[status] = (this.statuses[status] || 0) + 1;
    this.maxMs = Math.max(this.maxMs, ms);
    this.times.push([Date.now(), status, ms]);
  }
  error() { this.errors++; this.times.push([Date.now(), 0, 0]); }
  count(pred) { return Object.entries(this.statuses).filter(([s]) => pred(Number(s))).reduce((a, [, n]) => a + n, 0); }
  // Answers other than 2xx/3xx, plus requests that got no answer at all.
  failed() { return this.count((s) => s < 200 || s >= 400) + this.errors; }
  // The p-th percentile (0-100) of the answered requests' durations, in ms.
  percentile(p) {
    const sorted = this.times.filter(([, s]) => s !== 0).map(([, , ms]) => ms).sort((a, b) => a - b);
    if (!sorted.length) return 0;
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }
}

async function account(stack, name) {
  const client = new Client({ 'Accept-Language': 'en' }, stack.url);
  const res = await client.submit('/signup', '/signup', { username: name, email: `${name}@example.org`, password: PASSWORD });
  if (res.status !== 303) throw new Error(`signup ${name}: ${res.status}`);
  return { client, name, id: Number(stack.sql(`SELECT id FROM users WHERE username = '${name}'`)) };
}

// A bearer token for w's account, as a Mastodon client gets one: an app
// registered, the consent page approved in w's browser session, the code
// exchanged (with PKCE).
async function bearer(stack, w) {
  const origin = stack.url;
  const app = await registerApp({ origin });
  const { verifier, challenge } = pkce();
  const { code } = await authorize(w.client, app, { challenge });
  const res = await exchange(app, code, { verifier, origin });
  if (res.status !== 200) throw new Error(`token exchange: ${res.status} ${res.text}`);
  return res.body.access_token;
}

// Sign the writer in again (after Redis lost the sessions).
async function relogin(w) {
  const res = await w.client.submit('/login', '/login', { login: w.name, password: PASSWORD });
  if (res.status !== 303) throw new Error(`login ${w.name}: ${res.status}`);
}

// The compose form's CSRF token and the Idempotency-Key it carries.
function composeFields(form) {
  return {
    token: form.body_text.match(/name="csrf_token" value="([^"]+)"/)[1],
    key: form.body_text.match(/name="idempotency_key" value="([^"]+)"/)[1],
  };
}

// One submission of the compose form (the caller retries it with the
// same key); data: the image (still.png unless given); signal: to give up.
function submitPost(w, { token, key }, { data = fixture('still.png'), caption = `load ${key}`, signal } = {}) {
  const { body, contentType } = multipart({ csrf_token: token, idempotency_key: key, caption, alt: '' },
    [{ name: 'image', filename: 'image.png', type: 'image/png', data }]);
  return w.client.request('/new', { method: 'POST', body, headers: { 'Content-Type': contentType }, signal });
}

// The post id of a 303 to its page.
const postIdOf = (res) => Number(new URL(res.headers.get('location')).pathname.split('/')[2]);

// The compose form { form, token, key }: its CSRF token and a fresh
// Idempotency-Key (both missing when the form did not answer 200).
async function composeForm(w) {
  const form = await w.client.get('/new');
  if (form.status !== 200) return { form };
  return { form, ...composeFields(form) };
}

// One post with its key, retried until acknowledged or the deadline; a
// submission unanswered after timeoutMs (if given) is abandoned and sent again.
async function postOnce(w, tally, deadline, timeoutMs = 0) {
  let fields;
  for (;;) {
    try {
      const t0 = Date.now();
      const f = await composeForm(w);
      tally.add(f.form.status, Date.now() - t0);
      if (f.token) { fields = f; break; }
      // Sent to the login page: the session is gone (Redis lost it).
      if (f.form.status === 303 && /\/login/.test(f.form.headers.get('location') || '')) return { loggedOut: true, user: w.name };
    } catch { tally.error(); }
    if (Date.now() > deadline) return null;
    await sleep(200);
  }
  const { key } = fields;
  for (let attempt = 0; ; attempt++) {
    let res = null;
    try {
      const t0 = Date.now();
      res = await submitPost(w, fields, { signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined });
      tally.add(res.status, Date.now() - t0);
    } catch { tally.error(); }
    if (res && res.status === 303) return { key, id: postIdOf(res), user: w.name };
    if (res && !RETRYABLE.has(res.status)) return { key, failed: res.status, user: w.name };
    if (Date.now() > deadline) return { key, unacknowledged: true, user: w.name };
    await sleep(Math.min(2000, 100 * 2 ** attempt));
  }
}

// Writers post until stop() is called; readers load the home page.
// write: false leaves only the readers; postTimeoutMs: how long a writer
// waits for an answer before it sends the post again with its key (0: as
// long as it takes).
function startLoad(url, writers, { readers = 2, giveUpMs = 30000, write = true, postTimeoutMs = 0 } = {}) {
  const tally = new Tally();
  const acked = [];
  const lost = [];
  let running = true;
  const loops = (write ? writers : []).map(async (w) => {
    while (running) {
      const r = await postOnce(w, tally, Date.now() + giveUpMs, postTimeoutMs);
      if (r && r.loggedOut) break;
      if (r && r.id) acked.push(r);
      else if (r) lost.push(r);
    }
  });
  const reads = new Tally();
  for (let i = 0; i < readers; i++) {
    const w = writers[i % writers.length];
    loops.push((async () => {
      while (running) {
        const t0 = Date.now();
        try { reads.add((await w.client.get('/')).status, Date.now() - t0); } catch { reads.error(); }
        await sleep(20);
      }
    })());
  }
  return {
    tally, reads, acked, lost,
    async stop() { running = false; await Promise.all(loops); },
  };
}

// A new post with an image, its body sent at an even pace over about
// durationMs (a phone on a slow uplink): nginx buffers it, so no worker
// is involved until the last byte (onSent is called then). key: retry
// an earlier post with its Idempotency-Key. Resolves to
// { status, key, id, ms }.
async function slowUpload(w, data, durationMs, { key, onSent } = {}) {
  const f = await composeForm(w);
  if (!f.token) return { status: f.form.status, key: null };
  const useKey = key || f.key;
  const { body, contentType } = multipart({ csrf_token: f.token, idempotency_key: useKey, caption: `slow ${useKey}`, alt: '' },
    [{ name: 'image', filename: 'large.png', type: 'image/png', data }]);
  const u = new URL('/new', w.client.origin);
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false,
      headers: {
        ...w.client.headers, Cookie: w.client.cookieHeader(),
        'Content-Type': contentType, 'Content-Length': body.length,
      },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        const loc = res.headers.location || '';
        const id = res.statusCode === 303 ? Number(new URL(loc, u).pathname.split('/')[2]) || null : null;
        resolve({ status: res.statusCode, key: useKey, id, ms: Date.now() - started });
      });
    });
    req.on('error', (e) => resolve({ status: 0, error: e.message, key: useKey, ms: Date.now() - started }));
    const steps = Math.max(1, Math.floor(durationMs / 100));
    const chunk = Math.ceil(body.length / steps);
    let off = 0;
    const tick = () => {
      if (off >= body.length) { req.end(); if (onSent) onSent(); return; }
      req.write(body.subarray(off, off + chunk));
      off += chunk;
      setTimeout(tick, 100);
    };
    tick();
  });
}

module.exports = {
  account, bearer, relogin, composeFields, composeForm, submitPost, postIdOf, postOnce, startLoad, slowUpload,
  Tally, PASSWORD,
};
