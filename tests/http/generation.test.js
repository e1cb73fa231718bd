// Generating a portrait from a prompt ([generation]) and the AI label.
// A stand-in engine speaking the OpenAI images API
// (tests/generation/openai-images-server.js) answers with real PNG
// photos, or fails as each test asks; a pool and a worker of our own run
// with [generation] pointing at it, builtin moderation, and a private job
// stream. The main stack has no [generation]: nothing of it shows there.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sql, redis, waitFor, spawnBeaubelle, freePort } = require('./lib/stack');
const { signup } = require('./lib/client');
const { multipart, samplePhoto } = require('./lib/images');
const fcgi = require('./lib/fcgi');
const engine = require('../generation/openai-images-server');

const stream = `bb:jobs:generation:${process.pid}`;
const MODEL = 'stand-in-xl';
const KEY = 'sk-test-generation-key';
let server, pool, worker, address, env;


test.before(async () => {
  server = await engine.start();
  env = {
    BEAUBELLE_MODERATION_MODE: 'builtin', BEAUBELLE_JOBS_STREAM: stream, BEAUBELLE_SERVER_WORKERS: '1',
    BEAUBELLE_GENERATION_URL: server.url, BEAUBELLE_GENERATION_API_KEY: KEY, BEAUBELLE_GENERATION_MODEL: MODEL,
    BEAUBELLE_GENERATION_SIZE: '1024x1536', BEAUBELLE_GENERATION_TIMEOUT: '2s', BEAUBELLE_GENERATION_RETRIES: '1',
    BEAUBELLE_GENERATION_DAILY_QUOTA: '5', BEAUBELLE_GENERATION_RATE_LIMIT: '4', BEAUBELLE_GENERATION_MAX_PROMPT: '300',
  };
  const port = await freePort();
  pool = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], env);
  worker = spawnBeaubelle(['worker'], env);
  address = { host: '127.0.0.1', port };
  await waitFor(async () => { try { return (await fcgi.request(address, { path: '/healthz' })).status === 200; } catch { return false; } }, 15000, 100);
});
test.after(async () => { pool?.kill('SIGTERM'); worker?.kill('SIGTERM'); await server?.close(); });
test.beforeEach(() => server.reset());

// --- talking to our pool as the signed-up user u
const cookie = (u) => `sid=${u.client.cookies.get('sid')}`;
async function get(u, url) {
  const [path, query = ''] = url.split('?');
  return fcgi.request(address, { path, query, headers: { Cookie: cookie(u), Accept: 'text/html' } });
}
async function token(u) {
  return (await get(u, '/new')).body.match(/name="csrf_token" value="([^"]+)"/)[1];
}
async function postForm(u, path, fields, { csrf = true } = {}) {
  const body = new URLSearchParams({ ...(csrf ? { csrf_token: await token(u) } : {}), ...fields }).toString();
  return fcgi.request(address, { method: 'POST', path, body, headers: { Cookie: cookie(u), 'Content-Type': 'application/x-www-form-urlencoded' } });
}
// Ask for images; the generation's id.
async function generate(u, fields) {
  const res = await postForm(u, '/new/generate', { n: '1', ...fields });
  assert.equal(res.status, 303, res.body.slice(0, 400));
  return Number(res.headers.location.split('/new/generate/')[1]);
}
const genRow = (id) => {
  const [status, error] = sql(`SELECT CONCAT(status, ':', COALESCE(error, '')) FROM generations WHERE id = ${id}`).split(':');
  return { status, error };
};
async function settled(u, id, ms = 30000) {
  await waitFor(async () => {
    const { status } = JSON.parse((await get(u, `/new/generate/${id}/status`)).body);
    return status !== 'pending' && status !== 'running';
  }, ms, 100);
  return genRow(id);
}
const resultIds = (html) => [...html.matchAll(/name="media_id" value="(\d+)"/g)].map((m) => m[1]);
const mediaOf = (id) => Number(sql(`SELECT COUNT(*) FROM media WHERE generation_id = ${id}`));
// Post result media_id of generation id through the result page's form.
async function pick(u, id, mediaId, fields = {}) {
  const page = await get(u, `/new/generate/${id}`);
  const csrf = page.body.match(/name="csrf_token" value="([^"]+)"/)[1];
  const key = page.body.match(/name="idempotency_key" value="([^"]+)"/)?.[1] || 'k';
  const { body, contentType } = multipart({ csrf_token: csrf, idempotency_key: key, generation_id: String(id), media_id: String(mediaId), caption: '', alt: '', ...fields }, []);
  return fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie(u), 'Content-Type': contentType } });
}
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

