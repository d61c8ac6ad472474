import { beforeAll, describe, expect, it } from 'vitest';
import { admin, api, dashboard, newBeaconUser, newProgram, stranger, type Credentials } from './support/api';
import { invite, newMemberWithAdmin, type Analyst, type Page } from './support/console';
import { inUserShards } from './support/storage';

type Role = 'admin' | 'analyst' | 'viewer';

/** Who may do what (docs/product.md §8), written out here rather than read from the code. */
const MAY: Record<string, Role[]> = {
  review_user: ['admin', 'analyst'],
  file_report: ['admin', 'analyst'],
  edit_report: ['admin', 'analyst'],
  delete_report: ['admin', 'analyst'],
  confirm_syndication: ['admin', 'analyst'],
  add_note: ['admin', 'analyst'],
  manage_programs: ['admin'],
  manage_webhooks: ['admin'],
  manage_analysts: ['admin'],
};

let client: Credentials;
let program: string;
const team = {} as Record<Role, Analyst>;

/** A user of the member, waiting for review (a duplicate of an earlier one). */
async function pendingUser(): Promise<string> {
  const person = stranger();
  await newBeaconUser(client, program, person);
  const user = await newBeaconUser(client, program, { ...person, ip_address: '203.0.113.7' });
  expect(user.status).toBe('pending_review');
  return user.id;
}

async function reportedUser(): Promise<{ user: string; report: string }> {
  const user = (await newBeaconUser(client, program, stranger())).id;
  const report = await api(client, '/beacon/report/create', { beacon_user_id: user, type: 'synthetic', fraud_date: '2024-01-01' });
  expect(report.status).toBe(200);
  return { user, report: report.body.id };
}

