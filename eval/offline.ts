/**
 * Offline evaluation of the matching engine: no API, no storage. Records from the labelled
 * generator are inserted one by one into an in-memory blocking index; each insert is a
 * check (candidates by shared keys → compare → decide), as the program's Durable Object does
 * it. Every compared pair is decided four ways, side by side: duplicates by the default rules
 * and by weight (a program's weighted setting), the network by its rules (before issue 12) and
 * by weight with its guards (now).
 *
 *   npm run eval:matching:offline -- [--people 10000] [--seed 1] [--disguise-rate 0.02] [--examples 5] [--json] [--sweep]
 */
import { parseArgs } from 'node:util';
import { blockingKeysOf, MAX_BLOCKING_KEYS } from '../src/matching/blocking-keys';
import { compareNormalised, normaliseIdentity, toMatchSummaryAnalysis, type NormalisedIdentity } from '../src/matching/compare';
import { matchingRule, NETWORK_RULES } from '../src/matching/rules';
import { decides, DEFAULT_DUPLICATE_THRESHOLD, duplicateWeight, matchWeight, type MatchWeight, NETWORK_THRESHOLD, networkWeight } from '../src/matching/weights';
import { DEFAULT_DUPLICATE_RULES } from '../src/matching/settings';
import { generateDataset, HARD_NEGATIVE_KINDS, type LabelledRecord } from './generate';
import { comparedPairs, f4, pairKey, pct, prf, printByKind, ratio, scoreByKind, truePairsOf, type ComparedPair } from './pairs';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    examples: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
    sweep: { type: 'boolean', default: false },
    'disguise-rate': { type: 'string', default: '0.02' },
  },
});
const people = Number(args.people);
const seed = Number(args.seed);
const examples = Number(args.examples);

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const started = performance.now();
const { records } = generateDataset({ seed, people, disguiseRate: Number(args['disguise-rate']) });
const generatedMs = performance.now() - started;
const normalised: NormalisedIdentity[] = records.map((r) => normaliseIdentity(r.identity));
const keysOf: string[][] = normalised.map(blockingKeysOf);

// ---- The checks, in insertion order ----
const candidateCounts: number[] = [];
const checkMs: number[] = [];
const { pairs, index } = comparedPairs(records, normalised, (_, checked, ms) => {
  checkMs.push(ms);
  candidateCounts.push(checked.length);
});
const truePairs = truePairsOf(records);
const isHardNegative = (r: LabelledRecord) => HARD_NEGATIVE_KINDS.includes(r.kind);
const hard = records.map((r, i) => [r, i] as const).filter(([r]) => isHardNegative(r));

type Decision = (pair: ComparedPair) => boolean;
const decisions: Record<string, Decision> = {
  'duplicates, default rules': (p) => matchingRule(p.analysis, DEFAULT_DUPLICATE_RULES) !== null,
  [`duplicates, weights ≥ ${DEFAULT_DUPLICATE_THRESHOLD}`]: (p) => decides(duplicateWeight(p.analysis, p.counts, DEFAULT_DUPLICATE_THRESHOLD)),
  'network, rules (before)': (p) => matchingRule(p.analysis, NETWORK_RULES) !== null,
  [`network, weights ≥ ${NETWORK_THRESHOLD} + guards`]: (p) => decides(networkWeight(p.analysis, p.counts)),
};

/** Precision, recall and F1 of a decision, overall and per kind of record (eval/pairs.ts). */
function measure(decide: Decision) {
  const detected = pairs.filter(decide);
  const correct = detected.filter((p) => truePairs.has(pairKey(p.i, p.j)));
  const falsePairs = detected.filter((p) => !truePairs.has(pairKey(p.i, p.j)));
  const flagged = new Set(falsePairs.flatMap((p) => [p.i, p.j]));
  const correctKeys = new Set(correct.map((p) => pairKey(p.i, p.j)));
  const hardFlagged = hard.filter(([, i]) => flagged.has(i)).length;
  return {
    detected: detected.length,
    correct: correct.length,
    ...prf(correct.length, detected.length, truePairs.size),
    hard_negatives_flagged: hardFlagged,
    hard_negative_false_flag_rate: ratio(hardFlagged, hard.length),
    by_kind: scoreByKind(
      records,
      detected.map((p) => pairKey(p.i, p.j)),
      truePairs,
      flagged,
    ),
    falsePairs,
    missed: [...truePairs].filter((k) => !correctKeys.has(k)),
  };
}
const results = Object.fromEntries(Object.entries(decisions).map(([name, decide]) => [name, measure(decide)]));