test('without [generation] url nothing of generation shows and its routes are 404', { timeout: 30000 }, async () => {
  const port = await freePort();
  const plain = spawnBeaubelle(['serve', '--listen', `127.0.0.1:${port}`], { BEAUBELLE_GENERATION_URL: '', BEAUBELLE_SERVER_WORKERS: '1' });
  const at = { host: '127.0.0.1', port };
  try {
    await waitFor(async () => { try { return (await fcgi.request(at, { path: '/healthz' })).status === 200; } catch { return false; } }, 15000, 100);
    const u = await signup('gn');
    const headers = { Cookie: cookie(u) };
    const compose = await fcgi.request(at, { path: '/new', headers });
    assert.equal(compose.status, 200);
    assert.doesNotMatch(compose.body, /\/new\/generate/);
    assert.doesNotMatch(compose.body, /compose-tabs/);
    assert.match(compose.body, /name="ai_generated"/, 'the upload form\'s own AI checkbox is there either way');
    for (const path of ['/new/generate', '/new/generate/1', '/new/generate/1/status'])
      assert.equal((await fcgi.request(at, { path, headers })).status, 404, path);
    const csrf = compose.body.match(/name="csrf_token" value="([^"]+)"/)[1];
    const res = await fcgi.request(at, { method: 'POST', path: '/new/generate', body: `csrf_token=${csrf}&prompt=a+portrait`,
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 404);
    assert.equal(Number(sql(`SELECT COUNT(*) FROM generations g JOIN users u ON u.id = g.user_id WHERE u.username = '${u.username}'`)), 0);
  } finally {
    plain.kill('SIGTERM');
  }
});

