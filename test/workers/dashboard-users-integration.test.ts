import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { admin, api, expectError, newBeaconUser, newClient, newProgram, stranger } from './support/api';
import { newMemberWithAdmin, setUp } from './support/console';
import { expectSpecShape } from './support/spec';

const email = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@example.com`;

describe('/admin/dashboard_user/create', () => {
  it('creates a member’s first admin, invited, with a one-time setup link shown once', async () => {
    const client = await newClient();
    const address = email('first');
    const created = await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: address });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      created_at: expect.stringMatching(/Z$/),
      email_address: address,
      status: 'invited',
      client_id: client.client_id,
      role: 'admin',
      setup_url: expect.stringMatching(/^https:\/\/beacon\.test\/console\/setup\/[A-Za-z0-9_-]{43}$/),
      setup_url_expires_at: expect.stringMatching(/Z$/),
      request_id: expect.any(String),
    });
    const hours = (Date.parse(created.body.setup_url_expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71);
    expect(hours).toBeLessThanOrEqual(72);

    // Stored: the address sealed, the link's token only as a digest.
    const {
      results: [row],
    } = await env.CONTROL_DB.prepare('SELECT * FROM dashboard_users WHERE id = ?').bind(created.body.id).all<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(address);
    expect(JSON.stringify(row)).not.toContain(address.split('@')[0]);
    const token = created.body.setup_url.split('/').at(-1);
    const { results: links } = await env.CONTROL_DB.prepare('SELECT * FROM dashboard_user_invitations WHERE dashboard_user_id = ?').bind(created.body.id).all();
    expect(links).toHaveLength(1);
    expect(JSON.stringify(links)).not.toContain(token);
  });

  it('refuses bad input, an unknown client, and a second account of one address in one member', async () => {
    const client = await newClient();
    expectError(await admin('/admin/dashboard_user/create', { client_id: client.client_id }), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /email_address/);
    expectError(
      await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: 'not-an-email' }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /email_address/,
    );
    expectError(
      await admin('/admin/dashboard_user/create', { client_id: 'ffffffffffffffffffffffff', email_address: email('x') }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /^client_id not found$/,
    );
    expectError(
      await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: email('x'), role: 'viewer' }),
      400,
      'INVALID_REQUEST',
      'UNKNOWN_FIELDS',
      /role/,
    );
    const address = email('twice');
    expect((await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: address })).status).toBe(200);
    const again = await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: address.toUpperCase() });
    expectError(again, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /already has an analyst account in this member/);
    // Another member may have a person of the same address: nothing tells either about the other.
    const other = await newClient();
    expect((await admin('/admin/dashboard_user/create', { client_id: other.client_id, email_address: address })).status).toBe(200);
  });

  it('needs the operator’s token', async () => {
    const client = await newClient();
    const answer = await api(client, '/admin/dashboard_user/create', { client_id: client.client_id, email_address: email('x') });
    expectError(answer, 401, 'INVALID_INPUT', 'INVALID_API_KEYS');
  });
});

describe('/dashboard_user/get and /dashboard_user/list', () => {
  it('answer in the spec’s shapes, invited and then active', async () => {
    const client = await newClient();
    const address = email('spec');
    const created = await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: address });
    const invited = await api(client, '/dashboard_user/get', { dashboard_user_id: created.body.id });
    expect(invited.status).toBe(200);
    expectSpecShape('DashboardUserGetResponse', invited.body);
    expect(invited.body).toEqual({ id: created.body.id, created_at: created.body.created_at, email_address: address, status: 'invited', request_id: expect.any(String) });

    await setUp(created.body.setup_url, address);
    const active = await api(client, '/dashboard_user/get', { dashboard_user_id: created.body.id });
    expect(active.body.status).toBe('active');

    const list = await api(client, '/dashboard_user/list', {});
    expectSpecShape('DashboardUserListResponse', list.body);
    expect(list.body).toEqual({
      dashboard_users: [{ id: created.body.id, created_at: created.body.created_at, email_address: address, status: 'active' }],
      next_cursor: null,
      request_id: expect.any(String),
    });
  });

  it('lists every account of the member in creation order, 25 a page, and no other member’s', async () => {
    const [client, other] = [await newClient(), await newClient()];
    await admin('/admin/dashboard_user/create', { client_id: other.client_id, email_address: email('other') });
    const ids: string[] = [];
    for (let i = 0; i < 26; i++) ids.push((await admin('/admin/dashboard_user/create', { client_id: client.client_id, email_address: email(`n${i}`) })).body.id);
    const first = await api(client, '/dashboard_user/list', {});
    expect(first.body.dashboard_users).toHaveLength(25);
    const second = await api(client, '/dashboard_user/list', { cursor: first.body.next_cursor });
    expectSpecShape('DashboardUserListResponse', second.body);
    expect(second.body.next_cursor).toBeNull();
    expect([...first.body.dashboard_users, ...second.body.dashboard_users].map((u: { id: string }) => u.id)).toEqual(ids);
    expectError(await api(other, '/dashboard_user/list', { cursor: first.body.next_cursor }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
  });

  it('answers another member’s account exactly like an unknown id', async () => {
    const [a, b] = [await newClient(), await newClient()];
    const created = await admin('/admin/dashboard_user/create', { client_id: a.client_id, email_address: email('a') });
    const foreign = await api(b, '/dashboard_user/get', { dashboard_user_id: created.body.id });
    const unknown = await api(b, '/dashboard_user/get', { dashboard_user_id: '000000000000000000000000' });
    expectError(foreign, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^dashboard_user_id not found$/);
    expect({ ...foreign.body, request_id: '' }).toEqual({ ...unknown.body, request_id: '' });
    expectError(await api(b, '/dashboard_user/get', {}), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /dashboard_user_id/);
  });

  it('resolves the dashboard_user_id of an analyst’s action in an audit trail to the analyst’s email', async () => {
    const { client, admin: analyst } = await newMemberWithAdmin();
    const program = await newProgram(client);
    const person = stranger();
    await newBeaconUser(client, program, person);
    const pending = await newBeaconUser(client, program, { ...person, ip_address: '203.0.113.9' });
    expect(pending.status).toBe('pending_review');
    const review = await analyst.browser.post(`/console/users/${pending.id}/review`, { status: 'cleared' });
    expect(review.status, review.html).toBe(303);

    const history = await api(client, '/beacon/user/history/list', { beacon_user_id: pending.id });
    const [latest] = history.body.beacon_users;
    expect(latest.status).toBe('cleared');
    expect(latest.audit_trail).toEqual({ source: 'dashboard', dashboard_user_id: analyst.id, timestamp: expect.any(String) });
    const who = await api(client, '/dashboard_user/get', { dashboard_user_id: latest.audit_trail.dashboard_user_id });
    expect(who.body).toMatchObject({ id: analyst.id, email_address: analyst.email, status: 'active' });
  });
});
