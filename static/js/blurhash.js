// Blurhash placeholders: until an image has loaded, its box shows a soft
// preview decoded from the short data-blurhash string the page carries
// (the image already reserves its space with width and height).
'use strict';
(() => {
  const CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';
  const decode83 = (s) => [...s].reduce((v, c) => v * 83 + CHARS.indexOf(c), 0);
  const toLinear = (v) => { const x = v / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
  const toSrgb = (v) => {
    const x = Math.max(0, Math.min(1, v));
    return Math.round((x <= 0.0031308 ? x * 12.92 : 1.055 * x ** (1 / 2.4) - 0.055) * 255);
  };
  const signPow = (v, e) => Math.sign(v) * Math.abs(v) ** e;

  // A width x height RGBA picture of hash, or null when hash is not one.
  function pixels(hash, width, height) {
    if (!hash || hash.length < 6) return null;
    const size = decode83(hash[0]);
    const nx = (size % 9) + 1, ny = Math.floor(size / 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return null;
    const max = (decode83(hash[1]) + 1) / 166;
    const colors = [];
    const dc = decode83(hash.slice(2, 6));
    colors.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
    for (let i = 1; i < nx * ny; i++) {
      const v = decode83(hash.slice(4 + i * 2, 6 + i * 2));
      colors.push([Math.floor(v / 361), Math.floor(v / 19) % 19, v % 19].map((q) => signPow((q - 9) / 9, 2) * max));
    }
    const out = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0, g = 0, b = 0;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const basis = Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
            const c = colors[i + j * nx];
            r += c[0] * basis; g += c[1] * basis; b += c[2] * basis;
          }
        }
        const p = 4 * (x + y * width);
        out[p] = toSrgb(r); out[p + 1] = toSrgb(g); out[p + 2] = toSrgb(b); out[p + 3] = 255;
      }
    }
    return out;
  }

  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 32;
  const ctx = canvas.getContext('2d');
  for (const img of document.querySelectorAll('img[data-blurhash]')) {
    if (img.complete && img.naturalWidth) continue;
    const data = pixels(img.dataset.blurhash, 32, 32);
    if (!data || !ctx) continue;
    ctx.putImageData(new ImageData(data, 32, 32), 0, 0);
    img.style.backgroundImage = `url(${canvas.toDataURL()})`;
    img.style.backgroundSize = 'cover';
    img.addEventListener('load', () => { img.style.backgroundImage = ''; }, { once: true });
  }
})();
