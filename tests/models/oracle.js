// The reference for app/moderation: the same three models run by the
// libraries that ship them, on TensorFlow.js's CPU backend (pure
// JavaScript), from their own copies of the weights in node_modules, so
// that neither our conversion nor our pre-processing is taken on trust.
//
//   nsfwjs 4.4.0: nsfwjs.load('MobileNetV2'), model.classify(tensor)
//   @vladmandic/face-api 1.7.15: detectAllFaces(tensor, TinyFaceDetector
//     at 416, threshold 0.5).withAgeAndGender()
//
// Input is a binary PPM (what `beaubelle moderate --ppm` writes: the
// pixels the C engine analysed), given to both libraries as an int32
// [h, w, 3] tensor, their documented tensor input path.
//
// As a module: const oracle = await load(); oracle.analyze(ppmPath).
// From the shell: node tests/models/oracle.js FILE.ppm... prints one
// JSON object per file, shaped like `beaubelle moderate`'s output.
'use strict';

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

// face-api's Node build for TensorFlow.js without native code requires
// the WebAssembly backend as well; we use the CPU backend only, so that
// require gets an empty module instead of a dependency we do not need.
const WASM_BACKEND = '@tensorflow/tfjs-backend-wasm';
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === WASM_BACKEND) return path.join(__dirname, 'no-wasm-backend.js');
  return resolve.call(this, request, ...rest);
};

const CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

// Both libraries print banners through console on load; keep test output clean.
async function quietly(fn) {
  const saved = { info: console.info, warn: console.warn, log: console.log };
  console.info = console.warn = console.log = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

// {w, h, data} of a binary PPM with maxval 255.
function readPPM(file) {
  const buf = fs.readFileSync(file);
  const head = buf.toString('latin1', 0, Math.min(buf.length, 64));
  const m = head.match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!m) throw new Error(`${file}: not a binary PPM with maxval 255`);
  const w = Number(m[1]);
  const h = Number(m[2]);
  const data = buf.subarray(m[0].length, m[0].length + w * h * 3);
  if (data.length !== w * h * 3) throw new Error(`${file}: truncated`);
  return { w, h, data };
}

// The libraries and their models, loaded: { tf, faceapi, nsfw } (also
// what tests/models/kserve-server.js serves).
async function loadModels() {
  const libs = await quietly(async () => {
    const tfjs = require('@tensorflow/tfjs');
    await tfjs.setBackend('cpu');
    await tfjs.ready();
    const fa = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await fa.nets.tinyFaceDetector.loadFromDisk(modelDir);
    await fa.nets.ageGenderNet.loadFromDisk(modelDir);
    const nsfwjs = require('nsfwjs');
    return { tf: tfjs, faceapi: fa, nsfw: await nsfwjs.load('MobileNetV2') };
  });
  if (libs.tf.getBackend() !== 'cpu') throw new Error(`tfjs backend is ${libs.tf.getBackend()}, not cpu`);
  return libs;
}

async function load() {
  const { tf, faceapi, nsfw } = await loadModels();

  async function analyze(file) {
    const { w, h, data } = readPPM(file);
    const x = tf.tensor3d(Int32Array.from(data), [h, w, 3], 'int32');
    try {
      const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
      const found = await faceapi.detectAllFaces(x, options).withAgeAndGender();
      const faces = found.map((f) => {
        const { x: bx, y: by, width, height } = f.detection.box;
        // face-api reports the more likely gender and its probability
        const female = f.gender === 'female' ? f.genderProbability : 1 - f.genderProbability;
        return { x: bx, y: by, w: width, h: height, score: f.detection.score, female, age: f.age };
      });
      const classes = await nsfw.classify(x, CLASSES.length);
      const probs = {};
      for (const name of CLASSES) probs[name] = classes.find((c) => c.className === name).probability;
      return { file, width: w, height: h, faces, nsfw: probs };
    } finally {
      x.dispose();
    }
  }
  return { analyze, backend: tf.getBackend() };
}

module.exports = { load, loadModels, readPPM, CLASSES };

if (require.main === module) {
  (async () => {
    const oracle = await load();
    for (const file of process.argv.slice(2)) {
      console.log(JSON.stringify(await oracle.analyze(file)));
    }
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
