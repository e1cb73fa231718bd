// For scripts/security-scan: an account with a post, logged in both ways.
// Prints shell assignments: SCAN_COOKIE, SCAN_CSRF, SCAN_TOKEN, SCAN_USER,
// SCAN_POST (the stack is BEAUBELLE_TEST_URL).
'use strict';
const { apiUser, postImage } = require('../../tests/http/lib/api');

(async () => {
  const u = await apiUser('scan');
  const post = await postImage(u.token, 'scanned #scan');
  const csrf = await u.client.csrf('/settings');
  const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
  process.stdout.write([
    `SCAN_COOKIE=${q(u.client.cookieHeader())}`, `SCAN_CSRF=${q(csrf)}`, `SCAN_TOKEN=${q(u.token)}`,
    `SCAN_USER=${q(u.username)}`, `SCAN_POST=${q(post.id)}`, ''].join('\n'));
})().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
