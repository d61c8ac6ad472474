// What docs/product.md §7 promises the network never loses: a match whichever side commits first,
// a fan-out that stops part-way, a report whose answer was lost.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src';
import { Storage } from '../../src/db';
import { identityFromRequest } from '../../src/domain/beacon-users/identity';
import { checkIdentity, MAX_CHECK_AGE_MS } from '../../src/domain/beacon-users/prepare';
import { FANOUT_PAGE } from '../../src/domain/blocking-index';
import type { FanoutPage } from '../../src/domain/reports/fanout';
import type { Env } from '../../src/env';
import { newId } from '../../src/lib/ids';
import type { FanoutMessage } from '../../src/queues/messages';
import { loadSecrets } from '../../src/secrets';
import { admin, api, newBeaconUser, stranger } from './support/api';
import { forgetReached, member, reachedCount, report, runQueue, syndicationsOf } from './support/network';
import { expectContractShape } from './support/spec';
import { inIndexShards, inUserShards, writeInUserShards } from './support/storage';

/** A report's fan-out progress rows. */
const walks = (reportId: string) =>
  inUserShards<{ pass: number; shard: number; state: string; page: string }>(
    'SELECT pass, shard, state, page FROM report_fanouts WHERE report_id = ? ORDER BY pass, shard',
    reportId,
  );

const pagesOf = async (reportId: string, pass: number): Promise<FanoutPage[]> =>
  (await walks(reportId)).filter((w) => w.pass === pass).map((w) => ({ ...(JSON.parse(w.page) as FanoutPage), after: null }));

const deliver = (pages: FanoutMessage[], on: Env = env) => runQueue('beacon-report-fanout', pages, on);

async function sweep() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController(), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** A create's work before the program's Durable Object: normalising, keys, checks 2 and 3. */
async function checkBeforeObject(user: Parameters<typeof identityFromRequest>[0]) {
  const id = newId('beaconUser');
  const checked = await checkIdentity(new Storage(env), await loadSecrets(env), id, (at) => identityFromRequest(user, at));
  return { id, checked };
}

/** The create's write, in the program's Durable Object, with a check made earlier. */
async function writeInObject(programId: string, clientUserId: string, { id, checked }: Awaited<ReturnType<typeof checkBeforeObject>>) {
  const object = env.BEACON_PROGRAM.get(env.BEACON_PROGRAM.idFromName(programId));
  const outcome = await object.createBeaconUser(programId, { beaconUserId: id, clientUserId, checked, actor: { source: 'api', dashboardUserId: null } });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value;
}

describe('no lost matches', () => {
  it('finds, in the second pass, a user checked before a report was indexed and written after its first pass', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const reported = await newBeaconUser(a.client, a.program, person);

    // B's create reads the network index while A's report does not exist yet…
    const check = await checkBeforeObject({ ...person, email_address: `late.${person.email_address}` });
    expect(check.checked.hits).toEqual([]);
    // …A's report commits, is indexed, and its first pass walks every shard…
    const made = await report(a.client, reported.id);
    await expect.poll(async () => (await walks(made.id)).filter((w) => w.pass === 1).every((w) => w.state === 'done'), { timeout: 10_000 }).toBe(true);
    // …and only then is B's user written, with the check it read before: neither saw the other.
    const late = await writeInObject(b.program, 'late', check);
    expect(late.status).toBe('cleared');
    expect(await syndicationsOf(b.client, late.id)).toEqual([]);

    // The second pass, due SECOND_PASS_DELAY_SECONDS later, finds it.
    const second = await pagesOf(made.id, 2);
    expect((await deliver(second)).explicitAcks).toHaveLength(second.length);
    expect(await syndicationsOf(b.client, late.id)).toHaveLength(1);
    expect((await api(b.client, '/beacon/user/get', { beacon_user_id: late.id })).body).toMatchObject({ version: 2, status: 'pending_review' });
  });

  it('reads the index again for a check too old to write, so the second pass always comes after', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const check = await checkBeforeObject(person);
    await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const stale = { ...check, checked: { ...check.checked, checkedAt: Date.now() - MAX_CHECK_AGE_MS - 1_000 } };
    const written = await writeInObject(b.program, 'stale', stale);
    expect(written.status).toBe('pending_review');
    expect(await syndicationsOf(b.client, written.id)).toHaveLength(1);
  });
});

