import { describe, expect, it } from 'vitest';
import { api, dashboard, expectError, leslie, newBeaconUser, newClient, newProgram, type Credentials } from './support/api';
import { inUserShards } from './support/storage';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

async function setup() {
  const client = await newClient();
  const program = await newProgram(client);
  return { client, program };
}

const outbox = (beaconUserId: string) =>
  inUserShards<{ webhook_code: string; payload: string }>(`SELECT webhook_code, payload FROM webhook_events WHERE payload LIKE ? ORDER BY seq`, `%${beaconUserId}%`);

describe('/beacon/user/create', () => {
  it('creates version 1, cleared, with every field of the spec', async () => {
    const { client, program } = await setup();
    const answer = await api(client, '/beacon/user/create', {
      program_id: program,
      client_user_id: 'your-db-id-3b24110',
      user: { ...leslie(), depository_accounts: [{ account_number: '1234567890', routing_number: '021000021' }] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      item_ids: [],
      id: expect.stringMatching(/^becusr_[0-9A-Za-z]{14}$/),
      version: 1,
      created_at: expect.stringMatching(TIMESTAMP),
      updated_at: answer.body.created_at,
      status: 'cleared',
      program_id: program,
      client_user_id: 'your-db-id-3b24110',
      user: {
        ...leslie(),
        depository_accounts: [{ account_mask: '7890', routing_number: '021000021', added_at: answer.body.created_at }],
      },
      audit_trail: { source: 'api', dashboard_user_id: null, timestamp: answer.body.created_at },
      request_id: expect.stringMatching(/^[0-9A-Za-z]{15}$/),
    });
  });

  it('fills absent optional fields with null', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program, { name: { given_name: 'Ann', family_name: 'Perkins' }, date_of_birth: '1980-02-29' });
    expect(user.user).toEqual({
      date_of_birth: '1980-02-29',
      name: { given_name: 'Ann', family_name: 'Perkins' },
      address: null,
      email_address: null,
      phone_number: null,
      id_number: null,
      ip_address: null,
      depository_accounts: [],
    });
    const partialAddress = await newBeaconUser(client, program, {
      ...leslie(),
      address: { street: '1 Rue de Rivoli', city: 'Paris', country: 'FR' },
    });
    expect(partialAddress.user.address).toEqual({ street: '1 Rue de Rivoli', street2: null, city: 'Paris', region: null, postal_code: null, country: 'FR' });
  });

  it('returns the same user for a repeated create with the same data', async () => {
    const { client, program } = await setup();
    const first = await newBeaconUser(client, program, leslie(), 'retry-me');
    const again = await newBeaconUser(client, program, leslie(), 'retry-me');
    expect({ ...again, request_id: '' }).toEqual({ ...first, request_id: '' });
  });

  it('refuses a repeated create with different data, pointing to update', async () => {
    const { client, program } = await setup();
    const first = await newBeaconUser(client, program, leslie(), 'taken');
    const answer = await api(client, '/beacon/user/create', { program_id: program, client_user_id: 'taken', user: { ...leslie(), email_address: 'other@example.com' } });
    expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /already exists.*\/beacon\/user\/update/);
    expect(answer.body.error_message).toContain(first.id);
  });

  it('keeps client_user_id unique per program, not per client', async () => {
    const client = await newClient();
    const [p1, p2] = [await newProgram(client), await newProgram(client)];
    const a = await newBeaconUser(client, p1, leslie(), 'same');
    const b = await newBeaconUser(client, p2, leslie(), 'same');
    expect(a.id).not.toBe(b.id);
  });

  it('answers an unknown program and another client’s program alike', async () => {
    const { client } = await setup();
    const other = await setup();
    for (const programId of [other.program, 'becprg_00000000000000']) {
      const answer = await api(client, '/beacon/user/create', { program_id: programId, client_user_id: 'x1', user: leslie() });
      expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^program_id not found$/);
    }
  });

  it('refuses access_tokens, which need Plaid Items', async () => {
    const { client, program } = await setup();
    const answer = await api(client, '/beacon/user/create', { program_id: program, client_user_id: 'tok', user: leslie(), access_tokens: ['access-sandbox-123'] });
    expectError(answer, 400, 'INVALID_REQUEST', 'PRODUCT_NOT_SUPPORTED', /access_tokens is not supported/);
    const empty = await api(client, '/beacon/user/create', { program_id: program, client_user_id: 'tok', user: leslie(), access_tokens: [] });
    expect(empty.status).toBe(200);
  });
});

