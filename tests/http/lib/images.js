// Image helpers for tests: the fixtures, a reader of the WebP container
// (to check what we store: size, and that no metadata chunk survived),
// and a noise PNG of any size made on the spot.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { root } = require('./stack');

const fixtures = path.join(root, 'tests/data/images');
const fixture = (name) => fs.readFileSync(path.join(fixtures, name));

// scikit-image's sample photos (public domain or CC0; see its README.txt):
// the installed python3-skimage package, or its data unpacked by
// scripts/lib/testing.sh. astronaut.png is Eileen Collins, camera.png a
// man with a camera, chelsea.png a cat.
function skimageData() {
  const candidates = [
    process.env.BEAUBELLE_SKIMAGE_DATA,
    '/usr/lib/python3/dist-packages/skimage/data',
    path.join(root, '.cache/tools/skimage/usr/lib/python3/dist-packages/skimage/data'),
  ];
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'astronaut.png')));
}
const samplePhoto = (name) => fs.readFileSync(path.join(skimageData(), name));

// { width, height, chunks: ['VP8X', 'ANIM', ...] } of a WebP file.
function webpInfo(buf) {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WEBP') return null;
  const chunks = [];
  let width = 0, height = 0;
  for (let off = 12; off + 8 <= buf.length;) {
    const id = buf.toString('ascii', off, off + 4), size = buf.readUInt32LE(off + 4);
    const data = buf.subarray(off + 8, off + 8 + size);
    chunks.push(id);
    if (id === 'VP8X') {
      width = 1 + data.readUIntLE(4, 3);
      height = 1 + data.readUIntLE(7, 3);
    } else if (id === 'VP8 ' && !width) {
      width = data.readUInt16LE(6) & 0x3fff;
      height = data.readUInt16LE(8) & 0x3fff;
    } else if (id === 'VP8L' && !width) {
      const bits = data.readUInt32LE(1);
      width = (bits & 0x3fff) + 1;
      height = ((bits >> 14) & 0x3fff) + 1;
    }
    off += 8 + size + (size & 1);
  }
  return { width, height, chunks };
}

// An 8-bit RGB PNG of width x height pixels (rows of 3 x width bytes).
function rgbPng(width, height, rgb) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// A PNG of random pixels: large in bytes, since noise does not compress.
function noisePng(width, height) {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (Math.random() * 256) | 0;
  return rgbPng(width, height, rgb);
}

// A multipart/form-data body: fields { name: value } and files
// [{ name, filename, type, data }]. Returns { body, contentType }.
function multipart(fields, files) {
  const boundary = `----bbtest${Date.now()}${Math.random().toString(16).slice(2)}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\n` +
      `Content-Type: ${f.type || 'application/octet-stream'}\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

module.exports = { skimageData, samplePhoto, fixture, webpInfo, rgbPng, noisePng, multipart };
