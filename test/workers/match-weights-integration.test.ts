// Match weights (issue 12) through the API: network matching decides by weight with guard
// rules; a program may decide duplicates by weight; every finding stores its weight.
import { describe, expect, it, vi } from 'vitest';
import type { MatchWeight } from '../../src/matching/weights';
import { NETWORK_THRESHOLD } from '../../src/matching/weights';
import { api, dashboard, newBeaconUser, newProgram, stranger } from './support/api';
import { member, report, syndicationsOf } from './support/network';
import { inUserShards } from './support/storage';

type Person = ReturnType<typeof stranger>;

const slip = (digit: string) => String((Number(digit) + 1) % 10);
const slipLast = (value: string) => value.slice(0, -1) + slip(value.at(-1)!);

/** The person coming back with one digit changed in every identifier (one letter of the
 * email's local part); name and address as before, no IP. */
function disguise(p: Person): Person {
  const day = p.date_of_birth.slice(-1);
  const local = p.email_address.split('@')[0]!;
  return {
    ...p,
    date_of_birth: p.date_of_birth.slice(0, -1) + (Number(day) < 8 ? String(Number(day) + 1) : String(Number(day) - 1)),
    email_address: `${local.slice(0, 2)}${local[2] === 'q' ? 'z' : 'q'}${local.slice(3)}@example.com`,
    phone_number: slipLast(p.phone_number),
    id_number: { ...p.id_number, value: slipLast(p.id_number.value) },
    ip_address: null as unknown as string,
  };
}

const storedWeights = (table: 'report_syndications' | 'beacon_duplicates', column: string, beaconUserId: string) =>
  inUserShards<{ match_weight: string | null }>(`SELECT match_weight FROM ${table} WHERE ${column} = ?`, beaconUserId).then((rows) =>
    rows.map((r) => (r.match_weight === null ? null : (JSON.parse(r.match_weight) as MatchWeight))),
  );

describe('network matching by weight', () => {
  it('matches a reported fraudster disguised with one digit changed in each identifier at another member, and stores the weight', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);

    const comeback = await newBeaconUser(b.client, b.program, disguise(person));
    expect(comeback.status).toBe('pending_review');
    const [syndication] = await syndicationsOf(b.client, comeback.id);
    // Plaid's codes, and §9: near misses on identifiers are not shown to another member.
    expect(syndication.analysis).toEqual({
      name: 'match',
      date_of_birth: 'partial_match',
      address: 'match',
      email_address: 'no_match',
      phone_number: 'no_match',
      id_number: 'no_match',
      ip_address: 'no_data',
      depository_accounts: [],
    });
    const [weight] = await storedWeights('report_syndications', 'beacon_user_id', comeback.id);
    expect(weight!.weight).toBeGreaterThanOrEqual(NETWORK_THRESHOLD);
    expect(weight!.guard).toBeNull();
    // The stored breakdown is the full comparison's: the near misses are there, for the operator.
    expect(weight!.fields.find((f) => f.field === 'phone_number')).toMatchObject({ level: 'partial_match' });
    expect(weight!.fields.find((f) => f.field === 'phone_number')!.weight).toBeGreaterThan(0);
    // Nothing of the weight reaches the member's answer.
    expect(JSON.stringify(await api(b.client, '/beacon/report_syndication/get', { beacon_report_syndication_id: syndication.id }))).not.toContain('weight');
  });

  it('the fan-out finds the disguised user too when the report comes after it', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    const reported = await newBeaconUser(a.client, a.program, person);
    const comeback = await newBeaconUser(b.client, b.program, disguise(person));
    expect(comeback.status).toBe('cleared');
    await report(a.client, reported.id);
    await vi.waitFor(async () => expect(await syndicationsOf(b.client, comeback.id)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    const [weight] = await storedWeights('report_syndications', 'beacon_user_id', comeback.id);
    expect(weight!.weight).toBeGreaterThanOrEqual(NETWORK_THRESHOLD);
  });

  it('does not match a twin, a parent sharing name and address, or a household member sharing the phone', async () => {
    const person = stranger();
    const a = await member();
    const b = await member();
    await report(a.client, (await newBeaconUser(a.client, a.program, person)).id);
    const [year] = person.date_of_birth.split('-');
    const otherGiven = person.name.given_name === 'April' ? 'Donna' : 'April';
    const own = (tag: string) => ({
      email_address: `${tag}.${crypto.randomUUID().slice(0, 8)}@example.net`,
      id_number: { type: 'us_ssn' as const, value: String(100000000 + Math.floor(Math.random() * 8e8)) },
    });
    const twin = { ...person, ...own('twin'), name: { ...person.name, given_name: otherGiven } };
    const parent = { ...person, ...own('parent'), date_of_birth: person.date_of_birth.replace(year!, String(Number(year) - 30)) };
    const household = { ...person, ...own('home'), name: { ...person.name, given_name: otherGiven }, date_of_birth: '1931-02-03' };
    for (const [kind, identity] of Object.entries({ twin, parent, household })) {
      // Each in a program of its own: the twin and the household member are not each other's duplicates here.
      const user = await newBeaconUser(b.client, await newProgram(b.client), identity);
      expect(user.status, kind).toBe('cleared');
      expect(await syndicationsOf(b.client, user.id), kind).toEqual([]);
    }
  });
});

describe('duplicates by weight (a program setting)', () => {
  it('a program that chose weights finds a re-entry every duplicate rule misses; one on rules does not', async () => {
    const person = stranger();
    // Disguised, and without the birth date: no rule holds (name and home, near misses only).
    // (A birth date or an account is required: a new account, which the first entry lacks.)
    const reentry = {
      ...disguise(person),
      date_of_birth: null as unknown as string,
      depository_accounts: [{ routing_number: '021000021', account_number: String(1e9 + Math.floor(Math.random() * 1e9)) }],
    };
    const weighted = await member({ duplicate_decision: 'weights', duplicate_weight_threshold: 8 });
    const rules = await member();
    const got = await dashboard(weighted.client, '/dashboard/program/get', { program_id: weighted.program });
    expect(got.body.settings).toMatchObject({ duplicate_decision: 'weights', duplicate_weight_threshold: 8 });

    for (const { client, program } of [weighted, rules]) await newBeaconUser(client, program, person);
    const again = await newBeaconUser(weighted.client, weighted.program, reentry);
    const notAgain = await newBeaconUser(rules.client, rules.program, reentry);
    expect(again.status).toBe('pending_review');
    expect(notAgain.status).toBe('cleared');
    const [weight] = await storedWeights('beacon_duplicates', 'beacon_user1_id', again.id);
    expect(weight!.threshold).toBe(8);
    expect(weight!.weight).toBeGreaterThanOrEqual(8);
  });

  it('programs on rules record the weight of their duplicates too, and default to rules', async () => {
    const { client, program } = await member();
    const got = await dashboard(client, '/dashboard/program/get', { program_id: program });
    expect(got.body.settings).toMatchObject({ duplicate_decision: 'rules' });
    const person = stranger();
    await newBeaconUser(client, program, person);
    const again = await newBeaconUser(client, program, { ...person, email_address: `other.${person.email_address}` });
    expect(again.status).toBe('pending_review');
    const [weight] = await storedWeights('beacon_duplicates', 'beacon_user1_id', again.id);
    expect(weight!.fields.find((f) => f.field === 'date_of_birth')).toMatchObject({ level: 'match' });
  });
});