test('prompt -> job -> pick -> post -> moderation -> visible with its label', { timeout: 120000 }, async (t) => {
  const u = await signup('gf');
  const compose = await get(u, '/new');
  assert.match(compose.body, /href="\/new\/generate"/, 'the Generate tab');
  const form = await get(u, '/new/generate');
  assert.equal(form.status, 200);
  assert.match(form.body, /name="prompt"/);
  assert.match(text(form.body), /Generations left today: 5|今日の残り回数: 5/);

  const calls = server.calls;
  const t0 = Date.now();
  const id = await generate(u, { prompt: 'Portrait of a woman astronaut, soft window light', negative_prompt: 'blurry', style: 'photo', n: '4' });
  const waiting = await get(u, `/new/generate/${id}`);
  assert.match(waiting.body, /gen-progress|name="media_id"/, 'a progress state (or already the results)');
  assert.deepEqual(await settled(u, id), { status: 'done', error: '' });
  const ms = Date.now() - t0;
  t.diagnostic(`prompt to 4 processed results: ${ms} ms (stand-in answering at once)`);

  // What the engine was asked.
  assert.equal(server.calls - calls, 1);
  const req = server.requests.at(-1);
  assert.equal(req.headers.authorization, `Bearer ${KEY}`);
  assert.equal(req.body.model, MODEL);
  assert.equal(req.body.n, 4);
  assert.equal(req.body.size, '1024x1536');
  assert.equal(req.body.response_format, 'b64_json');
  assert.match(req.body.prompt, /^Portrait of a woman astronaut, soft window light\. photorealistic portrait photograph.*Avoid: blurry$/);

  // Four results to pick from, stored through the image pipeline.
  const page = await get(u, `/new/generate/${id}`);
  const ids = resultIds(page.body);
  assert.equal(ids.length, 4);
  assert.equal(mediaOf(id), 4);
  assert.match(page.body, /src="\/media\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}[^"]*\.webp"/);
  const files = sql(`SELECT COUNT(DISTINCT sha256) FROM media WHERE generation_id = ${id}`);
  assert.equal(Number(files), 4, 'four different images');

  // Pick the first (the astronaut), share the prompt.
  const res = await pick(u, id, ids[0], { caption: 'first light #generated', share_prompt: '1' });
  assert.equal(res.status, 303, res.body.slice(0, 300));
  const postId = Number(res.headers.location.split('/p/')[1]);
  assert.equal(sql(`SELECT provenance, ai_engine, ai_model FROM posts WHERE id = ${postId}`), `generated\t127.0.0.1\t${MODEL}`);
  assert.equal(sql(`SELECT media_id FROM posts WHERE id = ${postId}`), ids[0]);
  assert.equal(mediaOf(id), 1, 'the three results not picked are gone');

  // Moderation screens it like any upload, then others see it.
  const other = await signup('go');
  assert.ok(await waitFor(() => sql(`SELECT state FROM posts WHERE id = ${postId}`) !== 'pending', 60000, 200));
  assert.equal(sql(`SELECT state FROM posts WHERE id = ${postId}`), 'approved');
  const scores = JSON.parse(sql(`SELECT moderation_scores FROM posts WHERE id = ${postId}`));
  assert.ok(scores.faces.length >= 1 && scores.faces[0].female >= 0.7, 'screened by the models like an upload');
  assert.equal(scores.decision, 'approve');
  const shown = await get(other, `/p/${postId}`);
  assert.equal(shown.status, 200);
  assert.match(text(shown.body), new RegExp(`AI-generated · ${MODEL}|AI生成 · ${MODEL}`));
  assert.match(shown.body, /Portrait of a woman astronaut, soft window light/);

  // Explore and the deck filter by the label.
  assert.match((await get(other, '/explore?ai=only')).body, new RegExp(`/p/${postId}"`));
  assert.doesNotMatch((await get(other, '/explore?ai=hide')).body, new RegExp(`/p/${postId}"`));
  assert.match((await get(other, '/explore')).body, new RegExp(`/p/${postId}"`));
  assert.match((await get(other, '/explore?ai=only')).body, /aria-current="page"[^>]*>|href="\/explore\?ai=only" aria-current="page"/);
  assert.match((await get(other, '/deck?ai=only')).body, new RegExp(`data-post="${postId}"`));
  assert.doesNotMatch((await get(other, '/deck?ai=hide')).body, new RegExp(`data-post="${postId}"`));

  // The API's extension field.
  const api = JSON.parse((await fcgi.request(address, { path: `/api/v1/statuses/${postId}` })).body);
  assert.deepEqual(api.beaubelle.provenance, {
    source: 'generated', ai_generated: true, engine: '127.0.0.1', model: MODEL,
    prompt: 'Portrait of a woman astronaut, soft window light',
  });
});

test('a generated image the moderation refuses stays hidden, as an upload would', { timeout: 90000 }, async () => {
  const u = await signup('gm');
  const id = await generate(u, { prompt: 'a cat on a sofa', n: '4' });
  assert.equal((await settled(u, id)).status, 'done');
  const ids = resultIds((await get(u, `/new/generate/${id}`)).body);
  // The stand-in's fourth image is scikit-image's chelsea.png: a cat.
  const res = await pick(u, id, ids[3]);
  assert.equal(res.status, 303);
  const postId = Number(res.headers.location.split('/p/')[1]);
  assert.ok(await waitFor(() => sql(`SELECT state FROM posts WHERE id = ${postId}`) !== 'pending', 60000, 200));
  assert.equal(sql(`SELECT state FROM posts WHERE id = ${postId}`), 'rejected');
  const other = await signup('gm2');
  assert.equal((await get(other, `/p/${postId}`)).status, 404);
  assert.doesNotMatch((await get(other, '/explore?ai=only')).body, new RegExp(`/p/${postId}"`));
});

