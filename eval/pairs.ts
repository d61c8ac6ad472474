/** The pairs a check compares, as the program's Durable Object makes them: records inserted
 * one by one into an in-memory blocking index; each insert compares the record with the
 * earlier records that share a key. Each pair comes with its term counts (weights.ts): per
 * field, how many earlier records carry the shared key — what `key_counts` says at the check. */
import { blockingKeysOf, fieldBlockingKeysOf, termCountsOf } from '../src/matching/blocking-keys';
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

/** Pairs of records of the same person. */
export function truePairsOf(records: LabelledRecord[]): Set<string> {
  const byPerson = new Map<string, number[]>();
  records.forEach((r, i) => byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), i]));
  const truePairs = new Set<string>();
  for (const group of byPerson.values()) {
    for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length; y++) truePairs.add(pairKey(group[x]!, group[y]!));
  }
  return truePairs;
}

export { blockingKeysOf };