/** A user matching one of the member's own reports: it has a syndication to confirm. */
async function syndicatedUser(): Promise<{ user: string; syndication: string }> {
  const person = stranger();
  const reported = await newBeaconUser(client, program, person);
  expect((await api(client, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-01-01' })).status).toBe(200);
  const other = await newProgram(client);
  const user = await newBeaconUser(client, other, person);
  const list = await api(client, '/beacon/report_syndication/list', { beacon_user_id: user.id });
  expect(list.body.beacon_report_syndications).toHaveLength(1);
  return { user: user.id, syndication: list.body.beacon_report_syndications[0].id };
}

const statusOf = async (user: string) => (await api(client, '/beacon/user/get', { beacon_user_id: user })).body.status;

/** Acts as `who`; returns the answer and whether the change happened. */
type Case = (who: Analyst) => Promise<{ page: Page; changed: () => Promise<boolean> }>;

const CASES: Record<string, Case> = {
  async review_user(who) {
    const user = await pendingUser();
    await who.browser.get(`/console/users/${user}`);
    return { page: await who.browser.post(`/console/users/${user}/review`, { status: 'cleared' }), changed: async () => (await statusOf(user)) === 'cleared' };
  },
  async file_report(who) {
    const user = (await newBeaconUser(client, program, stranger())).id;
    await who.browser.get(`/console/users/${user}`);
    const page = await who.browser.post(`/console/users/${user}/reports`, { type: 'first_party', fraud_date: '2024-02-03', fraud_amount: '' });
    return { page, changed: async () => (await api(client, '/beacon/report/list', { beacon_user_id: user })).body.beacon_reports.length === 1 };
  },
  async edit_report(who) {
    const { user, report } = await reportedUser();
    await who.browser.get(`/console/users/${user}`);
    const page = await who.browser.post(`/console/reports/${report}/update`, { back: user, type: 'account_takeover', fraud_date: '2024-01-01', fraud_amount: '10' });
    return { page, changed: async () => (await api(client, '/beacon/report/get', { beacon_report_id: report })).body.type === 'account_takeover' };
  },
  async delete_report(who) {
    const { user, report } = await reportedUser();
    await who.browser.get(`/console/users/${user}`);
    const page = await who.browser.post(`/console/reports/${report}/delete`, { back: user });
    return { page, changed: async () => (await api(client, '/beacon/report/get', { beacon_report_id: report })).status === 400 };
  },
  async confirm_syndication(who) {
    const { user, syndication } = await syndicatedUser();
    await who.browser.get(`/console/users/${user}`);
    const page = await who.browser.post(`/console/syndications/${syndication}/confirm`);
    return {
      page,
      changed: async () =>
        (await inUserShards<{ confirmed_by: string | null }>('SELECT confirmed_by FROM report_syndications WHERE id = ?', syndication))[0]?.confirmed_by === who.id,
    };
  },
  async add_note(who) {
    const user = (await newBeaconUser(client, program, stranger())).id;
    await who.browser.get(`/console/users/${user}`);
    const page = await who.browser.post(`/console/users/${user}/notes`, { body: 'Called the customer; the address is a mail drop.' });
    return { page, changed: async () => (await inUserShards('SELECT id FROM beacon_user_notes WHERE beacon_user_id = ?', user)).length === 1 };
  },
  async manage_programs(who) {
    const name = `Program ${crypto.randomUUID().slice(0, 8)}`;
    await who.browser.get('/console/programs');
    const page = await who.browser.post('/console/programs', { name });
    const names = async () => (await dashboard(client, '/dashboard/program/list', {})).body.programs.map((p: { name: string }) => p.name);
    return { page, changed: async () => (await names()).includes(name) };
  },
  async manage_webhooks(who) {
    const url = `https://hooks.example.com/${crypto.randomUUID()}`;
    await who.browser.get('/console/webhooks');
    const page = await who.browser.post('/console/webhooks/url', { url });
    return { page, changed: async () => (await admin('/admin/client/get', { client_id: client.client_id })).body.webhook_url === url };
  },
  async manage_analysts(who) {
    const email = `invitee-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await who.browser.get('/console/queue');
    const page = await who.browser.post('/console/analysts/invite', { email, role: 'viewer' });
    const emails = async () => (await api(client, '/dashboard_user/list', {})).body.dashboard_users.map((u: { email_address: string }) => u.email_address);
    return { page, changed: async () => (await emails()).includes(email) };
  },
};

beforeAll(async () => {
  const member = await newMemberWithAdmin('Roles Co');
  client = member.client;
  team.admin = member.admin;
  team.analyst = await invite(member.admin, 'analyst');
  team.viewer = await invite(member.admin, 'viewer');
  program = await newProgram(client);
});

describe('what each role may do in the console', () => {
  const table = (['admin', 'analyst', 'viewer'] as const).flatMap((role) => Object.keys(MAY).map((action) => ({ role, action, allowed: MAY[action]!.includes(role) })));

  it.each(table)('$role → $action: allowed $allowed', async ({ role, action, allowed }) => {
    const { page, changed } = await CASES[action]!(team[role]);
    if (allowed) {
      expect([200, 303], page.html.slice(0, 400)).toContain(page.status);
      if (page.status === 303) expect(page.location).not.toBe('/console/sign-in');
      expect(await changed()).toBe(true);
    } else {
      expect(page.status).toBe(403);
      expect(page.html).toContain(`Your role (${role}) cannot`);
      expect(await changed()).toBe(false);
    }
  });

  it('shows every role every screen but the analysts’, which only admins see', async () => {
    const user = await pendingUser();
    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      for (const path of [
        '/console/queue',
        `/console/users/${user}`,
        '/console/search',
        '/console/programs',
        `/console/programs/${program}`,
        '/console/webhooks',
        '/console/account',
      ]) {
        expect((await team[role].browser.get(path)).status, `${role} ${path}`).toBe(200);
      }
      const analysts = await team[role].browser.get('/console/analysts');
      expect(analysts.status, role).toBe(role === 'admin' ? 200 : 403);
      expect(analysts.html.includes('href="/console/analysts"'), role).toBe(role === 'admin');
    }
  });

  it('shows a viewer the actions disabled, with why', async () => {
    const user = await pendingUser();
    const page = await team.viewer.browser.get(`/console/users/${user}`);
    expect(page.html).not.toContain(`action="/console/users/${user}/review"`);
    expect(page.html).not.toContain(`action="/console/users/${user}/reports"`);
    expect(page.html).toMatch(
      /<button type="button" disabled="" aria-describedby="why-cleared">Clear<\/button><span id="why-cleared" class="why">Your role \(viewer\) cannot review users/,
    );
    expect(page.html).toMatch(
      /disabled="" aria-describedby="why-file-report">File a report<\/button><span id="why-file-report" class="why">Your role \(viewer\) cannot file reports/,
    );
    // An analyst gets the forms.
    const analystPage = await team.analyst.browser.get(`/console/users/${user}`);
    expect(analystPage.html).toContain(`action="/console/users/${user}/review"`);
  });
});
