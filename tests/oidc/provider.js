// An OpenID Connect provider for the tests: panva's oidc-provider (an
// OpenID-certified implementation) with one static confidential client,
// its development login pages (any login, any password) and a grant given
// at once, as an operator's own identity provider does for its own apps.
//
// To prove BeauBelle refuses bad id_tokens, a test can ask (POST
// /__test/tamper {"mode": ...}) that the next token response carries a
// spoiled id_token: the payload changed under the signature, alg "none",
// HS256 keyed with the RSA public key, another audience, another issuer,
// expired, another nonce, signed by a key the provider never published or
// by one a jku header points to, or the id_token of an earlier login (a
// replayed nonce). "es256" re-signs
// correctly with the published P-256 key, which must be accepted, and
// "claims" re-signs it correctly with the claims given ({"mode": "claims",
// "claims": {"exp": ...}}) in place of the genuine ones (times, for a
// test of clock leeway).
//
//   node tests/oidc/provider.js --redirect-uri URL [--port N] [--port-file F]
//
// prints nothing and writes the port to F once it listens (127.0.0.1 only).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const CLIENT_ID = 'beaubelle-test';
const CLIENT_SECRET = 'beaubelle-test-secret-0123456789';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const json64 = (o) => b64url(JSON.stringify(o));

function keys() {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = (k, kid, alg) => ({ ...k.privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' });
  return {
    rsa, ec, stranger,
    jwks: { keys: [jwk(rsa, 'rsa-1', 'RS256'), jwk(ec, 'ec-1', 'ES256')] },
  };
}

function sign(header, payload, key, alg) {
  const input = `${json64(header)}.${json64(payload)}`;
  const sig = alg === 'ES256'
    ? crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : crypto.sign('sha256', Buffer.from(input), key);
  return `${input}.${b64url(sig)}`;
}

// The spoiled version of a genuine id_token.
function tamper(mode, token, k, issuer, last, claims) {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  const rsa = (over) => sign(header, { ...payload, ...over }, k.rsa.privateKey, 'RS256');
  switch (mode) {
    case 'payload': return `${h}.${json64({ ...payload, sub: 'someone-else' })}.${s}`;
    case 'none': return `${json64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    case 'hs256': {
      const pem = k.rsa.publicKey.export({ type: 'spki', format: 'pem' });
      const input = `${json64({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${p}`;
      return `${input}.${b64url(crypto.createHmac('sha256', pem).update(input).digest())}`;
    }
    case 'aud': return rsa({ aud: 'another-client' });
    case 'iss': return rsa({ iss: 'http://127.0.0.1:1/evil' });
    case 'expired': return rsa({ iat: now - 7200, exp: now - 3600 });
    case 'nonce': return rsa({ nonce: 'not-the-nonce-we-were-sent' });
    case 'unknown-key': return sign({ ...header, kid: 'never-published' }, payload, k.stranger.privateKey, 'RS256');
    case 'jku': return sign({ ...header, jku: 'http://127.0.0.1:1/attacker-keys.json' }, payload, k.stranger.privateKey, 'RS256');
    case 'es256': return sign({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' }, payload, k.ec.privateKey, 'ES256');
    case 'replay': return last || token;
    case 'claims': return rsa(claims || {});
    default: throw new Error(`unknown tamper mode ${mode}`);
  }
}

// issuer: when it is reached through another address (a gate in front of
// it) that the issuer's URLs must name; its own address otherwise.
async function start({ port = 0, redirectUris, issuer: reachedAt }) {
  const { default: Provider } = await import('oidc-provider');
  const k = keys();
  const server = http.createServer();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = reachedAt || `http://127.0.0.1:${server.address().port}`;
  const accounts = new Map();
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: k.jwks,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'] },
    // The login is any name; the person behind it keeps that name as sub.
    findAccount: async (ctx, sub) => {
      accounts.set(sub, (accounts.get(sub) || 0) + 1);
      return {
        accountId: sub,
        claims: async () => ({
          sub, preferred_username: sub, name: `${sub[0].toUpperCase()}${sub.slice(1)} Example`,
          email: `${sub}@id.example`, email_verified: true,
        }),
      };
    },
    // First-party client: no consent screen, as an operator's IdP does.
    loadExistingGrant: async (ctx) => {
      const id = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (id) return ctx.oidc.provider.Grant.find(id);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  });
  provider.proxy = false;
  const state = { mode: null, claims: null, last: null, tokens: 0, tampered: 0 };
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token) {
      const genuine = ctx.body.id_token;
      state.tokens++;
      if (state.mode) {
        ctx.body = { ...ctx.body, id_token: tamper(state.mode, genuine, k, issuer, state.last, state.claims) };
        state.mode = null;
        state.tampered++;
      }
      state.last = genuine;
    }
  });
  // oidc-provider warns about its development helpers on every start.
  provider.on('server_error', (ctx, err) => process.stderr.write(`oidc-provider: ${err.stack}\n`));
  const app = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/__test/')) return control(req, res, state);
    return app(req, res);
  });
  return {
    issuer, port: server.address().port, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, state,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function control(req, res, state) {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/__test/tamper') {
      const o = JSON.parse(body || '{}');
      state.mode = o.mode || null;
      state.claims = o.claims || null;
    } else if (req.method !== 'GET' || req.url !== '/__test/state') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ mode: state.mode, tokens: state.tokens, tampered: state.tampered }));
  });
}

module.exports = { start, CLIENT_ID, CLIENT_SECRET };

if (require.main === module) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  // oidc-provider prints a warning for its development pages and keys.
  process.removeAllListeners('warning');
  process.on('warning', () => {});
  start({ port: Number(arg('--port') || 0), redirectUris: [arg('--redirect-uri')] }).then((p) => {
    const portFile = arg('--port-file');
    if (portFile) fs.writeFileSync(portFile, `${new URL(p.issuer).port}\n`);
    const stop = () => p.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  }, (e) => {
    process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  });
}
