import { describe, expect, it } from 'vitest';
import { compareIdentities } from '../../src/matching/compare';
import { fieldCode, MATCH_FIELDS } from '../../src/matching/fields';
import { matchingRule, NETWORK_RULES } from '../../src/matching/rules';
import { DEFAULT_DUPLICATE_RULES } from '../../src/matching/settings';
import { DEFAULT_DUPLICATE_THRESHOLD, decides, duplicateWeight, fieldWeight, guardOf, matchWeight, NETWORK_THRESHOLD, networkWeight, weightRows } from '../../src/matching/weights';
import { WEIGHTS_DATA } from '../../src/matching/weights-data';
import { leslie } from './support/matching';

/** Leslie's comeback with one digit (one character of the email) changed in every identifier. */
const disguised = leslie({
  date_of_birth: '1975-01-19',
  email_address: 'leslie.knooe@gmail.com',
  phone_number: '+13175551284',
  id_number: { type: 'us_ssn', value: '123456788' },
  depository_accounts: [{ routing_number: '021000021', account_number: '1234567899', added_at: '2025-01-01T00:00:00Z' }],
  ip_address: null,
});

describe('the fitted m and u', () => {
  it('give every field a probability per level, each level summing to 1, agreement far likelier for the same person', () => {
    for (const field of MATCH_FIELDS) {
      const p = WEIGHTS_DATA.fields[field]!;
      for (const side of [p.m, p.u]) expect(side.match + side.partial_match + side.no_match).toBeCloseTo(1, 3);
      expect(p.m.match / p.u.match, field).toBeGreaterThan(100);
      expect(p.m.no_match / p.u.no_match, field).toBeLessThan(1);
    }
    expect(WEIGHTS_DATA.prior).toBeGreaterThan(0);
    expect(WEIGHTS_DATA.prior).toBeLessThan(1);
  });
});

describe('fieldWeight', () => {
  it('is log2(m/u) of the level: positive for agreement, negative for disagreement, nothing without data', () => {
    const { m, u } = WEIGHTS_DATA.fields.phone_number!;
    expect(fieldWeight('phone_number', 'match').weight).toBeCloseTo(Math.log2(m.match / u.match), 2);
    expect(fieldWeight('phone_number', 'no_match').weight).toBeLessThan(0);
    expect(fieldWeight('phone_number', 'no_data')).toEqual({ field: 'phone_number', level: 'no_data', weight: 0 });
  });

  it('weighs an exact agreement on a value k identities carry log2(k) less: John Smith, 1980-01-01 against Quillon Brackenridge', () => {
    const rare = fieldWeight('date_of_birth', 'match', 1);
    const common = fieldWeight('date_of_birth', 'match', 8);
    expect(rare.weight - common.weight).toBeCloseTo(3, 2);
    expect(common.term_count).toBe(8);
    // Only an exact agreement is on one value; a near miss is not adjusted.
    expect(fieldWeight('date_of_birth', 'partial_match', 8)).toEqual(fieldWeight('date_of_birth', 'partial_match'));
  });
});

