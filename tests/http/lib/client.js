// A browser-like HTTP client for tests: keeps cookies, does not follow
// redirects (tests look at them), and knows how to fill our forms,
// including the CSRF token they carry.
'use strict';
const { base } = require('./stack');

class Client {
  // headers: sent with every request (e.g. Accept-Language); origin: the
  // site (the stack under test unless another is given).
  constructor(headers = {}, origin = base) { this.cookies = new Map(); this.headers = headers; this.origin = origin; }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim(), value = pair.slice(i + 1).trim();
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path, { method = 'GET', headers = {}, body, signal } = {}) {
    const res = await fetch(this.origin + path, {
      method, body, redirect: 'manual', signal,
      headers: { ...this.headers, Cookie: this.cookieHeader(), ...headers },
    });
    this.remember(res);
    res.body_text = await res.text();
    return res;
  }

  get(path, headers) { return this.request(path, { headers }); }

  // GET the page with the form, then POST fields plus its CSRF token.
  async submit(formPath, action, fields, { headers = {}, token } = {}) {
    let csrf = token;
    if (csrf === undefined) {
      const page = await this.get(formPath);
      const m = page.body_text.match(/name="csrf_token" value="([^"]+)"/);
      csrf = m ? m[1] : '';
    }
    const body = new URLSearchParams({ ...(csrf !== null ? { csrf_token: csrf } : {}), ...fields });
    return this.request(action, {
      method: 'POST', body: body.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  async csrf(path = '/settings') {
    const page = await this.get(path);
    const m = page.body_text.match(/name="csrf_token" value="([^"]+)"/);
    return m ? m[1] : null;
  }
}

// The same browser talking to one pool directly over FastCGI (a second app
// host, without nginx): its cookies are shared with `browser` (a Client),
// so a session started on one host is used on the other.
class PoolClient extends Client {
  constructor(address, browser = new Client()) {
    super(browser.headers, browser.origin);
    this.address = address;
    this.cookies = browser.cookies;
  }

  async request(path, { method = 'GET', headers = {}, body } = {}) {
    const fcgi = require('./fcgi');
    const [p, query = ''] = path.split('?');
    const r = await fcgi.request(this.address, {
      method, path: p, query, body, headers: { ...this.headers, Cookie: this.cookieHeader(), ...headers },
    });
    // Shaped like fetch's answer, as the rest of Client expects.
    const h = new Headers();
    for (const line of r.headerLines) {
      const i = line.indexOf(':');
      if (i > 0 && line.slice(0, i).toLowerCase() !== 'status') h.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    const res = { status: r.status, headers: h, body_text: r.body };
    this.remember(res);
    return res;
  }
}

let counter = 0;
// A unique, valid username for a test.
function uniqueName(prefix = 'u') {
  counter += 1;
  return `${prefix}${process.pid % 10000}_${Date.now() % 100000}_${counter}`.slice(0, 30);
}

const PASSWORD = 'gentle-meadow-lantern-42';

// Sign up a new account; returns { client, username, email, password }.
async function signup(prefix = 'u', password = PASSWORD) {
  const client = new Client();
  const username = uniqueName(prefix);
  const email = `${username}@example.org`;
  const res = await client.submit('/signup', '/signup', { username, email, password });
  if (res.status !== 303) throw new Error(`signup failed: ${res.status} ${res.body_text.slice(0, 300)}`);
  return { client, username, email, password };
}

async function login(login, password, extra = {}) {
  const client = new Client();
  const res = await client.submit('/login', '/login', { login, password, ...extra });
  return { client, res };
}

module.exports = { Client, PoolClient, signup, login, uniqueName, PASSWORD };
