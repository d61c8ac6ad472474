/** Comparing two identities field by field: the analysis that rules are evaluated on and
 * that is returned to clients — unchanged for duplicates and a member's own reports; for
 * another member's report, only what the member may learn of it (disclosure.ts). The fields
 * are those of the registry (fields/index.ts). */
import type { Identity } from './identity';
import type { MatchCode } from './codes';
import { FIELDS, MATCH_FIELDS, type MatchAnalysis, type NormalisedIdentity } from './fields';

export type { AccountAnalysis } from './fields/depository-accounts';
export type { MatchAnalysis, NormalisedIdentity } from './fields';

/** Applies `f` to every field of the registry, building the object of its results. */
function eachField<T extends Record<string, unknown>>(f: (field: keyof typeof FIELDS, definition: (typeof FIELDS)[keyof typeof FIELDS]) => unknown): T {
  return Object.fromEntries(MATCH_FIELDS.map((field) => [field, f(field, FIELDS[field])])) as T;
}

export function normaliseIdentity(identity: Identity): NormalisedIdentity {
  return eachField<NormalisedIdentity>((_, definition) => definition.normalise(identity));
}

/** Compares two normalised identities (see `normaliseIdentity`). */
export function compareNormalised(a: NormalisedIdentity, b: NormalisedIdentity): MatchAnalysis {
  return eachField<MatchAnalysis>((field, definition) => (definition.compare as (x: unknown, y: unknown) => unknown)(a[field], b[field]));
}

/** Compares identity `a` with identity `b`. Every field code is symmetric; only the account
 * list is a's point of view. */
export function compareIdentities(a: Identity, b: Identity): MatchAnalysis {
  return compareNormalised(normaliseIdentity(a), normaliseIdentity(b));
}

/** The fields of the spec's BeaconMatchSummaryAnalysis, in its order: Plaid's shape, so a
 * field added to the registry is compared and weighed but not shown here. */
export const SUMMARY_FIELDS = ['name', 'date_of_birth', 'address', 'email_address', 'phone_number', 'id_number', 'ip_address'] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];

/** The spec's BeaconMatchSummaryAnalysis (Beacon Duplicates): the seven scalar fields. */
export function toMatchSummaryAnalysis(analysis: MatchAnalysis): Record<SummaryField, MatchCode> {
  return Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, analysis[field]])) as Record<SummaryField, MatchCode>;
}

/** The spec's BeaconReportSyndicationAnalysis: the seven fields and, per account of the
 * compared user (`a`), its BeaconSyndicatedReportDepositoryAccountMatchAnalysis. */
export function toReportSyndicationAnalysis(analysis: MatchAnalysis) {
  return {
    ...toMatchSummaryAnalysis(analysis),
    depository_accounts: analysis.depository_accounts.accounts.map((a) => ({ ...a })),
  };
}
