import { describe, expect, it } from 'vitest';
import { admin, api, dashboard, expectError, leslie, newBeaconUser, newClient, newProgram, post, stranger } from './support/api';
import { expectContractShape, expectSpecShape } from './support/spec';

/** Every answer is checked against the schema Plaid's spec gives for it. */
describe('answers satisfy Plaid’s schemas', () => {
  it('(the check itself refuses a missing field, a wrong type and a bad enum value)', async () => {
    const client = await newClient();
    const user = await newBeaconUser(client, await newProgram(client));
    expectSpecShape('BeaconUserGetResponse', user);
    const { item_ids: _, ...missing } = user;
    for (const broken of [missing, { ...user, version: '1' }, { ...user, status: 'approved' }, { ...user, audit_trail: { ...user.audit_trail, source: 'robot' } }]) {
      expect(() => expectSpecShape('BeaconUserGetResponse', broken)).toThrow();
    }
  });

  it('Beacon User endpoints', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const created = await api(client, '/beacon/user/create', {
      program_id: program,
      client_user_id: 'spec-1',
      user: { ...leslie(), depository_accounts: [{ account_number: '1234567890', routing_number: '021000021' }] },
    });
    expectSpecShape('BeaconUserCreateResponse', created.body);
    expectSpecShape('BeaconUserGetResponse', (await api(client, '/beacon/user/get', { beacon_user_id: created.body.id })).body);
    const updated = await api(client, '/beacon/user/update', { beacon_user_id: created.body.id, user: { ip_address: '2001:db8::1' } });
    expectSpecShape('BeaconUserUpdateResponse', updated.body);
    const reviewed = await api(client, '/beacon/user/review', { beacon_user_id: created.body.id, status: 'pending_review' });
    expectSpecShape('BeaconUserGetResponse', reviewed.body);
    const history = await api(client, '/beacon/user/history/list', { beacon_user_id: created.body.id });
    expectSpecShape('BeaconUserHistoryListResponse', history.body);
  });

  it('/user endpoints', async () => {
    const client = await newClient();
    const created = await api(client, '/user/create', { client_user_id: 'spec-user', identity: { name: { given_name: 'A', family_name: 'B' } } });
    expectSpecShape('UserCreateResponse', created.body);
    expectSpecShape('UserGetResponse', (await api(client, '/user/get', { user_id: created.body.user_id })).body);
    expectSpecShape('UserUpdateResponse', (await api(client, '/user/update', { user_id: created.body.user_id, identity: { date_of_birth: '1990-01-01' } })).body);
    expectSpecShape('UserRemoveResponse', (await api(client, '/user/remove', { user_id: created.body.user_id })).body);
  });

  it('/user/get leaves out the identity lists a request gave as null', async () => {
    const client = await newClient();
    const identity = { name: { given_name: 'A', family_name: 'B' }, emails: null, phone_numbers: null, addresses: null, id_numbers: null };
    const created = await api(client, '/user/create', { client_user_id: 'spec-nulls', identity });
    const got = await api(client, '/user/get', { user_id: created.body.user_id });
    expect(got.body.identity).toEqual({ name: { given_name: 'A', family_name: 'B' } });
    expectSpecShape('UserGetResponse', got.body);
  });

  it('errors of every class', async () => {
    const client = await newClient();
    const answers = [
      await post('/beacon/user/get', '[]'),
      await post('/beacon/user/get', {}),
      await api({ ...client, secret: 'x' }, '/beacon/user/get', {}),
      await api(client, '/beacon/user/get', { beacon_user_id: 'becusr_x' }),
      await api(client, '/beacon/user/get', { beacon_user_id: 'x', extra: 1 }),
      await post('/nowhere', {}),
      await post('/admin/client/list', {}),
    ];
    for (const answer of answers) expectSpecShape('PlaidError', answer.body);
    expectError(answers[3]!, 400, 'INVALID_REQUEST', 'INVALID_FIELD');
  });
});

/** The dashboard and admin planes' answers against their zod response schemas (and, where the
 * answer is Plaid's object, Plaid's schema). Dead letters and delivery re-sends are checked
 * where their tests make them (network-guarantees, webhooks-log). */
