import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/domain/beacon-users/identity';
import { reaches, type MatchRule } from '../../src/matching/codes';
import { MATCH_FIELDS } from '../../src/matching/fields';
import { compareIdentities, type MatchAnalysis } from '../../src/matching/compare';
import { matchingRule, NETWORK_RULES, satisfiesRule } from '../../src/matching/rules';
import { DEFAULT_DUPLICATE_RULES, DuplicateRule } from '../../src/matching/settings';
import { leslie } from './support/matching';

const analysis = (over: Partial<MatchAnalysis>): MatchAnalysis => ({
  name: 'no_match',
  date_of_birth: 'no_match',
  address: 'no_match',
  email_address: 'no_match',
  phone_number: 'no_match',
  id_number: 'no_match',
  ip_address: 'no_match',
  depository_accounts: { code: 'no_data', accounts: [] },
  ...over,
});

describe('satisfiesRule', () => {
  it('holds when every listed field reaches its code; match also satisfies partial_match', () => {
    const rule: MatchRule = { name: 'partial_match', date_of_birth: 'match' };
    expect(satisfiesRule(analysis({ name: 'partial_match', date_of_birth: 'match' }), rule)).toBe(true);
    expect(satisfiesRule(analysis({ name: 'match', date_of_birth: 'match' }), rule)).toBe(true);
    expect(satisfiesRule(analysis({ name: 'match', date_of_birth: 'partial_match' }), rule)).toBe(false);
    expect(satisfiesRule(analysis({ name: 'no_data', date_of_birth: 'match' }), rule)).toBe(false);
  });

  it('reads depository_accounts from the best account', () => {
    const rule: MatchRule = { depository_accounts: 'match' };
    expect(satisfiesRule(analysis({ depository_accounts: { code: 'match', accounts: [] } }), rule)).toBe(true);
    expect(satisfiesRule(analysis({ depository_accounts: { code: 'partial_match', accounts: [] } }), rule)).toBe(false);
  });

  it('a rule naming no field holds for nothing', () => {
    expect(satisfiesRule(analysis({ name: 'match' }), {})).toBe(false);
  });
});

describe('matchingRule', () => {
  it('returns the first rule that holds, or null', () => {
    const rules: MatchRule[] = [{ email_address: 'match' }, { name: 'partial_match' }, { name: 'match' }];
    expect(matchingRule(analysis({ name: 'match' }), rules)).toBe(rules[1]);
    expect(matchingRule(analysis({ ip_address: 'match' }), rules)).toBeNull();
  });
});

