// Two app hosts behind one nginx: each pool runs in a network namespace of
// its own (its own address, reached over a veth pair, as another machine
// would be), both share one MariaDB and one Redis, and nginx balances
// over them. One host dies under load (every process killed with -9):
// only requests in flight there may fail, writes retried with their
// Idempotency-Key land on the other host, and no acknowledged post is
// lost or doubled. Needs root (ip netns); skipped otherwise.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startStack, sleep } = require('./lib/stack');
const { account, startLoad } = require('./lib/load');
const { checkWrites } = require('./lib/check');
const fcgi = require('../http/lib/fcgi');

const PHASE_MS = Number(process.env.FAULT_SECONDS || 4) * 1000;
const root = path.resolve(__dirname, '../..');
const bin = process.env.BEAUBELLE_BIN || path.join(root, 'build/app/beaubelle');
const canNetns = (() => {
  if (process.getuid() !== 0) return false;
  try { execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' }); return true; } catch { return false; }
})();
const skip = canNetns ? false : 'needs root and ip netns';

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

// A "host": a network namespace with a veth pair and a pool listening in it.
function startHost(stack, n) {
  const tag = `bb${process.pid % 10000}h${n}`;
  const subnet = `10.${200 + (process.pid % 50)}.${n}`;
  ip('netns', 'add', tag);
  ip('link', 'add', `${tag}o`, 'type', 'veth', 'peer', 'name', `${tag}i`);
  ip('link', 'set', `${tag}i`, 'netns', tag);
  ip('addr', 'add', `${subnet}.1/24`, 'dev', `${tag}o`);
  ip('link', 'set', `${tag}o`, 'up');
  ip('netns', 'exec', tag, 'ip', 'addr', 'add', `${subnet}.2/24`, 'dev', `${tag}i`);
  ip('netns', 'exec', tag, 'ip', 'link', 'set', `${tag}i`, 'up');
  ip('netns', 'exec', tag, 'ip', 'link', 'set', 'lo', 'up');
  const log = fs.openSync(path.join(stack.varDir, 'log', `host${n}.log`), 'a');
  const child = spawn('ip', ['netns', 'exec', tag, bin, 'serve', '--listen', `${subnet}.2:9000`,
    '--image-listen', `${subnet}.2:9001`, '--config', path.join(stack.varDir, 'beaubelle.conf')],
  { env: { ...stack.env, BEAUBELLE_SERVER_WORKERS: '2', BEAUBELLE_SERVER_IMAGE_WORKERS: '1' }, stdio: ['ignore', log, log], detached: true });
  return {
    tag, address: { host: `${subnet}.2`, port: 9000 }, child,
    // Every process of the host, the master and its workers.
    pids: () => execFileSync('ip', ['netns', 'pids', tag], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number),
    remove() {
      for (const pid of this.pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      try { ip('netns', 'del', tag); } catch { /* gone */ }
      try { ip('link', 'del', `${tag}o`); } catch { /* went with the namespace */ }
    },
  };
}

async function answers(address) {
  for (let i = 0; i < 100; i++) {
    try { if ((await fcgi.request(address, { path: '/healthz' })).status === 200) return true; } catch { /* not yet */ }
    await sleep(100);
  }
  return false;
}

test('one of two app hosts dies under load: only its in-flight requests fail, no write is lost', { skip, timeout: 300000 }, async (t) => {
  const stack = await startStack();
  const hosts = [];
  t.after(async () => {
    for (const h of hosts) h.remove();
    await stack.stop();
  });
  hosts.push(startHost(stack, 1), startHost(stack, 2));
  for (const h of hosts) assert.ok(await answers(h.address), `${h.tag} answers at ${h.address.host}`);

  // nginx now balances over the two hosts instead of the local sockets:
  // pages on port 9000, uploads on their image workers' 9001.
  const conf = path.join(stack.varDir, 'nginx/nginx.conf');
  const servers = (port) => hosts.map((h) => `server ${h.address.host}:${port} max_fails=1 fail_timeout=30s;`).join('\n        ');
  const text = fs.readFileSync(conf, 'utf8')
    .replace(/server unix:[^;]*beaubelle\.sock;/, servers(9000))
    .replace(/server unix:[^;]*beaubelle-images\.sock;\s*server unix:[^;]*beaubelle\.sock backup;/, servers(9001));
  assert.doesNotMatch(text, /server unix:[^;]*beaubelle(-images)?\.sock/, 'no upstream left on the local pool');
  fs.writeFileSync(conf, text);
  execFileSync('nginx', ['-c', conf, '-p', path.join(stack.varDir, 'nginx/'), '-s', 'reload']);
  await sleep(500);
  assert.ok((await stack.ready()) >= 0);

  const tag = `${process.pid % 1000}`;
  const writers = await Promise.all([1, 2, 3].map((i) => account(stack, `hw${tag}_${i}`)));
  const load = startLoad(stack.url, writers, { readers: 3 });
  await sleep(PHASE_MS / 2);
  // Both hosts were taking their share before one dies.
  const accepted = [];
  for (const h of hosts) {
    accepted.push(JSON.parse((await fcgi.request(h.address, { path: '/status', query: 'json' })).body)['accepted conn']);
  }
  assert.ok(accepted.every((n) => n > 10), `requests per host: ${accepted}`);
  const dead = hosts[0];
  const killed = dead.pids();
  for (const pid of killed) process.kill(pid, 'SIGKILL');
  await sleep(PHASE_MS / 2);
  await load.stop();

  const fives = load.tally.count((s) => s === 500) + load.reads.count((s) => s === 500);
  assert.equal(fives, 0, 'no 500s');
  // At most the requests each of the dead host's workers was serving.
  const failedReads = load.reads.count((s) => s >= 500) + load.reads.errors;
  const failedWrites = load.tally.count((s) => s >= 500) + load.tally.errors;
  assert.ok(failedReads + failedWrites <= killed.length, `${failedReads} reads and ${failedWrites} write attempts failed; ${killed.length} processes died`);
  assert.deepEqual(checkWrites(stack, load, writers), []);
  assert.equal(load.lost.length, 0, 'every post was acknowledged (retried on the other host)');
  const hostLog = fs.readFileSync(path.join(stack.varDir, 'log/host2.log'), 'utf8');
  assert.match(hostLog, /event=serving/, 'the second host served');
  t.diagnostic(JSON.stringify({ acceptedBeforeKill: accepted, killed: killed.length, failedReads, failedWrites, acked: load.acked.length, writes: load.tally.statuses, reads: load.reads.statuses }));
});