describe('field validation (docs/product.md §4)', () => {
  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['blank given name', { name: { given_name: '  ', family_name: 'K' } }, /user\.name\.given_name: must contain a non-whitespace character/],
    ['long family name', { name: { given_name: 'L', family_name: 'K'.repeat(101) } }, /user\.name\.family_name: must be at most 100/],
    ['impossible date', { date_of_birth: '1990-02-30' }, /user\.date_of_birth: must be a real calendar date/],
    ['date format', { date_of_birth: '05/29/1990' }, /user\.date_of_birth: must be a real calendar date/],
    ['future birth', { date_of_birth: '2999-01-01' }, /user\.date_of_birth: must not be in the future/],
    ['neither date of birth nor accounts', { date_of_birth: null }, /date_of_birth or depository_accounts must be provided/],
    ['email', { email_address: 'leslie@' }, /user\.email_address: must be a valid email address/],
    ['phone not E.164', { phone_number: '(987) 654-3212' }, /user\.phone_number: must be a phone number in E\.164/],
    ['phone too short for its country', { phone_number: '+1987654' }, /user\.phone_number/],
    ['lowercase country', { address: { ...leslie().address, country: 'us' } }, /user\.address\.country: must be a capitalised ISO 3166-1/],
    ['unknown country', { address: { ...leslie().address, country: 'XX' } }, /user\.address\.country/],
    ['region of another country', { address: { ...leslie().address, region: 'ON' } }, /user\.address\.region: must be an ISO 3166-2 subdivision code of US/],
    ['US postal code', { address: { ...leslie().address, postal_code: '4600' } }, /user\.address\.postal_code: must be 5 digits/],
    ['foreign postal code', { address: { street: '10 Downing St', city: 'London', country: 'GB', postal_code: 'S' } }, /postal_code: must be 2 to 10/],
    ['street without letters', { address: { ...leslie().address, street: '123' } }, /user\.address\.street: must contain at least one letter/],
    ['id type', { id_number: { value: '123', type: 'us_passport' } }, /user\.id_number\.type: must be one of/],
    ['ssn digits', { id_number: { value: '12345', type: 'us_ssn' } }, /user\.id_number\.value: must be 9 digits for us_ssn/],
    ['ip', { ip_address: '300.1.1.1' }, /user\.ip_address: must be an IPv4 or IPv6 address/],
    [
      'routing checksum',
      { depository_accounts: [{ account_number: '1234567890', routing_number: '021000022' }] },
      /routing_number: must be a 9-digit US routing number with a valid ABA checksum/,
    ],
    ['account number', { depository_accounts: [{ account_number: '12ab', routing_number: '021000021' }] }, /account_number: must be a US bank account number/],
  ];

  it.each(invalid)('refuses %s', async (_case, fields, message) => {
    const { client, program } = await setup();
    const answer = await api(client, '/beacon/user/create', { program_id: program, client_user_id: 'v1', user: { ...leslie(), ...fields } });
    expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', message);
  });

  it('refuses a client_user_id that is an email address or a phone number', async () => {
    const { client, program } = await setup();
    for (const clientUserId of ['leslie@example.com', '+1 (987) 654-3212', '']) {
      const answer = await api(client, '/beacon/user/create', { program_id: program, client_user_id: clientUserId, user: leslie() });
      expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /client_user_id/);
    }
  });

  it('accepts valid variants and strips id number formatting', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program, {
      ...leslie(),
      id_number: { value: '123-45-6789', type: 'us_ssn' },
      ip_address: '2001:db8::42',
      address: { street: '10 Downing St', city: 'London', country: 'GB', region: 'WSM', postal_code: 'SW1A 2AA' },
    });
    expect(user.user.id_number).toEqual({ value: '123456789', type: 'us_ssn' });
    expect(user.user.ip_address).toBe('2001:db8::42');
    const accountsOnly = await newBeaconUser(client, program, {
      name: { given_name: 'April', family_name: 'Ludgate' },
      depository_accounts: [{ account_number: '000123456789', routing_number: '011000015' }],
    });
    expect(accountsOnly.user.date_of_birth).toBeNull();
  });
});

