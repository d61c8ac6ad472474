import { describe, expect, it } from 'vitest';
import { blockingKeysOf, fieldBlockingKeysOf, termCountsOf } from '../../src/matching/blocking-keys';
import { compareIdentities, normaliseIdentity, SUMMARY_FIELDS, toMatchSummaryAnalysis } from '../../src/matching/compare';
import { FIELDS, fieldCode, hasValue, MATCH_FIELDS } from '../../src/matching/fields';
import { leslie } from './support/matching';

describe('the registry of matching fields', () => {
  it('is what the normalised identity and the analysis are made of, in the spec’s order', () => {
    expect(MATCH_FIELDS).toEqual(Object.keys(FIELDS));
    expect(Object.keys(normaliseIdentity(leslie()))).toEqual(MATCH_FIELDS);
    expect(Object.keys(compareIdentities(leslie(), leslie()))).toEqual(MATCH_FIELDS);
    // Plaid's shape stays Plaid's: the seven fields of BeaconMatchSummaryAnalysis.
    expect(Object.keys(toMatchSummaryAnalysis(compareIdentities(leslie(), leslie())))).toEqual([...SUMMARY_FIELDS]);
  });

  it('reads each field’s code, the accounts’ from their best account', () => {
    const analysis = compareIdentities(leslie(), leslie({ phone_number: null }));
    expect(fieldCode(analysis, 'phone_number')).toBe('no_data');
    expect(fieldCode(analysis, 'depository_accounts')).toBe('match');
    expect(hasValue(normaliseIdentity(leslie({ depository_accounts: [] })), 'depository_accounts')).toBe(false);
  });

  it('gives each blocking key its field: every field’s own keys first, then those with a name sound', () => {
    const keys = fieldBlockingKeysOf(normaliseIdentity(leslie()));
    const byPrefix = Object.fromEntries([...keys].map(([key, field]) => [key.slice(0, key.indexOf(':')), field]));
    expect(byPrefix).toEqual({
      email: 'email_address',
      phone: 'phone_number',
      id: 'id_number',
      acct: 'depository_accounts',
      'dob+name': 'date_of_birth',
      'dob-ym+names': 'date_of_birth',
      'dob-md+names': 'date_of_birth',
      'dob-yd+names': 'date_of_birth',
      'addr+name': 'address',
      'ssn4+name': 'id_number',
    });
    const prefixes = [...keys.keys()].map((k) => k.slice(0, k.indexOf(':')));
    expect(prefixes.slice(0, 4)).toEqual(['email', 'phone', 'id', 'acct']);
    expect(blockingKeysOf(normaliseIdentity(leslie()))).toEqual([...keys.keys()]);
  });

  it('turns the counts of shared keys into term counts per field: the fewest carriers, at least 1', () => {
    const fields = fieldBlockingKeysOf(normaliseIdentity(leslie()));
    const dobKeys = [...fields].filter(([, f]) => f === 'date_of_birth').map(([k]) => k);
    const email = [...fields.keys()][0]!;
    const counts = new Map([
      [dobKeys[0]!, 9],
      [dobKeys[1]!, 4],
      [email, 0],
    ]);
    expect(termCountsOf([...dobKeys, email, 'unknown'], fields, (k) => counts.get(k))).toEqual({ date_of_birth: 4, email_address: 1 });
  });
});
