// What HTTP tests know about the stack under test: its URL, data folder,
// binary and config, and small helpers to reach its parts the way an
// operator would (the CLI, redis-cli, the mariadb client).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
const base = process.env.BEAUBELLE_TEST_URL || 'http://127.0.0.1:8080';
const varDir = process.env.BEAUBELLE_VAR || path.join(root, 'var');
const bin = process.env.BEAUBELLE_BIN || path.join(root, 'build/app/beaubelle');
const config = path.join(varDir, 'beaubelle.conf');

function cli(args, opts = {}) {
  return execFileSync(bin, [...args, '--config', config], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts,
  });
}

// Run the CLI and return { status, stdout, stderr } without throwing.
function cliResult(args, opts = {}) {
  try {
    return { status: 0, stdout: cli(args, opts), stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: String(e.stdout || ''), stderr: String(e.stderr || '') };
  }
}

function redis(...args) {
  return execFileSync('redis-cli', ['-s', path.join(varDir, 'run/redis.sock'), '--raw', ...args],
    { encoding: 'utf8' }).trim();
}

function sql(query) {
  return execFileSync('mariadb', ['--socket', path.join(varDir, 'run/mysqld.sock'), '-u', 'root',
    '-N', '-B', 'beaubelle', '-e', query], { encoding: 'utf8' }).trim();
}

function pidOf(name) {
  return Number(fs.readFileSync(path.join(varDir, 'run', `${name}.pid`), 'utf8').trim());
}

function childrenOf(pid) {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The binary is built with AddressSanitizer: its memory sizes mean little
// (shadow memory, quarantine), and no other allocator or preload may go
// before its runtime.
const sanitized = (() => {
  try {
    return /__asan_init/.test(execFileSync('readelf', ['--dyn-syms', '-W', bin], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  } catch { return false; } // no binary yet: nothing to run either
})();

// Poll fn until it returns a truthy value or timeoutMs passes.
async function waitFor(fn, timeoutMs = 5000, stepMs = 50) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return v;
    await sleep(stepMs);
  }
}

// A TCP port on 127.0.0.1 that is free now (for pools and servers a test starts).
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// Start a second `beaubelle` process (a pool on its own socket, or a job
// worker) with extra environment and optionally another config file; the
// caller stops it. Its log is the returned child's logPath.
function spawnBeaubelle(args, env = {}, { configPath = config } = {}) {
  const logPath = path.join(varDir, 'log', `test-${args[0]}-${Date.now()}.log`);
  const logFile = fs.openSync(logPath, 'a');
  const child = spawn(bin, [...args, '--config', configPath], {
    env: { ...process.env, ...env }, stdio: ['ignore', logFile, logFile],
  });
  child.logPath = logPath;
  return child;
}

module.exports = {
  root, base, varDir, bin, config, cli, cliResult, redis, sql, pidOf, childrenOf, alive,
  sleep, waitFor, spawnBeaubelle, freePort, sanitized,
};
