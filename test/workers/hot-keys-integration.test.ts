// Common values (docs/product.md §7): a key carried by very many users of a program, or by very
// many active reports, is never read — checks and fan-out pages read a bounded number of
// rows however many share it. Counted in rows read (D1's own figures), not in time.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Storage } from '../../src/db';
import { FANOUT_PAGE, HOT_KEY_USERS } from '../../src/domain/blocking-index';
import { fanOutPage } from '../../src/domain/reports/fanout';
import { HOT_KEY_REPORTS } from '../../src/domain/reports/network-index';
import { ProgramGateway } from '../../src/durable/gateway';
import { loadSecrets } from '../../src/secrets';
import { admin, api, newBeaconUser, newClient, newProgram, stranger, type Credentials } from './support/api';
import { firstPages } from './support/network';
import { inUserShards } from './support/storage';

/** Imports `count` strangers who all give `email` into a program (100 per request). */
async function importSharing(programId: string, email: string, count: number, tag: string) {
  const people = Array.from({ length: count }, (_, i) => ({ client_user_id: `${tag}-${i}`, user: { ...stranger(), email_address: email } }));
  for (let i = 0; i < people.length; i += 100) {
    const answer = await admin('/admin/beacon_user/import', { program_id: programId, users: people.slice(i, i + 100) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
  return people;
}

const keyCount = async (programId: string, beaconUserId: string) => {
  const [user] = await inUserShards<{ blocking_keys: string }>('SELECT blocking_keys FROM beacon_users WHERE id = ?', beaconUserId);
  const keys = JSON.parse(user!.blocking_keys) as string[];
  const rows = await inUserShards<{ key: string; users: number }>(
    `SELECT key, users FROM key_counts WHERE program_id = ? AND key IN (${keys.map(() => '?').join(',')})`,
    programId,
    ...keys,
  );
  return { keys, counts: new Map(rows.map((r) => [r.key, r.users])) };
};

const rowsRead = async (client: Credentials, programId: string, user: Record<string, unknown>) => {
  const answer = await api(client, '/beacon/user/create', { program_id: programId, client_user_id: `probe-${crypto.randomUUID()}`, user });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { rows: answer.usage!.rows_read!, status: answer.body.status as string, objectRoundTrips: answer.usage!.object_round_trips! };
};

describe('key counts', () => {
  it('count the users of a program carrying each key, and follow updates', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const person = stranger();
    const first = await newBeaconUser(client, program, person);
    const { keys, counts } = await keyCount(program, first.id);
    expect(keys.every((k) => counts.get(k) === 1)).toBe(true);
    const second = await newBeaconUser(client, program, { ...stranger(), email_address: person.email_address });
    const email = keys[0]!; // the mailbox key comes first
    expect((await keyCount(program, first.id)).counts.get(email)).toBe(2);
    await api(client, '/beacon/user/update', { beacon_user_id: second.id, user: { email_address: `moved.${person.email_address}` } });
    expect((await keyCount(program, first.id)).counts.get(email)).toBe(1);
    const moved = await keyCount(program, second.id);
    expect(moved.keys[0]).not.toBe(email);
    expect(moved.counts.get(moved.keys[0]!)).toBe(1);
  });
});

describe('a value many users of a program share', () => {
  it('is not read by a check: a create reads about as many rows as with a value of its own, in at most two round trips in the program’s object', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const placeholder = `noemail.${crypto.randomUUID().slice(0, 8)}@placeholder.example`;
    const people = await importSharing(program, placeholder, HOT_KEY_USERS + 20, 'shared');

    const shared = await rowsRead(client, program, { ...stranger(), email_address: placeholder });
    const own = await rowsRead(client, program, stranger());
    expect(shared.status).toBe('cleared');
    expect(shared.rows).toBeLessThanOrEqual(own.rows * 1.25);
    expect(shared.rows).toBeLessThan(HOT_KEY_USERS);
    expect(shared.objectRoundTrips).toBeLessThanOrEqual(2);
    expect(own.objectRoundTrips).toBeLessThanOrEqual(2);

    // The identity's other keys still find its duplicates.
    const twin = people[7]!.user;
    const again = await rowsRead(client, program, { ...twin, email_address: placeholder, phone_number: null, address: null });
    expect(again.status).toBe('pending_review');
  });

  it('is not walked by a fan-out page, which reads a bounded number of rows', async () => {
    const reporter = await newClient();
    const hot = { client: await newClient(), email: `hot.${crypto.randomUUID().slice(0, 8)}@placeholder.example` };
    const warm = { client: await newClient(), email: `warm.${crypto.randomUUID().slice(0, 8)}@placeholder.example` };
    const pageRows = async ({ client, email }: { client: Credentials; email: string }, users: number) => {
      const program = await newProgram(client, { duplicates_to_pending_review: false });
      await importSharing(program, email, users, 'walk');
      const made = await api(reporter, '/beacon/report/create', {
        beacon_user_id: (await newBeaconUser(reporter, await newProgram(reporter), { ...stranger(), email_address: email })).id,
        type: 'stolen',
        fraud_date: '2024-01-01',
      });
      const shard = (await admin('/admin/program/get', { program_id: program })).body.shard;
      const page = (await firstPages(made.body.id)).find((p) => p.shard === shard)!;
      const storage = new Storage(env);
      await fanOutPage(storage, await loadSecrets(env), new ProgramGateway(env, storage), page);
      return storage.meter.rowsRead;
    };
    // 60 users share the warm mailbox: the page walks them (a page's worth of rows).
    expect(await pageRows(warm, 60)).toBeGreaterThan(FANOUT_PAGE);
    // 120 share the hot one: its count is read, its rows never.
    expect(await pageRows(hot, HOT_KEY_USERS + 20)).toBeLessThan(FANOUT_PAGE);
  }, 60_000);
});

describe('a value many active reports share', () => {
  it('is not read by a check; the identity’s other keys still find the report', async () => {
    const a = await newClient();
    const b = await newClient();
    const programA = await newProgram(a);
    const programB = await newProgram(b);
    const shared = `fraud.${crypto.randomUUID().slice(0, 8)}@placeholder.example`;
    const people = await importSharing(programA, shared, HOT_KEY_REPORTS + 1, 'reported');
    for (const person of people) {
      const [user] = await inUserShards<{ id: string }>('SELECT id FROM beacon_users WHERE program_id = ? AND client_user_id = ?', programA, person.client_user_id);
      expect((await api(a, '/beacon/report/create', { beacon_user_id: user!.id, type: 'synthetic', fraud_date: '2024-02-02' })).status).toBe(200);
    }
    const viaShared = await rowsRead(b, programB, { ...stranger(), email_address: shared });
    const viaOwn = await rowsRead(b, programB, stranger());
    expect(viaShared.status).toBe('cleared');
    expect(viaShared.rows).toBeLessThanOrEqual(viaOwn.rows * 1.25);
    // One of them again, at another member, with the same name and birth date and phone.
    const { name, date_of_birth, phone_number } = people[3]!.user;
    expect((await rowsRead(b, programB, { name, date_of_birth, phone_number, email_address: shared })).status).toBe('pending_review');
  }, 60_000);
});
