// Real Mastodon client libraries against our API: masto.js (7.12.0)
// through the whole flow a client app goes through, and megalodon
// (10.0.5) detecting the server and doing the same basics.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { base, waitFor } = require('./lib/stack');
const { signup } = require('./lib/client');
const { fixture } = require('./lib/images');
const { pkce, authorize } = require('./lib/api');

const REDIRECT = 'https://client.example/callback';
const SCOPES = 'read write follow push';

// Log `account` in to a masto.js app through the consent page, then
// exchange the code with masto's OAuth client. Returns a REST client.
async function mastoLogin(masto, app, account) {
  const { verifier, challenge } = pkce();
  const { res, code } = await authorize(account.client, { client_id: app.clientId, redirect_uris: app.redirectUris },
    { scope: SCOPES, challenge, state: 'masto' });
  assert.equal(res.status, 302);
  assert.equal(new URL(res.headers.get('location')).origin + new URL(res.headers.get('location')).pathname, REDIRECT);
  const oauth = masto.createOAuthAPIClient({ url: base });
  const token = await oauth.token.create({
    grantType: 'authorization_code', clientId: app.clientId, clientSecret: app.clientSecret,
    redirectUri: REDIRECT, code, codeVerifier: verifier, scope: SCOPES,
  });
  assert.equal(token.tokenType, 'Bearer');
  assert.equal(typeof token.createdAt, 'number');
  return masto.createRestAPIClient({ url: base, accessToken: token.accessToken });
}

const image = () => new Blob([fixture('still.png')], { type: 'image/png' });

test('masto.js: app, OAuth, upload, post, timelines, favourite, reblog, follow, notifications, Link paging', async () => {
  const masto = await import('masto');
  const anon = masto.createRestAPIClient({ url: base });
  const app = await anon.v1.apps.create({ clientName: 'masto.js test', redirectUris: REDIRECT, scopes: SCOPES, website: 'https://client.example' });
  assert.equal(typeof app.clientId, 'string');
  assert.equal(typeof app.clientSecret, 'string');

  const alice = await signup('mjsa');
  const bob = await signup('mjsb');
  const a = await mastoLogin(masto, app, alice);
  const b = await mastoLogin(masto, app, bob);

  const me = await a.v1.accounts.verifyCredentials();
  assert.equal(me.username, alice.username);
  assert.equal(me.source.privacy, 'public');
  const instance = await a.v2.instance.fetch();
  assert.equal(instance.configuration.statuses.maxMediaAttachments, 1);

  // v2 upload: masto polls GET /api/v1/media/:id until the URL is set.
  const media = await a.v2.media.create({ file: image(), description: 'A portrait at dusk' });
  assert.match(media.url, /^http/);
  const status = await a.v1.statuses.create({ status: 'Hello from masto.js #mastojs', mediaIds: [media.id] });
  assert.equal(status.mediaAttachments[0].id, media.id);
  assert.equal(status.account.id, me.id);

  const mine = await a.v1.timelines.home.list({ limit: 5 });
  assert.ok(mine.some((s) => s.id === status.id), 'on the author\'s home timeline');
  const pub = await b.v1.timelines.public.list({ local: true, limit: 20 });
  assert.ok(pub.some((s) => s.id === status.id), 'on the public timeline');
  assert.equal((await anon.v1.statuses.$select(status.id).fetch()).id, status.id);

  const rel = await b.v1.accounts.$select(me.id).follow();
  assert.equal(rel.following, true);
  const [again] = await b.v1.accounts.relationships.fetch({ id: [me.id] });
  assert.equal(again.following, true);
  const fav = await b.v1.statuses.$select(status.id).favourite();
  assert.equal(fav.favourited, true);
  assert.equal(fav.favouritesCount, 1);
  const boost = await b.v1.statuses.$select(status.id).reblog();
  assert.equal(boost.reblog.id, status.id);
  const bobHome = await b.v1.timelines.home.list({ limit: 10 });
  assert.ok(bobHome.some((s) => s.id === status.id), 'a followed account\'s post reaches the follower\'s home');
  assert.deepEqual((await a.v1.statuses.$select(status.id).favouritedBy.list()).map((x) => x.id), [(await b.v1.accounts.verifyCredentials()).id]);

  const seen = await waitFor(async () => {
    const list = await a.v1.notifications.list();
    const types = new Set(list.map((n) => n.type));
    return types.has('favourite') && types.has('reblog') && types.has('follow') ? list : null;
  }, 5000, 100);
  assert.ok(seen, 'favourite, reblog and follow notifications arrive');
  assert.equal(seen.find((n) => n.type === 'favourite').status.id, status.id);

  // Four more posts, then walk the home timeline two at a time through
  // the Link headers, as `for await` does.
  const ids = [status.id];
  for (let i = 0; i < 4; i++) {
    const m = await a.v2.media.create({ file: image() });
    ids.push((await a.v1.statuses.create({ status: `page ${i}`, mediaIds: [m.id] })).id);
  }
  const walked = [];
  let pages = 0;
  for await (const page of a.v1.timelines.home.list({ limit: 2 })) {
    walked.push(...page.map((s) => s.id));
    pages += 1;
    if (pages > 10) break;
  }
  assert.deepEqual(walked, [...ids].reverse(), 'every post once, newest first, and the walk ends');
  assert.equal(pages, 4, 'three full pages, then an empty one ends it');

  await b.v1.statuses.$select(status.id).unfavourite();
  await b.v1.statuses.$select(status.id).unreblog();
  assert.equal((await b.v1.accounts.$select(me.id).unfollow()).following, false);
  await masto.createOAuthAPIClient({ url: base }).revoke({ clientId: app.clientId, clientSecret: app.clientSecret, token: 'unknown' });
});

