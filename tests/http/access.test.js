// The access-control matrix: every object-changing action is tried by the
// object's owner, another user, a moderator and an anonymous visitor, on
// a fresh object each time. Only the allowed succeed, and the others
// change nothing in MariaDB or Redis.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { sql, redis, cli } = require('./lib/stack');
const { Client } = require('./lib/client');
const { apiUser, call, postImage, uploadMedia } = require('./lib/api');

const ACTORS = ['owner', 'other', 'moderator', 'anonymous'];
let people;

test.before(async () => {
  const [owner, other, moderator] = await Promise.all([apiUser('acow'), apiUser('acot'), apiUser('acmo')]);
  cli(['admin', 'set-role', moderator.username, 'moderator']);
  people = { owner, other, moderator, anonymous: { client: new Client(), token: null } };
});

// POST a page form with the actor's CSRF token (a visitor's own for anonymous).
async function form(actor, action, fields = {}) {
  const who = people[actor];
  const token = await who.client.csrf(actor === 'anonymous' ? '/login' : '/settings');
  return who.client.submit(null, action, fields, { token });
}

const postState = (id) => sql(`SELECT IFNULL((SELECT state FROM posts WHERE id = ${id}), 'gone')`);

const cases = [
  {
    name: 'delete a post (page)',
    allowed: ['owner', 'moderator'],
    fresh: async () => (await postImage(people.owner.token, 'matrix')).id,
    act: (actor, id) => form(actor, `/p/${id}/delete`),
    changed: (id) => postState(id) !== 'approved',
  },
  {
    name: 'delete a post (API)',
    allowed: ['owner'],
    fresh: async () => (await postImage(people.owner.token, 'matrix')).id,
    act: (actor, id) => call('DELETE', `/api/v1/statuses/${id}`, { token: people[actor].token }),
    changed: (id) => postState(id) !== 'approved',
  },
  {
    name: 'describe an image (API)',
    allowed: ['owner'],
    fresh: async () => (await uploadMedia(people.owner.token)).body.id,
    act: (actor, id) => call('PUT', `/api/v1/media/${id}`, { token: people[actor].token, form: { description: `by ${actor}` } }),
    changed: (id) => sql(`SELECT description FROM media WHERE id = ${id}`) !== '',
  },
  {
    name: 'approve a post waiting for review',
    allowed: ['moderator'],
    fresh: async () => {
      const { id } = await postImage(people.owner.token, 'matrix');
      sql(`UPDATE posts SET state = 'review' WHERE id = ${id}`);
      return id;
    },
    act: (actor, id) => form(actor, `/admin/moderation/${id}/approve`),
    changed: (id) => postState(id) === 'approved',
  },
  {
    name: 'reject a post waiting for review',
    allowed: ['moderator'],
    fresh: async () => {
      const { id } = await postImage(people.owner.token, 'matrix');
      sql(`UPDATE posts SET state = 'review' WHERE id = ${id}`);
      return id;
    },
    act: (actor, id) => form(actor, `/admin/moderation/${id}/reject`, { reason: 'matrix' }),
    changed: (id) => postState(id) === 'rejected',
  },
  {
    name: 'log out a session',
    allowed: ['owner'],
    fresh: async () => {
      const second = new Client();
      const res = await second.submit('/login', '/login', { login: people.owner.username, password: people.owner.password });
      assert.equal(res.status, 303);
      return crypto.createHash('sha256').update(second.cookies.get('sid')).digest('hex');
    },
    act: (actor, hash) => form(actor, '/settings/sessions/revoke', { session: hash }),
    changed: (hash) => redis('EXISTS', `bb:sess:${hash}`) === '0',
  },
  {
    name: 'revoke an app\'s access',
    allowed: ['owner'],
    fresh: async () => {
      const u = await apiUser('acap');
      people.appUser = u;
      return u;
    },
    // The owner here is the account that authorized the app.
    act: (actor, u) => {
      const who = actor === 'owner' ? 'appUser' : actor;
      return (async () => {
        const token = await people[who].client.csrf(who === 'anonymous' ? '/login' : '/settings');
        return people[who].client.submit(null, '/settings/apps/revoke', { app: u.app.id }, { token });
      })();
    },
    changed: (u) => sql(`SELECT COUNT(*) FROM oauth_tokens t JOIN oauth_apps a ON a.id = t.app_id
      WHERE a.client_id = '${u.app.client_id}'`) === '0',
  },
];

for (const c of cases) {
  test(`access matrix: ${c.name}`, async () => {
    for (const actor of ACTORS) {
      const obj = await c.fresh();
      assert.equal(c.changed(obj), false, `${c.name}: the fresh object is untouched`);
      const res = await c.act(actor, obj);
      const ok = c.allowed.includes(actor);
      assert.equal(c.changed(obj), ok, `${c.name} as ${actor}: ${ok ? 'allowed' : 'refused'} (status ${res.status})`);
      if (ok) assert.ok(res.status < 400, `${c.name} as ${actor}: ${res.status}`);
      else assert.ok(res.status >= 300 && res.status !== 500, `${c.name} as ${actor}: refused with ${res.status}`);
      if (!ok && actor === 'anonymous' && res.status === 303) assert.match(res.headers.get('location'), /\/login/);
    }
  });
}
