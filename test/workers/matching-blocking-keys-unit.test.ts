import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../eval/generate';
import type { Identity } from '../../src/domain/beacon-users/identity';
import { blockingKeys, MAX_BLOCKING_KEYS } from '../../src/matching/blocking-keys';
import { compareIdentities } from '../../src/matching/compare';
import { matchingRule, NETWORK_RULES } from '../../src/matching/rules';
import { DEFAULT_DUPLICATE_RULES } from '../../src/matching/settings';
import { leslie } from './support/matching';

const shareKey = (a: Identity, b: Identity) => {
  const keys = new Set(blockingKeys(a));
  return blockingKeys(b).some((k) => keys.has(k));
};

/** Someone unrelated to Leslie: nothing in common unless a test says so. */
const stranger = (over: Partial<Identity> = {}): Identity => ({
  date_of_birth: '1982-11-03',
  name: { given_name: 'Tom', family_name: 'Haverford' },
  address: { street: '9 Elm Ave', street2: null, city: 'Eagleton', region: 'IN', postal_code: '47999', country: 'US' },
  email_address: 'tom@example.com',
  phone_number: '+13175550001',
  id_number: { type: 'us_ssn', value: '555443333' },
  ip_address: '198.51.100.20',
  depository_accounts: [{ routing_number: '011000015', account_number: '99887766', added_at: '2025-01-01T00:00:00Z' }],
  ...over,
});

describe('blocking keys', () => {
  it('are plain, normalised strings: the same data written differently gives the same keys', () => {
    const a = leslie();
    const b = leslie({
      name: { given_name: 'LESLIE', family_name: ' knope ' },
      email_address: 'Leslie.Knope@GMAIL.com',
      address: { street: '123 MAIN STREET', street2: null, city: 'pawnee', region: 'IN', postal_code: '47998', country: 'US' },
    });
    expect(blockingKeys(b).sort()).toEqual(blockingKeys(a).sort());
    expect(blockingKeys(a)).toContain('email:leslieknope@gmail.com');
    expect(blockingKeys(a)).toContain('phone:+13175551234');
    expect(blockingKeys(a)).toContain('id:us_ssn:123456789');
    expect(blockingKeys(a)).toContain('acct:021000021:1234567890');
  });

  it(`are at most ${MAX_BLOCKING_KEYS} per identity, however many accounts and names`, () => {
    const many = leslie({
      name: { given_name: 'Maria José', family_name: 'García-López de la Vega Ruiz' },
      depository_accounts: Array.from({ length: 12 }, (_, i) => ({ routing_number: '021000021', account_number: `1000000${i}`, added_at: '2025-01-01T00:00:00Z' })),
    });
    const keys = blockingKeys(many);
    expect(keys.length).toBeLessThanOrEqual(MAX_BLOCKING_KEYS);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the same person entered again with typos shares a key', () => {
    const contactless = { email_address: null, phone_number: null, id_number: null, ip_address: null, depository_accounts: [] };
    const base = leslie(contactless);
    const cases: [string, Identity][] = [
      ['typo in the surname', leslie({ ...contactless, name: { given_name: 'Leslie', family_name: 'Knoep' } })],
      ['typo in the given name', leslie({ ...contactless, name: { given_name: 'Lesley', family_name: 'Knope' } })],
      ['hyphenated married name', leslie({ ...contactless, name: { given_name: 'Leslie', family_name: 'Knope-Wyatt' } })],
      ['names swapped', leslie({ ...contactless, name: { given_name: 'Knope', family_name: 'Leslie' } })],
      ['day typo in the birth date, same home', leslie({ ...contactless, date_of_birth: '1975-01-19' })],
      ['day and month swapped, moved house', leslie({ ...contactless, date_of_birth: '1975-01-18', address: null })],
    ];
    for (const [title, other] of cases) expect(shareKey(base, other), title).toBe(true);
    // A slip in one part of the birth date, moved house: two parts and both names still meet.
    const moved = { ...contactless, address: null };
    const slips: [string, Identity][] = [
      ['day slipped', leslie({ ...moved, date_of_birth: '1975-01-28' })],
      ['month slipped', leslie({ ...moved, date_of_birth: '1975-07-18' })],
      ['year slipped in its decade', leslie({ ...moved, date_of_birth: '1945-01-18' })],
      ['day slipped, names swapped', leslie({ ...moved, date_of_birth: '1975-01-28', name: { given_name: 'Knope', family_name: 'Leslie' } })],
    ];
    for (const [title, other] of slips) expect(shareKey(base, other), title).toBe(true);
    // Not with only one of the names: a sibling born the same month is not found by it.
    expect(shareKey(leslie({ ...moved, date_of_birth: '1975-01-28', name: { given_name: 'Ann', family_name: 'Knope' } }), base)).toBe(false);
    const swappedA = leslie({ ...contactless, date_of_birth: '1975-04-03', address: null });
    expect(shareKey(swappedA, { ...swappedA, date_of_birth: '1975-03-04' }), 'day and month swapped').toBe(true);
  });

  it('strangers who share only a surname, a city, an office IP, a birth date or SSN last four share no key', () => {
    const a = leslie();
    const cases: [string, Identity][] = [
      ['surname', stranger({ name: { given_name: 'Tom', family_name: 'Knope' } })],
      ['city', stranger({ address: { street: '77 Oak St', street2: null, city: 'Pawnee', region: 'IN', postal_code: '47998', country: 'US' } })],
      ['office IP', stranger({ ip_address: '203.0.113.7' })],
      ['birth date', stranger({ date_of_birth: '1975-01-18' })],
      ['SSN last four', stranger({ id_number: { type: 'us_ssn_last_4', value: '6789' } })],
      [
        'street and house number in another town',
        stranger({ address: { street: '123 Main St', street2: null, city: 'Eagleton', region: 'IN', postal_code: '47999', country: 'US' } }),
      ],
    ];
    for (const [title, other] of cases) expect(shareKey(a, other), title).toBe(false);
  });

  it('every generated pair that satisfies a default or network rule shares a key', () => {
    const { records } = generateDataset({ seed: 11, people: 250 });
    const identities = records.map((r) => r.identity);
    const keys = identities.map((i) => new Set(blockingKeys(i)));
    const rules = [...DEFAULT_DUPLICATE_RULES, ...NETWORK_RULES];
    let satisfying = 0;
    const missed: string[] = [];
    for (let i = 0; i < identities.length; i++) {
      for (let j = i + 1; j < identities.length; j++) {
        if (!matchingRule(compareIdentities(identities[i]!, identities[j]!), rules)) continue;
        satisfying++;
        if (![...keys[j]!].some((k) => keys[i]!.has(k))) missed.push(`${records[i]!.id}/${records[j]!.id}`);
      }
    }
    expect(satisfying).toBeGreaterThan(50);
    expect(missed).toEqual([]);
  });
});
