import { describe, expect, it } from 'vitest';
import { SYNDICATIONS_PER_REPORTED_USER } from '../../src/domain/checks/held-matches';
import type { FanoutMessage, MaintenanceMessage } from '../../src/queues/messages';
import { admin, api, dashboard, expectError, newBeaconUser, newClient, newProgram, stranger, type Credentials } from './support/api';
import { firstPages, member, report, runQueue, syndicationsOf } from './support/network';
import { inUserShards } from './support/storage';
import { homeShardOf } from './support/webhooks';

type Person = ReturnType<typeof stranger>;

/** A member whose probes are not duplicates of each other (no duplicate rules). */
const prober = () => member({ duplicate_rules: [] });

/** Another member reports `person`. */
async function reported(person: Partial<Person>) {
  const reporter = await prober();
  const user = await newBeaconUser(reporter.client, reporter.program, person);
  return { ...reporter, user, report: await report(reporter.client, user.id) };
}

const eventsOf = (clientId: string) =>
  inUserShards<{ webhook_code: string; payload: string }>('SELECT webhook_code, payload FROM webhook_events WHERE client_id = ? ORDER BY seq', clientId);

/** Everything a member can observe of one probe: the create's answer, the user as read
 * back, its syndications (with their analyses) and the webhook events it caused — with the
 * probe's own id, client_user_id, times and the probed value taken out. */
async function probe(m: { client: Credentials; program: string }, user: Record<string, unknown>, probed: string) {
  const before = (await eventsOf(m.client.client_id)).length;
  const created = await api(m.client, '/beacon/user/create', { program_id: m.program, client_user_id: `probe-${crypto.randomUUID()}`, user });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const id = created.body.id;
  const read = await api(m.client, '/beacon/user/get', { beacon_user_id: id });
  const history = await api(m.client, '/beacon/user/history/list', { beacon_user_id: id });
  const syndications = await syndicationsOf(m.client, id);
  const events = (await eventsOf(m.client.client_id)).slice(before);
  const anonymous = (view: any) => {
    const { id: _, client_user_id, created_at, updated_at, request_id, audit_trail, user: identity, ...rest } = view;
    const { [probed]: _value, ...others } = identity;
    return { ...rest, user: others, audit: { ...audit_trail, timestamp: undefined } };
  };
  return {
    id,
    observed: {
      created: anonymous(created.body),
      read: anonymous(read.body),
      history: history.body.beacon_users.map(anonymous),
      syndications: syndications.map(({ id: _, beacon_user_id, report, ...rest }) => ({ ...rest, report: { ...report, created_at: undefined } })),
      events: events.map((e) => e.webhook_code),
    },
  };
}

/** `count` users of the member that match `person` on name, birth date and email. */
async function matchTimes(m: { client: Credentials; program: string }, person: Person, count: number) {
  const known = { name: person.name, date_of_birth: person.date_of_birth, email_address: person.email_address };
  for (let i = 0; i < count; i++) await newBeaconUser(m.client, m.program, known);
  return known;
}

const heldOf = async (clientId: string) => (await admin('/admin/network/held_match/list', { client_id: clientId })).body.held_matches as any[];

