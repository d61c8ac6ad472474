/**
 * Offline evaluation of the matching engine: no API, no storage. Records from the labelled
 * generator are inserted one by one into an in-memory blocking index; each insert is a
 * duplicate check (candidates by shared keys → compare → rules), as the program's Durable
 * Object does it.
 *
 *   npm run eval:matching:offline -- [--people 10000] [--seed 1] [--examples 5] [--json]
 */
import { parseArgs } from 'node:util';
import { blockingKeysOf, MAX_BLOCKING_KEYS } from '../src/matching/blocking-keys';
import type { MatchRule } from '../src/matching/codes';
import { compareNormalised, normaliseIdentity, toMatchSummaryAnalysis, type NormalisedIdentity } from '../src/matching/compare';
import { matchingRule, NETWORK_RULES } from '../src/matching/rules';
import { DEFAULT_DUPLICATE_RULES } from './default-rules';
import { generateDataset, HARD_NEGATIVE_KINDS, type LabelledRecord } from './generate';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    examples: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const people = Number(args.people);
const seed = Number(args.seed);
const examples = Number(args.examples);

const pairKey = (i: number, j: number) => (i < j ? `${i}:${j}` : `${j}:${i}`);
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const started = performance.now();
const { records } = generateDataset({ seed, people });
const generatedMs = performance.now() - started;
const normalised: NormalisedIdentity[] = records.map((r) => normaliseIdentity(r.identity));
const keysOf: string[][] = normalised.map(blockingKeysOf);

// ---- The duplicate checks, in insertion order ----
const index = new Map<string, number[]>();
const detected = new Map<string, MatchRule>();
const candidateCounts: number[] = [];
const checkMs: number[] = [];
for (let i = 0; i < records.length; i++) {
  const t0 = performance.now();
  const keys = blockingKeysOf(normaliseIdentity(records[i]!.identity)); // as the service would, from the identity
  const candidates = new Set<number>();
  for (const key of keys) for (const j of index.get(key) ?? []) candidates.add(j);
  for (const j of candidates) {
    const rule = matchingRule(compareNormalised(normalised[i]!, normalised[j]!), DEFAULT_DUPLICATE_RULES);
    if (rule) detected.set(pairKey(i, j), rule);
  }
  checkMs.push(performance.now() - t0);
  candidateCounts.push(candidates.size);
  for (const key of keys) {
    const bucket = index.get(key);
    if (bucket) bucket.push(i);
    else index.set(key, [i]);
  }
}

// ---- Truth: pairs of records of the same person ----
const byPerson = new Map<string, number[]>();
records.forEach((r, i) => byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), i]));
const truePairs = new Set<string>();
for (const group of byPerson.values()) {
  for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length; y++) truePairs.add(pairKey(group[x]!, group[y]!));
}
let tp = 0;
const falsePairs: [number, number][] = [];
for (const key of detected.keys()) {
  if (truePairs.has(key)) tp++;
  else falsePairs.push(key.split(':').map(Number) as [number, number]);
}
const precision = ratio(tp, detected.size);
const recall = ratio(tp, truePairs.size);
const f1 = (2 * precision * recall) / (precision + recall || 1);

// ---- Hard negatives wrongly flagged ----
const isHardNegative = (r: LabelledRecord) => HARD_NEGATIVE_KINDS.includes(r.kind);
const flagged = new Set<number>();
for (const [i, j] of falsePairs) {
  flagged.add(i);
  flagged.add(j);
}
const byKind = new Map<string, { total: number; flagged: number }>();
for (const [i, r] of records.entries()) {
  const k = byKind.get(r.kind) ?? { total: 0, flagged: 0 };
  k.total++;
  if (flagged.has(i)) k.flagged++;
  byKind.set(r.kind, k);
}
const hard = records.map((r, i) => [r, i] as const).filter(([r]) => isHardNegative(r));
const hardFlagged = hard.filter(([, i]) => flagged.has(i)).length;

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
const report = {
  people,
  seed,
  records: records.length,
  hard_negatives: hard.length,
  true_pairs: truePairs.size,
  detected_pairs: detected.size,
  precision,
  recall,
  f1,
  hard_negative_false_duplicate_rate: ratio(hardFlagged, hard.length),
  blocking_recall: blockingRecall,
  rule_satisfying_pairs: ruleSatisfying.size,
  keys_per_identity: { mean: keyCounts.reduce((a, b) => a + b, 0) / keyCounts.length, max: Math.max(...keyCounts), limit: MAX_BLOCKING_KEYS },
  candidates_per_check: { mean: candidateCounts.reduce((a, b) => a + b, 0) / candidateCounts.length, p99: quantile(sortedCandidates, 0.99), max: sortedCandidates.at(-1) ?? 0 },
  ms_per_check: { mean: checkMs.reduce((a, b) => a + b, 0) / checkMs.length, p50: quantile(sortedMs, 0.5), p99: quantile(sortedMs, 0.99), max: sortedMs.at(-1) ?? 0 },
  largest_key_bucket: Object.fromEntries([...largest].sort()),
  by_kind: Object.fromEntries([...byKind].map(([k, v]) => [k, { ...v, rate: ratio(v.flagged, v.total) }])),
  generate_ms: generatedMs,
};