test('megalodon: detects a Mastodon API, logs in and reads a timeline', async () => {
  const { detector, default: generator } = require('megalodon');
  assert.equal(await detector(base), 'mastodon');
  const client = generator('mastodon', base);
  const appData = await client.registerApp('megalodon test', { scopes: ['read', 'write', 'follow'], redirect_uris: REDIRECT });
  assert.equal(appData.redirect_uri, REDIRECT);
  assert.match(appData.url, /\/oauth\/authorize\?/);

  const account = await signup('mgl');
  const auth = await account.client.get(new URL(appData.url).pathname + new URL(appData.url).search);
  assert.equal(auth.status, 200, 'megalodon\'s authorize URL opens the consent page');
  const { code } = await authorize(account.client, { client_id: appData.client_id, redirect_uris: [REDIRECT] }, { scope: 'read write follow' });
  const token = await client.fetchAccessToken(appData.client_id, appData.client_secret, code, REDIRECT);
  const api = generator('mastodon', base, token.access_token);

  const me = (await api.verifyAccountCredentials()).data;
  assert.equal(me.username, account.username);
  assert.equal((await api.getInstance()).data.uri, new URL(base).host);
  const upload = await api.uploadMedia(fs.createReadStream(path.join(__dirname, '../data/images/still.png')), { description: 'alt' });
  assert.match(upload.data.url, /^http/);
  const posted = (await api.postStatus('Hello from megalodon', { media_ids: [upload.data.id] })).data;
  const home = (await api.getHomeTimeline({ limit: 5 })).data;
  assert.equal(home[0].id, posted.id);
  assert.equal(home[0].media_attachments.length, 1);
  const other = await signup('mgl2');
  const fav = (await api.favouriteStatus(posted.id)).data;
  assert.equal(fav.favourited, true);
  const who = (await api.lookupAccount(other.username)).data;
  assert.equal((await api.followAccount(who.id)).data.following, true);
  const rels = (await api.getRelationships([who.id])).data;
  assert.equal(rels[0].following, true);
  assert.ok(Array.isArray((await api.getNotifications()).data));
});
