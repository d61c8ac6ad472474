import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../eval/generate';
import type { Identity } from '../../src/domain/beacon-users/identity';
import { MATCH_CODES } from '../../src/matching/codes';
import { compareIdentities, toMatchSummaryAnalysis, toReportSyndicationAnalysis } from '../../src/matching/compare';
import { leslie } from './support/matching';
import { expectSpecShape } from './support/spec';

describe('compareIdentities', () => {
  it('the same person re-entered with typical differences: field by field, what matched', () => {
    const again = leslie({
      name: { given_name: 'leslie', family_name: 'Knope-Wyatt' },
      address: { street: '123 Main Street', street2: 'Apt 2', city: 'Pawnee', region: 'IN', postal_code: '47998', country: 'US' },
      email_address: 'Leslie.Knope@GMAIL.com',
      phone_number: null,
      id_number: { type: 'us_ssn_last_4', value: '6789' },
      ip_address: '203.0.113.99',
      depository_accounts: [
        { routing_number: '011000015', account_number: '5555', added_at: '2025-01-01T00:00:00Z' },
        { routing_number: '021000021', account_number: '1234567890', added_at: '2025-01-01T00:00:00Z' },
      ],
    });
    expect(compareIdentities(again, leslie())).toEqual({
      name: 'partial_match',
      date_of_birth: 'match',
      address: 'partial_match',
      email_address: 'match',
      phone_number: 'no_data',
      id_number: 'partial_match',
      ip_address: 'partial_match',
      depository_accounts: {
        code: 'match',
        accounts: [
          { account_mask: '5555', routing_number: '011000015', match_status: 'no_match' },
          { account_mask: '7890', routing_number: '021000021', match_status: 'match' },
        ],
      },
    });
  });

  it('accounts: no_data when either side has none, listing the compared user’s accounts', () => {
    const analysis = compareIdentities(leslie(), leslie({ depository_accounts: [] }));
    expect(analysis.depository_accounts).toEqual({ code: 'no_data', accounts: [{ account_mask: '7890', routing_number: '021000021', match_status: 'no_data' }] });
    expect(compareIdentities(leslie({ depository_accounts: [] }), leslie()).depository_accounts).toEqual({ code: 'no_data', accounts: [] });
  });

  it('answers in the spec’s BeaconMatchSummaryAnalysis and BeaconReportSyndicationAnalysis shapes', () => {
    const analysis = compareIdentities(leslie(), leslie({ phone_number: null }));
    const summary = toMatchSummaryAnalysis(analysis);
    expect(Object.keys(summary).sort()).toEqual(['address', 'date_of_birth', 'email_address', 'id_number', 'ip_address', 'name', 'phone_number']);
    expectSpecShape('BeaconMatchSummaryAnalysis', summary);
    const syndication = toReportSyndicationAnalysis(analysis);
    expect(syndication.depository_accounts).toEqual([{ account_mask: '7890', routing_number: '021000021', match_status: 'match' }]);
    expectSpecShape('BeaconReportSyndicationAnalysis', syndication);
  });

  it('is symmetric for every field code, on generated re-entries, hard negatives and random pairs', () => {
    const { records } = generateDataset({ seed: 7, people: 300 });
    const byPerson = new Map<string, Identity[]>();
    for (const r of records) byPerson.set(r.anchorPersonId ?? r.personId, [...(byPerson.get(r.anchorPersonId ?? r.personId) ?? []), r.identity]);
    const pairs: [Identity, Identity][] = [];
    for (const group of byPerson.values()) for (let i = 1; i < group.length; i++) pairs.push([group[0]!, group[i]!]);
    for (let i = 0; i + 1 < records.length; i += 2) pairs.push([records[i]!.identity, records[i + 1]!.identity]);
    expect(pairs.length).toBeGreaterThan(300);
    const seen = new Set<string>();
    for (const [a, b] of pairs) {
      const ab = compareIdentities(a, b);
      const ba = compareIdentities(b, a);
      expect(toMatchSummaryAnalysis(ab)).toEqual(toMatchSummaryAnalysis(ba));
      expect(ab.depository_accounts.code).toBe(ba.depository_accounts.code);
      for (const code of Object.values(toMatchSummaryAnalysis(ab))) seen.add(code);
    }
    // The pairs exercise every code, so symmetry was checked on each.
    expect([...seen].sort()).toEqual([...MATCH_CODES].sort());
  });
});
