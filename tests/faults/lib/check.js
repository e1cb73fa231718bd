// After a fault: compare what clients were told with what MariaDB holds.
// Every acknowledged post exists exactly once with the id the client got;
// no idempotency key made two posts; each writer's post count is right;
// every image row has its files; and (once Redis settled) a follower's
// home timeline lists every acknowledged post.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function checkWrites(stack, load, writers) {
  const problems = [];
  const ids = new Map(writers.map((w) => [w.name, w.id]));
  // One query for every keyed post of the writers: "user_id key" -> [ids].
  const byKey = new Map();
  const keyed = stack.sql(`SELECT user_id, idempotency_key, id FROM posts WHERE idempotency_key IS NOT NULL AND user_id IN (${[...ids.values()].join(',')})`);
  for (const line of keyed.split('\n').filter(Boolean)) {
    const [user, key, id] = line.split('\t');
    const k = `${user} ${key}`;
    byKey.set(k, [...(byKey.get(k) || []), Number(id)]);
  }
  for (const a of load.acked) {
    const rows = byKey.get(`${ids.get(a.user)} ${a.key}`) || [];
    if (rows.length !== 1 || rows[0] !== a.id) problems.push(`post ${a.key}: told ${a.id}, database has [${rows}]`);
  }
  const dup = stack.sql('SELECT COUNT(*) FROM (SELECT user_id, idempotency_key FROM posts WHERE idempotency_key IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) > 1) d');
  if (dup !== '0') problems.push(`${dup} idempotency keys with more than one post`);
  for (const w of writers) {
    const [count, real] = stack.sql(`SELECT posts_count, (SELECT COUNT(*) FROM posts WHERE user_id = u.id AND state = 'approved') FROM users u WHERE id = ${w.id}`).split('\t');
    if (count !== real) problems.push(`${w.name}: posts_count ${count}, approved posts ${real}`);
  }
  const media = stack.sql(`SELECT DISTINCT m.sha256 FROM media m JOIN posts p ON p.media_id = m.id WHERE p.user_id IN (${[...ids.values()].join(',')})`)
    .split('\n').filter(Boolean);
  const root = path.join(stack.varDir, 'media');
  for (const h of media) {
    const dir = path.join(root, h.slice(0, 2), h.slice(2, 4));
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`${h}-`) && f.endsWith('.webp')) : [];
    if (files.length < 3) problems.push(`image ${h}: ${files.length} files`);
  }
  return problems;
}

// Redis keeps the newest 800 entries of a home timeline (TIMELINES_CAP in
// app/store/timelines.h); a long run posts more than that.
const TIMELINES_CAP = 800;

// The follower's timeline as the site shows it: Redis' list (or the
// rebuild after a wipe) must hold every acknowledged post among the
// newest TIMELINES_CAP posts of the people the follower follows.
async function checkTimeline(stack, follower, load) {
  await follower.client.get('/'); // a read rebuilds a missing timeline
  // (A rebuilt list ends with 0, a marker that it is whole.)
  const list = stack.redis('LRANGE', `bb:tl:home:${follower.id}`, '0', '-1').split('\n').filter(Boolean).map(Number).filter((id) => id > 0);
  const have = new Set(list);
  const newest = new Set(stack.sql(`SELECT p.id FROM posts p JOIN follows f ON f.followee_id = p.user_id
    WHERE f.follower_id = ${follower.id} AND p.state = 'approved' ORDER BY p.id DESC LIMIT ${TIMELINES_CAP}`)
    .split('\n').filter(Boolean).map(Number));
  const missing = load.acked.filter((a) => newest.has(a.id) && !have.has(a.id)).map((a) => a.id);
  return missing;
}

// The media folder against the media table: rows whose files are
// missing, files (or leftover temporary files) no row names.
function checkMedia(stack) {
  const root = path.join(stack.varDir, 'media');
  const rows = new Set(stack.sql('SELECT DISTINCT sha256 FROM media').split('\n').filter(Boolean));
  const files = new Map();
  const temp = [];
  for (const f of fs.readdirSync(root, { recursive: true })) {
    const name = path.basename(f);
    if (!fs.statSync(path.join(root, f)).isFile()) continue;
    const m = name.match(/^([0-9a-f]{64})-(orig|feed|thumb)\.webp$/);
    if (!m) { temp.push(f); continue; }
    files.set(m[1], (files.get(m[1]) || 0) + 1);
  }
  return {
    missing: [...rows].filter((h) => (files.get(h) || 0) < 3),
    orphans: [...files.keys()].filter((h) => !rows.has(h)),
    temp,
  };
}

// Invariants (v) and (vi): no sanitizer report in any log, and the pool
// has as many workers as it should.
function checkStack(stack, workers) {
  const problems = [];
  const logDir = path.join(stack.varDir, 'log');
  for (const f of fs.readdirSync(logDir)) {
    const text = fs.readFileSync(path.join(logDir, f), 'utf8');
    if (/ERROR: (Address|Leak|Undefined)Sanitizer|runtime error: /.test(text)) problems.push(`sanitizer report in ${f}`);
  }
  const live = stack.workers().length;
  if (live !== workers) problems.push(`${live} workers, not ${workers}`);
  return problems;
}

module.exports = { checkWrites, checkTimeline, checkMedia, checkStack };
