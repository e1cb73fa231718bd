// A stand-in for a text-to-image engine speaking the OpenAI images API,
// for tests of [generation]: real PNG photos from the test fixtures
// (scikit-image's sample photos, else tests/data/images/still.png), on
// 127.0.0.1 and a random port.
//
//   POST /v1/images/generations  {model, prompt, n, size, response_format}
//     -> {created, data: [{b64_json}] } (or [{url}] with response_format=url
//        or server.answerWithUrls, the URLs on this server)
//   GET /files/N.png             the Nth image
//
// Tests make it misbehave (each setting also through POST /_control with
// a JSON object, for tests in another process such as the browser's):
//   delayMs        wait before answering
//   failNext(n, status)  answer the next n requests with that status
//   notImage       answer base64 that is not an image
//   badJson        answer something that is not JSON
//   urlHost        with answerWithUrls: the host the URLs name
//   await pause()  stop listening (connection refused); await resume()
// server.calls counts generation requests, server.requests keeps them
// (body and headers).
//
// As a module: const server = await start(); server.url; await server.close().
// From the shell: node tests/generation/openai-images-server.js [--port N]
//   [--port-file FILE] (writes the port there once listening).
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const SKIMAGE = [
  process.env.BEAUBELLE_SKIMAGE_DATA,
  '/usr/lib/python3/dist-packages/skimage/data',
  path.join(root, '.cache/tools/skimage/usr/lib/python3/dist-packages/skimage/data'),
].find((d) => d && fs.existsSync(path.join(d, 'astronaut.png')));

// astronaut.png first: a woman's portrait, which the moderation approves.
function loadImages() {
  const names = SKIMAGE ? ['astronaut.png', 'camera.png', 'coffee.png', 'chelsea.png'] : [];
  const list = names.map((n) => fs.readFileSync(path.join(SKIMAGE, n)));
  if (!list.length) list.push(fs.readFileSync(path.join(root, 'tests/data/images/still.png')));
  return list;
}

const SETTINGS = ['delayMs', 'notImage', 'badJson', 'answerWithUrls', 'urlHost'];

async function start({ port = 0 } = {}) {
  const images = loadImages();
  const sockets = new Set();
  let failures = [];
  const state = {
    calls: 0, requests: [], delayMs: 0, notImage: false, badJson: false, answerWithUrls: false, urlHost: '127.0.0.1',
  };

  const json = (res, status, obj) => {
    const body = JSON.stringify(obj);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const generate = async (req, res, raw) => {
    state.calls++;
    let body = null;
    try { body = JSON.parse(raw); } catch { /* answered below */ }
    state.requests.push({ body, headers: req.headers });
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    if (res.destroyed) return;
    if (failures.length) {
      const status = failures.shift();
      json(res, status, { error: { message: `stand-in failure ${status}`, type: 'server_error' } });
      return;
    }
    if (!body || typeof body.prompt !== 'string' || !body.prompt) {
      json(res, 400, { error: { message: 'prompt is required', type: 'invalid_request_error' } });
      return;
    }
    if (body.prompt.includes('forbidden')) {
      json(res, 400, { error: { message: 'Your request was rejected by the safety system.', code: 'content_policy_violation' } });
      return;
    }
    if (state.badJson) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
      return;
    }
    const n = Math.max(1, Math.min(10, Number(body.n) || 1));
    const data = [];
    for (let i = 0; i < n; i++) {
      if (state.notImage) data.push({ b64_json: Buffer.from('this is not an image, just text').toString('base64') });
      else if (state.answerWithUrls || body.response_format === 'url')
        data.push({ url: `http://${state.urlHost}:${server.address().port}/files/${i % images.length}.png` });
      else data.push({ b64_json: images[i % images.length].toString('base64'), revised_prompt: body.prompt });
    }
    json(res, 200, { created: Math.floor(Date.now() / 1000), data });
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'POST' && req.url === '/v1/images/generations') {
        generate(req, res, raw).catch(() => res.destroy());
      } else if (req.method === 'GET' && /^\/files\/\d+\.png$/.test(req.url)) {
        const img = images[Number(req.url.match(/\d+/)[0])];
        if (!img) { json(res, 404, { error: 'no such file' }); return; }
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': img.length });
        res.end(img);
      } else if (req.method === 'POST' && req.url === '/_control') {
        let o = {};
        try { o = JSON.parse(raw || '{}'); } catch { /* empty */ }
        api.reset();
        for (const k of SETTINGS) if (k in o) state[k] = o[k];
        if (o.failNext) failures = Array(o.failNext.count).fill(o.failNext.status);
        json(res, 200, { ok: true, calls: state.calls });
      } else if (req.method === 'GET' && req.url === '/_control') {
        json(res, 200, { calls: state.calls, requests: state.requests.map((r) => r.body) });
      } else {
        json(res, 404, { error: 'not found' });
      }
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const boundPort = server.address().port;

  const api = {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    images,
    get calls() { return state.calls; },
    get requests() { return state.requests; },
    failNext(count, status = 503) { failures = Array(count).fill(status); },
    reset() {
      failures = [];
      Object.assign(state, { delayMs: 0, notImage: false, badJson: false, answerWithUrls: false, urlHost: '127.0.0.1' });
    },
    // Stop listening: new connections are refused until resume().
    async pause() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
    async resume() {
      await new Promise((resolve) => server.listen(boundPort, '127.0.0.1', resolve));
    },
    async close() {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise((resolve) => server.close(() => resolve()));
    },
  };
  for (const k of SETTINGS) {
    Object.defineProperty(api, k, { get: () => state[k], set: (v) => { state[k] = v; }, enumerable: true });
  }
  return api;
}

module.exports = { start };

if (require.main === module) {
  const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  start({ port: Number(arg('--port') || 0) }).then((s) => {
    const file = arg('--port-file');
    if (file) fs.writeFileSync(file, String(s.port));
    console.log(`OpenAI images stand-in on ${s.url}`);
    const stop = () => s.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
