/** The vocabulary of matching (PRODUCT.md §5.3, the spec's BeaconMatchSummaryCode). */

export const MATCH_CODES = ['match', 'partial_match', 'no_match', 'no_data'] as const;
export type MatchCode = (typeof MATCH_CODES)[number];

/** Fields compared between two identities: the registry's (fields/index.ts). */
import type { MatchField } from './fields';
export type { MatchField };

/** The codes a rule may require: the weakest code that still counts. */
export const RULE_CODES = ['match', 'partial_match'] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** A rule holds when every listed field reaches at least its code. */
export type MatchRule = Partial<Record<MatchField, RuleCode>>;

/** How strongly a code counts: `match` > `partial_match` > `no_match` > `no_data`. */
const STRENGTH: Record<MatchCode, number> = { match: 3, partial_match: 2, no_match: 1, no_data: 0 };

/** Whether `code` reaches the weakest code a rule accepts (`match` also satisfies `partial_match`). */
export function reaches(code: MatchCode, required: RuleCode): boolean {
  return STRENGTH[code] >= STRENGTH[required];
}

/** The stronger of two codes (`no_match` beats `no_data`: the field was compared). */
export function stronger(a: MatchCode, b: MatchCode): MatchCode {
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}
