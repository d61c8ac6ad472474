/** A program's matching settings (docs/product.md §5.3) and their documented defaults. */
import { z } from 'zod';
import { RULE_CODES, type MatchRule } from './codes';
import { MATCH_FIELDS } from './fields';
import { DEFAULT_DUPLICATE_THRESHOLD } from './weights';

export const DuplicateRule = z
  .partialRecord(z.enum(MATCH_FIELDS), z.enum(RULE_CODES))
  .refine((rule) => Object.keys(rule).length > 0, 'a duplicate rule must name at least one field');

/** How a program decides duplicates: its `duplicate_rules` (Plaid's Duplicate Information
 * Filtering, the default), or the match weight against `duplicate_weight_threshold`
 * (matching/weights.ts; the rules are then kept but not used). */
export const DUPLICATE_DECISIONS = ['rules', 'weights'] as const;
export type DuplicateDecision = (typeof DUPLICATE_DECISIONS)[number];

/** Program settings as given on create/update: every key optional. */
export const ProgramSettingsInput = z.strictObject({
  duplicate_rules: z.array(DuplicateRule).max(20, 'at most 20 duplicate rules').nullish(),
  duplicates_to_pending_review: z.boolean().nullish(),
  flag_network_fraud: z.boolean().nullish(),
  duplicate_decision: z.enum(DUPLICATE_DECISIONS).nullish(),
  duplicate_weight_threshold: z.number().min(-20).max(60).nullish(),
});
export type ProgramSettingsInput = z.output<typeof ProgramSettingsInput>;

export interface ProgramSettings {
  duplicate_rules: MatchRule[];
  duplicates_to_pending_review: boolean;
  flag_network_fraud: boolean;
  duplicate_decision: DuplicateDecision;
  duplicate_weight_threshold: number;
}

/** Default duplicate rules, each with why it is one: the same person entered twice, with
 * typos, is caught; people who merely share an IP, a surname or an address are not.
 * Evaluated on labelled data by `npm run eval:matching:offline` (docs/matching.md): F1 0.99,
 * no hard negative flagged at 10,000 people. Not a rule: name + address (a Jr. and Sr. share
 * both), anything with IP. The console shows these reasons next to the settings. */
export const DEFAULT_DUPLICATE_RULES_EXPLAINED: { rule: MatchRule; why: string }[] = [
  { rule: { name: 'partial_match', date_of_birth: 'match' }, why: 'The classic identity key; the name may carry a typo, a nickname or a married name.' },
  { rule: { name: 'partial_match', date_of_birth: 'partial_match', address: 'partial_match' }, why: 'A mistyped or transposed birth date, confirmed by the same house.' },
  { rule: { name: 'partial_match', email_address: 'match' }, why: "A mailbox is one person's; the name rules out a shared family mailbox." },
  { rule: { name: 'partial_match', phone_number: 'match' }, why: 'A phone with the name: relatives on one home line have other given names.' },
  { rule: { name: 'partial_match', id_number: 'match' }, why: 'The same document number with the name.' },
  { rule: { name: 'partial_match', depository_accounts: 'match' }, why: 'The same bank account with the name (a joint holder has another given name).' },
  { rule: { date_of_birth: 'match', email_address: 'match' }, why: 'A name changed outright (marriage): birth date and mailbox still agree.' },
  {
    rule: { date_of_birth: 'match', id_number: 'match' },
    why: 'A name changed outright: birth date and document still agree. (Not birth date + phone: twins on one home line.)',
  },
];

export const DEFAULT_DUPLICATE_RULES: MatchRule[] = DEFAULT_DUPLICATE_RULES_EXPLAINED.map((r) => r.rule);

export const DEFAULT_SETTINGS: ProgramSettings = {
  duplicate_rules: DEFAULT_DUPLICATE_RULES,
  duplicates_to_pending_review: true,
  flag_network_fraud: true,
  duplicate_decision: 'rules',
  duplicate_weight_threshold: DEFAULT_DUPLICATE_THRESHOLD,
};

/** Settings as stored: programs created before a setting existed lack it, and have its default. */
export function storedSettings(stored: Partial<ProgramSettings>): ProgramSettings {
  return { ...DEFAULT_SETTINGS, ...stored };
}

/** `input` over `base`: a key given replaces; a key left out or null is kept. */
export function applySettings(base: ProgramSettings, input: ProgramSettingsInput | null | undefined): ProgramSettings {
  return {
    duplicate_rules: input?.duplicate_rules ?? base.duplicate_rules,
    duplicates_to_pending_review: input?.duplicates_to_pending_review ?? base.duplicates_to_pending_review,
    flag_network_fraud: input?.flag_network_fraud ?? base.flag_network_fraud,
    duplicate_decision: input?.duplicate_decision ?? base.duplicate_decision,
    duplicate_weight_threshold: input?.duplicate_weight_threshold ?? base.duplicate_weight_threshold,
  };
}