// ---- Blocking recall, against an exact enumeration independent of the keys ----
// Every rule lists a field whose `partial_match` or `match` implies equality of something
// simple (a mailbox, a phone, an id, an account, two of the three parts of a birth date, a
// house number in a locality). Pairs sharing such a value are enumerated exhaustively here
// and tested against all rules; a pair that satisfies a rule must be among them.
const allRules = [...DEFAULT_DUPLICATE_RULES, ...NETWORK_RULES];
const anchors = new Map<string, number[]>();
const anchor = (key: string, i: number) => anchors.set(key, [...(anchors.get(key) ?? []), i]);
const anchoredFields = new Set(['date_of_birth', 'email_address', 'phone_number', 'id_number', 'depository_accounts', 'address']);
for (const rule of allRules) {
  const fields = Object.keys(rule);
  if (!fields.some((f) => anchoredFields.has(f)) || (rule.email_address === 'partial_match' && fields.length === 2)) {
    throw new Error(`cannot enumerate pairs for rule ${JSON.stringify(rule)}`);
  }
}
normalised.forEach((n, i) => {
  if (n.email_address) anchor(`e:${n.email_address.mailbox}`, i);
  if (n.phone_number) anchor(`p:${n.phone_number}`, i);
  if (n.id_number) anchor(`i:${n.id_number.type}:${n.id_number.value}`, i);
  for (const a of n.depository_accounts) anchor(`a:${a.routing}:${a.account}`, i);
  const d = n.date_of_birth;
  if (d) {
    anchor(`ym:${d.year}-${d.month}`, i);
    anchor(`yd:${d.year}-${d.day}`, i);
    anchor(`md:${d.month}-${d.day}`, i);
    anchor(`ys:${d.year}-${[d.month, d.day].sort().join('-')}`, i);
  }
  const ad = n.address;
  if (ad) {
    anchor(`hc:${ad.country}:${ad.number}:${ad.city}`, i);
    if (ad.postal) anchor(`hp:${ad.country}:${ad.number}:${ad.postal}`, i);
  }
});
const ruleSatisfying = new Set<string>();
const shared = new Set<string>();
for (const group of anchors.values()) {
  for (let x = 0; x < group.length; x++) {
    for (let y = x + 1; y < group.length; y++) {
      const [i, j] = [group[x]!, group[y]!];
      const key = pairKey(i, j);
      if (ruleSatisfying.has(key) || i === j) continue;
      if (matchingRule(compareNormalised(normalised[i]!, normalised[j]!), allRules)) {
        ruleSatisfying.add(key);
        if (keysOf[i]!.some((k) => keysOf[j]!.includes(k))) shared.add(key);
      }
    }
  }
}
const blockingRecall = ratio(shared.size, ruleSatisfying.size);

// ---- Key selectivity ----
const keyCounts = keysOf.map((k) => k.length);
const largest = new Map<string, number>();
for (const [key, bucket] of index) {
  const kind = key.slice(0, key.indexOf(':'));
  largest.set(kind, Math.max(largest.get(kind) ?? 0, bucket.length));
}

const sortedMs = [...checkMs].sort((a, b) => a - b);
const sortedCandidates = [...candidateCounts].sort((a, b) => a - b);
const strip = ({ falsePairs: _f, missed: _m, ...figures }: ReturnType<typeof measure>) => figures;
const report = {
  people,
  seed,
  records: records.length,
  hard_negatives: hard.length,
  true_pairs: truePairs.size,
  compared_pairs: pairs.length,
  decisions: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, strip(r)])),
  blocking_recall: blockingRecall,
  rule_satisfying_pairs: ruleSatisfying.size,
  keys_per_identity: { mean: keyCounts.reduce((a, b) => a + b, 0) / keyCounts.length, max: Math.max(...keyCounts), limit: MAX_BLOCKING_KEYS },
  candidates_per_check: { mean: candidateCounts.reduce((a, b) => a + b, 0) / candidateCounts.length, p99: quantile(sortedCandidates, 0.99), max: sortedCandidates.at(-1) ?? 0 },
  ms_per_check: { mean: checkMs.reduce((a, b) => a + b, 0) / checkMs.length, p50: quantile(sortedMs, 0.5), p99: quantile(sortedMs, 0.99), max: sortedMs.at(-1) ?? 0 },
  largest_key_bucket: Object.fromEntries([...largest].sort()),
  generate_ms: generatedMs,
};

