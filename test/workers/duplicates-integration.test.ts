import { describe, expect, it } from 'vitest';
import { api, expectError, leslie, newBeaconUser, newClient, newProgram } from './support/api';
import { expectSpecShape } from './support/spec';
import { inUserShards } from './support/storage';

async function setup(settings?: Record<string, unknown>) {
  const client = await newClient();
  const program = await newProgram(client, settings);
  return { client, program };
}

/** The same person as `leslie()`, entered again with typical differences. */
const leslieAgain = () => ({
  ...leslie(),
  name: { given_name: 'Leslie', family_name: 'Knope-Wyatt' },
  address: { street: '123 Main Street', street2: 'Apt 7', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
  email_address: 'LESLIE@example.com',
  phone_number: '+19876543299',
});

const duplicatesOf = (beaconUserId: string) =>
  inUserShards<{ id: string }>('SELECT id FROM beacon_duplicates WHERE beacon_user1_id = ? OR beacon_user2_id = ?', beaconUserId, beaconUserId).then((rows) =>
    rows.map((row) => row.id),
  );

const eventsOf = (code: string, fragment: string) =>
  inUserShards<{ payload: string }>('SELECT payload FROM webhook_events WHERE webhook_code = ? AND payload LIKE ?', code, `%${fragment}%`).then((rows) =>
    rows.map((row) => JSON.parse(row.payload)),
  );

describe('Beacon Duplicates', () => {
  it('flags the same person entered twice, with the field-by-field analysis', async () => {
    const { client, program } = await setup();
    const first = await newBeaconUser(client, program, leslie());
    const second = await newBeaconUser(client, program, leslieAgain());
    expect(first.status).toBe('cleared');
    expect(second.status).toBe('pending_review');

    const [duplicateId] = await duplicatesOf(second.id);
    const duplicate = await api(client, '/beacon/duplicate/get', { beacon_duplicate_id: duplicateId });
    expect(duplicate.body).toEqual({
      id: expect.stringMatching(/^becdup_[0-9A-Za-z]{14}$/),
      beacon_user1: { id: second.id, version: 1 },
      beacon_user2: { id: first.id, version: 1 },
      analysis: {
        name: 'partial_match',
        date_of_birth: 'match',
        address: 'partial_match',
        email_address: 'match',
        phone_number: 'no_match',
        id_number: 'match',
        ip_address: 'match',
      },
      request_id: expect.any(String),
    });
    expectSpecShape('BeaconDuplicateGetResponse', duplicate.body);
    expect(await eventsOf('DUPLICATE_DETECTED', duplicateId!)).toEqual([{ webhook_code: 'DUPLICATE_DETECTED', beacon_duplicate_id: duplicateId }]);
  });

  it('catches a swapped day and month and a surname typo', async () => {
    const { client, program } = await setup();
    await newBeaconUser(client, program, { ...leslie(), date_of_birth: '1975-03-08' });
    const again = await newBeaconUser(client, program, {
      name: { given_name: 'Leslie', family_name: 'Knoppe' },
      date_of_birth: '1975-08-03',
      address: { street: '123 Main St', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
    });
    expect(again.status).toBe('pending_review');
  });

  it('does not flag different people who share a surname, a city or an office IP', async () => {
    const { client, program } = await setup();
    await newBeaconUser(client, program, leslie());
    const relatives = [
      { name: { given_name: 'Marlene', family_name: 'Knope' }, date_of_birth: '1948-04-02', address: leslie().address, ip_address: '192.0.2.42' },
      {
        name: { given_name: 'Ron', family_name: 'Swanson' },
        date_of_birth: '1970-05-06',
        address: { street: '9 Elm St', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
        ip_address: '192.0.2.42',
      },
      { name: { given_name: 'Leslie', family_name: 'Knope' }, date_of_birth: '1990-11-23', email_address: 'other.leslie@example.com' },
    ];
    for (const user of relatives) {
      const created = await newBeaconUser(client, program, user);
      expect(created.status, JSON.stringify(user.name)).toBe('cleared');
      expect(await duplicatesOf(created.id)).toEqual([]);
    }
  });

  it('records the duplicate but keeps the user cleared when duplicates_to_pending_review is off', async () => {
    const { client, program } = await setup({ duplicates_to_pending_review: false });
    await newBeaconUser(client, program, leslie());
    const second = await newBeaconUser(client, program, leslieAgain());
    expect(second.status).toBe('cleared');
    expect(await duplicatesOf(second.id)).toHaveLength(1);
  });

  it('evaluates the program’s own duplicate rules', async () => {
    const { client, program } = await setup({ duplicate_rules: [{ email_address: 'match' }] });
    await newBeaconUser(client, program, leslie());
    const sameEmail = await newBeaconUser(client, program, {
      name: { given_name: 'Totally', family_name: 'Different' },
      date_of_birth: '2001-01-01',
      email_address: 'leslie@example.com',
    });
    expect(sameEmail.status).toBe('pending_review');
    const sameNameAndBirth = await newBeaconUser(client, program, { ...leslie(), email_address: 'elsewhere@example.com' });
    expect(sameNameAndBirth.status).toBe('cleared');
  });

  it('on update records only new pairs, and only raises the status', async () => {
    const { client, program } = await setup();
    const first = await newBeaconUser(client, program, leslie());
    const other = await newBeaconUser(client, program, { name: { given_name: 'Ann', family_name: 'Perkins' }, date_of_birth: '1981-06-13' });
    expect(other.status).toBe('cleared');

    const becameLeslie = await api(client, '/beacon/user/update', { beacon_user_id: other.id, user: leslieAgain() });
    expect(becameLeslie.body).toMatchObject({ version: 2, status: 'pending_review' });
    expect(await duplicatesOf(other.id)).toHaveLength(1);
    expect(await eventsOf('USER_STATUS_UPDATED', other.id)).toHaveLength(1);

    await api(client, '/beacon/user/review', { beacon_user_id: other.id, status: 'cleared' });
    const edited = await api(client, '/beacon/user/update', { beacon_user_id: other.id, user: { ip_address: '203.0.113.9' } });
    // The pair is known: no second duplicate, and the analyst's decision stands.
    expect(edited.body).toMatchObject({ version: 4, status: 'cleared' });
    expect(await duplicatesOf(other.id)).toHaveLength(1);
    expect(await duplicatesOf(first.id)).toHaveLength(1);
  });

  it('stays within a program and a client', async () => {
    const a = await setup();
    const otherProgram = await newProgram(a.client);
    const b = await setup();
    const user = await newBeaconUser(a.client, a.program, leslie());
    expect((await newBeaconUser(a.client, otherProgram, leslieAgain())).status).toBe('cleared');
    expect((await newBeaconUser(b.client, b.program, leslieAgain())).status).toBe('cleared');

    const inA = await newBeaconUser(a.client, a.program, leslieAgain());
    const [duplicateId] = await duplicatesOf(inA.id);
    expect(duplicateId).toBeDefined();
    expect(await duplicatesOf(user.id)).toEqual([duplicateId]);
    const foreign = await api(b.client, '/beacon/duplicate/get', { beacon_duplicate_id: duplicateId });
    const unknown = await api(b.client, '/beacon/duplicate/get', { beacon_duplicate_id: 'becdup_00000000000000' });
    expectError(foreign, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_duplicate_id not found$/);
    expect({ ...foreign.body, request_id: '' }).toEqual({ ...unknown.body, request_id: '' });
  });

  it('sees a concurrent create of the same person (the program serialises checks)', async () => {
    const { client, program } = await setup();
    const [a, b] = await Promise.all([
      api(client, '/beacon/user/create', { program_id: program, client_user_id: 'twin-a', user: leslie() }),
      api(client, '/beacon/user/create', { program_id: program, client_user_id: 'twin-b', user: leslieAgain() }),
    ]);
    expect([a.body.status, b.body.status].sort()).toEqual(['cleared', 'pending_review']);
  });

  it('indexes keyed digests only: no identity data in the blocking index', async () => {
    const { client, program } = await setup();
    const user = await newBeaconUser(client, program, leslie());
    const results = await inUserShards<{ key: string }>('SELECT key FROM blocking_keys WHERE beacon_user_id = ?', user.id);
    expect(results.length).toBeGreaterThan(3);
    const stored = JSON.stringify(results);
    for (const value of ['knope', 'leslie', '46001', '1975', '9876543212', '123456789', 'example.com']) expect(stored.toLowerCase()).not.toContain(value);
    for (const { key } of results) expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
