// A stack of its own for breaking things on purpose: scripts/run on a
// fresh data folder and port, with the test settings of scripts/test, and
// the means to kill, freeze, wipe and restart each part of it.
'use strict';
const { execFile, execFileSync, spawn } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, bin } = require('../../http/lib/stack');
const fcgi = require('../../http/lib/fcgi');

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));


const TEST_CONF = `
[jobs]
retry_base_ms = 100
claim_idle_ms = 2000
[limits]
login_ip_limit = 100000
signup_ip_limit = 100000
login_account_limit = 1000
upload_limit = 100000
[moderation]
mode = off
[security]
argon2_memory = 19M
`;

// conf: more settings after the test ones (they win), as text or an
// async function of { dir, varDir, port, url } giving the text; it runs
// before anything starts, so it can start what the settings name.
async function startStack({ conf = '' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-faults-'));
  const port = await freePort();
  const env = { ...process.env, BEAUBELLE_VAR: path.join(dir, 'var'), BEAUBELLE_PORT: String(port), BEAUBELLE_CONFIG: '' };
  const varDir = env.BEAUBELLE_VAR;
  const sh = (script) => run('bash', ['-c', `. "${root}/scripts/lib/stack.sh" && ${script}`],
    { env, encoding: 'utf8', timeout: 180000, maxBuffer: 16 << 20 });
  // The first run writes the config; the test settings go in before the app starts.
  await sh('bb_prepare_var');
  const extra = typeof conf === 'function' ? await conf({ dir, varDir, port, url: `http://127.0.0.1:${port}` }) : conf;
  fs.appendFileSync(path.join(varDir, 'beaubelle.conf'), `${TEST_CONF}\n${extra}`);
  await run(path.join(root, 'scripts/run'), ['-d'], { env, encoding: 'utf8', timeout: 300000, maxBuffer: 16 << 20 });
  const pidOf = (name) => Number(fs.readFileSync(path.join(varDir, 'run', `${name}.pid`), 'utf8').trim());
  const stack = {
    dir, varDir, port, url: `http://127.0.0.1:${port}`, env,
    sql: (q) => execFileSync('mariadb', ['--socket', path.join(varDir, 'run/mysqld.sock'), '-u', 'root', '-N', '-B',
      'beaubelle', '-e', q], { encoding: 'utf8' }).trim(),
    redis: (...args) => execFileSync('redis-cli', ['-s', path.join(varDir, 'run/redis.sock'), '--raw', ...args],
      { encoding: 'utf8' }).trim(),
    pidOf,
    workers: () => {
      try {
        return execFileSync('pgrep', ['-P', String(pidOf('beaubelle'))], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
      } catch { return []; }
    },
    kill: (name, signal = 'SIGKILL') => process.kill(pidOf(name), signal),
    // Start again what is not running (MariaDB, Redis, the app, nginx).
    restart: (fn) => sh(fn),
    async ready(timeoutMs = 30000) {
      const start = Date.now();
      while (Date.now() - start < timeoutMs) {
        try {
          if ((await fetch(`${stack.url}/readyz`)).status === 200) return Date.now() - start;
        } catch { /* not yet */ }
        await sleep(100);
      }
      return -1;
    },
    log: (name) => fs.readFileSync(path.join(varDir, 'log', `${name}.log`), 'utf8'),
    async stop() {
      await run(path.join(root, 'scripts/stop'), [], { env }).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

// Another FastCGI pool on 127.0.0.1 sharing the stack's MariaDB and Redis
// (a second app host), reached with tests/http/lib/fcgi.js rather than
// through nginx. env: BEAUBELLE_* overrides, or anything else the pool's
// processes need (LD_PRELOAD: its master must be the child started here,
// so no wrapper command that forks). Resolves once it answers /healthz.
async function startPool(stack, { env = {}, workers = 1 } = {}) {
  const port = await freePort();
  const address = { host: '127.0.0.1', port };
  const logPath = path.join(stack.varDir, 'log', `pool-${port}.log`);
  const log = fs.openSync(logPath, 'a');
  const argv = [bin, 'serve', '--listen', `127.0.0.1:${port}`, '--config', path.join(stack.varDir, 'beaubelle.conf')];
  const child = spawn(argv[0], argv.slice(1), {
    env: { ...stack.env, BEAUBELLE_SERVER_WORKERS: String(workers), ...env }, stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const pool = {
    address, child, logPath,
    request: (opts) => fcgi.request(address, opts),
    log: () => fs.readFileSync(logPath, 'utf8'),
    // The pool's workers (children of its master).
    workers: () => {
      try {
        return execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
      } catch { return []; }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  for (let i = 0; i < 150; i++) {
    try { if ((await pool.request({ path: '/healthz' })).status === 200) return pool; } catch { /* not yet */ }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await pool.stop();
  throw new Error(`the extra pool did not start: ${pool.log().slice(-2000)}`);
}

// Wait until pid is gone.
async function gone(pid, timeoutMs = 10000) {
  const start = Date.now();
  for (;;) {
    try { process.kill(pid, 0); } catch { return true; }
    if (Date.now() - start > timeoutMs) return false;
    await sleep(20);
  }
}

module.exports = { startStack, startPool, gone, sleep };
