import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, leslie, newBeaconUser, newClient, newProgram } from './support/api';
import { inUserShards, writeInUserShards } from './support/storage';

/** Everything in D1 for the given ids, as one string (user-shard tables, or `clients` in
 * the control database). */
async function storedRows(table: string, column: string, value: string): Promise<string> {
  const sql = `SELECT * FROM ${table} WHERE ${column} = ?`;
  const results = table === 'clients' ? (await env.CONTROL_DB.prepare(sql).bind(value).all()).results : await inUserShards(sql, value);
  expect(results.length).toBeGreaterThan(0);
  return JSON.stringify(results);
}

describe('data at rest', () => {
  it('stores no identity data of Beacon Users in clear', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const user = await newBeaconUser(client, program, { ...leslie(), depository_accounts: [{ account_number: '9876543210', routing_number: '021000021' }] });
    await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });
    const stored = (await storedRows('beacon_users', 'id', user.id)) + (await storedRows('beacon_user_versions', 'beacon_user_id', user.id));
    for (const secret of ['Leslie', 'Knope', 'Main St', 'Pawnee', 'leslie@example.com', '9876543212', '123456789', '192.0.2.42', '9876543210', '1975-01-18']) {
      expect(stored).not.toContain(secret);
    }
  });

  it('binds sealed identity data to its user: a copied ciphertext does not open', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const a = await newBeaconUser(client, program);
    const b = await newBeaconUser(client, program, { ...leslie(), email_address: 'b@example.com' });
    await writeInUserShards('UPDATE beacon_user_versions SET identity = (SELECT identity FROM beacon_user_versions WHERE beacon_user_id = ?) WHERE beacon_user_id = ?', a.id, b.id);
    const answer = await api(client, '/beacon/user/get', { beacon_user_id: b.id });
    expect(answer.status).toBe(500);
    expect(answer.body.error_message).not.toMatch(/decrypt|AES|OperationError/i);
  });

  it('stores client secrets and user tokens only as digests', async () => {
    const client = await newClient();
    const clientRow = await storedRows('clients', 'id', client.client_id);
    expect(clientRow).not.toContain(client.secret);
    const { body } = await api(client, '/user/create', { client_user_id: 'digest', identity: { name: { given_name: 'Tom', family_name: 'Haverford' } } });
    const userRow = await storedRows('users', 'id', body.user_id);
    expect(userRow).not.toContain(body.user_token);
    expect(userRow).not.toContain(body.user_token.slice('user-sandbox-'.length));
    expect(userRow).not.toContain('Haverford');
  });

  it('leaves no partial write when a request is refused', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const count = async () => (await inUserShards('SELECT id FROM beacon_users WHERE program_id = ?', program)).length;
    await api(client, '/beacon/user/create', { program_id: program, client_user_id: 'bad', user: { ...leslie(), ip_address: 'nope' } });
    await api(client, '/beacon/user/create', { program_id: program, client_user_id: 'bad', user: leslie(), access_tokens: ['x'] });
    expect(await count()).toBe(0);
  });
});
