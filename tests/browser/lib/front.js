// A small HTTP front for a `beaubelle serve` pool spawned by a test (it
// speaks FastCGI only): static files from static/ as nginx serves them,
// everything else passed to the pool over FastCGI. Enough for a browser
// to use a pool with its own configuration (the s3 media backend).
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const fcgi = require('../../http/lib/fcgi');

const root = path.resolve(__dirname, '../../..');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const PASS = ['cookie', 'content-type', 'accept', 'accept-language', 'origin', 'sec-fetch-site', 'user-agent', 'referer'];

function serveStatic(pathname, res) {
  const rel = pathname.replace(/^\/static\/(v[0-9a-z]+\/)?/, '');
  const file = path.join(root, 'static', rel);
  if (!file.startsWith(path.join(root, 'static') + path.sep) || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
}

// Start a front on 127.0.0.1 (ephemeral port) for the pool at address.
// Returns { url, close() }.
async function start(address) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://front');
    if (url.pathname.startsWith('/static/')) {
      serveStatic(url.pathname, res);
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = {};
    for (const name of PASS) if (req.headers[name]) headers[name] = req.headers[name];
    try {
      const r = await fcgi.request(address, {
        method: req.method, path: url.pathname, query: url.search.slice(1), headers, body: Buffer.concat(chunks),
      });
      const out = {};
      for (const line of r.headerLines) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        if (i <= 0 || name.toLowerCase() === 'status') continue;
        (out[name] ||= []).push(line.slice(i + 1).trim());
      }
      res.writeHead(r.status, out);
      res.end(r.body);
    } catch (e) {
      res.writeHead(502).end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

module.exports = { start };
