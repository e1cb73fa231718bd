// A KServe v2 REST inference server for tests of [moderation] mode =
// remote: the three networks, tensor in, tensor out, run by the libraries
// that ship them (loaded as tests/models/oracle.js loads them), on
// 127.0.0.1 and a random port.
//
//   POST /v2/models/{name}/infer
//     tiny_face_detector  input [1,S,S,3] (S a multiple of 32) -> one output [1,S/32,S/32,25]
//     age_gender          input [1,112,112,3] -> "age" [1,1], "gender" [1,2] (logits)
//     nsfw_mobilenet_v2   input [1,224,224,3] -> one output [1,5] (probabilities)
//   GET /v2/health/ready, GET /v2/models/{name}
//
// Inputs are what app/moderation's pre-processing produces (docs/models.md).
// Tests can make it misbehave: server.failNext(n, status) answers the
// next n inference requests with that status; server.hang = true leaves
// them unanswered.
//
// As a module: const server = await start(); server.url; await server.close().
// From the shell: node tests/models/kserve-server.js [--port N].
'use strict';

const http = require('node:http');
const { loadModels } = require('./oracle');

const MAX_BODY = 64 << 20;
// The detector's and the age/gender net's RGB means (face-api).
const DETECT_MEAN = [117.001, 114.697, 97.404];
const AG_MEAN = [122.782, 117.001, 104.298];

function httpError(status, message) {
  return Object.assign(new Error(message), { status });
}

// The one FP32 input tensor of a request, checked against want(shape).
function inputOf(body, want) {
  const input = Array.isArray(body?.inputs) && body.inputs.length === 1 ? body.inputs[0] : null;
  if (!input) throw httpError(400, 'expected one input');
  if (input.datatype !== 'FP32') throw httpError(400, 'input datatype must be FP32');
  const { shape, data } = input;
  if (!Array.isArray(shape) || shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d <= 0) || !want(shape))
    throw httpError(400, `unexpected input shape ${JSON.stringify(shape)}`);
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.isArray(data) ? data.flat(Infinity) : null;
  if (!flat || flat.length !== n || flat.some((v) => typeof v !== 'number'))
    throw httpError(400, `input data must hold ${n} numbers`);
  return { shape, data: Float32Array.from(flat) };
}

const output = (name, t) => ({ name, shape: t.shape, datatype: 'FP32', data: Array.from(t.dataSync()) });

function models({ tf, faceapi, nsfw }) {
  // x * 255 + mean: face-api's nets normalise their input themselves.
  const denormalise = (x, mean) => tf.add(tf.mul(x, 255), tf.tensor1d(mean));
  return {
    tiny_face_detector: {
      want: (s) => s[0] === 1 && s[1] === s[2] && s[1] % 32 === 0 && s[3] === 3,
      async infer(x) {
        const net = faceapi.nets.tinyFaceDetector;
        const size = x.shape[1];
        const input = await faceapi.toNetInput(tf.tidy(() => denormalise(x, DETECT_MEAN)));
        const y = net.forwardInput(input, size);
        try { return [output('output', y)]; } finally { y.dispose(); input.dispose?.(); }
      },
    },
    age_gender: {
      want: (s) => s[0] === 1 && s[1] === 112 && s[2] === 112 && s[3] === 3,
      async infer(x) {
        const net = faceapi.nets.ageGenderNet;
        const input = await faceapi.toNetInput(tf.tidy(() => denormalise(x, AG_MEAN)));
        const { age, gender } = net.runNet(input); // logits, before face-api's softmax
        try {
          return [output('age', age.reshape([1, 1])), output('gender', gender)];
        } finally { age.dispose(); gender.dispose(); input.dispose?.(); }
      },
    },
    nsfw_mobilenet_v2: {
      want: (s) => s[0] === 1 && s[1] === 224 && s[2] === 224 && s[3] === 3,
      async infer(x) {
        const y = nsfw.model.predict(x);
        try { return [output('probabilities', y)]; } finally { y.dispose(); }
      },
    },
  };
}

async function start({ port = 0, host = '127.0.0.1' } = {}) {
  const libs = await loadModels();
  const { tf } = libs;
  const nets = models(libs);
  const state = { failures: [], hang: false, calls: 0, hung: [] };

  async function infer(name, body) {
    const net = nets[name];
    if (!net) throw httpError(404, `no model ${name}`);
    const { shape, data } = inputOf(body, net.want);
    const x = tf.tensor4d(data, shape, 'float32');
    try {
      return { model_name: name, outputs: await net.infer(x) };
    } finally { x.dispose(); }
  }

  const server = http.createServer((req, res) => {
    const send = (status, obj) => {
      const text = JSON.stringify(obj);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const url = new URL(req.url, 'http://x');
    const m = url.pathname.match(/^\/v2\/models\/([A-Za-z0-9_.-]+)(\/infer)?$/);
    if (req.method === 'GET' && url.pathname === '/v2/health/ready') return send(200, { ready: true });
    if (req.method === 'GET' && m && !m[2]) {
      return nets[m[1]] ? send(200, { name: m[1], platform: 'tensorflow.js', inputs: [{ name: 'input', datatype: 'FP32' }] })
        : send(404, { error: `no model ${m[1]}` });
    }
    if (req.method !== 'POST' || !m || !m[2]) return send(404, { error: 'not found' });
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { send(413, { error: 'request too large' }); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', async () => {
      if (size > MAX_BODY) return;
      state.calls++;
      if (state.hang) { state.hung.push(res); return; }
      if (state.failures.length) return send(state.failures.shift(), { error: 'injected failure' });
      try {
        send(200, await infer(m[1], JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      } catch (err) {
        send(err.status || (err instanceof SyntaxError ? 400 : 500), { error: err.message });
      }
    });
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const bound = server.address().port;
  return {
    port: bound,
    url: `http://${host}:${bound}`,
    get calls() { return state.calls; },
    set hang(v) { state.hang = v; if (!v) { for (const r of state.hung) r.destroy(); state.hung = []; } },
    failNext(n, status = 503) { for (let i = 0; i < n; i++) state.failures.push(status); },
    infer,
    close() {
      for (const r of state.hung) r.destroy();
      state.hung = [];
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { start };

if (require.main === module) {
  const i = process.argv.indexOf('--port');
  start({ port: i > 0 ? Number(process.argv[i + 1]) : 0 }).then((s) => {
    console.log(`KServe v2 server on ${s.url}`);
  }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
