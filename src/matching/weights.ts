/** Match weights in the Fellegi–Sunter form (as Splink uses it), and the decisions made from
 * them (docs/matching.md, "Match weights"). Pure: the term counts a weight takes are read by
 * the domain from the key-count tables it already reads.
 *
 * Each field's comparison level (its code) contributes log2(m/u): m = P(level | same person),
 * u = P(level | different people), both from `weights-data.ts` (fitted by
 * `npm run eval:fit-weights`). The prior log-odds plus the contributions is the match weight;
 * 2^w / (1 + 2^w) the probability. An exact agreement on a value many identities carry is
 * weaker evidence than on one only one carries: a `match` whose value is shared by k
 * identities in the population is k times as likely by chance, so it loses log2(k). */
import type { MatchCode } from './codes';
import { fieldCode, MATCH_FIELDS, type MatchAnalysis, type MatchField } from './fields';
import { WEIGHTS_DATA } from './weights-data';

/** The levels a field is weighed at: its code; `no_data` weighs nothing. */
export type WeighedLevel = Exclude<MatchCode, 'no_data'>;
export interface LevelProbabilities {
  m: Record<WeighedLevel, number>;
  u: Record<WeighedLevel, number>;
}
export interface WeightsData {
  /** P(same person) of a pair of identities sharing a blocking key, before its fields. */
  prior: number;
  fields: Partial<Record<MatchField, LevelProbabilities>>;
}

/** How many identities carry the value two identities agree on, per field (≥ 1; absent: unknown,
 * weighed as the average value). Read from the key counts of the keys the pair shares. */
export type TermCounts = Partial<Record<MatchField, number>>;

export interface FieldContribution {
  field: MatchField;
  level: MatchCode;
  /** log2(m/u), after the term-frequency adjustment; 0 for `no_data`. */
  weight: number;
  /** The identities that carry the agreed value, where it lowered the weight. */
  term_count?: number;
}

/** A stored, explainable weight: what a finding records in `match_weight`. */
export interface MatchWeight {
  /** log2 of the prior odds. */
  prior: number;
  fields: FieldContribution[];
  /** prior + Σ field weights. */
  weight: number;
  probability: number;
  /** The threshold it was decided against, and a guard that overruled it (null: none). */
  threshold: number;
  guard: Guard | null;
}

const log2 = Math.log2;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** The contribution of one field at its level. */
export function fieldWeight(field: MatchField, level: MatchCode, termCount?: number, data: WeightsData = WEIGHTS_DATA): FieldContribution {
  const p = data.fields[field];
  if (level === 'no_data' || !p) return { field, level, weight: 0 };
  let weight = log2(p.m[level] / p.u[level]);
  // A near agreement never weighs more than an exact one (rare levels' u are barely measured).
  if (level === 'partial_match') weight = Math.min(weight, log2(p.m.match / p.u.match));
  if (level === 'match' && termCount !== undefined && termCount > 1) {
    weight -= log2(termCount);
    return { field, level, weight: round(weight), term_count: termCount };
  }
  return { field, level, weight: round(weight) };
}

/** The weight of a compared pair, and each field's part in it. */
export function matchWeight(
  analysis: MatchAnalysis,
  counts: TermCounts = {},
  threshold = 0,
  scope: 'network' | 'duplicates' = 'network',
  data: WeightsData = WEIGHTS_DATA,
): MatchWeight {
  const prior = round(log2(data.prior / (1 - data.prior)));
  const fields = MATCH_FIELDS.map((field) => fieldWeight(field, fieldCode(analysis, field), counts[field], data));
  const weight = round(fields.reduce((sum, f) => sum + f.weight, prior));
  return { prior, fields, weight, probability: 2 ** weight / (1 + 2 ** weight), threshold, guard: guardOf(analysis, scope) };
}

/**
 * Guard rules: pairs the weight alone would take that are known to be different people.
 * - `given_name_differs`: twins, and household members (one home, one home line, a joint
 *   account) share nearly everything but the given name. A wholly different name counts only
 *   with the birth date and a document or mailbox of one person (a name changed at marriage);
 *   within one program (duplicates) also with two of mailbox, document and home line (a
 *   re-registration under another name keeps them; across the network a couple may share a
 *   mailbox and a home line).
 * - `birth_date_differs`: a parent and child (Jr./Sr.) share name and address, namesakes the
 *   name; their birth dates disagree beyond a keying slip. Only the same document, or the same
 *   mailbox (one person's, never a family's) where the documents do not disagree too,
 *   overrides: a birth date mistyped in its decade. Within one program also two of a person's
 *   own identifiers each at most a keying slip away (mailbox or document agreeing at least
 *   nearly, a phone or an account one digit off): one person typing again, where a parent and
 *   child share a home line or an account exactly, never nearly.
 * - `birth_date_unknown`: with a birth date on one side only, name and home (and the home's
 *   phone, network or joint account) are what a parent and child share: it takes a document
 *   or a mailbox, which are one person's, to agree at least nearly. Within one program
 *   (duplicates) a phone or an account that agrees exactly also counts, as the duplicate
 *   rules let it: a member who re-registers keeps them.
 */
