// A minimal FastCGI client, so tests can talk to a `beaubelle serve` pool
// directly (without nginx) and control timing: a body sent in pieces, a
// request left in flight while the pool is told to stop; and a minimal
// FastCGI server, for a pool that misbehaves on purpose.
'use strict';
const net = require('node:net');

const BEGIN_REQUEST = 1, END_REQUEST = 3, PARAMS = 4, STDIN = 5, STDOUT = 6, STDERR = 7;

function record(type, content, id = 1) {
  const pad = (8 - (content.length % 8)) % 8;
  const h = Buffer.alloc(8);
  h.writeUInt8(1, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(id, 2);
  h.writeUInt16BE(content.length, 4);
  h.writeUInt8(pad, 6);
  return Buffer.concat([h, content, Buffer.alloc(pad)]);
}

function nameValue(name, value) {
  const n = Buffer.from(name), v = Buffer.from(value);
  const len = (x) => (x.length < 128 ? Buffer.from([x.length])
    : Buffer.from([((x.length >> 24) & 0x7f) | 0x80, (x.length >> 16) & 0xff, (x.length >> 8) & 0xff, x.length & 0xff]));
  return Buffer.concat([len(n), len(v), n, v]);
}

// Parse "Status: 200 OK\r\nName: v\r\n\r\nbody" into { status, headers, body }.
function parseResponse(buf) {
  const sep = buf.indexOf('\r\n\r\n');
  const head = buf.subarray(0, sep).toString('utf8');
  const headers = {};
  const cookies = [];
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).toLowerCase(), value = line.slice(i + 1).trim();
    headers[name] = value;
    if (name === 'set-cookie') cookies.push(value);
  }
  return {
    status: parseInt((headers.status || '200').split(' ')[0], 10),
    headers,
    cookies, // every Set-Cookie line (headers keeps the last)
    headerLines: head.split('\r\n'), // every line, repeated names (Set-Cookie) included
    body: buf.subarray(sep + 4).toString('utf8'),
  };
}

// A reader of FastCGI records from a stream: feed it data, it calls
// onRecord(type, content, requestId) for each whole record.
function recordReader(onRecord) {
  let pending = Buffer.alloc(0);
  return (d) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 8) {
      const type = pending.readUInt8(1), id = pending.readUInt16BE(2), len = pending.readUInt16BE(4), pad = pending.readUInt8(6);
      if (pending.length < 8 + len + pad) break;
      onRecord(type, pending.subarray(8, 8 + len), id);
      pending = pending.subarray(8 + len + pad);
    }
  };
}

// Decode a PARAMS stream into { NAME: value }.
function decodeParams(buf) {
  const out = {};
  const len = (off) => (buf[off] < 128 ? [buf[off], off + 1] : [buf.readUInt32BE(off) & 0x7fffffff, off + 4]);
  for (let off = 0; off < buf.length;) {
    let n, v;
    [n, off] = len(off);
    [v, off] = len(off);
    out[buf.toString('latin1', off, off + n)] = buf.toString('latin1', off + n, off + n + v);
    off += n + v;
  }
  return out;
}

// A FastCGI responder of our own, for tests that need a pool that
// misbehaves: onRequest({ params, body, socket }) is called once the whole
// request (params and body) has arrived, and decides what to answer, or
// to close the connection without a word. Listens on 127.0.0.1; resolves
// to { server, port }.
function serve(onRequest) {
  const server = net.createServer((socket) => {
    const params = [], body = [];
    let paramsDone = false;
    socket.on('error', () => {});
    socket.on('data', recordReader((type, content) => {
      if (type === PARAMS) {
        if (content.length) params.push(Buffer.from(content)); else paramsDone = true;
      } else if (type === STDIN) {
        if (content.length) body.push(Buffer.from(content));
        else if (paramsDone) onRequest({ params: decodeParams(Buffer.concat(params)), body: Buffer.concat(body), socket });
      }
    }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

// Open a request; returns { send(chunk), end(), response: Promise }.
// address: { path } for a unix socket or { host, port }.
function open(address, { method = 'GET', path = '/', query = '', headers = {}, contentLength = 0, remoteAddr = '127.0.0.1' } = {}) {
  const sock = net.connect(address);
  const chunks = [];
  const response = new Promise((resolve, reject) => {
    sock.on('data', recordReader((type, content) => {
      if (type === STDOUT) chunks.push(content);
      if (type === END_REQUEST) { sock.end(); resolve(parseResponse(Buffer.concat(chunks))); }
      void STDERR;
    }));
    sock.on('error', reject);
    sock.on('close', () => reject(new Error('connection closed before the response ended')));
  });
  const params = {
    REQUEST_METHOD: method, DOCUMENT_URI: path, SCRIPT_NAME: path, QUERY_STRING: query,
    REQUEST_URI: query ? `${path}?${query}` : path, SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: remoteAddr, CONTENT_LENGTH: String(contentLength),
  };
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase() === 'content-type' ? 'CONTENT_TYPE' : `HTTP_${k.toUpperCase().replace(/-/g, '_')}`;
    params[key] = v;
  }
  const begin = Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]); // role RESPONDER, no keep-conn
  sock.write(record(BEGIN_REQUEST, begin));
  sock.write(record(PARAMS, Buffer.concat(Object.entries(params).map(([k, v]) => nameValue(k, v)))));
  sock.write(record(PARAMS, Buffer.alloc(0)));
  return {
    send(chunk) {
      const data = Buffer.from(chunk);
      for (let off = 0; off < data.length; off += 32768) sock.write(record(STDIN, data.subarray(off, off + 32768)));
    },
    end() { sock.write(record(STDIN, Buffer.alloc(0))); },
    // Hang up, as a client that gave up does.
    abort() { sock.destroy(); },
    response,
  };
}

// One whole request. timeoutMs: give up (hang up and reject) after that long.
function request(address, opts = {}) {
  const body = opts.body ? Buffer.from(opts.body) : Buffer.alloc(0);
  const req = open(address, { ...opts, contentLength: body.length });
  if (body.length) req.send(body);
  req.end();
  if (!opts.timeoutMs) return req.response;
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => { req.abort(); reject(new Error(`no answer within ${opts.timeoutMs} ms`)); }, opts.timeoutMs);
  });
  return Promise.race([req.response, late]).finally(() => clearTimeout(timer));
}

module.exports = { open, request, serve };
