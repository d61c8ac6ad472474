/** depository_accounts: US bank accounts, compared one account against another. */
import { stronger, type MatchCode } from '../codes';
import { defineField } from './field';
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

export interface AccountAnalysis {
  account_mask: string;
  routing_number: string;
  match_status: MatchCode;
}

/** `accounts`: each of a's accounts with its best status against b's; `code`: the best of
 * them, or no_data when either side has no account. */
export interface AccountsAnalysis {
  code: MatchCode;
  accounts: AccountAnalysis[];
}

export function compareAccounts(a: NormalisedAccount[], b: NormalisedAccount[]): AccountsAnalysis {
  if (a.length === 0 || b.length === 0) {
    return { code: 'no_data', accounts: a.map((x) => ({ account_mask: x.mask, routing_number: x.routing, match_status: 'no_data' })) };
  }
  let code: MatchCode = 'no_match';
  const accounts = a.map((x) => {
    let best: MatchCode = 'no_match';
    for (const y of b) best = stronger(best, compareAccount(x, y));
    code = stronger(code, best);
    return { account_mask: x.mask, routing_number: x.routing, match_status: best };
  });
  return { code, accounts };
}

/** Accounts beyond this many (in the order given) are not indexed. */
export const MAX_ACCOUNT_KEYS = 4;

export const depositoryAccountsField = defineField({
  normalise: (identity) => identity.depository_accounts.map(normaliseAccount),
  compare: compareAccounts,
  code: (analysis) => analysis.code,
  blockingKeys: (accounts) => accounts.slice(0, MAX_ACCOUNT_KEYS).map((account) => `acct:${account.routing}:${account.account}`),
});