test('the prompt stays private unless the author shares it; an upload can be marked AI-generated', { timeout: 60000 }, async () => {
  const u = await signup('gp');
  const id = await generate(u, { prompt: 'a secret prompt about a lighthouse keeper' });
  assert.equal((await settled(u, id)).status, 'done');
  const [mediaId] = resultIds((await get(u, `/new/generate/${id}`)).body);
  const res = await pick(u, id, mediaId);
  assert.equal(res.status, 303);
  const postId = Number(res.headers.location.split('/p/')[1]);
  assert.equal(sql(`SELECT COALESCE(ai_prompt, 'NULL') FROM posts WHERE id = ${postId}`), 'NULL');
  const own = await get(u, `/p/${postId}`);
  assert.match(text(own.body), /AI-generated · stand-in-xl|AI生成 · stand-in-xl/);
  assert.doesNotMatch(own.body, /secret prompt/);

  // The upload form: the author's word, labelled without a model.
  const csrf = await token(u);
  const { body, contentType } = multipart({ csrf_token: csrf, caption: 'made elsewhere', ai_generated: '1' },
    [{ name: 'image', filename: 'a.png', type: 'image/png', data: samplePhoto('camera.png') }]);
  const up = await fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie(u), 'Content-Type': contentType } });
  assert.equal(up.status, 303);
  const upId = Number(up.headers.location.split('/p/')[1]);
  assert.equal(sql(`SELECT provenance, COALESCE(ai_model, 'NULL') FROM posts WHERE id = ${upId}`), 'uploaded_ai\tNULL');
  const label = (await get(u, `/p/${upId}`)).body.match(/<p class="ai-label">.*?<\/p>/s)[0];
  assert.doesNotMatch(label, /ai-model/);
  // And an upload without the box is unmarked, with no label.
  const plain = multipart({ csrf_token: csrf, caption: 'plain' }, [{ name: 'image', filename: 'b.png', type: 'image/png', data: samplePhoto('coffee.png') }]);
  const p2 = await fcgi.request(address, { method: 'POST', path: '/new', body: plain.body, headers: { Cookie: cookie(u), 'Content-Type': plain.contentType } });
  const p2Id = Number(p2.headers.location.split('/p/')[1]);
  assert.equal(sql(`SELECT provenance FROM posts WHERE id = ${p2Id}`), 'unmarked');
  assert.doesNotMatch((await get(u, `/p/${p2Id}`)).body, /class="ai-label"/);
});

