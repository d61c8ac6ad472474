import { describe, expect, it } from 'vitest';
import { api, expectError, newClient } from './support/api';

const identity = {
  name: { given_name: 'Alice', family_name: 'Johnson' },
  date_of_birth: '1988-07-22',
  emails: [{ data: 'alice.johnson@example.com', primary: true }],
  phone_numbers: [{ data: '+15551234567', primary: true }],
  addresses: [{ street_1: '123 Main St', street_2: 'Apt 4B', city: 'Anytown', region: 'CA', country: 'US', postal_code: '90210', primary: true }],
  id_numbers: [{ value: '1234', type: 'us_ssn_last_4' }],
};

describe('/user/*', () => {
  it('creates a user with a token and an id, and gets it back', async () => {
    const client = await newClient();
    const created = await api(client, '/user/create', { client_user_id: 'uid_12345', identity });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      user_token: expect.stringMatching(/^user-sandbox-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      user_id: expect.stringMatching(/^usr_[0-9A-Za-z]{14}$/),
      request_id: expect.any(String),
    });
    const got = await api(client, '/user/get', { user_id: created.body.user_id });
    expect(got.body).toEqual({
      user_id: created.body.user_id,
      client_user_id: 'uid_12345',
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      identity,
      consumer_report_user_identity: null,
      request_id: expect.any(String),
    });
  });

  it('refuses a repeated client_user_id, saying the user exists', async () => {
    const client = await newClient();
    await api(client, '/user/create', { client_user_id: 'dup' });
    expectError(await api(client, '/user/create', { client_user_id: 'dup' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /already exists/);
    // Another client may use the same client_user_id.
    expect((await api(await newClient(), '/user/create', { client_user_id: 'dup' })).status).toBe(200);
  });

  it('refuses concurrent creates of one client_user_id but one', async () => {
    const client = await newClient();
    const answers = await Promise.all(Array.from({ length: 5 }, () => api(client, '/user/create', { client_user_id: 'racer' })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 200)) expectError(a, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /already exists/);
  });

  it('updates by token or by id with merge semantics', async () => {
    const client = await newClient();
    const { body } = await api(client, '/user/create', { client_user_id: 'merge', identity });
    const byToken = await api(client, '/user/update', { user_token: body.user_token, identity: { emails: [{ data: 'new@example.com', primary: true }] } });
    expect(byToken.body).toEqual({ request_id: expect.any(String) });
    await api(client, '/user/update', { user_id: body.user_id, identity: { phone_numbers: [{ data: '(415) 555-2671', primary: true }] } });
    const got = await api(client, '/user/get', { user_id: body.user_id });
    expect(got.body.identity).toEqual({
      ...identity,
      emails: [{ data: 'new@example.com', primary: true }],
      phone_numbers: [{ data: '+14155552671', primary: true }],
    });
  });

  it('refuses an unknown user_token with INVALID_USER_TOKEN and an unknown user_id as not found', async () => {
    const client = await newClient();
    expectError(await api(client, '/user/update', { user_token: 'user-sandbox-00000000-0000-4000-8000-000000000000', identity }), 400, 'INVALID_INPUT', 'INVALID_USER_TOKEN');
    expectError(await api(client, '/user/update', { user_id: 'usr_00000000000000', identity }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^user_id not found$/);
    expectError(await api(client, '/user/update', { identity }), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /user_id or user_token/);
  });

  it('removes a user by token or id; it is gone and its client_user_id is free again', async () => {
    const client = await newClient();
    const a = await api(client, '/user/create', { client_user_id: 'gone-a' });
    const b = await api(client, '/user/create', { client_user_id: 'gone-b' });
    expect((await api(client, '/user/remove', { user_token: a.body.user_token })).status).toBe(200);
    expect((await api(client, '/user/remove', { user_id: b.body.user_id })).status).toBe(200);
    expectError(await api(client, '/user/get', { user_id: a.body.user_id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /user_id not found/);
    expectError(await api(client, '/user/remove', { user_token: a.body.user_token }), 400, 'INVALID_INPUT', 'INVALID_USER_TOKEN');
    expect((await api(client, '/user/create', { client_user_id: 'gone-a' })).status).toBe(200);
  });

  it('keeps users apart between clients, by id and by token', async () => {
    const [a, b] = [await newClient(), await newClient()];
    const { body } = await api(a, '/user/create', { client_user_id: 'private', identity });
    expectError(await api(b, '/user/get', { user_id: body.user_id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^user_id not found$/);
    expectError(await api(b, '/user/update', { user_token: body.user_token, identity }), 400, 'INVALID_INPUT', 'INVALID_USER_TOKEN');
    expectError(await api(b, '/user/remove', { user_id: body.user_id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^user_id not found$/);
    expect((await api(a, '/user/get', { user_id: body.user_id })).body.identity).toEqual(identity);
  });

  it('validates identities', async () => {
    const client = await newClient();
    expectError(
      await api(client, '/user/create', { client_user_id: 'v', identity: { emails: [{ data: 'nope', primary: true }] } }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /identity\.emails\.0\.data/,
    );
    expectError(await api(client, '/user/create', { client_user_id: 'v', identity: { nickname: 'x' } }), 400, 'INVALID_REQUEST', 'UNKNOWN_FIELDS', /identity\.nickname/);
    expectError(await api(client, '/user/create', {}), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /client_user_id/);
  });

  it('accepts the legacy consumer_report_user_identity', async () => {
    const client = await newClient();
    const legacy = {
      first_name: 'Carmen',
      last_name: 'Berzatto',
      phone_numbers: ['+13125551234'],
      emails: ['carmy@example.com'],
      ssn_last_4: '1234',
      date_of_birth: '1990-03-04',
      primary_address: { city: 'Chicago', region: 'IL', street: '1 Beef Ln', postal_code: '60601', country: 'US' },
    };
    const { body } = await api(client, '/user/create', { client_user_id: 'legacy', consumer_report_user_identity: legacy });
    expect((await api(client, '/user/get', { user_id: body.user_id })).body.consumer_report_user_identity).toEqual(legacy);
  });
});