describe('dashboard and admin answers satisfy their response schemas', () => {
  it('(the check refuses a missing field, a wrong type and a field the schema does not list)', async () => {
    const client = await newClient();
    const { body } = await admin('/admin/client/get', { client_id: client.client_id });
    expectContractShape('/admin/client/get', body);
    const { name: _, ...missing } = body;
    for (const broken of [missing, { ...body, disabled: 'no' }, { ...body, secret_digest: 'x' }]) {
      expect(() => expectContractShape('/admin/client/get', broken)).toThrow();
    }
  });

  it('every admin endpoint', async () => {
    const created = await admin('/admin/client/create', { name: 'Contract Co' });
    expectContractShape('/admin/client/create', created.body);
    const client = { client_id: created.body.client_id, secret: created.body.secret };
    expectContractShape('/admin/client/get', (await admin('/admin/client/get', { client_id: client.client_id })).body);
    expectContractShape('/admin/client/list', (await admin('/admin/client/list', {})).body);
    expectContractShape('/admin/client/update', (await admin('/admin/client/update', { client_id: client.client_id, name: 'Contract Co 2' })).body);
    const rotated = await admin('/admin/client/secret/rotate', { client_id: client.client_id });
    expectContractShape('/admin/client/secret/rotate', rotated.body);
    client.secret = rotated.body.secret;
    expectContractShape('/admin/shard/list', (await admin('/admin/shard/list', {})).body);
    const program = await newProgram(client);
    const imported = await admin('/admin/beacon_user/import', {
      program_id: program,
      users: [
        { client_user_id: 'imported-1', user: stranger() },
        { client_user_id: 'imported-1', user: stranger() },
      ],
    });
    expect(imported.body.beacon_users[1].error).toBeDefined(); // both outcomes are in the schema
    expectContractShape('/admin/beacon_user/import', imported.body);
    expectContractShape('/admin/program/get', (await admin('/admin/program/get', { program_id: program })).body);
    expectContractShape('/admin/program/metrics', (await admin('/admin/program/metrics', { program_id: program })).body);
    expectContractShape('/admin/webhook_key/rotate', (await admin('/admin/webhook_key/rotate', {})).body);
    expectContractShape('/admin/fanout/dead_letter/list', (await admin('/admin/fanout/dead_letter/list', {})).body);
  });

  it('every dashboard endpoint', async () => {
    const reporter = await newClient();
    const person = stranger();
    const reported = await newBeaconUser(reporter, await newProgram(reporter), person);
    const report = await api(reporter, '/beacon/report/create', { beacon_user_id: reported.id, type: 'first_party', fraud_date: '2024-05-29' });

    const client = await newClient();
    const created = await dashboard(client, '/dashboard/program/create', { name: 'Contract', settings: { flag_network_fraud: true } });
    expectContractShape('/dashboard/program/create', created.body);
    const program = created.body.id;
    expectContractShape('/dashboard/program/get', (await dashboard(client, '/dashboard/program/get', { program_id: program })).body);
    expectContractShape('/dashboard/program/list', (await dashboard(client, '/dashboard/program/list', {})).body);
    expectContractShape('/dashboard/program/update', (await dashboard(client, '/dashboard/program/update', { program_id: program, name: 'Renamed' })).body);

    const user = await newBeaconUser(client, program, person);
    expectContractShape('/dashboard/user/review', (await dashboard(client, '/dashboard/user/review', { beacon_user_id: user.id, status: 'pending_review' })).body);
    const [syndication] = (await api(client, '/beacon/report_syndication/list', { beacon_user_id: user.id })).body.beacon_report_syndications;
    const confirmed = await dashboard(client, '/dashboard/report_syndication/confirm', { beacon_report_syndication_id: syndication.id });
    expect(confirmed.body.confirmed_by).toBe('analyst-1');
    expectContractShape('/dashboard/report_syndication/confirm', confirmed.body);

    expectContractShape(
      '/dashboard/report/update',
      (await dashboard(reporter, '/dashboard/report/update', { beacon_report_id: report.body.id, fraud_amount: { iso_currency_code: 'USD', value: 12.5 } })).body,
    );
    expectContractShape('/dashboard/report/delete', (await dashboard(reporter, '/dashboard/report/delete', { beacon_report_id: report.body.id })).body);

    expectContractShape('/dashboard/webhook/update', (await dashboard(client, '/dashboard/webhook/update', { url: null })).body);
    const deliveries = await dashboard(reporter, '/dashboard/webhook/delivery/list', {});
    expect(deliveries.body.deliveries.length).toBeGreaterThan(0);
    expectContractShape('/dashboard/webhook/delivery/list', deliveries.body);
  });
});
