import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Authenticator, expectAccessible, launch, person, problemsOf } from './browser';

// An analyst team's day in the console, in a real browser against `wrangler dev`: the admin's
// first sign-in, inviting an analyst and a viewer, the analyst working a queue of a duplicate,
// a user flagged for review (rejected by filing our own report) and a network report's match
// to empty, a report filed and deleted, a viewer refused, signing out. Every screen is checked
// with axe-core, and the screenshots are the README's (docs/console/).

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const PASSWORD = 'a long passphrase for the console';
const shot = (name: string) => fileURLToPath(new URL(`../../docs/console/${name}.png`, import.meta.url));

async function call<T = any>(path: string, body: object, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer = (await response.json()) as T;
  expect(response.status, `${path}: ${JSON.stringify(answer)}`).toBe(200);
  return answer;
}
const operator = <T = any>(path: string, body: object) => call<T>(path, body, { authorization: `Bearer ${adminToken}` });

interface Member {
  client_id: string;
  secret: string;
  program: string;
}

async function newMember(name: string): Promise<Member> {
  const { client_id, secret } = await operator('/admin/client/create', { name });
  const { id } = await call('/dashboard/program/create', { client_id, secret, dashboard_user_id: 'setup', name: 'Consumer onboarding' });
  return { client_id, secret, program: id };
}
const api = <T = any>(member: Member, path: string, body: object) => call<T>(path, { client_id: member.client_id, secret: member.secret, ...body });

