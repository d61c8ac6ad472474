import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { indexShardOfKey } from '../../src/db';
import { identityFromRequest } from '../../src/domain/beacon-users/identity';
import { indexKeys } from '../../src/domain/blocking-index';
import { normaliseIdentity } from '../../src/matching/compare';
import { nowTimestamp } from '../../src/lib/time';
import { loadSecrets } from '../../src/secrets';
import { admin, api, dashboard, expectError, newBeaconUser, newClient, newProgram, stranger, type Credentials } from './support/api';
import { eachShard, inIndexShards } from './support/storage';
import { homeShardOf, shardOfEvent } from './support/webhooks';

const shardOfProgram = async (programId: string): Promise<number> => (await admin('/admin/program/get', { program_id: programId })).body.shard;

/** A client and two programs of it, in different user shards. */
async function clientAcrossShards() {
  const client = await newClient();
  const home = await homeShardOf(client.client_id);
  const first = await newProgram(client);
  const other = 1 - home;
  expect((await admin('/admin/client/update', { client_id: client.client_id, program_shard: other })).status).toBe(200);
  const second = await newProgram(client);
  return { client, home, other, first, second };
}

/** Clients until one has its home in `shard`. */
async function clientIn(shard: number): Promise<Credentials> {
  for (;;) {
    const client = await newClient();
    if ((await homeShardOf(client.client_id)) === shard) return client;
  }
}

