// Backups: scripts/backup takes MariaDB and the media of the running
// stack; scripts/restore puts them into a fresh stack of its own (started
// here with scripts/run), checks every hash, and the restored site shows
// the same posts and images, and logs people in with their passwords.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { base, root, config, sql, freePort } = require('./lib/stack');
const { signup, login, PASSWORD } = require('./lib/client');
const { makePost } = require('./lib/posting');
const { noisePng } = require('./lib/images');

const run = promisify(execFile);
const TABLES = ['users', 'media', 'posts', 'follows', 'likes', 'hashtags', 'post_hashtags', 'oauth_apps', 'user_identities'];


async function script(name, args, env) {
  try {
    const { stdout, stderr } = await run(path.join(root, 'scripts', name), args,
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300000, maxBuffer: 16 << 20 });
    return { status: 0, out: stdout + stderr };
  } catch (e) {
    return { status: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

test('a backup restored into a fresh stack shows the same site', { timeout: 600000 }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-backup-'));
  const port = await freePort();
  const other = { BEAUBELLE_VAR: path.join(work, 'var'), BEAUBELLE_PORT: String(port), BEAUBELLE_CONFIG: '' };
  const otherConfig = path.join(other.BEAUBELLE_VAR, 'beaubelle.conf');
  const otherSql = (q) => execFileSync('mariadb',
    ['--socket', path.join(other.BEAUBELLE_VAR, 'run/mysqld.sock'), '-u', 'root', '-N', '-B', 'beaubelle', '-e', q],
    { encoding: 'utf8' }).trim();
  t.after(async () => {
    await script('stop', [], other);
    fs.rmSync(work, { recursive: true, force: true });
  });

  // Something worth keeping: an account with an avatar-less profile and a post.
  const author = await signup('bk');
  const postId = await makePost(author.client, 'kept across #backups', noisePng(64, 48));
  const page = await author.client.get(`/p/${postId}`);
  const image = page.body_text.match(/src="(\/media\/[0-9a-f/]+-[a-z0-9]+\.webp)"/)[1];
  const imageBytes = Buffer.from(await (await fetch(base + image)).arrayBuffer());
  const counts = Object.fromEntries(TABLES.map((tb) => [tb, sql(`SELECT COUNT(*) FROM ${tb}`)]));

  const dir = path.join(work, 'backup');
  const backup = await script('backup', [dir], { BEAUBELLE_CONFIG: config });
  assert.equal(backup.status, 0, backup.out);
  for (const f of ['MANIFEST', 'mariadb.sql', 'media.tar', 'media.sha256']) assert.ok(fs.existsSync(path.join(dir, f)), f);
  assert.equal(fs.statSync(path.join(dir, 'mariadb.sql')).mode & 0o077, 0, 'the dump is private to its owner');

  const up = await script('run', ['-d'], other);
  assert.equal(up.status, 0, up.out);
  const restore = await script('restore', [dir], { ...other, BEAUBELLE_CONFIG: otherConfig });
  assert.equal(restore.status, 0, restore.out);
  assert.match(restore.out, /restored and verified/);

  for (const tb of TABLES) assert.equal(otherSql(`SELECT COUNT(*) FROM ${tb}`), counts[tb], `rows of ${tb}`);
  const otherBase = `http://127.0.0.1:${port}`;
  const shown = await fetch(`${otherBase}/p/${postId}`);
  assert.equal(shown.status, 200);
  const html = await shown.text();
  assert.ok(html.includes(image), 'the post shows the same image');
  assert.match(html, /kept across/);
  const copy = await fetch(otherBase + image);
  assert.equal(copy.status, 200);
  assert.ok(Buffer.from(await copy.arrayBuffer()).equals(imageBytes), 'the image bytes are the same');
  // Passwords come back; sessions do not (they lived in Redis).
  const loginPage = await fetch(`${otherBase}/login`);
  const csrf = (await loginPage.text()).match(/name="csrf_token" value="([^"]+)"/)[1];
  const cookie = loginPage.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const loggedIn = await fetch(`${otherBase}/login`, { method: 'POST', redirect: 'manual',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf_token: csrf, login: author.username, password: PASSWORD }).toString() });
  assert.equal(loggedIn.status, 303);
  const oldSession = await fetch(`${otherBase}/settings`, { redirect: 'manual', headers: { Cookie: author.client.cookieHeader() } });
  assert.equal(oldSession.status, 303, 'old sessions are not restored');
  assert.equal((await login(author.username, PASSWORD)).res.status, 303, 'the original site is untouched');

  // A second restore would overwrite accounts: refused without --force.
  const again = await script('restore', [dir], { ...other, BEAUBELLE_CONFIG: otherConfig });
  assert.notEqual(again.status, 0);
  assert.match(again.out, /already holds \d+ accounts/);
  // A damaged backup is refused before anything is touched.
  fs.appendFileSync(path.join(dir, 'media.tar'), 'x');
  const damaged = await script('restore', [dir, '--force'], { ...other, BEAUBELLE_CONFIG: otherConfig });
  assert.notEqual(damaged.status, 0);
  assert.match(damaged.out, /does not match its MANIFEST/);
});