describe('default duplicate rules', () => {
  const duplicate = (a: Identity, b: Identity) => matchingRule(compareIdentities(a, b), DEFAULT_DUPLICATE_RULES) !== null;

  it('are valid program settings', () => {
    for (const rule of DEFAULT_DUPLICATE_RULES) expect(DuplicateRule.safeParse(rule).success).toBe(true);
  });

  it('catch the same person entered twice with typos', () => {
    const base = leslie();
    const reentries: [string, Partial<Identity>][] = [
      ['hyphenated married name, new email and phone', { name: { given_name: 'Leslie', family_name: 'Knope-Wyatt' }, email_address: 'lk@example.com', phone_number: null }],
      [
        'typo in the surname, St./Street, other unit',
        {
          name: { given_name: 'Leslie', family_name: 'Knoep' },
          email_address: null,
          phone_number: null,
          id_number: null,
          depository_accounts: [],
          address: { street: '123 Main Street', street2: 'Unit 9', city: 'Pawnee', region: 'IN', postal_code: '47998', country: 'US' },
        },
      ],
      [
        'a typo in the birth date, same name and home, nothing else',
        {
          date_of_birth: '1975-01-19',
          email_address: null,
          phone_number: null,
          id_number: null,
          depository_accounts: [],
          ip_address: null,
        },
      ],
      [
        'given and family swapped, email in capitals',
        { name: { given_name: 'Knope', family_name: 'Leslie' }, email_address: 'LESLIE.KNOPE@GMAIL.COM', date_of_birth: null, phone_number: null, id_number: null },
      ],
      [
        'surname changed on marriage, same birth date and email',
        { name: { given_name: 'Leslie', family_name: 'Wyatt' }, phone_number: null, id_number: null, depository_accounts: [] },
      ],
      [
        'surname changed on marriage, same birth date and SSN',
        { name: { given_name: 'Leslie', family_name: 'Wyatt' }, email_address: null, phone_number: null, depository_accounts: [] },
      ],
    ];
    for (const [title, change] of reentries) expect(duplicate(base, leslie(change)), title).toBe(true);
  });

  it('catch a transposed birth date with the same name and home', () => {
    const base = leslie({ email_address: null, phone_number: null, id_number: null, depository_accounts: [], ip_address: null });
    const swapped = { ...base, date_of_birth: '1975-03-04' };
    expect(duplicate({ ...base, date_of_birth: '1975-04-03' }, swapped)).toBe(true);
    expect(duplicate({ ...base, date_of_birth: '1975-04-03' }, { ...swapped, address: null })).toBe(false);
  });

  it('do not join different people who share a surname, a home, an office IP or a common name', () => {
    const ann = leslie();
    const strangers: [string, Identity][] = [
      [
        'a relative: same surname, address, IP and home phone; other given name and birth date',
        leslie({
          name: { given_name: 'Marlene', family_name: 'Knope' },
          date_of_birth: '1950-06-02',
          email_address: 'marlene@example.com',
          id_number: { type: 'us_ssn', value: '987654321' },
          depository_accounts: [],
        }),
      ],
      [
        'a twin: same surname, birth date, address, IP and home phone; other given name',
        leslie({
          name: { given_name: 'Marlene', family_name: 'Knope' },
          email_address: 'mk@example.com',
          id_number: { type: 'us_ssn', value: '123456780' },
          depository_accounts: [],
        }),
      ],
      [
        'a namesake living elsewhere: same name, other birth date',
        leslie({
          date_of_birth: '1988-09-30',
          address: null,
          email_address: 'lknope88@yahoo.com',
          phone_number: '+12125550000',
          id_number: null,
          ip_address: null,
          depository_accounts: [],
        }),
      ],
      [
        'a coworker on the office network',
        {
          date_of_birth: '1979-05-07',
          name: { given_name: 'Ron', family_name: 'Swanson' },
          address: null,
          email_address: 'ron@example.com',
          phone_number: '+13175550000',
          id_number: null,
          ip_address: '203.0.113.7',
          depository_accounts: [],
        },
      ],
      [
        'a parent with the same name and home (Sr.), a generation apart',
        leslie({
          date_of_birth: '1945-01-18',
          email_address: 'lknope@aol.com',
          phone_number: '+13175559999',
          id_number: { type: 'us_ssn', value: '111223333' },
          depository_accounts: [],
        }),
      ],
    ];
    for (const [title, other] of strangers) expect(duplicate(ann, other), title).toBe(false);
  });
});

describe('network rules', () => {
  /** `strict` asks at least as much as `loose`: every field of `loose`, at least as strongly. */
  const implies = (strict: MatchRule, loose: MatchRule) =>
    MATCH_FIELDS.every((f) => loose[f] === undefined || (strict[f] !== undefined && reaches(strict[f] === 'match' ? 'match' : 'partial_match', loose[f])));

  it('are at least as strict as the duplicate defaults: each implies one of them', () => {
    for (const rule of NETWORK_RULES) {
      expect(
        DEFAULT_DUPLICATE_RULES.some((d) => implies(rule, d)),
        JSON.stringify(rule),
      ).toBe(true);
    }
  });

  it('do not hold for a name and birth date alone, which many people share across a network', () => {
    const a = leslie();
    const b = leslie({ address: null, email_address: 'other@example.com', phone_number: null, id_number: null, ip_address: null, depository_accounts: [] });
    expect(matchingRule(compareIdentities(a, b), NETWORK_RULES)).toBeNull();
    expect(matchingRule(compareIdentities(a, b), DEFAULT_DUPLICATE_RULES)).not.toBeNull();
  });
});
