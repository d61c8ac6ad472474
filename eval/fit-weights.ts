/**
 * Fits the m and u probabilities of match weights (src/matching/weights.ts) and writes them to
 * src/matching/weights-data.ts, on a dataset of its own (seed 7 by default: the evaluation
 * uses seed 1, so it is not measured on what it was fitted on).
 *
 * - u, P(level | different people): from random pairs of records of different people (as
 *   Splink estimates u), one added to each count so that no level is impossible.
 * - m, P(level | same person): from the generator's labelled true pairs (add-one). An EM fit
 *   on the pairs the checks compare (blocked pairs, unlabelled, u held fixed, as Splink does
 *   on real data) is written beside it for comparison: with u from random pairs it takes
 *   nearly every blocked pair for a match (blocked non-matches share a key, which random pairs
 *   do not), so it is not used.
 * - prior: the labelled share of true pairs among the compared pairs.
 *
 *   npm run eval:fit-weights -- [--people 10000] [--seed 7] [--random-pairs 1000000] [--dry-run]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareNormalised, normaliseIdentity } from '../src/matching/compare';
import { fieldCode, MATCH_FIELDS, type MatchField } from '../src/matching/fields';
import type { WeighedLevel } from '../src/matching/weights';
import { generateDataset } from './generate';
import { comparedPairs, pairKey, truePairsOf } from './pairs';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '7' },
    'random-pairs': { type: 'string', default: '1000000' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const LEVELS: WeighedLevel[] = ['match', 'partial_match', 'no_match'];
type Levels = Record<MatchField, Record<WeighedLevel, number>>;
const zero = (): Levels => Object.fromEntries(MATCH_FIELDS.map((f) => [f, { match: 0, partial_match: 0, no_match: 0 }])) as Levels;
const normaliseRows = (counts: Levels, plusOne: boolean): Levels =>
  Object.fromEntries(
    MATCH_FIELDS.map((f) => {
      const c = counts[f];
      const total = LEVELS.reduce((s, l) => s + c[l] + (plusOne ? 1 : 0), 0);
      return [f, Object.fromEntries(LEVELS.map((l) => [l, (c[l] + (plusOne ? 1 : 0)) / (total || 1)]))];
    }),
  ) as Levels;

const { records } = generateDataset({ seed: Number(args.seed), people: Number(args.people) });
const normalised = records.map((r) => normaliseIdentity(r.identity));
const levelsOf = (i: number, j: number) => {
  const analysis = compareNormalised(normalised[i]!, normalised[j]!);
  return MATCH_FIELDS.map((f) => fieldCode(analysis, f));
};

// u: random pairs of different people.
let state = Number(args.seed) * 2654435761;
const random = () => (state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32;
const uCounts = zero();
for (let n = 0; n < Number(args['random-pairs']); ) {
  const [i, j] = [Math.floor(random() * records.length), Math.floor(random() * records.length)];
  if (records[i]!.personId === records[j]!.personId) continue;
  levelsOf(i, j).forEach((level, k) => level !== 'no_data' && uCounts[MATCH_FIELDS[k]!][level]++);
  n++;
}
const u = normaliseRows(uCounts, true);

// The compared (blocked) pairs, and the labelled m from every pair of one person.
const { pairs } = comparedPairs(records, normalised);
const truth = truePairsOf(records);
const mCounts = zero();
for (const key of truth) {
  const [i, j] = key.split(':').map(Number) as [number, number];
  levelsOf(i, j).forEach((level, k) => level !== 'no_data' && mCounts[MATCH_FIELDS[k]!][level]++);
}
const mLabelled = normaliseRows(mCounts, true);

// EM over the compared pairs, u fixed.
const pairLevels = pairs.map((p) => MATCH_FIELDS.map((f) => fieldCode(p.analysis, f)));
// Start: agreement likely, near misses and disagreements rare.
let m = Object.fromEntries(MATCH_FIELDS.map((f) => [f, { match: 0.9, partial_match: 0.05, no_match: 0.05 }])) as typeof mLabelled;
let prior = 0.5;
for (let iteration = 0; iteration < 50; iteration++) {
  const counts = zero();
  let matches = 0;
  for (const levels of pairLevels) {
    let odds = prior / (1 - prior);
    levels.forEach((level, k) => {
      if (level !== 'no_data') odds *= m[MATCH_FIELDS[k]!][level] / u[MATCH_FIELDS[k]!][level];
    });
    const p = odds / (1 + odds);
    matches += p;
    levels.forEach((level, k) => level !== 'no_data' && (counts[MATCH_FIELDS[k]!][level] += p));
  }
  prior = matches / pairLevels.length;
  m = normaliseRows(counts, false);
  // A level never seen among matches keeps a small probability rather than none.
  for (const f of MATCH_FIELDS) for (const l of LEVELS) m[f][l] = Math.max(m[f][l], 1e-4);
}
const truePairsCompared = pairs.filter((p) => truth.has(pairKey(p.i, p.j))).length;

const r6 = (x: number) => Number(x.toPrecision(6));
const table = (x: Levels) => Object.fromEntries(MATCH_FIELDS.map((f) => [f, Object.fromEntries(LEVELS.map((l) => [l, r6(x[f][l])]))]));
const fields = Object.fromEntries(MATCH_FIELDS.map((f) => [f, { m: table(mLabelled)[f], u: table(u)[f] }]));
const labelledPrior = truePairsCompared / pairs.length;
const source = `/** m and u probabilities of match weights (weights.ts), and the prior. Written by
 * \`npm run eval:fit-weights -- --people ${args.people} --seed ${args.seed} --random-pairs ${args['random-pairs']}\` (eval/fit-weights.ts):
 * u from ${Number(args['random-pairs']).toLocaleString('en')} random pairs of different people of the labelled generator
 * (add-one); m from its ${truth.size.toLocaleString('en')} labelled true pairs (add-one); the prior is the share of true
 * pairs among the ${pairs.length.toLocaleString('en')} pairs its checks compare. An EM fit (m and prior, u fixed) over the
 * compared pairs is kept for comparison (prior ${r6(prior)}). Do not edit by hand. */
import type { WeightsData } from './weights';

export const WEIGHTS_DATA: WeightsData = ${JSON.stringify({ prior: r6(labelledPrior), fields }, null, 2)};

/** For comparison only: m by EM over the compared pairs. */
export const EM_M = ${JSON.stringify(table(m), null, 2)};
`;
if (!args['dry-run']) writeFileSync(new URL('../src/matching/weights-data.ts', import.meta.url), source);
console.log(source);