test('the API: a generated result posted by media_ids is still labelled; beaubelle_ai_generated marks an upload', { timeout: 60000 }, async () => {
  const { apiUser, call, postImage, uploadMedia } = require('./lib/api');
  const u = await apiUser('ga');
  const id = await generate(u, { prompt: 'a portrait for a mastodon client' });
  assert.equal((await settled(u, id)).status, 'done');
  const [mediaId] = resultIds((await get(u, `/new/generate/${id}`)).body);
  const res = await call('POST', '/api/v1/statuses', { token: u.token, json: { status: 'via the API', media_ids: [mediaId] } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.beaubelle.provenance, { source: 'generated', ai_generated: true, engine: '127.0.0.1', model: MODEL, prompt: null });

  const media = await uploadMedia(u.token);
  const marked = await call('POST', '/api/v1/statuses', { token: u.token, json: { status: 'mine', media_ids: [media.body.id], beaubelle_ai_generated: true } });
  assert.equal(marked.status, 200, marked.text);
  assert.deepEqual(marked.body.beaubelle.provenance, { source: 'uploaded_ai', ai_generated: true, engine: null, model: null, prompt: null });
  const plain = await postImage(u.token, 'plain');
  assert.equal(plain.beaubelle.provenance.source, 'unmarked');
  assert.equal(plain.beaubelle.provenance.ai_generated, false);
});

// A failed request: the right code, the message on the page with the
// form filled in again, and no media row or file left behind.
async function assertFailed(u, id, code, message) {
  const row = await settled(u, id, 40000);
  assert.deepEqual(row, { status: 'failed', error: code });
  assert.equal(mediaOf(id), 0, 'no media left behind');
  const page = await get(u, `/new/generate/${id}`);
  assert.equal(page.status, 200);
  assert.match(text(page.body), message);
  assert.match(page.body, /id="generate-error"/);
  assert.match(page.body, /<textarea id="prompt"[^>]*>[^<]+<\/textarea>/, 'the prompt is kept to try again');
  assert.equal(resultIds(page.body).length, 0);
  assert.equal(sql(`SELECT COUNT(*) FROM media m JOIN generations g ON g.user_id = m.owner_id WHERE g.id = ${id}`), '0');
}
const DOWN = /The image generator is not available right now|画像生成エンジンが現在利用できません/;

test('an engine answering 503 is retried, then the request fails with a clear message', { timeout: 60000 }, async () => {
  const u = await signup('gd');
  server.failNext(2, 503);
  const calls = server.calls;
  const id = await generate(u, { prompt: 'portrait while the engine is down' });
  await assertFailed(u, id, 'engine_down', DOWN);
  assert.equal(server.calls - calls, 2, 'one attempt and one retry');

  // One 503, then an answer: the retry succeeds.
  server.failNext(1, 500);
  const ok = await generate(u, { prompt: 'portrait after a hiccup' });
  assert.equal((await settled(u, ok)).status, 'done');
  assert.equal(mediaOf(ok), 1);
});

test('an engine refusing connections ends in the same message', { timeout: 60000 }, async () => {
  const u = await signup('gr');
  await server.pause();
  try {
    const id = await generate(u, { prompt: 'portrait with nobody listening' });
    await assertFailed(u, id, 'engine_down', DOWN);
  } finally {
    await server.resume();
  }
});

test('an engine slower than [generation] timeout fails with "took too long"', { timeout: 60000 }, async () => {
  const u = await signup('gt');
  server.delayMs = 3500;
  const t0 = Date.now();
  const id = await generate(u, { prompt: 'portrait from a slow engine' });
  await assertFailed(u, id, 'timeout', /took too long to answer|応答に時間がかかりすぎました/);
  assert.ok(Date.now() - t0 < 15000, 'two attempts of two seconds, not the engine\'s time');
});

test('an answer that is not an image fails with nothing half-created', { timeout: 60000 }, async () => {
  const u = await signup('gi');
  const NOT_IMAGE = /did not send back a usable image|使える画像が返ってきませんでした/;
  server.notImage = true;
  const a = await generate(u, { prompt: 'portrait as plain text', n: '3' });
  await assertFailed(u, a, 'not_image', NOT_IMAGE);
  server.reset();
  server.badJson = true;
  const b = await generate(u, { prompt: 'portrait as an html page' });
  await assertFailed(u, b, 'not_image', NOT_IMAGE);
  // Image URLs are followed only to allowed hosts.
  server.reset();
  server.answerWithUrls = true;
  server.urlHost = 'localhost';
  const c = await generate(u, { prompt: 'portrait behind a url elsewhere' });
  await assertFailed(u, c, 'not_image', NOT_IMAGE);
  server.urlHost = '127.0.0.1';
  const d = await generate(u, { prompt: 'portrait behind a url at home', n: '2' });
  assert.equal((await settled(u, d)).status, 'done');
  assert.equal(mediaOf(d), 2);
});

test('a prompt the engine refuses (4xx) is not retried and says so', { timeout: 60000 }, async () => {
  const u = await signup('gx');
  const calls = server.calls;
  const id = await generate(u, { prompt: 'something forbidden' });
  await assertFailed(u, id, 'refused', /refused this prompt|このプロンプトを受け付けませんでした/);
  assert.equal(server.calls - calls, 1);
});

test('the daily quota: a clear message and no request once used; failures do not count', { timeout: 60000 }, async () => {
  const u = await signup('gq');
  const uid = sql(`SELECT id FROM users WHERE username = '${u.username}'`);
  sql(`INSERT INTO generations (user_id, status, prompt, engine, model) VALUES ${Array(4).fill(`(${uid}, 'done', 'x', 'e', 'm')`).join(',')}`);
  sql(`INSERT INTO generations (user_id, status, error, prompt, engine, model) VALUES (${uid}, 'failed', 'timeout', 'x', 'e', 'm')`);
  sql(`INSERT INTO generations (user_id, status, prompt, engine, model, created_at) VALUES (${uid}, 'done', 'x', 'e', 'm', NOW(3) - INTERVAL 25 HOUR)`);
  assert.match(text((await get(u, '/new/generate')).body), /Generations left today: 1|今日の残り回数: 1/);
  const last = await generate(u, { prompt: 'the last one today' });
  assert.equal((await settled(u, last)).status, 'done');
  const before = sql(`SELECT COUNT(*) FROM generations WHERE user_id = ${uid}`);
  const calls = server.calls;
  const res = await postForm(u, '/new/generate', { prompt: 'one too many' });
  assert.equal(res.status, 429);
  assert.match(text(res.body), /used all of today's generations|今日の生成回数を使い切りました/);
  assert.match(res.body, /one too many/, 'the prompt is kept');
  assert.equal(sql(`SELECT COUNT(*) FROM generations WHERE user_id = ${uid}`), before, 'no request stored');
  assert.equal(server.calls, calls, 'the engine was not asked');
  assert.match((await get(u, '/new/generate')).body, /id="generate-button" disabled/);
});

test('the rate limit answers 429; a request still running is shown instead of a second one', { timeout: 60000 }, async () => {
  const u = await signup('gl');
  server.delayMs = 1500;
  const first = await generate(u, { prompt: 'portrait, take one' });
  const again = await generate(u, { prompt: 'portrait, take two' });
  assert.equal(again, first, 'the running request, not a new one');
  await generate(u, { prompt: 'portrait, take three' });
  await generate(u, { prompt: 'portrait, take four' });
  const res = await postForm(u, '/new/generate', { prompt: 'portrait, take five' });
  assert.equal(res.status, 429);
  assert.ok(Number(res.headers['retry-after']) > 0);
  assert.match(text(res.body), /generating images quickly|短時間に何度も生成しています/);
  assert.equal((await settled(u, first)).status, 'done');
});

test('a request whose job was lost shows as failed after a while and no longer blocks a new one', { timeout: 60000 }, async () => {
  const u = await signup('gz');
  const uid = sql(`SELECT id FROM users WHERE username = '${u.username}'`);
  sql(`INSERT INTO generations (user_id, status, prompt, engine, model, created_at) VALUES (${uid}, 'running', 'lost portrait', '127.0.0.1', '${MODEL}', NOW(3) - INTERVAL 2 HOUR)`);
  const lost = Number(sql(`SELECT MAX(id) FROM generations WHERE user_id = ${uid}`));
  const status = JSON.parse((await get(u, `/new/generate/${lost}/status`)).body);
  assert.deepEqual(status, { status: 'failed', error: 'lost' });
  assert.match(text((await get(u, `/new/generate/${lost}`)).body), /could not be made|生成できませんでした/);
  const next = await generate(u, { prompt: 'a fresh start' });
  assert.notEqual(next, lost);
  assert.equal((await settled(u, next)).status, 'done');
});

test('a generate job delivered twice while it runs asks the engine once', { timeout: 60000 }, async () => {
  const u = await signup('g2');
  // A second worker, idle, to take the second delivery while the first
  // worker waits on the engine.
  const second = spawnBeaubelle(['worker'], { ...env });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    server.delayMs = 1200;
    const calls = server.calls;
    const id = await generate(u, { prompt: 'portrait asked once' });
    await waitFor(() => genRow(id).status === 'running', 10000, 50);
    // As when a worker takes over a job pending longer than claim_idle_ms.
    redis('XADD', stream, '*', 'kind', 'generate', 'args', String(id), 'attempt', '1');
    assert.equal((await settled(u, id)).status, 'done');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(server.calls - calls, 1, 'the engine was asked once');
    assert.equal(mediaOf(id), 1);
  } finally {
    second.kill('SIGTERM');
  }
});

test('only the owner sees and posts a generation\'s results', { timeout: 60000 }, async () => {
  const owner = await signup('gw');
  const id = await generate(owner, { prompt: 'portrait that is mine', n: '2' });
  assert.equal((await settled(owner, id)).status, 'done');
  const [mediaId] = resultIds((await get(owner, `/new/generate/${id}`)).body);
  const other = await signup('gv');
  assert.equal((await get(other, `/new/generate/${id}`)).status, 404);
  assert.equal((await get(other, `/new/generate/${id}/status`)).status, 404);
  const csrf = await token(other);
  const { body, contentType } = multipart({ csrf_token: csrf, generation_id: String(id), media_id: mediaId, caption: 'stolen' }, []);
  const res = await fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie(other), 'Content-Type': contentType } });
  assert.equal(res.status, 404, 'not their generation');
  assert.equal(sql(`SELECT COUNT(*) FROM posts WHERE media_id = ${mediaId}`), '0');
  assert.equal(mediaOf(id), 2, 'the owner\'s results are untouched');
  // Logged out: the login page.
  const anon = await fcgi.request(address, { path: `/new/generate/${id}` });
  assert.equal(anon.status, 303);
});

