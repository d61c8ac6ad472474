import { exports } from 'cloudflare:workers';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { admin, newClient, usageOf, type Credentials } from './api';

/** What a page answered: status, body, where it redirects, and what it cost in D1. */
export interface Page {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
  usage: Record<string, number>;
}

export const ORIGIN = 'https://beacon.test';

/** The message of the page's last action (its flash), if any. */
export const flashOf = (page: Page) => /class="flash[^"]*"[^>]*>([^<]*)</.exec(page.html)?.[1];

/** A browser of the console: keeps its cookies, sends the Origin header a browser sends with
 * forms, comes from its own address, and carries each page's CSRF token back. */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had a form. */
  csrf = '';
  /** Every URL the console sent this browser to or linked from its pages. */
  readonly urls: string[] = [];

  constructor(readonly address = `198.51.100.${Math.floor(Math.random() * 254) + 1}`) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    const response = await exports.default.fetch(`${ORIGIN}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'cf-connecting-ip': this.address,
        ...(method === 'POST' ? { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const [name = '', value = ''] = pair.split('=');
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (csrf) this.csrf = csrf;
    const location = response.headers.get('location');
    if (location) this.urls.push(location);
    for (const match of html.matchAll(/(?:href|action)="([^"]+)"/g)) this.urls.push(match[1]!.replace(/&amp;/g, '&'));
    return { status: response.status, html, location, headers: response.headers, usage: usageOf(response.headers) };
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  /** Posts a form with the last page's CSRF token (unless the form gives its own). */
  post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Page> {
    return this.request('POST', path, { _csrf: this.csrf, ...form }, headers);
  }

  /** Follows a redirect to its page. */
  async follow(page: Page): Promise<Page> {
    expect(page.status, page.html.slice(0, 500)).toBe(303);
    return this.get(page.location!.replace(ORIGIN, ''));
  }
}

/** An analyst's sign-in: their password and authenticator, and the last code step used
 * (a code is good once, so each sign-in takes a later step). */
export interface Analyst {
  id: string;
  email: string;
  password: string;
  secret: string;
  lastStep: number;
  browser: Browser;
}

const totp = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
const stepNow = () => Math.floor(Date.now() / 30_000);

/** A code for the first step after `lastStep` that the console still accepts (now or the
 * next step), waiting for the clock when both are used. Returns the code and its step. */
export async function nextCode(secret: string, lastStep: number): Promise<{ code: string; step: number }> {
  while (lastStep + 1 > stepNow() + 1) await new Promise((resolve) => setTimeout(resolve, 1_000));
  const step = Math.max(stepNow(), lastStep + 1);
  return { code: totp(secret).generate({ timestamp: step * 30_000 }), step };
}

export const PASSWORD = 'correct horse battery staple';

/** Opens a setup link in a fresh browser and sets the account up. */
export async function setUp(setupUrl: string, email: string, browser = new Browser()): Promise<Analyst> {
  const path = setupUrl.replace(/^https?:\/\/[^/]+/, '');
  const page = await browser.get(path);
  expect(page.status, page.html).toBe(200);
  const secret = /data-secret="([A-Z2-7]+)"/.exec(page.html)![1]!;
  const { code, step } = await nextCode(secret, -1);
  const done = await browser.post(path, { password: PASSWORD, confirm: PASSWORD, code });
  expect(done.status, done.html).toBe(303);
  expect(done.location).toBe('/console/queue');
  const id = /data-dashboard-user-id="([0-9a-f]{24})"/.exec((await browser.get('/console/account')).html)![1]!;
  return { id, email, password: PASSWORD, secret, lastStep: step, browser };
}

/** A member company and its first admin, signed in. */
export async function newMemberWithAdmin(name = 'Console Co'): Promise<{ client: Credentials; admin: Analyst }> {
  const client = await newClient(name);
  const email = `admin-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const created = await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: email });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return { client, admin: await setUp(created.body.setup_url, email) };
}

/** An admin invites an analyst of `role`, who sets the account up in a browser of their own. */
export async function invite(by: Analyst, role: 'admin' | 'analyst' | 'viewer'): Promise<Analyst> {
  const email = `${role}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  await by.browser.get('/console/analysts');
  const page = await by.browser.post('/console/analysts/invite', { email, role });
  expect(page.status, page.html).toBe(200);
  const link = /data-setup-url="([^"]+)"/.exec(page.html)![1]!;
  return setUp(link, email);
}

/** Signs an analyst in, in a new browser unless one is given. */
export async function signIn(analyst: Analyst, browser = new Browser()): Promise<Page> {
  await browser.get('/console/sign-in');
  const { code, step } = await nextCode(analyst.secret, analyst.lastStep);
  const page = await browser.post('/console/sign-in', { email: analyst.email, password: analyst.password, code });
  if (page.status === 303) {
    analyst.lastStep = step;
    analyst.browser = browser;
  }
  return page;
}