describe('a syndication of another member’s report shows only what the member supplied', () => {
  it('a field the member did not supply is no_data, whatever the reporter holds', async () => {
    const person = stranger();
    await reported(person);
    const m = await prober();
    const user = await newBeaconUser(m.client, m.program, { name: person.name, date_of_birth: person.date_of_birth, email_address: person.email_address });
    const [syndication] = await syndicationsOf(m.client, user.id);
    expect(syndication.report.id).toBeNull();
    expect(syndication.analysis).toEqual({
      name: 'match',
      date_of_birth: 'match',
      email_address: 'match',
      address: 'no_data',
      phone_number: 'no_data',
      id_number: 'no_data',
      ip_address: 'no_data',
      depository_accounts: [],
    });
  });

  it('a near miss on an identifier reads as a miss: the right last four of an SSN, a phone one digit off', async () => {
    const person = stranger();
    await reported(person);
    const m = await prober();
    const known = { name: person.name, date_of_birth: person.date_of_birth, email_address: person.email_address };
    const right = person.id_number.value.slice(-4);
    const wrong = String((Number(right) + 1) % 10_000).padStart(4, '0');
    const near = person.phone_number.slice(0, -1) + String((Number(person.phone_number.at(-1)) + 1) % 10);
    const analysisOf = async (user: Record<string, unknown>) => (await syndicationsOf(m.client, (await newBeaconUser(m.client, m.program, user)).id))[0].analysis;

    const rightLast4 = await analysisOf({ ...known, id_number: { type: 'us_ssn_last_4', value: right }, phone_number: near });
    const wrongLast4 = await analysisOf({ ...known, id_number: { type: 'us_ssn_last_4', value: wrong }, phone_number: '+13125550123' });
    // The comparison itself saw partial matches (the last four agree, one digit of the phone differs)…
    expect(rightLast4).toMatchObject({ id_number: 'no_match', phone_number: 'no_match' });
    // …and the member cannot tell the right guesses from the wrong ones.
    expect(rightLast4).toEqual(wrongLast4);
  });

  it('a field only the reporter lacks reads like a field that did not match', async () => {
    const withoutPhone = stranger();
    const { phone_number: _, ...lacking } = withoutPhone;
    await reported(lacking);
    const withPhone = stranger();
    await reported(withPhone);
    const m = await prober();
    const probeOf = async (person: Person) => {
      const user = await newBeaconUser(m.client, m.program, {
        name: person.name,
        date_of_birth: person.date_of_birth,
        email_address: person.email_address,
        phone_number: '+13125550199',
      });
      return (await syndicationsOf(m.client, user.id))[0].analysis;
    };
    const reporterLacks = await probeOf(withoutPhone);
    const reporterDiffers = await probeOf(withPhone);
    expect(reporterLacks.phone_number).toBe('no_match');
    expect(reporterLacks).toEqual(reporterDiffers);
  });

  it('keeps partial_match on name, birth date and address, which an analyst needs to judge a fuzzy match', async () => {
    const person = stranger();
    await reported(person);
    const m = await prober();
    const user = await newBeaconUser(m.client, m.program, {
      ...person,
      name: { ...person.name, family_name: `${person.name.family_name}-Wyatt` },
      address: { ...person.address, street2: 'Unit 9' },
    });
    const [syndication] = await syndicationsOf(m.client, user.id);
    expect(syndication.analysis).toMatchObject({ name: 'partial_match', address: 'partial_match', date_of_birth: 'match', phone_number: 'match', id_number: 'match' });
  });

  it('a member’s own report keeps the full analysis', async () => {
    const person = stranger();
    const own = await reported(person);
    const otherProgram = await newProgram(own.client);
    const user = await newBeaconUser(own.client, otherProgram, {
      name: person.name,
      date_of_birth: person.date_of_birth,
      email_address: person.email_address,
      id_number: { type: 'us_ssn_last_4', value: person.id_number.value.slice(-4) },
    });
    expect(user.status).toBe('rejected');
    const [syndication] = await syndicationsOf(own.client, user.id);
    expect(syndication.report.id).toBe(own.report.id);
    expect(syndication.analysis).toMatchObject({ id_number: 'partial_match', address: 'no_data', phone_number: 'no_data' });
  });
});

