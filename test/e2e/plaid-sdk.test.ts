import { BeaconAuditTrailSource, BeaconUserStatus, Configuration, IDNumberType, PlaidApi, type BeaconUserRequestData, type PlaidError } from 'plaid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { callsTo } from './support';

// A member company's view of the network: the official `plaid` SDK, unmodified, pointed at
// a real `wrangler dev` (see global-setup.ts). Clients and programs are set up through the
// admin and dashboard planes, which the SDK does not cover, with plain fetch.
//
// How the SDK authenticates (plaid v47, dist/api.js): each method copies
// `configuration.baseOptions.headers` onto the request and sends the request object as the
// JSON body as is; it adds no credentials to the body. So credentials reach us either as the
// PLAID-CLIENT-ID / PLAID-SECRET headers of Plaid's documented setup, or as `client_id` /
// `secret` fields when the caller puts them in the request. Both are tested below.

const baseUrl = inject('baseUrl');
const { admin, dashboard } = callsTo(baseUrl, inject('adminToken'));

interface Member {
  client_id: string;
  secret: string;
  program_id: string;
}

/** A new member company with one program, as the operator and an analyst would set it up. */
async function newMember(name = 'E2E Co'): Promise<Member> {
  const { client_id, secret } = await admin<{ client_id: string; secret: string }>('/admin/client/create', { name });
  const program = await dashboard<{ id: string }>({ client_id, secret }, '/dashboard/program/create', { name: 'Onboarding' });
  return { client_id, secret, program_id: program.id };
}

/** The SDK configured exactly as Plaid's quickstart does, with our URL as basePath. */
function plaidClient(credentials: { client_id: string; secret: string }): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath: baseUrl,
      baseOptions: {
        headers: {
          'PLAID-CLIENT-ID': credentials.client_id,
          'PLAID-SECRET': credentials.secret,
          'Plaid-Version': '2020-09-14',
        },
      },
    }),
  );
}

/** Awaits a call that must fail and returns what an SDK user sees: axios's error, with
 * the HTTP status and Plaid's error object in `response`. */
async function failure(call: Promise<unknown>): Promise<{ status: number; error: PlaidError }> {
  try {
    await call;
  } catch (thrown) {
    const error = thrown as { isAxiosError?: boolean; response?: { status: number; data: PlaidError } };
    expect(error.isAxiosError, String(thrown)).toBe(true);
    expect(error.response, String(thrown)).toBeDefined();
    const { status, data } = error.response!;
    expect(data.request_id).toMatch(/^[A-Za-z0-9]{15}$/);
    expect(data.display_message).toBeNull();
    return { status, error: data };
  }
  return expect.unreachable('the call succeeded');
}

/** Leslie Knope as in Plaid's examples, made a distinct person on every call: the suites
 * share one network, where two identical people are rightly duplicates (or matched to
 * another test's fraud report). */
const leslie = (): BeaconUserRequestData => {
  const tag = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => 'abcdefghijklmnopqrstuvwxyz'[b % 26]).join('');
  const digits = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b % 10).join('');
  return {
    date_of_birth: '1975-01-18',
    name: { given_name: 'Leslie', family_name: `Knope${tag}` },
    address: { street: '123 Main St.', street2: 'Unit 42', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
    email_address: `leslie.${tag}@example.com`,
    phone_number: `+1312${digits(7)}`,
    id_number: { value: digits(9), type: IDNumberType.UsSsn },
    ip_address: '192.0.2.42',
  };
};

let member: Member;
let plaid: PlaidApi;

beforeAll(async () => {
  member = await newMember();
  plaid = plaidClient(member);
});

const createLeslie = async (clientUserId = `cu-${crypto.randomUUID()}`, user = leslie()) =>
  (await plaid.beaconUserCreate({ program_id: member.program_id, client_user_id: clientUserId, user })).data;

describe('Beacon Users through the SDK', () => {
  it('creates a Beacon User and gets it back', async () => {
    const input = leslie();
    const created = await createLeslie('cu-leslie', input);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^becusr_[A-Za-z0-9]{14}$/),
      version: 1,
      status: BeaconUserStatus.Cleared,
      program_id: member.program_id,
      client_user_id: 'cu-leslie',
      user: { ...input, depository_accounts: [] },
      audit_trail: { source: BeaconAuditTrailSource.Api, dashboard_user_id: null },
      request_id: expect.stringMatching(/^[A-Za-z0-9]{15}$/),
    });

    const { data: fetched } = await plaid.beaconUserGet({ beacon_user_id: created.id });
    const { request_id: _created, ...user } = created;
    const { request_id: _fetched, ...same } = fetched;
    expect(same).toEqual(user);
  });

  it('patches on update: only the given fields change, and the version goes up by one', async () => {
    const created = await createLeslie();
    const { data: updated } = await plaid.beaconUserUpdate({
      beacon_user_id: created.id,
      user: { email_address: 'leslie.knope@pawnee.gov' },
    });
    expect(updated.version).toBe(2);
    expect(updated.user).toEqual({ ...created.user, email_address: 'leslie.knope@pawnee.gov' });
    expect(updated.created_at).toBe(created.created_at);

    const { data: fetched } = await plaid.beaconUserGet({ beacon_user_id: created.id });
    expect(fetched.version).toBe(2);
    expect(fetched.user.email_address).toBe('leslie.knope@pawnee.gov');
    expect(fetched.user.name).toEqual(created.user.name);
  });

  it('applies the review rules: rejected needs a report, pending_review and cleared are allowed', async () => {
    const { id } = await createLeslie();

    const pending = await plaid.beaconUserReview({ beacon_user_id: id, status: BeaconUserStatus.PendingReview });
    expect(pending.data).toMatchObject({ status: 'pending_review', version: 2 });

    const refused = await failure(plaid.beaconUserReview({ beacon_user_id: id, status: BeaconUserStatus.Rejected }));
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'INVALID_FIELD' });
    expect(refused.error.error_message).toMatch(/report/i);

    const cleared = await plaid.beaconUserReview({ beacon_user_id: id, status: BeaconUserStatus.Cleared });
    expect(cleared.data).toMatchObject({ status: 'cleared', version: 3 });
  });

  it('lists every version, newest first', async () => {
    const created = await createLeslie();
    await plaid.beaconUserUpdate({ beacon_user_id: created.id, user: { ip_address: '198.51.100.7' } });
    await plaid.beaconUserReview({ beacon_user_id: created.id, status: BeaconUserStatus.PendingReview });

    const { data } = await plaid.beaconUserHistoryList({ beacon_user_id: created.id });
    expect(data.next_cursor).toBeNull();
    expect(data.beacon_users.map((user) => [user.version, user.status, user.user.ip_address])).toEqual([
      [3, 'pending_review', '198.51.100.7'],
      [2, 'cleared', '198.51.100.7'],
      [1, 'cleared', '192.0.2.42'],
    ]);
    for (const version of data.beacon_users) {
      expect(version).toMatchObject({ id: created.id, audit_trail: { source: 'api' } });
    }
  });
});