describe('matchWeight', () => {
  it('sums the prior and every field; the probability is 2^w / (1 + 2^w)', () => {
    const w = matchWeight(compareIdentities(leslie(), leslie()));
    const sum = w.fields.reduce((s, f) => s + f.weight, w.prior);
    expect(w.weight).toBeCloseTo(sum, 2);
    expect(w.probability).toBeCloseTo(2 ** w.weight / (1 + 2 ** w.weight), 6);
    expect(w.fields.map((f) => f.field)).toEqual(MATCH_FIELDS);
  });

  it('finds a reported fraudster disguised with one digit changed in every identifier, where every network rule misses', () => {
    const analysis = compareIdentities(disguised, leslie());
    expect(matchingRule(analysis, NETWORK_RULES)).toBeNull();
    const w = networkWeight(analysis);
    expect(w.guard).toBeNull();
    expect(w.weight).toBeGreaterThanOrEqual(NETWORK_THRESHOLD);
    expect(decides(w)).toBe(true);
  });

  it('does not take two people who share only a common name and a birth date', () => {
    const a = leslie({
      name: { given_name: 'John', family_name: 'Smith' },
      address: null,
      email_address: null,
      phone_number: null,
      id_number: null,
      ip_address: null,
      depository_accounts: [],
    });
    const b = { ...a, name: { given_name: 'John', family_name: 'Smith' } };
    // Name and birth date alone: many people share them across a network of millions.
    expect(decides(networkWeight(compareIdentities(a, b)))).toBe(false);
    // Within a program (duplicates), they are the classic identity key.
    expect(decides(duplicateWeight(compareIdentities(a, b), {}, DEFAULT_DUPLICATE_THRESHOLD))).toBe(true);
    // With the same home too, across the network — unless the pair is common where it is checked.
    const home = leslie().address;
    const housed = compareIdentities({ ...a, address: home }, { ...b, address: home });
    expect(decides(networkWeight(housed))).toBe(true);
    expect(decides(networkWeight(housed, { date_of_birth: 2 ** 12, address: 2 ** 8 }))).toBe(false);
  });
});

describe('guards keep the known hard negatives out, however high the weight', () => {
  const twin = leslie({
    name: { given_name: 'Lisa', family_name: 'Knope' },
    email_address: 'lisa.k@gmail.com',
    id_number: { type: 'us_ssn', value: '987654321' },
    depository_accounts: [],
  });
  const parent = leslie({ date_of_birth: '1948-06-02', email_address: 'lk1948@aol.com', id_number: { type: 'us_ssn', value: '555443333' }, depository_accounts: [] });
  const householdMember = leslie({ name: { given_name: 'Marlene', family_name: 'Knope' }, date_of_birth: '1950-03-03', email_address: 'marlene@aol.com', id_number: null });

  it('twins: same family name, birth date, address, phone and network; another given name', () => {
    const w = networkWeight(compareIdentities(twin, leslie()));
    expect(w.weight).toBeGreaterThanOrEqual(NETWORK_THRESHOLD);
    expect(w.guard).toBe('given_name_differs');
    expect(decides(w)).toBe(false);
  });

  it('parent and child: same full name, address and phone; birth dates a generation apart, or one missing', () => {
    const w = networkWeight(compareIdentities(parent, leslie()));
    expect(w.weight).toBeGreaterThanOrEqual(NETWORK_THRESHOLD);
    expect(w.guard).toBe('birth_date_differs');
    // The same mailbox stands in for a mistyped birth date, unless the documents disagree too.
    expect(guardOf(compareIdentities({ ...parent, email_address: leslie().email_address, id_number: null }, leslie()))).toBeNull();
    expect(guardOf(compareIdentities({ ...parent, email_address: leslie().email_address }, leslie()))).toBe('birth_date_differs');
    const unknown = networkWeight(compareIdentities({ ...parent, date_of_birth: null }, leslie()));
    expect(unknown.guard).toBe('birth_date_unknown');
    expect(decides(unknown)).toBe(false);
  });

  it('household members sharing a phone or an account', () => {
    const w = networkWeight(compareIdentities(householdMember, leslie()));
    expect(w.guard).toBe('given_name_differs');
    expect(decides(w)).toBe(false);
  });

  it('a name changed outright counts with the birth date and a document', () => {
    const married = leslie({ name: { given_name: 'Leslie', family_name: 'Wyatt' }, address: null, phone_number: null, email_address: null });
    const analysis = { ...compareIdentities(married, leslie()), name: 'no_match' as const };
    expect(guardOf(analysis)).toBeNull();
    expect(guardOf({ ...analysis, id_number: 'no_match' })).toBe('given_name_differs');
    // Mailbox and phone without the birth date: a re-registration within a program, but across
    // the network what a couple sharing a mailbox and a home line look like.
    const contacts = { ...analysis, date_of_birth: 'no_data' as const, id_number: 'no_data' as const, email_address: 'match' as const, phone_number: 'match' as const };
    expect(guardOf(contacts, 'duplicates')).toBeNull();
    expect(guardOf(contacts, 'network')).toBe('given_name_differs');
  });

  it('within a program, two identifiers of one person each a slip away stand in for a birth date that differs', () => {
    // A comeback whose birth year slipped across a decade: a parent's and a child's years differ so.
    const comeback = compareIdentities({ ...disguised, date_of_birth: '1945-01-18' }, leslie());
    expect(fieldCode(comeback, 'date_of_birth')).toBe('no_match');
    expect(guardOf(comeback, 'network')).toBe('birth_date_differs');
    expect(guardOf(comeback, 'duplicates')).toBeNull();
    expect(decides(duplicateWeight(comeback, {}, DEFAULT_DUPLICATE_THRESHOLD))).toBe(true);
    // A home line and a joint account agree exactly, as they do for a parent and child.
    const household = compareIdentities({ ...parent, email_address: null, id_number: null, depository_accounts: leslie().depository_accounts }, leslie());
    expect(guardOf(household, 'duplicates')).toBe('birth_date_differs');
  });

  it('within a program, a document with the home line or the mailbox counts for a name changed outright', () => {
    const married = compareIdentities(leslie({ name: { given_name: 'Leslie', family_name: 'Wyatt' }, date_of_birth: null, email_address: null }), leslie());
    expect(fieldCode(married, 'name')).toBe('no_match');
    expect(guardOf(married, 'duplicates')).toBeNull();
    expect(guardOf(married, 'network')).toBe('given_name_differs');
    expect(guardOf({ ...married, id_number: 'no_match' }, 'duplicates')).toBe('given_name_differs');
  });

  it('within a program, a phone or account that agrees exactly stands in for an unknown birth date', () => {
    const reentry = leslie({ date_of_birth: null, email_address: null, id_number: null });
    const analysis = compareIdentities(reentry, leslie());
    expect(guardOf(analysis, 'network')).toBe('birth_date_unknown');
    expect(guardOf(analysis, 'duplicates')).toBeNull();
    expect(decides(duplicateWeight(analysis, {}, DEFAULT_DUPLICATE_THRESHOLD))).toBe(true);
    expect(matchingRule(analysis, DEFAULT_DUPLICATE_RULES)).not.toBeNull();
  });
});

