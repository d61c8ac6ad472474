import { describe, expect, it } from 'vitest';
import { MATCH_FIELDS } from '../../src/matching/fields';
import { compareIdentities, normaliseIdentity, toReportSyndicationAnalysis } from '../../src/matching/compare';
import { toNetworkSyndicationAnalysis } from '../../src/matching/disclosure';
import { leslie } from './support/matching';
import { expectSpecShape } from './support/spec';

/** What a member supplying `member` is shown of a match against a report on `reported`. */
const shown = (member: ReturnType<typeof leslie>, reported: ReturnType<typeof leslie>) =>
  toNetworkSyndicationAnalysis(compareIdentities(member, reported), normaliseIdentity(member));

describe('toNetworkSyndicationAnalysis', () => {
  it('shows match where the member’s value equals the reporter’s, in the spec’s shape', () => {
    const analysis = shown(leslie(), leslie());
    expectSpecShape('BeaconReportSyndicationAnalysis', analysis);
    expect(analysis).toEqual({ ...toReportSyndicationAnalysis(compareIdentities(leslie(), leslie())) });
  });

  it('a field the member did not supply is no_data; one only the reporter lacks is no_match', () => {
    const member = leslie({ phone_number: null, ip_address: null, depository_accounts: [] });
    const reporter = leslie({ email_address: null, id_number: null, address: null });
    expect(shown(member, reporter)).toEqual({
      name: 'match',
      date_of_birth: 'match',
      address: 'no_match',
      email_address: 'no_match',
      phone_number: 'no_data',
      id_number: 'no_match',
      ip_address: 'no_data',
      depository_accounts: [],
    });
  });

  it('near misses on identifiers read as misses; on name, birth date and address they stay', () => {
    const member = leslie({
      name: { given_name: 'Leslie', family_name: 'Knope-Wyatt' },
      date_of_birth: '1976-01-18',
      address: { street: '123 Main St.', street2: 'Unit 9', city: 'Pawnee', region: 'IN', postal_code: '47998', country: 'US' },
      email_address: 'leslieknope@yahoo.com',
      phone_number: '+13175551243',
      id_number: { type: 'us_ssn_last_4', value: '6789' },
      ip_address: '203.0.113.99',
      depository_accounts: [{ routing_number: '021000021', account_number: '1234567809', added_at: '2025-01-01T00:00:00Z' }],
    });
    const full = compareIdentities(member, leslie());
    for (const field of MATCH_FIELDS) expect(field === 'depository_accounts' ? full.depository_accounts.code : full[field], field).toBe('partial_match');
    expect(shown(member, leslie())).toEqual({
      name: 'partial_match',
      date_of_birth: 'partial_match',
      address: 'partial_match',
      email_address: 'no_match',
      phone_number: 'no_match',
      id_number: 'no_match',
      ip_address: 'no_match',
      depository_accounts: [{ account_mask: '7809', routing_number: '021000021', match_status: 'no_match' }],
    });
  });
});
