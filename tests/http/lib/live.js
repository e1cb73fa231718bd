// Live updates as a browser's EventSource sees them: a stream from nginx
// (nchan) whose data lines are collected as they come.
'use strict';
const http = require('node:http');
const { base } = require('./stack');

// Open path with cookie; resolves once the answer starts, with
// { status, events, close() }. site: the stack under test unless given.
function subscribe(path, cookie, site = base) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${site}${path}`, { headers: { Accept: 'text/event-stream', Cookie: cookie } }, (res) => {
      const stream = { status: res.statusCode, events: [], close: () => req.destroy() };
      let partial = ''; // a line cut between two chunks
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        for (const line of lines) if (line.startsWith('data: ')) stream.events.push(line.slice(6));
      });
      resolve(stream);
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? null : reject(e)));
  });
}

module.exports = { subscribe };