describe('/beacon/user/get', () => {
  it('returns the current version', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    await api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { email_address: 'new@example.com' } });
    const got = await api(client, '/beacon/user/get', { beacon_user_id: user.id });
    expect(got.body).toMatchObject({ id: user.id, version: 2, user: { email_address: 'new@example.com' } });
  });
});

describe('/beacon/user/update', () => {
  it('patches: given fields replace, omitted and null fields are kept', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    const answer = await api(client, '/beacon/user/update', {
      beacon_user_id: user.id,
      user: { name: { given_name: 'Leslie', family_name: 'Knope-Wyatt' }, phone_number: null, address: { street: '2 Elm St', city: 'Pawnee', country: 'US', region: 'IN' } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: user.id, version: 2, status: 'cleared', created_at: user.created_at, audit_trail: { source: 'api' } });
    expect(answer.body.user).toEqual({
      ...user.user,
      name: { given_name: 'Leslie', family_name: 'Knope-Wyatt' },
      address: { street: '2 Elm St', street2: null, city: 'Pawnee', region: 'IN', postal_code: null, country: 'US' },
    });
  });

  it('makes no new version when nothing changes', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    for (const body of [{}, { user: null }, { user: { email_address: leslie().email_address } }]) {
      const answer = await api(client, '/beacon/user/update', { beacon_user_id: user.id, ...body });
      expect(answer.body.version).toBe(1);
    }
  });

  it('keeps added_at of accounts that stay and dates new ones', async () => {
    const { client, program } = await setup();
    const first = { account_number: '1111222233', routing_number: '021000021' };
    const user = await newBeaconUser(client, program, { ...leslie(), depository_accounts: [first] });
    const added = user.user.depository_accounts[0].added_at;
    const answer = await api(client, '/beacon/user/update', {
      beacon_user_id: user.id,
      user: { depository_accounts: [first, { account_number: '99998888', routing_number: '011000015' }] },
    });
    expect(answer.body.user.depository_accounts).toEqual([
      { account_mask: '2233', routing_number: '021000021', added_at: added },
      { account_mask: '8888', routing_number: '011000015', added_at: answer.body.updated_at },
    ]);
  });

  it('validates the patch like a create', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    const answer = await api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { date_of_birth: '1990-13-01' } });
    expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /user\.date_of_birth/);
    expectError(await api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { nickname: 'Les' } }), 400, 'INVALID_REQUEST', 'UNKNOWN_FIELDS', /user\.nickname/);
    expectError(await api(client, '/beacon/user/update', { beacon_user_id: user.id, access_tokens: ['a'] }), 400, 'INVALID_REQUEST', 'PRODUCT_NOT_SUPPORTED');
    expect((await api(client, '/beacon/user/get', { beacon_user_id: user.id })).body.version).toBe(1);
  });
});

describe('/beacon/user/review', () => {
  it('allows pending_review and cleared, refuses rejected without a report', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    const pending = await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });
    expect(pending.body).toMatchObject({ version: 2, status: 'pending_review', user: user.user, audit_trail: { source: 'api', dashboard_user_id: null } });
    const rejected = await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'rejected' });
    expectError(rejected, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /rejected needs an active Beacon Report/);
    const cleared = await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'cleared' });
    expect(cleared.body).toMatchObject({ version: 3, status: 'cleared' });
  });

  it('records USER_STATUS_UPDATED in the outbox for each status change only', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });
    await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });
    await api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { ip_address: '192.0.2.1' } });
    const events = await outbox(user.id);
    expect(events.map((e) => [e.webhook_code, JSON.parse(e.payload)])).toEqual([['USER_STATUS_UPDATED', { webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: user.id }]]);
  });

  it('reviewing to the current status writes nothing', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    const same = await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'cleared' });
    expect(same.body.version).toBe(1);
  });

  it('records a dashboard review with its analyst', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    const answer = await dashboard(client, '/dashboard/user/review', { beacon_user_id: user.id, status: 'pending_review', dashboard_user_id: '54350110fedcbaf01234ffee' });
    expect(answer.body).toMatchObject({ version: 2, status: 'pending_review', audit_trail: { source: 'dashboard', dashboard_user_id: '54350110fedcbaf01234ffee' } });
    expectError(await dashboard(client, '/dashboard/user/review', { beacon_user_id: user.id, status: 'rejected' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /rejected needs/);
  });
});