describe('a fan-out that stops part-way', () => {
  it('is resumed by the sweep from the page it recorded', async () => {
    const person = stranger();
    const a = await member();
    const b = await member({ duplicates_to_pending_review: false });
    const count = FANOUT_PAGE + 5;
    for (let i = 0; i < count; i++) await newBeaconUser(b.client, b.program, { ...person, email_address: `copy.${i}.${person.email_address}` }, `copy-${i}`);
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    await expect.poll(() => reachedCount(made.id), { timeout: 20_000, interval: 200 }).toBe(count);

    // Replay the walk of B's shard as if the queue failed after its first page: the page is
    // done and its successor recorded, but never sent.
    const shard = (await admin('/admin/program/get', { program_id: b.program })).body.shard;
    await forgetReached(made.id, made.beacon_user_id);
    const brokenQueue = { ...env, FANOUT_QUEUE: { send: () => Promise.reject(new Error('down')), sendBatch: () => Promise.reject(new Error('down')) } } as unknown as Env;
    const first = (await pagesOf(made.id, 1)).find((p) => p.shard === shard)!;
    expect((await deliver([first], brokenQueue)).explicitAcks).toEqual(['m0']);
    expect(await reachedCount(made.id)).toBe(FANOUT_PAGE);
    const stopped = (await walks(made.id)).find((w) => w.pass === 1 && w.shard === shard)!;
    expect(stopped.state).toBe('queued');
    expect(JSON.parse(stopped.page)).toMatchObject({ after: { programId: b.program } });

    // A quiet walk is the sweep's once FANOUT_STALLED_MS has passed.
    await sweep();
    expect(await reachedCount(made.id)).toBe(FANOUT_PAGE);
    await writeInUserShards("UPDATE report_fanouts SET touched_at = '2000-01-01T00:00:00Z' WHERE report_id = ? AND pass = 1 AND shard = ?", made.id, shard);
    await sweep();
    await expect.poll(() => reachedCount(made.id), { timeout: 10_000, interval: 100 }).toBe(count);
    await expect.poll(async () => (await walks(made.id)).find((w) => w.pass === 1 && w.shard === shard)!.state, { timeout: 10_000 }).toBe('done');
  }, 60_000);

  it('leaves a dead walk to the operator, whose retry puts it back under watch', async () => {
    const person = stranger();
    const a = await member();
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const [page] = await pagesOf(made.id, 1);
    await runQueue('beacon-report-fanout-dead', [page!]);
    const state = async () => (await walks(made.id)).find((w) => w.pass === 1 && w.shard === page!.shard)!.state;
    expect(await state()).toBe('dead');
    await writeInUserShards("UPDATE report_fanouts SET touched_at = '2000-01-01T00:00:00Z' WHERE report_id = ?", made.id);
    await sweep();
    expect(await state()).toBe('dead');

    const listed = await admin('/admin/fanout/dead_letter/list');
    expectContractShape('/admin/fanout/dead_letter/list', listed.body);
    const letter = listed.body.dead_letters.find((d: { beacon_report_id: string }) => d.beacon_report_id === made.id);
    const retried = await admin('/admin/fanout/dead_letter/retry', { dead_letter_id: letter.id });
    expect(retried.status).toBe(200);
    expectContractShape('/admin/fanout/dead_letter/retry', retried.body);
    await expect.poll(state, { timeout: 10_000 }).toBe('done');
  });
});

describe('/beacon/report/create retried after a lost answer', () => {
  it('returns the same report, and refuses different facts', async () => {
    const a = await member();
    const user = await newBeaconUser(a.client, a.program, stranger());
    const facts = { type: 'first_party', fraud_date: '2024-05-06', fraud_amount: { iso_currency_code: 'USD', value: 12.5 } };
    const made = await report(a.client, user.id, facts);
    const again = await report(a.client, user.id, facts);
    expect(again).toEqual({ ...made, request_id: again.request_id });
    const created = await inUserShards("SELECT 1 FROM webhook_events WHERE webhook_code = 'REPORT_CREATED' AND payload LIKE ?", `%${made.id}%`);
    expect(created).toHaveLength(1);
    const other = await api(a.client, '/beacon/report/create', { beacon_user_id: user.id, ...facts, type: 'stolen' });
    expect(other.body.error_message).toMatch(/already has an active report/);
  });

  it('finishes the index work its first attempt did not, on retry or by the sweep', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const facts = { type: 'synthetic', fraud_date: '2024-07-08' };
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id, facts);
    const unindex = async () => {
      await writeInUserShards("UPDATE beacon_reports SET index_state = 'indexing', index_state_at = '2000-01-01T00:00:00Z' WHERE id = ?", made.id);
      for (const table of ['report_keys', 'indexed_reports']) {
        await Promise.all([env.INDEX_SHARD_0!, env.INDEX_SHARD_1!].map((db) => db.prepare(`DELETE FROM ${table} WHERE report_id = ?`).bind(made.id).run()));
      }
      expect(await inIndexShards('SELECT 1 FROM report_keys WHERE report_id = ?', made.id)).toEqual([]);
    };

    // The report committed, its index work did not: the retry does it.
    await unindex();
    expect((await report(a.client, made.beacon_user_id, facts)).id).toBe(made.id);
    expect((await inIndexShards('SELECT 1 FROM report_keys WHERE report_id = ?', made.id)).length).toBeGreaterThan(0);

    // Without a retry, the sweep does it; the report matches again.
    await unindex();
    await sweep();
    expect((await inIndexShards('SELECT 1 FROM report_keys WHERE report_id = ?', made.id)).length).toBeGreaterThan(0);
    expect((await newBeaconUser(b.client, b.program, person)).status).toBe('pending_review');
  });
});
