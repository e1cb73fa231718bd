// The job queue: acknowledged on success, retried with backoff, parked in
// the dead-letter stream, and taken over when a job worker dies.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { cli, cliResult, redis, sql, pidOf, alive, waitFor, spawnBeaubelle, varDir } = require('./lib/stack');
const { signup } = require('./lib/client');
const { makePost, act, cardIds } = require('./lib/posting');

const token = (name) => `${name}-${process.pid}-${Date.now()}`;
const done = (t) => redis('SISMEMBER', 'bb:selftest:done', t) === '1';
const runs = (t) => Number(redis('HGET', 'bb:selftest:runs', t) || 0);

test('a job runs once and is acknowledged', async () => {
  const t = token('ok');
  cli(['admin', 'enqueue', 'selftest', `ok:${t}`]);
  assert.ok(await waitFor(() => done(t), 5000), 'the job ran');
  assert.equal(runs(t), 1);
  assert.ok(await waitFor(() => redis('XLEN', 'bb:jobs') === '0', 3000), 'nothing left in the stream');
});

test('a failing job is retried with backoff until it succeeds', async () => {
  const t = token('flaky');
  cli(['admin', 'enqueue', 'selftest', `flaky:2:${t}`]);
  assert.ok(await waitFor(() => done(t), 10000), 'the job succeeded on its third attempt');
  assert.equal(runs(t), 3);
});

test('a job that always fails ends in the dead-letter stream with its reason', async () => {
  const t = token('fail');
  cli(['admin', 'enqueue', 'selftest', `fail:${t}`]);
  const dead = await waitFor(() => redis('XRANGE', 'bb:jobs:dead', '-', '+').includes(t), 15000, 100);
  assert.ok(dead, 'parked after the last attempt');
  assert.equal(runs(t), 5, 'max_attempts runs');
  assert.equal(done(t), false);
  const entry = redis('XRANGE', 'bb:jobs:dead', '-', '+');
  assert.match(entry, /asked to fail/);
});

test('an invalid job is refused by the CLI', () => {
  const r = cliResult(['admin', 'enqueue', 'selftest', 'line\nbreak']);
  assert.notEqual(r.status, 0);
});

test('a job held by a worker killed mid-job is taken over by another worker', async () => {
  const t = token('sleep');
  const stackWorker = pidOf('worker');
  cli(['admin', 'enqueue', 'selftest', `sleep:3000:${t}`]);
  assert.ok(await waitFor(() => runs(t) === 1, 5000), 'the job started');
  process.kill(stackWorker, 'SIGKILL');
  await waitFor(() => !alive(stackWorker), 2000);
  assert.equal(done(t), false, 'the killed worker did not finish');
  // A replacement worker, recorded as the stack's so ./scripts/stop stops it.
  const w = spawnBeaubelle(['worker']);
  fs.writeFileSync(path.join(varDir, 'run/worker.pid'), `${w.pid}\n`);
  w.unref();
  assert.ok(await waitFor(() => done(t), 20000, 100), 'the job was reclaimed and finished');
  assert.equal(runs(t), 2);
});

// A Redis that restarts without its last writes (or is wiped) loses the
// jobs queued in them. The job worker notices the new server and queues
// the notifications of the last minutes again, from MariaDB's likes,
// follows and posts: each is made once, whether it was sent before or not.
test('notifications whose jobs Redis lost are sent once the job worker sees Redis restarted', async () => {
  const author = await signup('lostn');
  const fan = await signup('lostf');
  const post = await makePost(author.client, 'a post to like');
  const uid = (name) => Number(sql(`SELECT id FROM users WHERE username = '${name}'`));
  const [authorId, fanId] = [uid(author.username), uid(fan.username)];
  const notes = (kind) => Number(sql(`SELECT COUNT(*) FROM notifications WHERE user_id = ${authorId}
    AND actor_id = ${fanId} AND kind = '${kind}'`));

  const stackWorker = pidOf('worker');
  process.kill(stackWorker, 'SIGKILL');
  assert.ok(await waitFor(() => !alive(stackWorker), 2000));
  assert.equal((await act(fan.client, `/p/${post}/like`)).status, 303);
  assert.equal((await act(fan.client, `/@${author.username}/follow`)).status, 303);
  assert.ok(redis('XRANGE', 'bb:jobs', '-', '+').includes(`like:${fanId}:${post}`), 'the like\'s job was queued');
  // What a restart that lost its last second does to the queue; the
  // marker of the server the worker last saw no longer matches.
  redis('XTRIM', 'bb:jobs', 'MAXLEN', '0');
  redis('SET', 'bb:redis:run_id', '0'.repeat(40));

  const w = spawnBeaubelle(['worker']);
  fs.writeFileSync(path.join(varDir, 'run/worker.pid'), `${w.pid}\n`);
  w.unref();
  assert.ok(await waitFor(() => notes('like') === 1 && notes('follow') === 1, 15000, 100),
    `like ${notes('like')}, follow ${notes('follow')}: both notifications arrive`);
  const page = await author.client.get('/notifications');
  assert.match(page.body_text, new RegExp(`@${fan.username}`));
  // Queued again a second time (another restart), nothing doubles.
  redis('SET', 'bb:redis:run_id', '0'.repeat(40));
  assert.ok(await waitFor(() => redis('GET', 'bb:redis:run_id') !== '0'.repeat(40), 5000, 100), 'the worker saw it');
  assert.ok(await waitFor(() => redis('XLEN', 'bb:jobs') === '0', 10000, 100));
  assert.equal(notes('like'), 1);
  assert.equal(notes('follow'), 1);
  const restarts = fs.readFileSync(w.logPath, 'utf8').match(/event=redis_restarted .*notify_jobs_requeued=[1-9]/g) || [];
  assert.equal(restarts.length, 2, 'each restart seen once, with notify jobs queued again');
});