if (args.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`Matching, offline — ${people} people (seed ${seed}): ${records.length} records, ${hard.length} hard negatives, ${truePairs.size} true duplicate pairs`);
  console.log('');
  console.log('| measure | value |');
  console.log('| --- | --- |');
  console.log(`| precision | ${report.precision.toFixed(4)} (${tp} / ${detected.size}) |`);
  console.log(`| recall | ${report.recall.toFixed(4)} (${tp} / ${truePairs.size}) |`);
  console.log(`| F1 | ${report.f1.toFixed(4)} |`);
  console.log(`| hard-negative false-duplicate rate | ${pct(report.hard_negative_false_duplicate_rate)} (${hardFlagged} / ${hard.length}) |`);
  console.log(`| blocking recall (pairs satisfying a default or network rule that share a key) | ${pct(blockingRecall)} (${shared.size} / ${ruleSatisfying.size}) |`);
  console.log(`| keys per identity | mean ${report.keys_per_identity.mean.toFixed(1)}, max ${report.keys_per_identity.max} |`);
  console.log(`| candidates per check | mean ${report.candidates_per_check.mean.toFixed(2)}, p99 ${report.candidates_per_check.p99}, max ${report.candidates_per_check.max} |`);
  console.log(
    `| time per check (keys + lookups + compare + rules) | mean ${report.ms_per_check.mean.toFixed(3)} ms, p50 ${report.ms_per_check.p50.toFixed(3)} ms, p99 ${report.ms_per_check.p99.toFixed(3)} ms |`,
  );
  console.log('');
  console.log('Flagged as a duplicate of another person, by kind of record:');
  for (const [kind, v] of byKind) console.log(`  ${kind.padEnd(18)} ${String(v.flagged).padStart(5)} / ${String(v.total).padStart(6)}  ${pct(ratio(v.flagged, v.total))}`);
  console.log(
    `Largest key bucket, by kind of key: ${[...largest]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}

if (examples > 0) {
  const show = (title: string, pairs: [number, number][]) => {
    console.log(`\n${title}`);
    for (const [i, j] of pairs.slice(0, examples)) {
      const [a, b] = [records[i]!, records[j]!];
      console.log(`- ${a.kind}${a.corruptions.length ? `(${a.corruptions.join(',')})` : ''} vs ${b.kind}${b.corruptions.length ? `(${b.corruptions.join(',')})` : ''}`);
      console.log(`  ${JSON.stringify(toMatchSummaryAnalysis(compareNormalised(normalised[i]!, normalised[j]!)))}`);
      console.log(`  a: ${JSON.stringify({ ...a.identity, depository_accounts: a.identity.depository_accounts.length })}`);
      console.log(`  b: ${JSON.stringify({ ...b.identity, depository_accounts: b.identity.depository_accounts.length })}`);
    }
  };
  show('False duplicates:', falsePairs);
  const missed = [...truePairs].filter((k) => !detected.has(k)).map((k) => k.split(':').map(Number) as [number, number]);
  show('Missed duplicates:', missed);
  const unblocked = [...ruleSatisfying].filter((k) => !shared.has(k)).map((k) => k.split(':').map(Number) as [number, number]);
  show('Rule-satisfying pairs that share no key:', unblocked);
}