if (args.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(
    `Matching, offline — ${people} people (seed ${seed}): ${records.length} records, ${hard.length} hard negatives, ${truePairs.size} true pairs, ${pairs.length} compared pairs`,
  );
  console.log('');
  console.log('| decision | precision | recall | F1 | hard-negative false-flag rate |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `| ${name} | ${f4(r.precision)} (${r.correct} / ${r.detected}) | ${f4(r.recall)} (${r.correct} / ${truePairs.size}) | ${f4(r.f1)} | ${pct(r.hard_negative_false_flag_rate)} (${r.hard_negatives_flagged} / ${hard.length}) |`,
    );
  }
  console.log('');
  printByKind(results);
  console.log('');
  console.log(`Blocking recall (pairs satisfying a default or network rule that share a key): ${pct(blockingRecall)} (${shared.size} / ${ruleSatisfying.size})`);
  console.log(
    `Keys per identity: mean ${report.keys_per_identity.mean.toFixed(1)}, max ${report.keys_per_identity.max}; candidates per check: mean ${report.candidates_per_check.mean.toFixed(2)}, p99 ${report.candidates_per_check.p99}, max ${report.candidates_per_check.max}`,
  );
  console.log(
    `Time per check (keys, lookups, compare): mean ${report.ms_per_check.mean.toFixed(3)} ms, p50 ${report.ms_per_check.p50.toFixed(3)} ms, p99 ${report.ms_per_check.p99.toFixed(3)} ms`,
  );
  console.log(
    `Largest key bucket, by kind of key: ${[...largest]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}

if (args.sweep) {
  const sweep = (title: string, thresholds: number[], weigh: (p: ComparedPair, threshold: number) => MatchWeight) => {
    console.log(`\nThreshold sweep (${title}, weights + guards): threshold, precision, recall, F1, hard negatives flagged`);
    for (const t of thresholds) {
      const r = measure((p) => decides(weigh(p, t)));
      console.log(`  ${String(t).padStart(3)}  P ${r.precision.toFixed(4)}  R ${r.recall.toFixed(4)}  F1 ${r.f1.toFixed(4)}  hard ${r.hard_negatives_flagged}`);
    }
  };
  const steps = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
  sweep('network', steps(0, 48, 4), (p, t) => matchWeight(p.analysis, p.counts, t));
  sweep('duplicates', steps(6, 30, 2), (p, t) => duplicateWeight(p.analysis, p.counts, t));
}

if (examples > 0) {
  const show = (title: string, list: [number, number][]) => {
    console.log(`\n${title}`);
    for (const [i, j] of list.slice(0, examples)) {
      const [a, b] = [records[i]!, records[j]!];
      const analysis = compareNormalised(normalised[i]!, normalised[j]!);
      console.log(
        `- ${a.kind}${a.corruptions.length ? `(${a.corruptions.join(',')})` : ''} vs ${b.kind}${b.corruptions.length ? `(${b.corruptions.join(',')})` : ''}: weight ${matchWeight(analysis).weight}`,
      );
      console.log(`  ${JSON.stringify(toMatchSummaryAnalysis(analysis))}`);
      console.log(`  a: ${JSON.stringify({ ...a.identity, depository_accounts: a.identity.depository_accounts.length })}`);
      console.log(`  b: ${JSON.stringify({ ...b.identity, depository_accounts: b.identity.depository_accounts.length })}`);
    }
  };
  const split = (k: string) => k.split(':').map(Number) as [number, number];
  for (const [name, r] of Object.entries(results)) {
    show(
      `False pairs — ${name}:`,
      r.falsePairs.map((p) => [p.i, p.j]),
    );
    show(`Missed pairs — ${name}:`, r.missed.map(split));
  }
  const unblocked = [...ruleSatisfying].filter((k) => !shared.has(k)).map(split);
  show('Rule-satisfying pairs that share no key:', unblocked);
}