describe('/user through the SDK', () => {
  it('creates, gets, updates and removes a user', async () => {
    const { data: created } = await plaid.userCreate({ client_user_id: 'cu-ron' });
    expect(created.user_token).toMatch(/^user-sandbox-[0-9a-f-]{36}$/);
    const userId = created.user_id;

    const { data: fetched } = await plaid.userGet({ user_id: userId });
    expect(fetched).toMatchObject({ user_id: userId, client_user_id: 'cu-ron' });

    await plaid.userUpdate({
      user_token: created.user_token,
      identity: {
        name: { given_name: 'Ron', family_name: 'Swanson' },
        emails: [{ data: 'ron@example.com', primary: true }],
      },
    });
    const { data: updated } = await plaid.userGet({ user_id: userId });
    expect(updated.identity).toMatchObject({
      name: { given_name: 'Ron', family_name: 'Swanson' },
      emails: [{ data: 'ron@example.com', primary: true }],
    });

    await plaid.userRemove({ user_id: userId });
    const gone = await failure(plaid.userGet({ user_id: userId }));
    expect(gone.error).toMatchObject({ error_code: 'INVALID_FIELD', error_message: 'user_id not found' });
  });

  it('refuses a second user with the same client_user_id', async () => {
    await plaid.userCreate({ client_user_id: 'cu-april' });
    const repeated = await failure(plaid.userCreate({ client_user_id: 'cu-april' }));
    expect(repeated.status).toBe(400);
    expect(repeated.error).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'INVALID_FIELD' });
    expect(repeated.error.error_message).toMatch(/exists/);
  });

  it('refuses an unknown user_token with INVALID_USER_TOKEN', async () => {
    const unknown = await failure(plaid.userUpdate({ user_token: `user-sandbox-${crypto.randomUUID()}`, identity: { date_of_birth: '1970-01-01' } }));
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_USER_TOKEN' });
  });
});

describe('errors as an SDK user sees them', () => {
  it('answers INVALID_API_KEYS for a wrong secret', async () => {
    const impostor = plaidClient({ client_id: member.client_id, secret: 'not-the-secret' });
    const { status, error } = await failure(impostor.beaconUserGet({ beacon_user_id: 'becusr_00000000000000' }));
    expect(status).toBe(400);
    expect(error).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_API_KEYS' });
  });

  it('lists every missing field with MISSING_FIELDS', async () => {
    // What a caller without type checking (plain JavaScript) could send.
    const incomplete = { program_id: member.program_id } as Parameters<PlaidApi['beaconUserCreate']>[0];
    const { status, error } = await failure(plaid.beaconUserCreate(incomplete));
    expect(status).toBe(400);
    expect(error).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'MISSING_FIELDS' });
    expect(error.error_message).toMatch(/client_user_id/);
    expect(error.error_message).toMatch(/user/);
  });

  it('answers INVALID_FIELD for an unknown beacon_user_id, and the same for another client’s', async () => {
    const unknown = await failure(plaid.beaconUserGet({ beacon_user_id: 'becusr_00000000000000' }));
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({
      error_type: 'INVALID_REQUEST',
      error_code: 'INVALID_FIELD',
      error_message: 'beacon_user_id not found',
    });

    const { id } = await createLeslie();
    const other = plaidClient(await newMember('Other Co'));
    const foreign = await failure(other.beaconUserGet({ beacon_user_id: id }));
    expect({ ...foreign.error, request_id: null }).toEqual({ ...unknown.error, request_id: null });
  });
});

describe('credentials in the request body', () => {
  it('works with an SDK configured without credential headers', async () => {
    // The SDK's request types have optional client_id and secret fields, sent in the body.
    const bare = new PlaidApi(new Configuration({ basePath: baseUrl }));
    const { id } = await createLeslie();
    const { data } = await bare.beaconUserGet({ client_id: member.client_id, secret: member.secret, beacon_user_id: id });
    expect(data.id).toBe(id);

    const { status, error } = await failure(bare.beaconUserGet({ beacon_user_id: id }));
    expect(status).toBe(400);
    expect(error.error_code).toBe('MISSING_FIELDS');
    expect(error.error_message).toMatch(/client_id/);
  });
});
