/** Comparing two identities field by field: the analysis that rules are evaluated on and
 * that is returned to clients — unchanged for duplicates and a member's own reports; for
 * another member's report, only what the member may learn of it (disclosure.ts). */
import type { Identity } from './identity';
import { stronger, type MatchCode } from './codes';
import { compareAccount, normaliseAccount, type NormalisedAccount } from './fields/depository-accounts';
import { compareAddress, normaliseAddress, type NormalisedAddress } from './fields/address';
import { compareDateOfBirth, normaliseDateOfBirth, type NormalisedDate } from './fields/date-of-birth';
import { compareEmail, normaliseEmail, type NormalisedEmail } from './fields/email-address';
import { compareIdNumber, normaliseIdNumber, type NormalisedIdNumber } from './fields/id-number';
import { compareIp, normaliseIp, type NormalisedIp } from './fields/ip-address';
import { compareName, normaliseName, type NormalisedName } from './fields/name';
import { comparePhone, normalisePhone, type NormalisedPhone } from './fields/phone-number';

/** An identity with every field normalised once, for comparing against many candidates. */
export interface NormalisedIdentity {
  name: NormalisedName | null;
  date_of_birth: NormalisedDate | null;
  address: NormalisedAddress | null;
  email_address: NormalisedEmail | null;
  phone_number: NormalisedPhone | null;
  id_number: NormalisedIdNumber | null;
  ip_address: NormalisedIp | null;
  depository_accounts: NormalisedAccount[];
}

export interface AccountAnalysis {
  account_mask: string;
  routing_number: string;
  match_status: MatchCode;
}

/** The result of comparing identity `a` with identity `b`. */
export interface MatchAnalysis {
  name: MatchCode;
  date_of_birth: MatchCode;
  address: MatchCode;
  email_address: MatchCode;
  phone_number: MatchCode;
  id_number: MatchCode;
  ip_address: MatchCode;
  /** `accounts`: each of a's accounts with its best status against b's; `code`: the best of
   * them, or no_data when either side has no account. */
  depository_accounts: { code: MatchCode; accounts: AccountAnalysis[] };
}

export function normaliseIdentity(identity: Identity): NormalisedIdentity {
  return {
    name: normaliseName(identity.name),
    date_of_birth: normaliseDateOfBirth(identity.date_of_birth),
    address: normaliseAddress(identity.address),
    email_address: normaliseEmail(identity.email_address),
    phone_number: normalisePhone(identity.phone_number),
    id_number: normaliseIdNumber(identity.id_number),
    ip_address: normaliseIp(identity.ip_address),
    depository_accounts: identity.depository_accounts.map(normaliseAccount),
  };
}

function compareAccounts(a: NormalisedAccount[], b: NormalisedAccount[]): MatchAnalysis['depository_accounts'] {
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

/** Compares two normalised identities (see `normaliseIdentity`). */
export function compareNormalised(a: NormalisedIdentity, b: NormalisedIdentity): MatchAnalysis {
  return {
    name: compareName(a.name, b.name),
    date_of_birth: compareDateOfBirth(a.date_of_birth, b.date_of_birth),
    address: compareAddress(a.address, b.address),
    email_address: compareEmail(a.email_address, b.email_address),
    phone_number: comparePhone(a.phone_number, b.phone_number),
    id_number: compareIdNumber(a.id_number, b.id_number),
    ip_address: compareIp(a.ip_address, b.ip_address),
    depository_accounts: compareAccounts(a.depository_accounts, b.depository_accounts),
  };
}

/** Compares identity `a` with identity `b`. Every field code is symmetric; only the account
 * list is a's point of view. */
export function compareIdentities(a: Identity, b: Identity): MatchAnalysis {
  return compareNormalised(normaliseIdentity(a), normaliseIdentity(b));
}

/** The spec's BeaconMatchSummaryAnalysis (Beacon Duplicates): the seven scalar fields. */
export function toMatchSummaryAnalysis(analysis: MatchAnalysis) {
  return {
    name: analysis.name,
    date_of_birth: analysis.date_of_birth,
    address: analysis.address,
    email_address: analysis.email_address,
    phone_number: analysis.phone_number,
    id_number: analysis.id_number,
    ip_address: analysis.ip_address,
  };
}

/** The spec's BeaconReportSyndicationAnalysis: the seven fields and, per account of the
 * compared user (`a`), its BeaconSyndicatedReportDepositoryAccountMatchAnalysis. */
export function toReportSyndicationAnalysis(analysis: MatchAnalysis) {
  return {
    ...toMatchSummaryAnalysis(analysis),
    depository_accounts: analysis.depository_accounts.accounts.map((a) => ({ ...a })),
  };
}
