// The moderation engine against TensorFlow.js: `beaubelle moderate` and
// the npm libraries that ship the models (tests/models/oracle.js) analyse
// the same pixels, and every number must agree: the five nsfwjs class
// probabilities and P(female) within 1e-4, face boxes within 0.5 px,
// detector scores within 1e-4, ages within 0.01 years.
//
// Photos: scikit-image's sample data as Debian ships it (astronaut,
// camera, coffee, chelsea), plus two crops of the astronaut made here so
// that both padding directions of the detector and a face cut by the
// image border are covered. Needs only the binary and the models
// (scripts/fetch-models), not the stack.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const oracle = require('../models/oracle');
const { skimageData, rgbPng } = require('./lib/images');

const root = path.resolve(__dirname, '../..');
const bin = process.env.BEAUBELLE_BIN || path.join(root, 'build/app/beaubelle');
const modelsDir = process.env.BEAUBELLE_MODERATION_MODELS_DIR || path.join(root, '.cache/models');

const TOLERANCE = { prob: 1e-4, box: 0.5, score: 1e-4, female: 1e-4, age: 1e-2 };

// The pixels of ppm inside the rectangle, as a PNG file at out.
function cropToPng(ppm, x0, y0, w, h, out) {
  const { w: pw, data } = oracle.readPPM(ppm);
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) data.copy(rgb, y * w * 3, ((y0 + y) * pw + x0) * 3, ((y0 + y) * pw + x0 + w) * 3);
  fs.writeFileSync(out, rgbPng(w, h, rgb));
}

// `beaubelle moderate` on files, the pixels it saw written to ppmDir.
function moderate(files, ppmDir) {
  const env = { ...process.env, BEAUBELLE_MODERATION_MODELS_DIR: modelsDir };
  delete env.BEAUBELLE_CONFIG;
  const out = execFileSync(bin, ['moderate', '--ppm', ppmDir, ...files], { encoding: 'utf8', env });
  return out.trim().split('\n').map((line) => JSON.parse(line));
}

// Largest difference between two numbers, tracked per kind for the report.
function tracker() {
  const max = {};
  return {
    max,
    check(kind, name, got, want) {
      const d = Math.abs(got - want);
      max[kind] = Math.max(max[kind] || 0, d);
      assert.ok(d <= TOLERANCE[kind], `${name}: C ${got} vs tfjs ${want} (|d| = ${d} > ${TOLERANCE[kind]})`);
    },
  };
}

test('beaubelle moderate matches TensorFlow.js on real photos', { timeout: 240000 }, async (t) => {
  const data = skimageData();
  assert.ok(data, 'scikit-image sample photos not found: install python3-skimage (scripts/test does)');
  assert.ok(fs.existsSync(path.join(modelsDir, 'nsfw_mobilenet_v2/weights.bin')),
    `no models in ${modelsDir}: run scripts/fetch-models`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-oracle-'));
  try {
    const photos = ['astronaut.png', 'camera.png', 'coffee.png', 'chelsea.png'].map((f) => path.join(data, f));
    const results = moderate(photos, dir);
    // Two crops of the astronaut: wider than tall (the detector pads at
    // the bottom), and taller than wide with the face cut by the left
    // edge (its box leaves the image and is clipped for phase 2).
    const astronaut = path.join(dir, 'astronaut.png.ppm');
    cropToPng(astronaut, 0, 40, 512, 260, path.join(dir, 'astronaut-wide.png'));
    cropToPng(astronaut, 190, 0, 210, 512, path.join(dir, 'astronaut-tall.png'));
    results.push(...moderate([path.join(dir, 'astronaut-wide.png'), path.join(dir, 'astronaut-tall.png')], dir));

    const tf = await oracle.load();
    const diff = tracker();
    let faces = 0;
    for (const c of results) {
      const name = path.basename(c.file);
      assert.equal(c.error, undefined, `${name}: ${c.error}`);
      const o = await tf.analyze(path.join(dir, `${name}.ppm`));
      assert.deepEqual([c.width, c.height], [o.width, o.height], `${name}: analysed size`);
      for (const cls of oracle.CLASSES) diff.check('prob', `${name} ${cls}`, c.nsfw[cls], o.nsfw[cls]);
      assert.equal(c.faces.length, o.faces.length,
        `${name}: ${c.faces.length} faces in C, ${o.faces.length} in tfjs (${JSON.stringify(o.faces)})`);
      c.faces.forEach((f, i) => {
        const g = o.faces[i];
        for (const k of ['x', 'y', 'w', 'h']) diff.check('box', `${name} face ${i} ${k}`, f[k], g[k]);
        diff.check('score', `${name} face ${i} score`, f.score, g.score);
        diff.check('female', `${name} face ${i} P(female)`, f.female, g.female);
        diff.check('age', `${name} face ${i} age`, f.age, g.age);
      });
      faces += c.faces.length;
      t.diagnostic(`${name}: ${c.faces.length} face(s), ${JSON.stringify(c.nsfw)}`);
    }
    // The photos must exercise every phase, or the comparison proves little.
    assert.ok(faces >= 3, `only ${faces} faces found across the photos`);
    assert.ok(results.some((r) => r.faces.length === 0), 'no photo without a face');
    t.diagnostic(`largest differences: ${JSON.stringify(diff.max)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