export type Guard = 'given_name_differs' | 'birth_date_differs' | 'birth_date_unknown';
export function guardOf(analysis: MatchAnalysis, scope: 'network' | 'duplicates' = 'network'): Guard | null {
  const code = (field: MatchField) => fieldCode(analysis, field);
  const near = (field: MatchField) => code(field) === 'match' || code(field) === 'partial_match';
  const slipped = (field: MatchField) => code(field) === 'partial_match';
  const count = (...facts: boolean[]) => facts.filter(Boolean).length;
  const inProgram = scope === 'duplicates';
  const document = code('id_number') === 'match';
  const mailbox = code('email_address') === 'match';
  const homeLine = code('phone_number') === 'match';
  const jointAccount = code('depository_accounts') === 'match';

  const renamed = (code('date_of_birth') === 'match' && (document || mailbox)) || (inProgram && count(mailbox, document, homeLine) >= 2);
  if (code('name') === 'no_match' && !renamed) return 'given_name_differs';
  const retyped = inProgram && count(near('email_address'), near('id_number'), slipped('phone_number'), slipped('depository_accounts')) >= 2;
  if (code('date_of_birth') === 'no_match' && !document && !(mailbox && code('id_number') !== 'no_match') && !retyped) return 'birth_date_differs';
  const household = inProgram && (homeLine || jointAccount);
  if (code('date_of_birth') === 'no_data' && !near('id_number') && !near('email_address') && !household) return 'birth_date_unknown';
  return null;
}

/** Network matching (own and other members' reports): a weight of at least this many bits of
 * log-odds, and no guard. An exact name and birth date with nothing else to compare weigh
 * about 31 (less where the pair is common): across a network that is not one person, as the
 * rules before weights held; with an address, a contact point or a document agreeing even
 * nearly, it is. Chosen on `npm run eval:matching:offline -- --sweep` (seed 1; the weights
 * were fitted on seed 7): the lowest threshold with no hard negative flagged. */
export const NETWORK_THRESHOLD = 36;
/** The default threshold of a program that decides duplicates by weight: within one program
 * a name and birth date are enough, as the default rules hold; a common name with a birth
 * date one slip away and nothing else agreeing (two Richard Thompsons born a day apart)
 * weighs 11–15 and is not. Chosen on the sweep (seeds 1–3): the lowest threshold at which
 * all three keep precision ≥ 0.999. */
export const DEFAULT_DUPLICATE_THRESHOLD = 16;

/** Whether a weighed pair is a match at `threshold`: at or above it, and no guard holds. */
export function decides(weight: MatchWeight): boolean {
  return weight.guard === null && weight.weight >= weight.threshold;
}

/** A duplicate decided by weight (a program's weighted setting). */
export function duplicateWeight(analysis: MatchAnalysis, counts: TermCounts, threshold: number): MatchWeight {
  return matchWeight(analysis, counts, threshold, 'duplicates');
}

/** The network's decision on a compared pair. */
export function networkWeight(analysis: MatchAnalysis, counts: TermCounts = {}): MatchWeight {
  return matchWeight(analysis, counts, NETWORK_THRESHOLD);
}

/** A row of a waterfall display of a stored weight: the prior, each field that moved the
 * weight, and the total, each with where the running sum stands after it. */
export interface WeightRow {
  label: string;
  level: MatchCode | null;
  weight: number;
  cumulative: number;
  term_count?: number;
}
export function weightRows(stored: MatchWeight): WeightRow[] {
  const rows: WeightRow[] = [{ label: 'prior', level: null, weight: stored.prior, cumulative: stored.prior }];
  let sum = stored.prior;
  for (const f of stored.fields) {
    if (f.weight === 0) continue;
    sum = round(sum + f.weight);
    rows.push({ label: f.field, level: f.level, weight: f.weight, cumulative: sum, ...(f.term_count ? { term_count: f.term_count } : {}) });
  }
  rows.push({ label: 'total', level: null, weight: stored.weight, cumulative: stored.weight });
  return rows;
}
