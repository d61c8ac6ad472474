/** depository_accounts: US bank accounts, compared one account against another. */
import type { MatchCode } from '../codes';
import { isOneKeyTypo } from '../text';

export interface NormalisedAccount {
  routing: string;
  /** The account number without leading zeros, which some systems add or drop. */
  account: string;
  /** The last four digits as given: what the analysis shows. */
  mask: string;
}

export function normaliseAccount(a: { account_number: string; routing_number: string }): NormalisedAccount {
  return { routing: a.routing_number, account: a.account_number.replace(/^0+(?=\d)/, ''), mask: a.account_number.slice(-4) };
}

/**
 * match: the same routing and account numbers.
 * partial_match: the same routing number and an account number with one digit mistyped or
 * two adjacent swapped (6+ digits); or the same long account number (8+ digits) under
 * another routing number (banks have several, and change them on mergers).
 */
export function compareAccount(a: NormalisedAccount, b: NormalisedAccount): MatchCode {
  if (a.routing === b.routing) {
    if (a.account === b.account) return 'match';
    return a.account.length >= 6 && isOneKeyTypo(a.account, b.account) ? 'partial_match' : 'no_match';
  }
  return a.account === b.account && a.account.length >= 8 ? 'partial_match' : 'no_match';
}