test('forms: CSRF, an empty or too long prompt, no pick', { timeout: 60000 }, async () => {
  const u = await signup('gc');
  const calls = server.calls;
  assert.equal((await postForm(u, '/new/generate', { prompt: 'no token' }, { csrf: false })).status, 403);
  const empty = await postForm(u, '/new/generate', { prompt: '   ' });
  assert.equal(empty.status, 422);
  assert.match(text(empty.body), /Describe the portrait you want|作りたいポートレートを説明してください/);
  assert.equal((await postForm(u, '/new/generate', { prompt: 'x'.repeat(301) })).status, 422);
  assert.equal(server.calls, calls, 'the engine was not asked');
  const id = await generate(u, { prompt: '<script>alert(1)</script> portrait' });
  assert.equal((await settled(u, id)).status, 'done');
  const page = await get(u, `/new/generate/${id}`);
  assert.doesNotMatch(page.body, /<script>alert/);
  assert.match(page.body, /&lt;script&gt;alert/);
  // Posting without a pick comes back to the results with a message.
  const csrf = page.body.match(/name="csrf_token" value="([^"]+)"/)[1];
  const { body, contentType } = multipart({ csrf_token: csrf, generation_id: String(id), caption: 'no pick' }, []);
  const res = await fcgi.request(address, { method: 'POST', path: '/new', body, headers: { Cookie: cookie(u), 'Content-Type': contentType } });
  assert.equal(res.status, 422);
  assert.match(text(res.body), /Choose one of the images|画像を1枚選んでください/);
  assert.equal(resultIds(res.body).length, 1);
});

