/** What a member is shown of a match against another member's report (docs/product.md §9,
 * docs/security.md). The network rules decide on the full comparison; a member learns only
 * which of the fields *it supplied* matched — nothing of what the reporting member holds:
 *
 * - a field the member did not supply is `no_data`;
 * - a field it supplied is `match`, or else `no_match` — also when the reporter lacks the
 *   field, so that probing cannot tell which fields the reporter holds;
 * - `partial_match` stays only on `name`, `date_of_birth` and `address`: an analyst needs it
 *   to judge a fuzzy match (a false hit flags an innocent person), and it only says that the
 *   reporter's value is a variant of the member's own. On identifiers it would be an oracle:
 *   a member varying one digit of a phone, or giving an SSN's last four against a full one,
 *   would learn the reporter's value digit by digit. */
import type { MatchCode, MatchField } from './codes';
import { SUMMARY_FIELDS, toReportSyndicationAnalysis, type MatchAnalysis, type NormalisedIdentity, type SummaryField } from './compare';
import { hasValue } from './fields';

/** Fields whose near misses a member may see in another member's match. */
export const PARTIAL_MATCH_SHOWN: ReadonlySet<MatchField> = new Set(['name', 'date_of_birth', 'address']);

function shown(field: MatchField, code: MatchCode, supplied: boolean): MatchCode {
  if (!supplied) return 'no_data';
  if (code === 'match' || (code === 'partial_match' && PARTIAL_MATCH_SHOWN.has(field))) return code;
  return 'no_match';
}

/** The spec's BeaconReportSyndicationAnalysis of a match of `member`'s identity (the
 * compared `a` of `analysis`) against another member's report. */
export function toNetworkSyndicationAnalysis(analysis: MatchAnalysis, member: NormalisedIdentity) {
  const full = toReportSyndicationAnalysis(analysis);
  const scalar = Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, shown(field, full[field], hasValue(member, field))])) as Record<SummaryField, MatchCode>;
  return {
    ...scalar,
    depository_accounts: full.depository_accounts.map((account) => ({ ...account, match_status: shown('depository_accounts', account.match_status, true) })),
  };
}