const leslie = (family: string, extra: object = {}) => ({
  name: { given_name: 'Leslie', family_name: family },
  date_of_birth: '1975-01-18',
  address: { street: '123 Main St.', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
  email_address: `leslie.${family.toLowerCase()}@example.com`,
  phone_number: '+19876543212',
  ...extra,
});

/** Sets an account up from its link in `page`; returns its authenticator. */
async function setUp(page: Page, link: string, screenshot?: string): Promise<Authenticator> {
  await page.goto(link);
  await expect.poll(() => page.title()).toContain('Set up your account');
  const authenticator = new Authenticator((await page.locator('#totp-secret').getAttribute('data-secret'))!);
  await expectAccessible(page, 'setup');
  if (screenshot) await page.screenshot({ path: shot(screenshot), fullPage: true });
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('The same password again').fill(PASSWORD);
  await page.getByLabel('The code the app shows now').fill(await authenticator.code());
  await page.getByRole('button', { name: 'Set up my account' }).click();
  await page.waitForURL(/\/console\/queue$/);
  return authenticator;
}

async function signIn(page: Page, email: string, authenticator: Authenticator): Promise<void> {
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Authenticator code').fill(await authenticator.code());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/queue$/);
}

const flash = (page: Page) => page.locator('.flash').innerText();
const waiting = async (page: Page) => (await page.locator('p.summary').innerText()).split(' ')[0];

/** Waits for the clock's next second: the queue is oldest first, and its times are to the
 * second (ties go by id, which is random), so each queued user here starts in a second of its own. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000)));

let browser: Browser;
let member: Member;
let adminPage: Page;
let analystPage: Page;
let viewerPage: Page;
const adminEmail = `lead-${Date.now()}@example.com`;
const ids = {} as Record<'duplicate' | 'flagged' | 'network', string>;
let adminAuthenticator: Authenticator;

beforeAll(async () => {
  browser = await launch();
  member = await newMember('Pawnee Credit Union');
  // A duplicate: the same person entered twice, the second time with a typo.
  await api(member, '/beacon/user/create', { program_id: member.program, client_user_id: 'pcu-1001', user: leslie('Knope') });
  ids.duplicate = (
    await api(member, '/beacon/user/create', {
      program_id: member.program,
      client_user_id: 'pcu-1002',
      user: leslie('Knope', { name: { given_name: 'Lesley', family_name: 'Knope' }, email_address: 'lknope@example.org' }),
    })
  ).id;
  // A user the member's backend flagged for review.
  ids.flagged = (
    await api(member, '/beacon/user/create', {
      program_id: member.program,
      client_user_id: 'pcu-1003',
      user: leslie('Ludgate', { date_of_birth: '1989-04-11', phone_number: '+13125550123' }),
    })
  ).id;
  await nextSecond();
  await api(member, '/beacon/user/review', { beacon_user_id: ids.flagged, status: 'pending_review' });
  // Another member's fraud report, which a new user of ours matches.
  const other = await newMember('Eagleton Bank');
  const fraudster = leslie('Wyatt', { date_of_birth: '1980-02-02', phone_number: '+13125550177', email_address: 'b.wyatt@eagleton.example' });
  const theirs = await api(other, '/beacon/user/create', { program_id: other.program, client_user_id: 'eb-77', user: fraudster });
  await api(other, '/beacon/report/create', { beacon_user_id: theirs.id, type: 'stolen', fraud_date: '2024-06-01' });
  await nextSecond();
  ids.network = (
    await api(member, '/beacon/user/create', {
      program_id: member.program,
      client_user_id: 'pcu-1004',
      user: { ...fraudster, email_address: 'ben@pawnee.example', phone_number: '+13125550188' },
    })
  ).id;
});

afterAll(async () => {
  await browser?.close();
});

describe('the console in a browser', () => {
  it('lets the first admin set up their account and sign in with an authenticator code', async () => {
    const created = await operator('/admin/dashboard_user/create', { client_id: member.client_id, email_address: adminEmail });
    adminPage = await person(browser);
    await adminPage.goto(`${baseUrl}/console`);
    await adminPage.waitForURL(/\/console\/sign-in$/);
    await expectAccessible(adminPage, 'sign-in');
    await adminPage.screenshot({ path: shot('sign-in') });

    adminAuthenticator = await setUp(adminPage, created.setup_url, 'setup');
    await adminPage.getByRole('button', { name: 'Sign out' }).click();
    await adminPage.waitForURL(/\/console\/sign-in$/);
    expect(await flash(adminPage)).toBe('You are signed out.');

    // A wrong code is refused; the right one signs in.
    await adminPage.getByLabel('Email address').fill(adminEmail);
    await adminPage.getByLabel('Password').fill(PASSWORD);
    await adminPage.getByLabel('Authenticator code').fill('000000');
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    expect(await flash(adminPage)).toBe('The email address, password or authenticator code is wrong.');
    await signIn(adminPage, adminEmail, adminAuthenticator);
    expect(await waiting(adminPage)).toBe('3');
    const cookies = await adminPage.context().cookies();
    expect(cookies.find((c) => c.name === '__Host-beacon_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
  });

  it('lets the admin invite an analyst and a viewer, each with a one-time link', async () => {
    await adminPage.getByRole('link', { name: 'Analysts' }).click();
    const invite = async (email: string, role: string) => {
      const form = adminPage.locator('form[action="/console/analysts/invite"]');
      await form.getByLabel('Email address').fill(email);
      await form.getByLabel('Role').selectOption(role);
      await adminPage.getByRole('button', { name: 'Invite' }).click();
      return (await adminPage.locator('[data-setup-url]').getAttribute('data-setup-url'))!;
    };
    const analystLink = await invite('april@pawnee.example', 'analyst');
    await expectAccessible(adminPage, 'analysts');
    const viewerLink = await invite('donna@pawnee.example', 'viewer');
    await adminPage.screenshot({ path: shot('analysts'), fullPage: true });

    analystPage = await person(browser);
    await setUp(analystPage, analystLink);
    viewerPage = await person(browser);
    await setUp(viewerPage, viewerLink);
    // A link works once.
    const again = await person(browser);
    await again.goto(analystLink);
    expect(await again.locator('h1').innerText()).toBe('Setup link not valid');
  });

  it('lets the analyst work the queue to empty: a duplicate, a flagged user and a network report', async () => {
    const page = analystPage;
    await page.goto(`${baseUrl}/console/queue`);
    expect(await waiting(page)).toBe('3');
    const rows = page.locator('table.queue tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).innerText()).toContain('Duplicate found');
    expect(await rows.nth(1).innerText()).toContain('Set by a review');
    expect(await rows.nth(2).innerText()).toContain('Matched a network report');
    await expectAccessible(page, 'queue');
    await page.screenshot({ path: shot('queue') });

    // Keyboard: j moves to the first row, j again to the second, k back; Enter opens it.
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('pcu-1002');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/users/${ids.duplicate}$`));

    // The duplicate, side by side.
    const compare = page.locator('table.compare').first();
    expect(await compare.locator('tr.row-partial_match th', { hasText: 'Name' }).count()).toBe(1);
    expect(await compare.locator('tr.row-match th', { hasText: 'Date of birth' }).count()).toBe(1);
    await expectAccessible(page, 'user with a duplicate');
    await page.screenshot({ path: shot('user-duplicate'), fullPage: true });

    // A report filed by mistake, and deleted.
    await page.getByLabel('Fraud type').selectOption('synthetic');
    await page.getByLabel('Fraud date').fill('2024-05-01');
    await page.getByRole('button', { name: 'File a report' }).click();
    expect(await flash(page)).toMatch(/report is filed/);
    await page.getByRole('button', { name: 'Delete the report' }).click();
    expect(await flash(page)).toMatch(/report is deleted/);
    // Not fraud: the same customer twice. Cleared.
    await page.getByRole('button', { name: 'Clear' }).click();
    expect(await flash(page)).toMatch(/^The user is cleared/);
    await page.getByLabel('New note').fill('Same customer, re-applied with a nickname. Merged in the CRM.');
    await page.getByRole('button', { name: 'Add the note' }).click();
    expect(await flash(page)).toBe('The note is added.');

    // The flagged user: rejecting needs evidence, so the analyst files our own report.
    await page.goto(`${baseUrl}/console/queue`);
    expect(await waiting(page)).toBe('2');
    await page.getByRole('link', { name: 'pcu-1003' }).click();
    expect(await page.locator('#why-rejected').innerText()).toMatch(/needs an active Beacon Report/);
    await page.getByLabel('Fraud type').selectOption('first_party');
    await page.getByLabel('Fraud date').fill('2024-06-15');
    await page.getByLabel('Amount lost, USD (optional)').fill('2500');
    await page.getByRole('button', { name: 'File a report' }).click();
    expect(await page.locator('.summary-facts .badge').innerText()).toBe('Rejected');

    // The network report's match: its facts and what matched, then confirmed and rejected.
    await page.goto(`${baseUrl}/console/queue`);
    await page.getByRole('link', { name: 'pcu-1004' }).click();
    const card = page.locator('article.card');
    expect(await card.locator('h3').innerText()).toBe('Stolen identity · reported by another member');
    expect(await page.content()).not.toContain('b.wyatt@eagleton.example');
    await expectAccessible(page, 'user with a network report');
    await page.screenshot({ path: shot('user-syndication'), fullPage: true });
    await page.getByRole('button', { name: 'Confirm: this report applies to this user' }).click();
    await page.getByRole('button', { name: 'Reject' }).click();
    expect(await flash(page)).toMatch(/^The user is rejected/);

    await page.goto(`${baseUrl}/console/queue`);
    expect(await waiting(page)).toBe('0');
    expect(await page.locator('.empty').innerText()).toBe('No user waits for review.');

    // Every action is in the user's history with the analyst's id, which the API resolves.
    const history = await api(member, '/beacon/user/history/list', { beacon_user_id: ids.network });
    const analystId = history.beacon_users[0].audit_trail.dashboard_user_id;
    expect((await api(member, '/dashboard_user/get', { dashboard_user_id: analystId })).email_address).toBe('april@pawnee.example');
  });

  it('shows the viewer what they may not do, and refuses it', async () => {
    const page = viewerPage;
    await page.goto(`${baseUrl}/console/users/${ids.duplicate}`);
    const reject = page.getByRole('button', { name: 'Reject' });
    expect(await reject.isDisabled()).toBe(true);
    expect(await page.locator('#why-rejected').innerText()).toMatch(/Your role \(viewer\) cannot review users/);
    expect(await page.getByRole('button', { name: 'File a report' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Analysts' }).count()).toBe(0);
    await page.goto(`${baseUrl}/console/analysts`);
    expect(await page.locator('h1').innerText()).toBe('Not allowed');
    await expectAccessible(page, 'not allowed');
  });

  it('passes axe on every other screen, at desktop and tablet widths', async () => {
    const page = adminPage;
    for (const [path, name] of [
      ['/console/search', 'search'],
      ['/console/programs', 'programs'],
      [`/console/programs/${member.program}`, 'program settings'],
      ['/console/webhooks', 'webhooks'],
      ['/console/account', 'account'],
      ['/console/no-such-page', 'not found'],
    ] as const) {
      await page.goto(`${baseUrl}${path}`);
      await expectAccessible(page, name);
      if (name === 'program settings') await page.screenshot({ path: shot('program-settings'), fullPage: true });
    }
    // Search by a client_user_id: a form, and straight to the user.
    await page.goto(`${baseUrl}/console/search`);
    await page.getByLabel('client_user_id or beacon_user_id').fill('pcu-1003');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(new RegExp(`/console/users/${ids.flagged}$`));

    const tablet = await person(browser, { width: 768, height: 1024 });
    await signIn(tablet, adminEmail, adminAuthenticator);
    await expectAccessible(tablet, 'queue on a tablet');
    await tablet.goto(`${baseUrl}/console/users/${ids.network}`);
    await expectAccessible(tablet, 'user on a tablet');
    expect(await tablet.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await tablet.screenshot({ path: shot('user-tablet') });
  });

  it('signs out, and the session is over', async () => {
    await analystPage.getByRole('button', { name: 'Sign out' }).click();
    await analystPage.waitForURL(/\/console\/sign-in$/);
    await analystPage.goto(`${baseUrl}/console/queue`);
    await analystPage.waitForURL(/\/console\/sign-in$/);
    for (const page of [adminPage, analystPage, viewerPage]) expect(problemsOf(page), 'console errors (CSP violations among them)').toEqual([]);
  });
});