// A post is owed its delivery from the transaction that approves it; a
// delivery job Redis never kept (it was unreachable when the post was
// made, or restarted without it) is queued again by the job worker's
// sweep after [jobs] redeliver_after, and what follows the fan-out (a
// mention, a repost's notification) comes with it, once.
test('a post whose delivery job was lost still reaches its followers, with its mention and repost notices', async () => {
  const author = await signup('lostd');
  const reader = await signup('lostr');
  const other = await signup('losto');
  const uid = (name) => Number(sql(`SELECT id FROM users WHERE username = '${name}'`));
  const [readerId, otherId] = [uid(reader.username), uid(other.username)];
  const notes = (user, kind) => Number(sql(`SELECT COUNT(*) FROM notifications WHERE user_id = ${user} AND kind = '${kind}'`));
  const theirs = await makePost(other.client, 'a post to repost');
  assert.equal((await act(reader.client, `/@${author.username}/follow`)).status, 303);
  // The reader's timeline is in Redis, so only a delivery can add to it.
  assert.equal((await reader.client.get('/')).status, 200);
  assert.equal(redis('EXISTS', `bb:tl:home:${readerId}`), '1');

  const stackWorker = pidOf('worker');
  process.kill(stackWorker, 'SIGKILL');
  assert.ok(await waitFor(() => !alive(stackWorker), 2000));
  const mine = await makePost(author.client, `for @${reader.username}`);
  assert.equal((await act(author.client, `/p/${theirs}/repost`)).status, 303);
  const repost = Number(sql(`SELECT id FROM posts WHERE repost_of_id = ${theirs} AND user_id = ${uid(author.username)}`));
  assert.equal(sql(`SELECT COUNT(*) FROM post_deliveries WHERE post_id IN (${mine}, ${repost})`), '2', 'both owed');
  redis('XTRIM', 'bb:jobs', 'MAXLEN', '0'); // the queued jobs are lost

  const w = spawnBeaubelle(['worker']);
  fs.writeFileSync(path.join(varDir, 'run/worker.pid'), `${w.pid}\n`);
  w.unref();
  const timeline = () => redis('LRANGE', `bb:tl:home:${readerId}`, '0', '-1').split('\n').map(Number);
  assert.ok(await waitFor(() => timeline().includes(mine) && timeline().includes(repost), 15000, 100),
    'the post and the repost reach the reader\'s timeline');
  assert.ok(await waitFor(() => notes(readerId, 'mention') === 1 && notes(otherId, 'repost') === 1, 5000, 100),
    `mention ${notes(readerId, 'mention')}, repost ${notes(otherId, 'repost')}`);
  assert.ok(await waitFor(() => sql(`SELECT COUNT(*) FROM post_deliveries WHERE post_id IN (${mine}, ${repost})`) === '0', 5000, 100),
    'nothing owed any more');
  assert.equal(timeline().filter((id) => id === mine).length, 1, 'delivered once');

  // A delivery that did run twice (retried after part of it) pushed the
  // id again: the page shows the post once.
  redis('LPUSH', `bb:tl:home:${readerId}`, String(mine));
  const home = await reader.client.get('/');
  assert.equal(cardIds(home.body_text).filter((id) => id === mine).length, 1, 'shown once');
  assert.equal(notes(readerId, 'mention'), 1);
  assert.ok(fs.readFileSync(w.logPath, 'utf8').includes('event=delivery_resweep'), 'the sweep queued them');
});
