// The identity provider's side of a login, as a browser does it: follow
// the redirects to the provider, fill in its development login form (any
// login, any password), and come back to BeauBelle's callback. The
// provider is the one scripts/test starts (tests/oidc/provider.js) and
// writes into the stack's config as [oidc.local].
'use strict';
const fs = require('node:fs');
const { base, config } = require('./stack');

// The [oidc.NAME] section of the stack's config, or null.
function providerConfig(name = 'local') {
  const text = fs.readFileSync(config, 'utf8');
  const m = text.match(new RegExp(`^\\[oidc\\.${name}\\]\\n((?:[^\\[].*\\n?)*)`, 'm'));
  if (!m) return null;
  const out = {};
  for (const line of m[1].split('\n')) {
    const kv = line.match(/^\s*([a-z_]+)\s*=\s*(.*?)\s*$/);
    if (kv) out[kv[1]] = kv[2];
  }
  return out;
}

// Cookies of the browser at the provider (its session survives between
// logins, as in a real browser).
class ProviderBrowser {
  constructor() { this.cookies = new Map(); this.forms = 0; }

  async fetch(url, opts = {}) {
    const res = await fetch(url, {
      ...opts, redirect: 'manual',
      headers: { ...(opts.headers || {}), Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim(), value = pair.slice(i + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    res.body_text = await res.text();
    return res;
  }
}

async function tamper(issuer, mode) {
  const res = await fetch(`${issuer}/__test/tamper`, { method: 'POST', body: JSON.stringify({ mode }) });
  if (res.status !== 200) throw new Error(`tamper: ${res.status}`);
}

// From BeauBelle's redirect to the provider until the provider sends the
// browser back: the callback URL (path and query on BeauBelle, the stack
// under test unless site names another).
async function atProvider(location, { browser, login, site = base }) {
  let url = location;
  for (let hops = 0; hops < 12; hops++) {
    if (url.startsWith(site)) return url.slice(site.length);
    const res = await browser.fetch(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).toString();
      continue;
    }
    const form = res.body_text.match(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/);
    if (res.status !== 200 || !form) throw new Error(`provider page ${url}: ${res.status} ${res.body_text.slice(0, 200)}`);
    const prompt = (form[2].match(/name="prompt" value="([^"]+)"/) || [])[1];
    browser.forms++;
    const fields = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    const post = await browser.fetch(new URL(form[1], url).toString(), {
      method: 'POST', body: new URLSearchParams(fields).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    if (post.status < 300 || post.status >= 400) throw new Error(`provider form: ${post.status} ${post.body_text.slice(0, 200)}`);
    url = new URL(post.headers.get('location'), url).toString();
  }
  throw new Error('too many redirects at the provider');
}

// A whole login from the login page: BeauBelle's answer to the callback,
// plus the callback path. start: the form action (login or link).
async function oidcLogin(client, { login, browser = new ProviderBrowser(), start = '/auth/oidc/local', formPage = '/login', next } = {}) {
  const begin = await client.submit(formPage, start, next ? { next } : {});
  if (begin.status !== 303) return { begin, res: begin };
  const callback = await atProvider(begin.headers.get('location'), { browser, login, site: client.origin });
  const res = await client.get(callback);
  return { begin, callback, res, browser };
}

module.exports = { providerConfig, ProviderBrowser, tamper, atProvider, oidcLogin };
