/** The pairs a check compares, as the program's Durable Object makes them: records inserted
 * one by one into an in-memory blocking index; each insert compares the record with the
 * earlier records that share a key. Each pair comes with its term counts (weights.ts): per
 * field, how many earlier records carry the shared key — what `key_counts` says at the check. */
import { fieldBlockingKeysOf, termCountsOf } from '../src/matching/blocking-keys';
import { compareNormalised, normaliseIdentity, type MatchAnalysis, type NormalisedIdentity } from '../src/matching/compare';
import type { TermCounts } from '../src/matching/weights';
import type { LabelledRecord } from './generate';

export interface ComparedPair {
  i: number;
  j: number;
  analysis: MatchAnalysis;
  counts: TermCounts;
}

export const pairKey = (i: number, j: number) => (i < j ? `${i}:${j}` : `${j}:${i}`);

/** Every compared pair, in insertion order; `onCheck` sees each check's pairs and its time. */
export function comparedPairs(records: LabelledRecord[], normalised: NormalisedIdentity[], onCheck?: (i: number, pairs: ComparedPair[], ms: number) => void) {
  const index = new Map<string, number[]>();
  const all: ComparedPair[] = [];
  for (let i = 0; i < records.length; i++) {
    const t0 = performance.now();
    const fieldOf = fieldBlockingKeysOf(normaliseIdentity(records[i]!.identity)); // as the service would, from the identity
    const keys = [...fieldOf.keys()];
    const sharedWith = new Map<number, string[]>();
    for (const key of keys) for (const j of index.get(key) ?? []) sharedWith.set(j, [...(sharedWith.get(j) ?? []), key]);
    const pairs: ComparedPair[] = [];
    for (const [j, shared] of sharedWith) {
      const counts = termCountsOf(shared, fieldOf, (key) => index.get(key)?.length);
      pairs.push({ i, j, analysis: compareNormalised(normalised[i]!, normalised[j]!), counts });
    }
    onCheck?.(i, pairs, performance.now() - t0);
    all.push(...pairs);
    for (const key of keys) {
      const bucket = index.get(key);
      if (bucket) bucket.push(i);
      else index.set(key, [i]);
    }
  }
  return { pairs: all, index };
}

/** Each person's records, by index. */
export function byPersonOf(records: LabelledRecord[]): Map<string, number[]> {
  const byPerson = new Map<string, number[]>();
  records.forEach((r, i) => byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), i]));
  return byPerson;
}

/** Pairs of records of the same person. */
export function truePairsOf(records: LabelledRecord[]): Set<string> {
  const byPerson = byPersonOf(records);
  const truePairs = new Set<string>();
  for (const group of byPerson.values()) {
    for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length; y++) truePairs.add(pairKey(group[x]!, group[y]!));
  }
  return truePairs;
}

export const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
export const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
export const f4 = (x: number) => x.toFixed(4);

/** Precision, recall and F1 of `tp` correct among `found` detected, `all` to find. */
export function prf(tp: number, found: number, all: number) {
  const precision = ratio(tp, found);
  const recall = ratio(tp, all);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
}

/** A decision's figures per kind of record: precision, recall and F1 over the pairs that
 * involve a record of the kind (`i:j` or `r>u` keys), and the kind's records in a false pair
 * (`flagged`) — for a hard-negative kind, which has no true pair, the false-flag rate. */
export function scoreByKind(records: LabelledRecord[], detected: string[], truth: Set<string>, flagged: Set<number>) {
  const kindsOf = (key: string) => key.split(/[:>]/).map((i) => records[Number(i)]!.kind);
  const counts = new Map<string, { records: number; flagged: number; true_pairs: number; detected: number; correct: number }>();
  const of = (kind: string) => counts.get(kind) ?? counts.set(kind, { records: 0, flagged: 0, true_pairs: 0, detected: 0, correct: 0 }).get(kind)!;
  records.forEach((r, i) => {
    const c = of(r.kind);
    c.records++;
    if (flagged.has(i)) c.flagged++;
  });
  for (const key of truth) for (const kind of new Set(kindsOf(key))) of(kind).true_pairs++;
  for (const key of detected) {
    for (const kind of new Set(kindsOf(key))) {
      of(kind).detected++;
      if (truth.has(key)) of(kind).correct++;
    }
  }
  return Object.fromEntries([...counts].map(([kind, c]) => [kind, { ...c, ...prf(c.correct, c.detected, c.true_pairs), false_flag_rate: ratio(c.flagged, c.records) }]));
}

/** The per-kind figures of several decisions, as one markdown table: precision / recall / F1
 * where the kind has true pairs; its records in a false pair in every case. */
export function printByKind(decisions: Record<string, { by_kind: ReturnType<typeof scoreByKind> }>) {
  const names = Object.keys(decisions);
  console.log('By kind of record (a pair counts for the kind of each of its records): precision / recall / F1 where it has true pairs; records of the kind in a false pair');
  console.log(`| kind | records | true pairs | ${names.join(' | ')} |`);
  console.log(`| --- | --- | --- | ${names.map(() => '---').join(' | ')} |`);
  const first = Object.values(decisions)[0]!.by_kind;
  for (const [kind, any] of Object.entries(first)) {
    const cells = names.map((name) => {
      const k = decisions[name]!.by_kind[kind]!;
      const scores = k.true_pairs ? `P ${f4(k.precision)} R ${f4(k.recall)} F1 ${f4(k.f1)}; ` : `P ${k.detected ? f4(k.precision) : '—'}; `;
      return `${scores}flagged ${k.flagged} (${pct(k.false_flag_rate)})`;
    });
    console.log(`| ${kind} | ${any.records} | ${any.true_pairs} | ${cells.join(' | ')} |`);
  }
}
