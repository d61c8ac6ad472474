/** Rules: which combinations of field codes make two identities the same person. */
import { reaches, type MatchRule } from './codes';
import { fieldCode, MATCH_FIELDS, type MatchAnalysis } from './fields';

/** Every field the rule lists reaches at least the code it asks for (`match` ≥ `partial_match`).
 * A rule that lists no field holds for nothing. */
export function satisfiesRule(analysis: MatchAnalysis, rule: MatchRule): boolean {
  let listed = false;
  for (const field of MATCH_FIELDS) {
    const required = rule[field];
    if (!required) continue;
    listed = true;
    if (!reaches(fieldCode(analysis, field), required)) return false;
  }
  return listed;
}

/** The first rule that holds, or null. */
export function matchingRule(analysis: MatchAnalysis, rules: readonly MatchRule[]): MatchRule | null {
  return rules.find((rule) => satisfiesRule(analysis, rule)) ?? null;
}

/**
 * The network's rules before match weights (issue 12): network matching now decides by weight
 * with guard rules (weights.ts). Kept as the baseline the evaluation measures weights against,
 * and as the floor of strictness for the duplicate defaults (a unit test).
 *
 * Deployment-wide rules for matching a user against fraud reports (own and other clients').
 * Stricter than the duplicate defaults: a false hit flags an innocent person at another
 * company, and the network is far larger than one program, so a combination that is rare in
 * a program (a common name and a birth date) is not rare across it. Each rule asks for a
 * name and a date of birth that agree, or for a name and an identifier only one person has.
 * Every rule here implies one of the default duplicate rules (test/workers/matching-rules).
 */
export const NETWORK_RULES: readonly MatchRule[] = [
  // Name, exact birth date and something of where they live or how they are reached.
  { name: 'partial_match', date_of_birth: 'match', address: 'partial_match' },
  { name: 'partial_match', date_of_birth: 'match', phone_number: 'match' },
  { name: 'partial_match', date_of_birth: 'match', email_address: 'match' },
  // The same document number, with the name and a birth date that at least nearly agree.
  { name: 'partial_match', date_of_birth: 'partial_match', id_number: 'match' },
  // A bank account is one household's; with the name it is one person's.
  { name: 'partial_match', depository_accounts: 'match' },
  // Name with both mailbox and phone: two personal contact points, not only one.
  { name: 'partial_match', email_address: 'match', phone_number: 'match' },
];
