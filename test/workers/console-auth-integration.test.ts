import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { admin, newClient, newSource, SOURCE_LIMIT } from './support/api';
import { Storage } from '../../src/db';
import { signInKeys } from '../../src/domain/analysts/sessions';
import { ADDRESS_THRESHOLD, waitBeforeSignIn } from '../../src/domain/analysts/throttle';
import { loadSecrets } from '../../src/secrets';
import { Browser, invite, newMemberWithAdmin, nextCode, ORIGIN, PASSWORD, setUp, signIn, flashOf, type Analyst, type Page } from './support/console';

const sessionsOf = async (dashboardUserId: string) =>
  (await env.CONTROL_DB.prepare('SELECT * FROM console_sessions WHERE dashboard_user_id = ?').bind(dashboardUserId).all<Record<string, string>>()).results;

/** Whether a browser is signed in: the queue answers, or it is sent to sign in. */
async function signedIn(browser: Browser): Promise<boolean> {
  const page = await browser.get('/console/queue');
  if (page.status === 200) return true;
  expect(page.location).toBe('/console/sign-in');
  return false;
}

async function operatorInvite(): Promise<{ id: string; url: string; address: string }> {
  const client = await newClient();
  const address = `setup-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const created = await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: address });
  return { id: created.body.id, url: created.body.setup_url.replace(ORIGIN, ''), address };
}

describe('account setup from a one-time link', () => {
  it('shows the address and the authenticator key, and works once', async () => {
    const { url, address } = await operatorInvite();
    const browser = new Browser();
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain(address);
    expect(page.html).toMatch(/otpauth:\/\/totp\/Beacon%20Network:[^"]+secret=[A-Z2-7]+/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const analyst = await setUp(url, address, browser);
    expect(await signedIn(analyst.browser)).toBe(true);

    // Used: the link shows that, and its form does nothing.
    const again = await new Browser().get(url);
    expect(again.status).toBe(404);
    expect(again.html).toContain('does not work any more');
    expect(again.html).not.toContain(address);
  });

  it('refuses a wrong code, a short password and two different passwords, and keeps the link', async () => {
    const { id, url, address } = await operatorInvite();
    const browser = new Browser();
    const secret = /data-secret="([A-Z2-7]+)"/.exec((await browser.get(url)).html)![1]!;
    const { code } = await nextCode(secret, -1);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const cases: [Record<string, string>, RegExp][] = [
      [{ password: PASSWORD, confirm: PASSWORD, code: wrongCode }, /authenticator code is wrong/],
      [{ password: 'short', confirm: 'short', code }, /at least 12 characters/],
      [{ password: PASSWORD, confirm: `${PASSWORD}!`, code }, /two passwords differ/],
    ];
    for (const [form, message] of cases) {
      const page = await browser.post(url, form);
      expect(page.status, page.html).toBe(400);
      expect(flashOf(page)).toMatch(message);
    }
    const { results } = await env.CONTROL_DB.prepare('SELECT status, password_hash FROM dashboard_users WHERE id = ?').bind(id).all();
    expect(results).toEqual([{ status: 'invited', password_hash: null }]);
    await setUp(url, address, browser);
  });

  it('refuses an expired link', async () => {
    const { id, url } = await operatorInvite();
    expect((await new Browser().get(url)).status).toBe(200);
    // Time passes: the link's expiry is behind us.
    await env.CONTROL_DB.prepare("UPDATE dashboard_user_invitations SET expires_at = '2020-01-01T00:00:00Z' WHERE dashboard_user_id = ?").bind(id).run();
    const page = await new Browser().get(url);
    expect(page.status).toBe(404);
  });

  it('stores the password as an Argon2id hash and the authenticator key sealed', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const {
      results: [row],
    } = await env.CONTROL_DB.prepare('SELECT password_hash, totp_secret FROM dashboard_users WHERE id = ?').bind(account.id).all<Record<string, string>>();
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(row!.password_hash).not.toContain(PASSWORD);
    expect(row!.totp_secret).not.toContain(account.secret);
  });
});

describe('sign-in', () => {
  it('gives one answer for a wrong password, a wrong code and an unknown address', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const { code } = await nextCode(account.secret, account.lastStep);
    const attempts = [
      { email: account.email, password: `${PASSWORD}x`, code },
      { email: account.email, password: PASSWORD, code: String((Number(code) + 500_000) % 1_000_000).padStart(6, '0') },
      { email: `nobody-${crypto.randomUUID()}@example.com`, password: PASSWORD, code },
    ];
    const texts = [];
    for (const form of attempts) {
      const browser = new Browser();
      await browser.get('/console/sign-in');
      const page = await browser.post('/console/sign-in', form);
      expect(page.status).toBe(400);
      expect(browser.cookies.has('__Host-beacon_session')).toBe(false);
      texts.push(flashOf(page));
    }
    expect(new Set(texts)).toEqual(new Set(['The email address, password or authenticator code is wrong.']));
    // The address is matched without case.
    const browser = new Browser();
    await browser.get('/console/sign-in');
    const ok = await browser.post('/console/sign-in', { email: account.email.toUpperCase(), password: PASSWORD, code });
    expect(ok.status).toBe(303);
  });

  it('takes each authenticator code once', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const { code } = await nextCode(account.secret, account.lastStep);
    const first = new Browser();
    await first.get('/console/sign-in');
    expect((await first.post('/console/sign-in', { email: account.email, password: PASSWORD, code })).status).toBe(303);
    const replay = new Browser();
    await replay.get('/console/sign-in');
    const page = await replay.post('/console/sign-in', { email: account.email, password: PASSWORD, code });
    expect(page.status).toBe(400);
  });

  it('sets a __Host- session cookie: HttpOnly, Secure, SameSite=Lax, for the whole host', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const browser = new Browser();
    await browser.get('/console/sign-in');
    const { code } = await nextCode(account.secret, account.lastStep);
    const page = await browser.post('/console/sign-in', { email: account.email, password: PASSWORD, code });
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith('__Host-beacon_session='))!;
    expect(cookie).toMatch(/^__Host-beacon_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    // Stored only as a digest.
    const token = cookie.split(';')[0]!.split('=')[1]!;
    expect(JSON.stringify(await sessionsOf(account.id))).not.toContain(token);
  });

  it('makes a new session at each sign-in and ends the one the browser came with (no fixation)', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const browser = account.browser;
    const before = browser.cookies.get('__Host-beacon_session')!;
    // Someone who knows this browser's token gains nothing from its next sign-in.
    const planted = new Browser();
    planted.cookies.set('__Host-beacon_session', before);
    expect(await signedIn(planted)).toBe(true);
    expect((await signIn(account, browser)).status).toBe(303);
    const after = browser.cookies.get('__Host-beacon_session')!;
    expect(after).not.toBe(before);
    expect(await signedIn(planted)).toBe(false);
    expect(await signedIn(browser)).toBe(true);
  });

  it('slows down repeated failures for an account, even with the right password afterwards', async () => {
    const { admin: account } = await newMemberWithAdmin();
    for (let i = 0; i < 5; i++) {
      const browser = new Browser();
      await browser.get('/console/sign-in');
      const page = await browser.post('/console/sign-in', { email: account.email, password: `wrong ${i} password`, code: '000000' });
      expect(page.status).toBe(400);
    }
    const page = await signIn(account);
    expect(page.status).toBe(429);
    const wait = Number(page.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(50);
    expect(wait).toBeLessThanOrEqual(60);
    expect(flashOf(page)).toMatch(/Too many failed sign-ins/);
    // Refused from the isolate's memory of the wait: no D1 read, no password checked.
    expect(page.usage.round_trips).toBe(0);
    // The wait ends a minute on: the same keys allow an attempt again.
    const storage = new Storage(env);
    const keys = await signInKeys(await loadSecrets(env), { email: account.email, address: null });
    expect(await waitBeforeSignIn(storage, keys)).toBeGreaterThan(50);
    expect(await waitBeforeSignIn(storage, keys, Date.now() + 61_000)).toBeNull();
  });

  it('slows down many failures from one address, whatever the accounts', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const address = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < 20; i++) {
      const browser = new Browser(address);
      await browser.get('/console/sign-in');
      await browser.post('/console/sign-in', { email: `guess-${i}-${crypto.randomUUID()}@example.com`, password: PASSWORD, code: '123456' });
    }
    expect((await signIn(account, new Browser(address))).status).toBe(429);
    expect((await signIn(account, new Browser())).status).toBe(303);
  });

  it('counts sign-ins against the source’s limit, and refuses a flood without reading D1', async () => {
    const browser = new Browser(newSource());
    await browser.get('/console/sign-in');
    const attempt = (i: number) => browser.post('/console/sign-in', { email: `guess-${i}@example.com`, password: PASSWORD, code: '123456' });
    const overLimit = (page: Page) => /Too many requests from your network/.test(flashOf(page) ?? '');
    // Attempts until the source is over its limit: SOURCE_LIMIT in one of the limiter's
    // windows (a window may end while the first, slow, attempts are checked: then the count
    // starts again, hence the bound of two windows' worth).
    const answers: Page[] = [];
    for (let i = 0; i < ADDRESS_THRESHOLD + 2 * SOURCE_LIMIT && !answers.some(overLimit); i++) answers.push(await attempt(i));
    const limited = answers.findIndex(overLimit);
    expect(limited).toBeGreaterThanOrEqual(SOURCE_LIMIT);
    for (let i = 0; i < 5; i++) answers.push(await attempt(answers.length));
    // Twenty wrong tries from the address are checked; then the address waits, refused from memory.
    for (const page of answers.slice(0, ADDRESS_THRESHOLD)) expect(page.status).toBe(400);
    for (const page of answers.slice(ADDRESS_THRESHOLD, limited)) {
      expect(page.status).toBe(429);
      expect(flashOf(page)).toMatch(/Too many failed sign-ins/);
      expect(page.usage.round_trips).toBe(0);
    }
    // Past the source's limit, before anything else.
    for (const page of answers.slice(limited)) {
      expect(page.status).toBe(429);
      expect(flashOf(page)).toMatch(/Too many requests from your network/);
      expect(page.usage.round_trips).toBe(0);
    }
  });
});

describe('sessions', () => {
  async function twoBrowsers(): Promise<{ account: Analyst; other: Browser }> {
    const { admin: account } = await newMemberWithAdmin();
    const first = account.browser;
    const other = new Browser();
    expect((await signIn(account, other)).status).toBe(303);
    account.browser = first;
    return { account, other };
  }

  it('end after 30 minutes idle', async () => {
    const { admin: account } = await newMemberWithAdmin();
    expect(await signedIn(account.browser)).toBe(true);
    const idle = new Date(Date.now() - 31 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await env.CONTROL_DB.prepare('UPDATE console_sessions SET last_seen_at = ? WHERE dashboard_user_id = ?').bind(idle, account.id).run();
    expect(await signedIn(account.browser)).toBe(false);
    expect(await sessionsOf(account.id)).toHaveLength(0);
  });

  it('stay alive while used, and end 12 hours after sign-in in any case', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const recent = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await env.CONTROL_DB.prepare('UPDATE console_sessions SET last_seen_at = ? WHERE dashboard_user_id = ?').bind(recent, account.id).run();
    expect(await signedIn(account.browser)).toBe(true);
    const [touched] = await sessionsOf(account.id);
    expect(touched!.last_seen_at! > recent).toBe(true);
    await env.CONTROL_DB.prepare("UPDATE console_sessions SET expires_at = '2020-01-01T00:00:00Z' WHERE dashboard_user_id = ?").bind(account.id).run();
    expect(await signedIn(account.browser)).toBe(false);
  });

  it('end at sign-out, for this browser only', async () => {
    const { account, other } = await twoBrowsers();
    const token = account.browser.cookies.get('__Host-beacon_session')!;
    const page = await account.browser.post('/console/sign-out');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/console/sign-in');
    expect(account.browser.cookies.has('__Host-beacon_session')).toBe(false);
    const replayed = new Browser();
    replayed.cookies.set('__Host-beacon_session', token);
    expect(await signedIn(replayed)).toBe(false);
    expect(await signedIn(other)).toBe(true);
  });

  it('end everywhere at sign-out everywhere', async () => {
    const { account, other } = await twoBrowsers();
    await account.browser.get('/console/account');
    const page = await account.browser.post('/console/account/sign-out-everywhere');
    expect(page.status).toBe(303);
    expect(await signedIn(account.browser)).toBe(false);
    expect(await signedIn(other)).toBe(false);
    expect(await sessionsOf(account.id)).toHaveLength(0);
  });

  it('end when an admin deactivates the account, which cannot sign in again until reactivated', async () => {
    const { admin: boss } = await newMemberWithAdmin();
    const analyst = await invite(boss, 'analyst');
    expect(await signedIn(analyst.browser)).toBe(true);
    await boss.browser.get('/console/analysts');
    expect((await boss.browser.post(`/console/analysts/${analyst.id}/deactivate`)).status).toBe(303);
    expect(await signedIn(analyst.browser)).toBe(false);
    expect((await signIn(analyst)).status).toBe(400);
    await boss.browser.get('/console/analysts');
    expect((await boss.browser.post(`/console/analysts/${analyst.id}/reactivate`)).status).toBe(303);
    expect((await signIn(analyst)).status).toBe(303);
  });
});

describe('resetting a sign-in', () => {
  it('forgets the password and authenticator, ends the sessions, and sends a new setup link', async () => {
    const { admin: boss } = await newMemberWithAdmin();
    const analyst = await invite(boss, 'analyst');
    await boss.browser.get('/console/analysts');
    const page = await boss.browser.post(`/console/analysts/${analyst.id}/link`);
    expect(page.status).toBe(200);
    const link = /data-setup-url="([^"]+)"/.exec(page.html)![1]!;
    expect(await signedIn(analyst.browser)).toBe(false);
    expect((await signIn(analyst)).status).toBe(400);
    const again = await setUp(link, analyst.email);
    expect(again.id).toBe(analyst.id);
    // Nobody resets their own sign-in (nor changes their own role or status).
    await boss.browser.get('/console/analysts');
    const own = await boss.browser.follow(await boss.browser.post(`/console/analysts/${boss.id}/link`));
    expect(own.html).toContain('You cannot change your own role or status');
    expect(await signedIn(boss.browser)).toBe(true);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request without the page’s token, with another session’s, or from another site', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const { admin: stranger } = await newMemberWithAdmin();
    const browser = account.browser;
    await browser.get('/console/account');
    await stranger.browser.get('/console/account');
    const foreign = stranger.browser.csrf;
    const attempts: [Record<string, string>, Record<string, string>][] = [
      [{ _csrf: '' }, {}],
      [{ _csrf: 'forged-token' }, {}],
      [{ _csrf: foreign }, {}],
      [{}, { origin: 'https://evil.example' }],
      [{}, { origin: '', 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [form, headers] of attempts) {
      const page = await browser.post('/console/account/sign-out-everywhere', form, headers);
      expect(page.status, JSON.stringify({ form, headers })).toBe(403);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await signedIn(browser)).toBe(true);
    }
  });

  it('protects sign-in too, with a token bound to the browser before it has a session', async () => {
    const { admin: account } = await newMemberWithAdmin();
    const browser = new Browser();
    await browser.get('/console/sign-in');
    const { code } = await nextCode(account.secret, account.lastStep);
    const page = await browser.post('/console/sign-in', { email: account.email, password: PASSWORD, code, _csrf: 'not-the-token' });
    expect(page.status).toBe(403);
  });
});

describe('pages', () => {
  it('carry a strict Content-Security-Policy and are never cached', async () => {
    const page = await new Browser().get('/console/sign-in');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Nothing inline for the policy to allow.
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.html).not.toMatch(/\sstyle=|<style/);
  });

  it('answer errors as pages, never JSON', async () => {
    const { admin: account } = await newMemberWithAdmin();
    for (const path of ['/console/nothing-here', '/console/users/becusr_00000000000000', '/console/programs/becprg_00000000000000']) {
      const page = await account.browser.get(path);
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.html).toContain('<main');
    }
    const anonymous = await new Browser().get('/console/users/becusr_00000000000000');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe('/console/sign-in');
  });
});
