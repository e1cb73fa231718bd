// Gates between the application and what it depends on, for breaking the
// dependency on purpose without touching it.
//
// tcpGate: a TCP port on 127.0.0.1 in front of a service (an identity
// provider, object storage, an image engine). 'pass' relays to it;
// 'refuse' stops listening (connection refused); 'hang' accepts and never
// answers; '500' answers every request with an HTTP 500. It counts the
// connections it accepts, so a test can tell a call that was made from
// one that was not.
//
// mysqlGate: a unix socket in front of MariaDB's, relaying the MySQL
// protocol. Armed, it freezes MariaDB (SIGSTOP) the moment a client's
// COMMIT has gone through, and holds back what MariaDB sends that client
// until thawed: the commit may be done, the application cannot know. Or
// it holds the COMMIT itself, as a network or a disk stall would, and
// lets it reach MariaDB later, even after the client gave up on it.
'use strict';
const net = require('node:net');
const fs = require('node:fs');

const ANSWER_500 = 'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n' +
  'Connection: close\r\n\r\nstub failure\n';

// target: { host, port } of the service; may be filled in after the gate
// starts (a service that must know the gate's address before it starts).
async function tcpGate(target) {
  const sockets = new Set();
  let mode = 'pass';
  const gate = { connections: 0, mode: () => mode, target };
  const server = net.createServer((client) => {
    gate.connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (mode === 'hang') return; // read nothing, answer nothing
    if (mode === '500') {
      let head = '';
      client.on('data', (d) => {
        head += d.toString('latin1');
        if (head.includes('\r\n\r\n')) client.end(ANSWER_500);
      });
      return;
    }
    const up = net.connect(target.port, target.host || '127.0.0.1');
    sockets.add(up);
    up.on('close', () => { sockets.delete(up); client.destroy(); });
    up.on('error', () => client.destroy());
    client.on('close', () => up.destroy());
    client.pipe(up);
    up.pipe(client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  gate.port = port;
  gate.url = `http://127.0.0.1:${port}`;
  // Switch mode; connections held by the old mode are dropped.
  gate.set = async (next) => {
    for (const s of sockets) s.destroy();
    if (next === 'refuse' && server.listening) await new Promise((r) => server.close(r));
    if (next !== 'refuse' && !server.listening) await new Promise((r) => server.listen(port, '127.0.0.1', r));
    mode = next;
  };
  gate.close = async () => {
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise((r) => server.close(r));
  };
  return gate;
}

// A COM_QUERY packet (type 3) whose text is COMMIT.
function isCommit(payload) {
  return payload.length === 7 && payload[0] === 0x03 && payload.toString('latin1', 1).toUpperCase() === 'COMMIT';
}

async function mysqlGate(listenPath, targetPath) {
  fs.rmSync(listenPath, { force: true });
  const conns = new Set();
  let trap = null;
  const gate = { commits: 0 };
  const server = net.createServer((client) => {
    const up = net.connect(targetPath);
    // held: what MariaDB said while frozen; outbound: a COMMIT kept back.
    const conn = { client, up, held: null, outbound: null, pending: Buffer.alloc(0) };
    conns.add(conn);
    // A COMMIT kept back outlives its client: it is delivered on release.
    const drop = () => { conns.delete(conn); client.destroy(); if (!conn.outbound) up.destroy(); };
    client.on('error', drop);
    up.on('error', () => { conn.outbound = null; drop(); });
    client.on('close', drop);
    up.on('close', () => { conn.outbound = null; drop(); });
    up.on('data', (d) => {
      if (conn.held) conn.held.push(d);
      else if (!client.destroyed) client.write(d);
    });
    client.on('data', (d) => {
      // Whole packets only: 3 bytes of length, 1 of sequence, the payload.
      conn.pending = Buffer.concat([conn.pending, d]);
      while (conn.pending.length >= 4) {
        const len = conn.pending.readUIntLE(0, 3);
        if (conn.pending.length < 4 + len) break;
        const packet = conn.pending.subarray(0, 4 + len);
        conn.pending = conn.pending.subarray(4 + len);
        if (conn.outbound) { conn.outbound.push(packet); continue; }
        const commit = isCommit(packet.subarray(4));
        if (commit) gate.commits++;
        if (commit && trap && trap.hold) {
          conn.outbound = [packet];
          const t = trap;
          trap = null;
          t.fire(conn);
          continue;
        }
        up.write(packet);
        if (commit && trap) {
          conn.held = [];
          const t = trap;
          trap = null;
          t.fire(conn);
        }
      }
    });
  });
  await new Promise((r) => server.listen(listenPath, r));
  gate.path = listenPath;
  // The next COMMIT freezes pid (MariaDB); resolves with the time it did.
  gate.freezeOnCommit = (pid) => new Promise((resolve) => {
    trap = {
      fire: (conn) => {
        process.kill(pid, 'SIGSTOP');
        gate.frozen = { pid, conn };
        resolve(Date.now());
      },
    };
  });
  // The next COMMIT is kept back until releaseCommit(); resolves with the
  // connection (conn.client.destroyed: its client gave up meanwhile).
  gate.holdCommit = () => new Promise((resolve) => {
    trap = { hold: true, fire: (conn) => { gate.holding = conn; resolve(conn); } };
  });
  // The COMMIT goes on to MariaDB, then the end of the connection if its
  // client is gone: MariaDB commits, and finds nobody to tell.
  gate.releaseCommit = () => {
    const conn = gate.holding;
    gate.holding = null;
    if (!conn || !conn.outbound) return;
    for (const p of conn.outbound) conn.up.write(p);
    conn.outbound = null;
    if (conn.client.destroyed) conn.up.end();
  };
  gate.disarm = () => { trap = null; };
  // SIGCONT, and what MariaDB said meanwhile goes on to the client.
  gate.thaw = () => {
    if (!gate.frozen) return;
    const { pid, conn } = gate.frozen;
    gate.frozen = null;
    process.kill(pid, 'SIGCONT');
    const held = conn.held || [];
    conn.held = null;
    for (const d of held) if (!conn.client.destroyed) conn.client.write(d);
  };
  gate.close = async () => {
    gate.thaw();
    gate.releaseCommit();
    for (const c of conns) { c.client.destroy(); c.up.destroy(); }
    await new Promise((r) => server.close(r));
  };
  return gate;
}

module.exports = { tcpGate, mysqlGate };