describe('weightRows (the console’s waterfall)', () => {
  it('lists the prior, each field that moved the weight with the running sum, and the total', () => {
    const stored = networkWeight(compareIdentities(disguised, leslie()), { address: 4 });
    const rows = weightRows(stored);
    expect(rows[0]).toEqual({ label: 'prior', level: null, weight: stored.prior, cumulative: stored.prior });
    expect(rows.at(-1)).toEqual({ label: 'total', level: null, weight: stored.weight, cumulative: stored.weight });
    const fields = rows.slice(1, -1);
    expect(fields.map((r) => r.label)).toEqual(stored.fields.filter((f) => f.weight !== 0).map((f) => f.field));
    expect(fields.find((r) => r.label === 'address')).toMatchObject({ level: 'match', term_count: 4 });
    let sum = stored.prior;
    for (const row of fields) {
      sum += row.weight;
      expect(row.cumulative).toBeCloseTo(sum, 2);
    }
    expect(fields.at(-1)!.cumulative).toBeCloseTo(stored.weight, 2);
  });

  it('reads a breakdown stored as JSON', () => {
    const stored = JSON.parse(JSON.stringify(networkWeight(compareIdentities(leslie(), leslie()))));
    expect(weightRows(stored).at(-1)!.weight).toBe(stored.weight);
  });
});