describe('repeated matches of one reported person into one member are bounded', () => {
  it('beyond the bound, across the member’s programs and shards, a match is held: invisible to the member, listed for the operator', async () => {
    const person = stranger();
    const { report } = await reported(person);
    const client = await newClient();
    const home = await homeShardOf(client.client_id);
    const first = await newProgram(client, { duplicate_rules: [] });
    expect((await admin('/admin/client/update', { client_id: client.client_id, program_shard: 1 - home })).status).toBe(200);
    const second = await newProgram(client, { duplicate_rules: [] });
    const known = { name: person.name, date_of_birth: person.date_of_birth, email_address: person.email_address };

    const made = [];
    for (const program of [first, second, first, second, second])
      made.push(await api(client, '/beacon/user/create', { program_id: program, client_user_id: `u-${made.length}`, user: known }));
    expect(made.map((a) => a.body.status)).toEqual(['pending_review', 'pending_review', 'pending_review', 'cleared', 'cleared']);
    const counts = await Promise.all(made.map(async (a) => (await syndicationsOf(client, a.body.id)).length));
    expect(counts).toEqual([1, 1, 1, 0, 0]);
    expect((await eventsOf(client.client_id)).filter((e) => e.webhook_code === 'REPORT_SYNDICATION_CREATED')).toHaveLength(SYNDICATIONS_PER_REPORTED_USER);
    // The create path inside the program's object (its settings already loaded): the read
    // and write batches, and one more round trip for the slot when another member's report
    // matched.
    expect(made[2]!.usage!.object_round_trips).toBe(3);
    const plain = await api(client, '/beacon/user/create', { program_id: first, client_user_id: 'no-hit', user: stranger() });
    expect(plain.usage!.object_round_trips).toBe(2);

    const held = await heldOf(client.client_id);
    expect(held.map((h) => h.beacon_user_id).sort()).toEqual([made[3]!.body.id, made[4]!.body.id].sort());
    expect(held[0]).toMatchObject({
      id: expect.stringMatching(/^hld_/),
      status: 'held',
      client_id: client.client_id,
      program_id: second,
      report: { id: report.id, beacon_user_id: report.beacon_user_id },
      analysis: { name: 'match', date_of_birth: 'match', email_address: 'match', phone_number: 'no_data' },
      shown_analysis: { name: 'match', email_address: 'match', phone_number: 'no_data' },
      resolved_at: null,
    });
    const count = (await admin('/admin/network/match_count/list', { client_id: client.client_id })).body.match_counts;
    expect(count).toEqual([
      {
        client_id: client.client_id,
        reported: { client_id: expect.any(String), beacon_user_id: report.beacon_user_id },
        syndications: 3,
        held: 2,
        bound: 3,
        updated_at: expect.any(String),
      },
    ]);

    // A held match is found again by every later check of its user, and stays one.
    expect((await api(client, '/beacon/user/update', { beacon_user_id: made[4]!.body.id, user: { ip_address: '203.0.113.7' } })).body.status).toBe('cleared');
    expect(await heldOf(client.client_id)).toHaveLength(2);

    // The operator releases one into a normal syndication, and dismisses the other.
    const [toRelease, toDismiss] = held;
    // Two releases at once are one.
    const releases = await Promise.all([1, 2].map(() => admin('/admin/network/held_match/release', { held_match_id: toRelease.id })));
    expect(releases.map((r) => r.status).sort()).toEqual([200, 400]);
    const released = releases.find((r) => r.status === 200)!;
    expect(released.body.held_match).toMatchObject({ status: 'released', resolved_at: expect.stringMatching(/Z$/) });
    const [syndication] = await syndicationsOf(client, toRelease.beacon_user_id);
    expect(syndication.analysis).toEqual(toRelease.shown_analysis);
    expect((await api(client, '/beacon/user/get', { beacon_user_id: toRelease.beacon_user_id })).body.status).toBe('pending_review');
    expect((await eventsOf(client.client_id)).filter((e) => e.webhook_code === 'REPORT_SYNDICATION_CREATED')).toHaveLength(4);
    expect((await admin('/admin/network/held_match/dismiss', { held_match_id: toDismiss.id })).body.held_match.status).toBe('dismissed');
    expect(await syndicationsOf(client, toDismiss.beacon_user_id)).toEqual([]);
    expect((await admin('/admin/network/match_count/list', { client_id: client.client_id })).body.match_counts[0]).toMatchObject({ syndications: 4, held: 2 });

    expectError(await admin('/admin/network/held_match/release', { held_match_id: toDismiss.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /is dismissed$/);
    expectError(await admin('/admin/network/held_match/dismiss', { held_match_id: toRelease.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /is released$/);
    expectError(await admin('/admin/network/held_match/release', { held_match_id: 'hld_00000000000000' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^held_match_id not found$/);
  });

  it('a held match of a report deleted since cannot be released', async () => {
    const person = stranger();
    const reporter = await reported(person);
    const m = await prober();
    await matchTimes(m, person, SYNDICATIONS_PER_REPORTED_USER + 1);
    const [held] = await heldOf(m.client.client_id);
    expect((await dashboard(reporter.client, '/dashboard/report/delete', { beacon_report_id: reporter.report.id })).status).toBe(200);
    expectError(await admin('/admin/network/held_match/release', { held_match_id: held.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /was deleted: dismiss it instead$/);
    expect((await admin('/admin/network/held_match/dismiss', { held_match_id: held.id })).body.held_match.status).toBe('dismissed');
  });

  it('holds the same way on the fan-out’s path', async () => {
    const person = stranger();
    const m = await prober();
    const users = [];
    for (let i = 0; i < SYNDICATIONS_PER_REPORTED_USER + 2; i++)
      users.push(await newBeaconUser(m.client, m.program, { ...person, email_address: `copy.${i}.${person.email_address}` }));
    const reporter = await prober();
    const reportedUser = await newBeaconUser(reporter.client, reporter.program, person);
    const report = (await api(reporter.client, '/beacon/report/create', { beacon_user_id: reportedUser.id, type: 'stolen', fraud_date: '2024-03-01' })).body;
    const pages = await firstPages(report.id);
    await runQueue('beacon-report-fanout', pages);
    const reached = await Promise.all(users.map(async (u) => (await syndicationsOf(m.client, u.id)).length));
    expect(reached.filter((n) => n === 1)).toHaveLength(SYNDICATIONS_PER_REPORTED_USER);
    expect(await heldOf(m.client.client_id)).toHaveLength(2);
    const statuses = await Promise.all(users.map(async (u) => (await api(m.client, '/beacon/user/get', { beacon_user_id: u.id })).body.status));
    expect(statuses.filter((s) => s === 'pending_review')).toHaveLength(SYNDICATIONS_PER_REPORTED_USER);
  });
});

describe('a member probing beyond the bound learns nothing', () => {
  it('varying the last four of the SSN: the right guess and the wrong ones look the same', async () => {
    const person = stranger();
    await reported(person);
    const m = await prober();
    const known = await matchTimes(m, person, SYNDICATIONS_PER_REPORTED_USER);
    const right = person.id_number.value.slice(-4);
    const guesses = ['0000', '1234', right, '9876', String((Number(right) + 1) % 10_000).padStart(4, '0')].filter((g, i, all) => all.indexOf(g) === i);
    const seen = [];
    for (const guess of guesses) seen.push((await probe(m, { ...known, id_number: { type: 'us_ssn_last_4', value: guess } }, 'id_number')).observed);
    for (const observed of seen) expect(observed).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ created: { status: 'cleared' }, syndications: [], events: [] });
    // The operator sees every probe.
    expect(await heldOf(m.client.client_id)).toHaveLength(guesses.length);
  });

  it('varying the phone: the right number and the wrong ones look the same', async () => {
    const person = stranger();
    await reported(person);
    const m = await prober();
    const known = await matchTimes(m, person, SYNDICATIONS_PER_REPORTED_USER);
    const near = person.phone_number.slice(0, -1) + String((Number(person.phone_number.at(-1)) + 1) % 10);
    const seen = [];
    for (const phone of ['+13125550100', near, person.phone_number, '+13125550111']) seen.push((await probe(m, { ...known, phone_number: phone }, 'phone_number')).observed);
    for (const observed of seen) expect(observed).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ created: { status: 'cleared' }, syndications: [], events: [] });
  });

  it('guessing the email that completes a rule: a right guess looks like a wrong one', async () => {
    const person = stranger();
    await reported(person);
    const m = await prober();
    await matchTimes(m, person, SYNDICATIONS_PER_REPORTED_USER);
    const partial = { name: person.name, date_of_birth: person.date_of_birth };
    const wrong = await probe(m, { ...partial, email_address: `not.${person.email_address}` }, 'email_address');
    const right = await probe(m, { ...partial, email_address: person.email_address }, 'email_address');
    expect(right.observed).toEqual(wrong.observed);
    expect((await heldOf(m.client.client_id)).map((h) => h.beacon_user_id)).toEqual([right.id]);
  });
});

describe('one notification per fact', () => {
  it('a report deleted and made again brings the existing syndication up to date: no second one, no new event, no status change', async () => {
    const person = stranger();
    const first = await reported(person);
    const m = await prober();
    const victim = await newBeaconUser(m.client, m.program, person);
    const [syndication] = await syndicationsOf(m.client, victim.id);
    expect(syndication.report).toMatchObject({ type: 'stolen', fraud_date: '2024-03-01' });
    const reviewed = await api(m.client, '/beacon/user/review', { beacon_user_id: victim.id, status: 'cleared' });
    expect(reviewed.body).toMatchObject({ status: 'cleared', version: 2 });
    const notified = async () => (await eventsOf(m.client.client_id)).filter((e) => e.webhook_code === 'REPORT_SYNDICATION_CREATED').length;
    expect(await notified()).toBe(1);

    // The reporter deletes its report and makes a new one on the same user, with new facts.
    const deleted = await dashboard(first.client, '/dashboard/report/delete', { beacon_report_id: first.report.id });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    const again = await api(first.client, '/beacon/report/create', { beacon_user_id: first.user.id, type: 'synthetic', fraud_date: '2024-05-05' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const pages = await firstPages(again.body.id);
    await runQueue('beacon-report-fanout', pages);

    const after = await syndicationsOf(m.client, victim.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: syndication.id, report: { id: null, type: 'synthetic', fraud_date: '2024-05-05', created_at: again.body.created_at } });
    expect(await notified()).toBe(1);
    expect((await api(m.client, '/beacon/user/get', { beacon_user_id: victim.id })).body).toMatchObject({ status: 'cleared', version: 2 });
    // The same fact takes no second slot of the bound.
    expect((await admin('/admin/network/match_count/list', { client_id: m.client.client_id })).body.match_counts[0]).toMatchObject({ syndications: 1, held: 0 });
    // A later check of the user (an update) finds the same fact again, and adds nothing.
    await api(m.client, '/beacon/user/update', { beacon_user_id: victim.id, user: { ip_address: '203.0.113.9' } });
    expect(await syndicationsOf(m.client, victim.id)).toHaveLength(1);
    expect(await notified()).toBe(1);
  });
});

const setDisabled = async (client: Credentials, disabled: boolean) => expect((await admin('/admin/client/update', { client_id: client.client_id, disabled })).status).toBe(200);

describe('a disabled member', () => {
  it('its reports stop matching and its users receive no syndications; both start again when it is enabled', async () => {
    const knownOf = (p: Person) => ({ name: p.name, date_of_birth: p.date_of_birth, email_address: p.email_address });
    const receiver = await prober();
    const person = stranger();
    const reporter = await reported(person);
    const other = stranger();
    const early = await newBeaconUser(receiver.client, receiver.program, knownOf(other));

    // The reporter is disabled: its report matches no one.
    await setDisabled(reporter.client, true);
    const late = await newBeaconUser(receiver.client, receiver.program, knownOf(person));
    expect(late.status).toBe('cleared');
    expect(await syndicationsOf(receiver.client, late.id)).toEqual([]);

    // The receiver is disabled: another member's report reaches none of its users.
    await setDisabled(receiver.client, true);
    const third = await reported(other);
    await runQueue<FanoutMessage>('beacon-report-fanout', await firstPages(third.report.id));
    const syndicated = (userId: string) => inUserShards('SELECT id FROM report_syndications WHERE beacon_user_id = ?', userId);
    expect(await syndicated(early.id)).toEqual([]);

    // Both were held, for the operator to see; neither can be released while a side is disabled.
    const held = await heldOf(receiver.client.client_id);
    expect(held.map((h) => [h.beacon_user_id, h.reason, h.status]).sort()).toEqual(
      [
        [early.id, 'client_disabled', 'held'],
        [late.id, 'client_disabled', 'held'],
      ].sort(),
    );
    for (const h of held)
      expectError(
        await admin('/admin/network/held_match/release', { held_match_id: h.id }),
        400,
        'INVALID_REQUEST',
        'INVALID_FIELD',
        /is disabled: held match .* is released when it is enabled again$/,
      );

    // The receiver is enabled: the match whose reporter is enabled reaches it, as a check would have.
    await setDisabled(receiver.client, false);
    await runQueue<MaintenanceMessage>('beacon-maintenance', [{ enabledClientId: receiver.client.client_id, afterSeq: 0 }]);
    expect((await syndicationsOf(receiver.client, early.id)).map((s) => s.report.type)).toEqual(['stolen']);
    expect((await api(receiver.client, '/beacon/user/get', { beacon_user_id: early.id })).body.status).toBe('pending_review');
    expect(await syndicationsOf(receiver.client, late.id)).toEqual([]);

    // The reporter is enabled: its report matches again.
    await setDisabled(reporter.client, false);
    await runQueue<MaintenanceMessage>('beacon-maintenance', [{ enabledClientId: reporter.client.client_id, afterSeq: 0 }]);
    expect(await syndicationsOf(receiver.client, late.id)).toHaveLength(1);
    expect((await heldOf(receiver.client.client_id)).map((h) => h.status)).toEqual(['released', 'released']);
    // Released as new matches: each took its slot of the bound.
    const counts = (await admin('/admin/network/match_count/list', { client_id: receiver.client.client_id })).body.match_counts;
    expect(counts.map((c: any) => c.syndications)).toEqual([1, 1]);
    const notified = (await eventsOf(receiver.client.client_id)).filter((e) => e.webhook_code === 'REPORT_SYNDICATION_CREATED');
    expect(notified).toHaveLength(2);
  });
});
