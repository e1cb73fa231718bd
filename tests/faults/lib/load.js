// Load with writes that carry Idempotency-Keys, as a careful client does:
// each writer posts through the compose form again and again; a post that
// gets no answer, or a 502/503/504, is sent again with the same key (with
// backoff) until the site acknowledges it with its id. Every answer is
// counted, so a check can tell a 503 (fine during an outage) from a 500
// (never fine), and the acknowledged posts can be compared with MariaDB.
'use strict';
const { Client } = require('../../http/lib/client');
const { multipart, fixture } = require('../../http/lib/images');
const { sleep } = require('./stack');

const RETRYABLE = new Set([502, 503, 504]);
const PASSWORD = 'gentle-meadow-lantern-42';

// Answers by status; each also kept with its time (ms since the epoch;
// transport errors as status 0) so a check can look at a time window.
class Tally {
  constructor() { this.statuses = {}; this.errors = 0; this.maxMs = 0; this.times = []; }
  add(status, ms = 0) {
    this.statuses[status] = (this.statuses[status] || 0) + 1;
    this.maxMs = Math.max(this.maxMs, ms);
    this.times.push([Date.now(), status, ms]);
  }
  error() { this.errors++; this.times.push([Date.now(), 0, 0]); }
  count(pred) { return Object.entries(this.statuses).filter(([s]) => pred(Number(s))).reduce((a, [, n]) => a + n, 0); }
}

async function account(stack, name) {
  const client = new Client({ 'Accept-Language': 'en' }, stack.url);
  const res = await client.submit('/signup', '/signup', { username: name, email: `${name}@example.org`, password: PASSWORD });
  if (res.status !== 303) throw new Error(`signup ${name}: ${res.status}`);
  return { client, name, id: Number(stack.sql(`SELECT id FROM users WHERE username = '${name}'`)) };
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

// One post with its key, retried until acknowledged or the deadline; a
// submission unanswered after timeoutMs (if given) is abandoned and sent again.
async function postOnce(w, tally, deadline, timeoutMs = 0) {
  let form;
  for (;;) {
    try {
      form = await w.client.get('/new');
      tally.add(form.status);
      if (form.status === 200) break;
      // Sent to the login page: the session is gone (Redis lost it).
      if (form.status === 303 && /\/login/.test(form.headers.get('location') || '')) return { loggedOut: true, user: w.name };
    } catch { tally.error(); }
    if (Date.now() > deadline) return null;
    await sleep(200);
  }
  const fields = composeFields(form);
  const { key } = fields;
  for (let attempt = 0; ; attempt++) {
    let res = null;
    try {
      res = await submitPost(w, fields, { signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined });
      tally.add(res.status);
    } catch { tally.error(); }
    if (res && res.status === 303) return { key, id: postIdOf(res), user: w.name };
    if (res && !RETRYABLE.has(res.status)) return { key, failed: res.status, user: w.name };
    if (Date.now() > deadline) return { key, unacknowledged: true, user: w.name };
    await sleep(Math.min(2000, 100 * 2 ** attempt));
  }
}

// Writers post until stop() is called; readers load the home page.
// postTimeoutMs: how long a writer waits for an answer before it sends
// the post again with its key (0: as long as it takes).
function startLoad(url, writers, { readers = 2, giveUpMs = 30000, postTimeoutMs = 0 } = {}) {
  const tally = new Tally();
  const acked = [];
  const lost = [];
  let running = true;
  const loops = writers.map(async (w) => {
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

module.exports = { account, relogin, composeFields, submitPost, postIdOf, startLoad, Tally, PASSWORD };