describe('placement', () => {
  it('spreads new clients over the user shards and keeps a client’s programs on its home shard', async () => {
    const homes = new Set<number>();
    for (let i = 0; i < 4; i++) homes.add(await homeShardOf((await newClient()).client_id));
    expect([...homes].sort()).toEqual([0, 1]);

    const { client, home, other, first, second } = await clientAcrossShards();
    expect(await shardOfProgram(first)).toBe(home);
    expect(await shardOfProgram(second)).toBe(other);
    expect((await admin('/admin/client/get', { client_id: client.client_id })).body).toMatchObject({ home_shard: home, program_shard: other });
    expectError(
      await admin('/admin/client/update', { client_id: client.client_id, program_shard: 7 }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /^program_shard must be an open user shard \(0, 1\)$/,
    );
    expectError(await admin('/admin/program/get', { program_id: 'becprg_00000000000000' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^program_id not found$/);
  });

  it('shows the operator every database, its size and the programs of each user shard', async () => {
    const before = (await admin('/admin/shard/list')).body;
    const client = await newClient();
    const home = await homeShardOf(client.client_id);
    await newProgram(client);
    const after = (await admin('/admin/shard/list')).body;
    expect(after.user_shards.map((s: { shard: number; open: boolean }) => [s.shard, s.open])).toEqual([
      [0, true],
      [1, true],
    ]);
    expect(after.index_shards.map((s: { shard: number }) => s.shard)).toEqual([0, 1]);
    expect(after.user_shards[home].programs).toBe(before.user_shards[home].programs + 1);
    for (const db of [after.control, ...after.user_shards, ...after.index_shards]) expect(db.size_bytes).toBeGreaterThan(0);
  });
});

describe('a client whose programs sit in different shards', () => {
  it('reads, writes, finds duplicates and lists history in each program as before', async () => {
    const { client, first, second } = await clientAcrossShards();
    for (const program of [first, second]) {
      const person = stranger();
      const user = await newBeaconUser(client, program, person);
      const twin = await newBeaconUser(client, program, { ...person, email_address: `other.${person.email_address}` });
      expect(twin.status).toBe('pending_review');
      const got = await api(client, '/beacon/user/get', { beacon_user_id: user.id });
      expect(got.body).toMatchObject({ id: user.id, program_id: program, version: 1 });
      const updated = await api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { ip_address: '203.0.113.9' } });
      expect(updated.body.version).toBe(2);
      const history = await api(client, '/beacon/user/history/list', { beacon_user_id: user.id });
      expect(history.body.beacon_users.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    }
  });

  it('rejects a user matching the client’s own report made in the other shard', async () => {
    const { client, first, second } = await clientAcrossShards();
    const person = stranger();
    const reported = await newBeaconUser(client, first, person);
    const made = await api(client, '/beacon/report/create', { beacon_user_id: reported.id, type: 'first_party', fraud_date: '2024-01-02' });
    expect(made.status).toBe(200);
    const again = await newBeaconUser(client, second, { ...person, email_address: `again.${person.email_address}` });
    expect(again.status).toBe('rejected');
    const [syndication] = (await api(client, '/beacon/report_syndication/list', { beacon_user_id: again.id })).body.beacon_report_syndications;
    expect(syndication.report).toMatchObject({ id: made.body.id, type: 'first_party', fraud_date: '2024-01-02' });
  });

  it('lists deliveries from both shards in one log, newest first, a page at a time', async () => {
    const { client, first, second } = await clientAcrossShards();
    // Each duplicate pair makes a DUPLICATE_DETECTED event in its program's shard.
    for (let i = 0; i < 14; i++) {
      const program = i % 2 ? second : first;
      const person = stranger();
      await newBeaconUser(client, program, person);
      await newBeaconUser(client, program, { ...person, email_address: `dup.${person.email_address}` });
    }
    const seen: { delivery_id: string; event: { created_at: string } }[] = [];
    for (let cursor: string | null = null; ; ) {
      const page: { body: any } = await dashboard(client, '/dashboard/webhook/delivery/list', { cursor });
      seen.push(...page.body.deliveries);
      if (!page.body.next_cursor) break;
      cursor = page.body.next_cursor;
    }
    expect(seen).toHaveLength(14);
    expect(new Set(seen.map((d) => d.delivery_id)).size).toBe(14);
    const times = seen.map((d) => d.event.created_at);
    expect(times).toEqual([...times].sort().reverse());
    const shards = new Set(await Promise.all(seen.map((d) => shardOfEvent(d.delivery_id))));
    expect([...shards].sort()).toEqual([0, 1]);
  });

  it('keeps its /user users in its home shard, wherever its programs go', async () => {
    const { client, home } = await clientAcrossShards();
    const created = await api(client, '/user/create', { client_user_id: 'home-shard-user' });
    expect(created.status).toBe(200);
    const [db] = [eachShard('USER_SHARD_')[home]!];
    expect(await db.prepare('SELECT id FROM users WHERE id = ?').bind(created.body.user_id).first()).not.toBeNull();
    expect((await api(client, '/user/get', { user_id: created.body.user_id })).body.client_user_id).toBe('home-shard-user');
  });
});

describe('the network across shards', () => {
  it('syndicates between members in different shards, whichever came first', async () => {
    const a = await clientIn(0);
    const b = await clientIn(1);
    const [programA, programB] = [await newProgram(a), await newProgram(b)];
    expect([await shardOfProgram(programA), await shardOfProgram(programB)]).toEqual([0, 1]);
    const person = stranger();
    const before = await newBeaconUser(b, programB, person);
    const reported = await newBeaconUser(a, programA, person);
    expect((await api(a, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-02-03' })).status).toBe(200);
    const after = await newBeaconUser(b, programB, { ...person, email_address: `later.${person.email_address}` }, 'after');
    expect(after.status).toBe('pending_review');
    const syndicated = async (id: string) => (await api(b, '/beacon/report_syndication/list', { beacon_user_id: id })).body.beacon_report_syndications;
    expect(await syndicated(after.id)).toHaveLength(1);
    await expect.poll(async () => (await syndicated(before.id)).length, { timeout: 10_000, interval: 100 }).toBe(1);
  });

  it('indexes a report in every index shard its keys fall in, and finds it through each', async () => {
    const secrets = await loadSecrets(env);
    // A person whose keys fall in both index shards, with the mailbox and phone keys (the
    // first two) in the same one.
    let person = stranger();
    let keys: string[] = [];
    for (;;) {
      keys = (await indexKeys(secrets.hmacKey, normaliseIdentity(identityFromRequest(person, nowTimestamp())))).stored;
      const shards = keys.map((k) => indexShardOfKey(k, 2));
      if (new Set(shards).size === 2 && shards[0] === shards[1]) break;
      person = stranger();
    }
    const a = await newClient();
    const b = await newClient();
    const reported = await newBeaconUser(a, await newProgram(a), person);
    const made = await api(a, '/beacon/report/create', { beacon_user_id: reported.id, type: 'synthetic', fraud_date: '2024-04-05' });
    for (const [shard, db] of eachShard('INDEX_SHARD_').entries()) {
      const stored = (await db.prepare('SELECT key FROM report_keys WHERE report_id = ?').bind(made.body.id).all<{ key: string }>()).results.map((r) => r.key);
      expect(stored.sort()).toEqual(keys.filter((k) => indexShardOfKey(k, 2) === shard).sort());
      expect(await db.prepare('SELECT report_id FROM indexed_reports WHERE report_id = ?').bind(made.body.id).first()).not.toBeNull();
    }
    // Found through the keys of one shard only: the mailbox and the phone (with the name).
    const viaOne = {
      name: person.name,
      email_address: person.email_address,
      phone_number: person.phone_number,
      depository_accounts: [{ account_number: '4444555566', routing_number: '021000021' }],
    };
    const found = await newBeaconUser(b, await newProgram(b), viaOne);
    expect(found.status).toBe('pending_review');

    await dashboard(a, '/dashboard/report/delete', { beacon_report_id: made.body.id });
    expect(await inIndexShards('SELECT 1 FROM report_keys WHERE report_id = ?', made.body.id)).toEqual([]);
    expect(await inIndexShards('SELECT 1 FROM indexed_reports WHERE report_id = ?', made.body.id)).toEqual([]);
  });
});