test('a refused post comes back with the picked result still picked and the caption kept', { timeout: 60000 }, async () => {
  const u = await signup('gk');
  const id = await generate(u, { prompt: 'portrait with a long caption', n: '3' });
  assert.equal((await settled(u, id)).status, 'done');
  const ids = resultIds((await get(u, `/new/generate/${id}`)).body);
  const res = await pick(u, id, ids[2], { caption: 'é'.repeat(501) });
  assert.equal(res.status, 422);
  assert.match(res.body, new RegExp(`value="${ids[2]}" checked`));
  assert.doesNotMatch(res.body, new RegExp(`value="${ids[0]}" checked`));
  assert.match(res.body, /id="caption-error"/);
  assert.equal(mediaOf(id), 3, 'nothing posted, nothing deleted');
});

test('results never posted expire with the uploads left unposted', { timeout: 60000 }, async () => {
  const u = await signup('ge');
  const id = await generate(u, { prompt: 'portrait left behind', n: '2' });
  assert.equal((await settled(u, id)).status, 'done');
  sql(`UPDATE media SET created_at = NOW(3) - INTERVAL 25 HOUR WHERE generation_id = ${id}`);
  const next = await generate(u, { prompt: 'portrait the next day' });
  assert.equal(mediaOf(id), 0, 'swept by the next request');
  assert.equal((await settled(u, next)).status, 'done');
  const page = await get(u, `/new/generate/${id}`);
  assert.match(text(page.body), /no longer available|もう利用できません/);
});
