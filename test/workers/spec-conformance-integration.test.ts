import { describe, expect, it } from 'vitest';
import { api, expectError, leslie, newBeaconUser, newClient, newProgram, post } from './support/api';
import { expectSpecShape } from './support/spec';

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
