// A stack of its own for breaking things on purpose: scripts/run on a
// fresh data folder and port, with the test settings of scripts/test, and
// the means to kill, freeze, wipe, restart and reconfigure each part of
// it, and to look at the pool as an operator would (/status, the
// processes' memory, the FastCGI socket's listen queue, nginx's log).
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
redeliver_after = 2s
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
// before anything starts, so it can start what the settings name. A
// string alone is taken as conf.
async function startStack(opts = {}) {
  const { conf = '' } = typeof opts === 'string' ? { conf: opts } : opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-faults-'));
  const port = await freePort();
  const env = { ...process.env, BEAUBELLE_VAR: path.join(dir, 'var'), BEAUBELLE_PORT: String(port), BEAUBELLE_CONFIG: '' };
  const varDir = env.BEAUBELLE_VAR;
  const sh = (script) => run('bash', ['-c', `. "${root}/scripts/lib/stack.sh" && ${script}`],
    { env, encoding: 'utf8', timeout: 180000, maxBuffer: 16 << 20 });
  // The first run writes the config; the test settings go in before the app starts.
  await sh('bb_prepare_var');
  const extra = typeof conf === 'function' ? await conf({ dir, varDir, port, url: `http://127.0.0.1:${port}` }) : conf;
  const confPath = path.join(varDir, 'beaubelle.conf');
  fs.appendFileSync(confPath, `${TEST_CONF}\n${extra}`);
  const baseConf = fs.readFileSync(confPath, 'utf8');
  const nginxConfPath = path.join(varDir, 'nginx/nginx.conf');
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
    // The pool's status page with one entry per worker (pid, state,
    // generation, requests, method and path of the current request).
    async status() {
      return (await fetch(`${stack.url}/status?json&full`)).json();
    },
    // Settings appended to the stack's own (replacing what an earlier
    // call added), then SIGHUP to the pool; resolves once every worker
    // answering is of the new generation and there are `workers` of them.
    async reconfigure(extra, { workers, timeoutMs = 30000 } = {}) {
      const before = Math.max(...(await stack.status()).processes.map((p) => p.generation));
      fs.writeFileSync(confPath, baseConf + extra);
      stack.kill('beaubelle', 'SIGHUP');
      const start = Date.now();
      while (Date.now() - start < timeoutMs) {
        await sleep(100);
        try {
          const ps = (await stack.status()).processes;
          if (ps.every((p) => p.generation > before) && (!workers || ps.length === workers)
              && stack.workers().length === ps.length) return Date.now() - start;
        } catch { /* not answering yet */ }
      }
      throw new Error(`the pool did not take the new settings within ${timeoutMs} ms`);
    },
    // Resident memory of a process in kB (0 once it is gone).
    rssKb(pid) {
      try {
        const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
        return m ? Number(m[1]) : 0;
      } catch { return 0; }
    },
    // The FastCGI socket's listen queue: connections waiting now, and its
    // length (the backlog the kernel granted), as `ss` shows them.
    listenQueue() {
      const sock = path.join(varDir, 'run/beaubelle.sock');
      const line = execFileSync('ss', ['-xlnH'], { encoding: 'utf8' }).split('\n')
        .find((l) => l.split(/\s+/).includes(sock));
      if (!line) return null;
      const [, , waiting, backlog] = line.trim().split(/\s+/);
      return { waiting: Number(waiting), backlog: Number(backlog) };
    },
    // Lines of nginx's error log written since `from` (a byte offset;
    // stack.nginxErrorsAt() gives the current end).
    nginxErrorsAt: () => { try { return fs.statSync(path.join(varDir, 'log/nginx-error.log')).size; } catch { return 0; } },
    nginxErrors(from = 0) {
      const buf = fs.readFileSync(path.join(varDir, 'log/nginx-error.log'));
      return buf.subarray(from).toString('utf8').split('\n').filter(Boolean);
    },
    // nginx with its config passed through edit(text), reloaded (undo
    // with stack.nginxConfigure((t) => t) after restoring: the original
    // is kept).
    nginxOriginal: fs.readFileSync(nginxConfPath, 'utf8'),
    async nginxConfigure(edit) {
      fs.writeFileSync(nginxConfPath, edit(stack.nginxOriginal));
      execFileSync('nginx', ['-t', '-q', '-c', nginxConfPath, '-p', path.join(varDir, 'nginx/'),
        '-e', path.join(varDir, 'log/nginx-error.log')]);
      execFileSync('nginx', ['-c', nginxConfPath, '-p', path.join(varDir, 'nginx/'), '-s', 'reload']);
      // The old nginx workers finish; new ones take the next connection.
      await sleep(500);
    },
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
