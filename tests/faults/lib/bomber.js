// Sends image bombs (F14) from a process of its own, started at a lower
// priority by the test: on a real site the attacker's CPU is not the
// server's, and on this machine the bombers' work must not be counted as
// the server's delay of the pages measured beside them.
//   node bomber.js '{"url", "senders", "ms", "bombers": [{"cookie", "token"}], "bombs": [[file, type]]}'
// prints one JSON array of { name, status, ms } when done.
'use strict';
const { multipart, fixture } = require('../../http/lib/images');

async function main() {
  const { url, senders, ms, bombers, bombs } = JSON.parse(process.argv[2]);
  const bodies = bombers.map((b) => bombs.map(([name, type]) => ({
    name, ...multipart({ csrf_token: b.token, caption: 'bomb', alt: '' }, [{ name: 'image', filename: name, type, data: fixture(name) }]),
  })));
  const results = [];
  const until = Date.now() + ms;
  await Promise.all(Array.from({ length: senders }, async (_, i) => {
    const b = bombers[i % bombers.length];
    for (let n = i; Date.now() < until; n += senders) {
      const { name, body, contentType } = bodies[i % bombers.length][n % bombs.length];
      const t0 = Date.now();
      const res = await fetch(`${url}/new`, {
        method: 'POST', body, redirect: 'manual',
        headers: { Cookie: b.cookie, 'Content-Type': contentType, 'Accept-Language': 'en' },
      });
      await res.arrayBuffer();
      results.push({ name, status: res.status, ms: Date.now() - t0 });
    }
  }));
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { console.error(e); process.exit(1); });