describe('/beacon/user/history/list', () => {
  it('lists every version newest first, each with its own audit trail', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    await api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { email_address: 'v2@example.com' } });
    await dashboard(client, '/dashboard/user/review', { beacon_user_id: user.id, status: 'pending_review' });
    const answer = await api(client, '/beacon/user/history/list', { beacon_user_id: user.id });
    expect(answer.body.next_cursor).toBeNull();
    const versions = answer.body.beacon_users;
    expect(versions.map((v: any) => [v.version, v.status, v.user.email_address, v.audit_trail.source])).toEqual([
      [3, 'pending_review', 'v2@example.com', 'dashboard'],
      [2, 'cleared', 'v2@example.com', 'api'],
      [1, 'cleared', 'leslie@example.com', 'api'],
    ]);
    expect(versions[2]).toEqual(stripRequestId(user));
    for (const v of versions) expect(v).not.toHaveProperty('request_id');
  });

  it('pages through long histories with a cursor bound to the user', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program);
    const other = await newBeaconUser(client, program, { ...leslie(), email_address: 'x@example.com' });
    for (let i = 0; i < 29; i++) {
      await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: i % 2 ? 'cleared' : 'pending_review' });
    }
    const first = await api(client, '/beacon/user/history/list', { beacon_user_id: user.id });
    expect(first.body.beacon_users.map((v: any) => v.version)).toEqual(range(30, 6));
    const second = await api(client, '/beacon/user/history/list', { beacon_user_id: user.id, cursor: first.body.next_cursor });
    expect(second.body.beacon_users.map((v: any) => v.version)).toEqual(range(5, 1));
    expect(second.body.next_cursor).toBeNull();
    expectError(
      await api(client, '/beacon/user/history/list', { beacon_user_id: other.id, cursor: first.body.next_cursor }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /cursor is invalid/,
    );
  });
});

describe('tenant isolation', () => {
  it('answers another client’s Beacon User exactly like an unknown one, on every endpoint', async () => {
    const a = await setup();
    const b = await newClient();
    const user = await newBeaconUser(a.client, a.program);
    const calls: [Credentials, string, Record<string, unknown>, boolean][] = [
      [b, '/beacon/user/get', {}, false],
      [b, '/beacon/user/update', { user: { email_address: 'stolen@example.com' } }, false],
      [b, '/beacon/user/review', { status: 'pending_review' }, false],
      [b, '/beacon/user/history/list', {}, false],
      [b, '/dashboard/user/review', { status: 'pending_review' }, true],
    ];
    for (const [caller, path, extra, isDashboard] of calls) {
      const call = isDashboard ? dashboard : api;
      const foreign = await call(caller, path, { beacon_user_id: user.id, ...extra });
      const unknown = await call(caller, path, { beacon_user_id: 'becusr_00000000000000', ...extra });
      expectError(foreign, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_user_id not found$/);
      expect({ ...foreign.body, request_id: '' }).toEqual({ ...unknown.body, request_id: '' });
    }
    const untouched = await api(a.client, '/beacon/user/get', { beacon_user_id: user.id });
    expect(untouched.body).toMatchObject({ version: 1, status: 'cleared', user: { email_address: 'leslie@example.com' } });
  });
});

describe('endpoints that need Plaid Items', () => {
  it.each(['/beacon/user/account_insights/get', '/beacon/account_risk/v1/evaluate'])('%s answers a clear 400 after authentication', async (path) => {
    const client = await newClient();
    expectError(await api(client, path, { beacon_user_id: 'becusr_x', access_token: 'access-sandbox-x' }), 400, 'INVALID_REQUEST', 'PRODUCT_NOT_SUPPORTED', /Plaid Items/);
    expectError(await api({ ...client, secret: 'wrong' }, path, {}), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: from - to + 1 }, (_, i) => from - i);
}

function stripRequestId<T extends { request_id?: string }>(value: T): Omit<T, 'request_id'> {
  const { request_id: _, ...rest } = value;
  return rest;
}
