import { describe, expect, it, vi } from 'vitest';
import { FANOUT_PAGE } from '../../src/domain/blocking-index';
import { SYNDICATIONS_PER_REPORTED_USER } from '../../src/domain/checks/held-matches';
import type { FanoutMessage } from '../../src/queues/messages';
import { admin, api, dashboard, expectError, newBeaconUser, newClient, stranger } from './support/api';
import { firstPages, member, reachedCount, report, runQueue, syndicationCount, syndicationsOf } from './support/network';
import { inUserShards } from './support/storage';
import { expectSpecShape } from './support/spec';

/** Delivers fan-out messages to the Worker's queue handler directly, as the queue would. */
const deliver = (...bodies: FanoutMessage[]) => runQueue('beacon-report-fanout', bodies);

describe('the network (checks 2 and 3, and the fan-out)', () => {
  it('report after user: the fan-out reaches the other company’s matching user through the queue', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const reported = await newBeaconUser(a.client, a.program, person);
    const victim = await newBeaconUser(b.client, b.program, { ...person, email_address: 'another.mailbox@example.org', phone_number: '+13125550100' });
    expect(victim.status).toBe('cleared');

    const made = await report(a.client, reported.id);
    // The real queue delivers the fan-out to the real consumer.
    await vi.waitFor(async () => expect(await syndicationsOf(b.client, victim.id)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    const [syndication] = await syndicationsOf(b.client, victim.id);
    expect(syndication).toEqual({
      id: expect.stringMatching(/^becrsn_[0-9A-Za-z]{14}$/),
      beacon_user_id: victim.id,
      report: { id: null, created_at: made.created_at, type: 'stolen', fraud_date: '2024-03-01', event_date: made.event_date },
      analysis: {
        name: 'match',
        date_of_birth: 'match',
        address: 'match',
        email_address: 'no_match',
        phone_number: 'no_match',
        id_number: 'match',
        ip_address: 'match',
        depository_accounts: [],
      },
    });
    const got = await api(b.client, '/beacon/report_syndication/get', { beacon_report_syndication_id: syndication.id });
    expectSpecShape('BeaconReportSyndicationGetResponse', got.body);
    // Nothing of A's user is disclosed: no id, no identity data.
    const disclosed = JSON.stringify(got.body);
    for (const secret of [reported.id, made.id, person.email_address, person.phone_number, person.name.family_name]) expect(disclosed).not.toContain(secret);

    const after = await api(b.client, '/beacon/user/get', { beacon_user_id: victim.id });
    expect(after.body).toMatchObject({ version: 2, status: 'pending_review', audit_trail: { source: 'system' } });
  });

  it('user after report: a new matching user elsewhere is caught at creation', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const late = await newBeaconUser(b.client, b.program, { ...person, email_address: 'someone.else@example.com' });
    expect(late.status).toBe('pending_review');
    const [syndication] = await syndicationsOf(b.client, late.id);
    expect(syndication.report.id).toBeNull();
    const codes = await inUserShards<{ webhook_code: string }>('SELECT webhook_code FROM webhook_events WHERE client_id = ? ORDER BY seq', b.client.client_id);
    expect(codes.map((r) => r.webhook_code)).toEqual(['REPORT_SYNDICATION_CREATED']);
  });

  it('with flag_network_fraud off: a syndication, but the user stays cleared', async () => {
    const person = stranger();
    const a = await member();
    // The two users at B are also duplicates of each other; only network fraud is under test.
    const b = await member({ flag_network_fraud: false, duplicates_to_pending_review: false });
    const before = await newBeaconUser(b.client, b.program, person);
    await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const after = await newBeaconUser(b.client, b.program, { ...person, email_address: 'x@example.com' });
    expect(after.status).toBe('cleared');
    expect(await syndicationsOf(b.client, after.id)).toHaveLength(1);
    await vi.waitFor(async () => expect(await syndicationsOf(b.client, before.id)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect((await api(b.client, '/beacon/user/get', { beacon_user_id: before.id })).body).toMatchObject({ version: 1, status: 'cleared' });
  });

  it('is idempotent: the same message delivered twice syndicates once', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const victim = await newBeaconUser(b.client, b.program, person);
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const pages = await firstPages(made.id);
    const first = await deliver(...pages);
    const second = await deliver(...pages);
    expect(first.explicitAcks).toHaveLength(pages.length);
    expect(second.explicitAcks).toHaveLength(pages.length);
    await vi.waitFor(async () => expect(await syndicationsOf(b.client, victim.id)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect(await syndicationCount(made.id)).toBe(1);
    expect((await api(b.client, '/beacon/user/get', { beacon_user_id: victim.id })).body.version).toBe(2);
  });

  it('a deleted report stops matching at once, and its pending fan-out does nothing', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    await dashboard(a.client, '/dashboard/report/delete', { beacon_report_id: made.id });
    const later = await newBeaconUser(b.client, b.program, person);
    expect(later.status).toBe('cleared');
    await deliver(...(await firstPages(made.id)));
    expect(await syndicationsOf(b.client, later.id)).toEqual([]);
  });

  it('does not flag strangers: a report on one person leaves a namesake with another birth date alone', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const namesake = await newBeaconUser(b.client, b.program, {
      name: person.name,
      date_of_birth: '1991-02-14',
      address: { street: '77 Oak Ave', city: 'Eagleton', region: 'IN', postal_code: '46002', country: 'US' },
    });
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    await deliver(...(await firstPages(made.id)));
    expect(await syndicationsOf(b.client, namesake.id)).toEqual([]);
    expect((await api(b.client, '/beacon/user/get', { beacon_user_id: namesake.id })).body.status).toBe('cleared');
  });

  it('splits a large fan-out into pages, one queue message each', async () => {
    const person = stranger();
    const a = await member();
    const b = await member({ duplicates_to_pending_review: false });
    const count = FANOUT_PAGE + 5;
    for (let i = 0; i < count; i++) await newBeaconUser(b.client, b.program, { ...person, email_address: `copy.${i}.${person.email_address}` }, `copy-${i}`);
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const pages = await firstPages(made.id);
    const firstPage = await deliver(...pages);
    expect(firstPage.explicitAcks).toHaveLength(pages.length);
    // Each user is reached once: the first SYNDICATIONS_PER_REPORTED_USER get a syndication,
    // the rest are held for the operator (repeated matches of one person into one member).
    await vi.waitFor(async () => expect(await reachedCount(made.id)).toBe(count), { timeout: 20_000, interval: 200 });
    expect(await syndicationCount(made.id)).toBe(SYNDICATIONS_PER_REPORTED_USER);
  }, 60_000);

  it('keeps syndications apart between clients', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const victim = await newBeaconUser(b.client, b.program, person);
    const [syndication] = await syndicationsOf(b.client, victim.id);
    for (const outsider of [a.client, await newClient()]) {
      expectError(
        await api(outsider, '/beacon/report_syndication/get', { beacon_report_syndication_id: syndication.id }),
        400,
        'INVALID_REQUEST',
        'INVALID_FIELD',
        /^beacon_report_syndication_id not found$/,
      );
      expectError(await api(outsider, '/beacon/report_syndication/list', { beacon_user_id: victim.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_user_id not found$/);
      expectError(await api(outsider, '/beacon/user/get', { beacon_user_id: victim.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_user_id not found$/);
    }
  });
});

describe('fan-out dead letters', () => {
  it('are recorded for the operator, listed, and sent again on request', async () => {
    const a = await member();
    const b = await member();
    const person = stranger();
    const victim = await newBeaconUser(b.client, b.program, person);
    const made = await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    await vi.waitFor(async () => expect(await syndicationsOf(b.client, victim.id)).toHaveLength(1), { timeout: 10_000, interval: 100 });

    // A page that failed every retry arrives on the dead-letter queue.
    const [page] = await firstPages(made.id);
    expect(await runQueue('beacon-report-fanout-dead', [page!])).toMatchObject({ ackAll: true, retryBatch: { retry: false } });

    const listed = await admin('/admin/fanout/dead_letter/list');
    const letter = listed.body.dead_letters.find((d: { beacon_report_id: string }) => d.beacon_report_id === made.id);
    expect(letter).toEqual({ id: expect.stringMatching(/^dlt_/), beacon_report_id: made.id, pass: 1, shard: page!.shard, created_at: expect.any(String), retried_at: null });
    const retried = await admin('/admin/fanout/dead_letter/retry', { dead_letter_id: letter.id });
    expect(retried.body.retried_at).toEqual(expect.stringMatching(/Z$/));
    expectError(await admin('/admin/fanout/dead_letter/retry', { dead_letter_id: 'dlt_00000000000000' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^dead_letter_id not found$/);
    // Sent again, the page is idempotent: still one syndication.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await syndicationsOf(b.client, victim.id)).toHaveLength(1);
  });
});
