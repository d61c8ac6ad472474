/**
 * Matching evaluated through the API of a local Worker (`wrangler dev`, fresh database).
 *
 * - Network: the original record of some people (`--reported`, those that hard negatives are
 *   built on first) is created in a program of its own and reported. The dataset is then
 *   loaded with /beacon/user/create into a second program of the same member, so that each
 *   create's check 2 (own reports: the network's decision, by weight with its guards) meets
 *   the reports, and each syndication names its report. A pair (reported record, loaded
 *   record) is correct iff both are the same person; the loaded copy of the reported record
 *   itself is left out. Beside it, the network's rules before weights on the same pairs,
 *   in-process (the Worker no longer runs them).
 * - Duplicates: the same load, in that program (default rules) and in a third program that
 *   decides duplicates by weight; the pairs are read back from DUPLICATE_DETECTED events and
 *   /beacon/duplicate/get.
 *
 * Reports precision, recall and F1, and the hard-negative false-flag rate, as the offline
 * evaluation defines them.
 *
 *   npm run eval:matching -- [--people 10000] [--seed 1] [--reported 2000] [--concurrency 8] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalWorker } from '../scripts/local-worker.mjs';
import { TEST_SECRETS } from '../test/secrets';
import { compareNormalised, normaliseIdentity } from '../src/matching/compare';
import { matchingRule, NETWORK_RULES } from '../src/matching/rules';
import { generateDataset, HARD_NEGATIVE_KINDS, type LabelledRecord } from './generate';
import { byPersonOf, pairKey, pct, prf, printByKind, ratio, scoreByKind, truePairsOf } from './pairs';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '8' },
    reported: { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
  },
});

/** Requests per second per client: under the Worker's rate limit of 1000 per 10 s. */
const RATE = 90;

type Json = Record<string, any>;

async function main() {
  const { records } = generateDataset({ seed: Number(args.seed), people: Number(args.people) });
  const state = mkdtempSync(join(tmpdir(), 'beacon-eval-'));
  const worker = await startLocalWorker({ persistTo: state, vars: TEST_SECRETS });
  try {
    const call = client(worker.url);
    const { client_id, secret } = await call.admin('/admin/client/create', { name: 'Matching evaluation' });
    const credentials = { client_id, secret };
    const program = await call.dashboard(credentials, '/dashboard/program/create', { name: 'Evaluation' });
    const reports = await call.dashboard(credentials, '/dashboard/program/create', { name: 'Reported', settings: { duplicate_rules: [] } });
    const weighted = await call.admin('/admin/client/create', { name: 'Matching evaluation, duplicates by weight' });
    const weightedCredentials = { client_id: weighted.client_id, secret: weighted.secret };
    const weightedProgram = await call.dashboard(weightedCredentials, '/dashboard/program/create', { name: 'Weighted', settings: { duplicate_decision: 'weights' } });

    // The reported: the anchors of hard negatives first, then other people, one original each.
    const originals = new Map(records.flatMap((r, i) => (r.kind === 'original' ? [[r.personId, i] as const] : [])));
    const anchors = [...new Set(records.flatMap((r) => (r.anchorPersonId ? [r.anchorPersonId] : [])))];
    const chosen = [...new Set([...anchors, ...originals.keys()])]
      .slice(0, Number(args.reported))
      .map((p) => originals.get(p)!)
      .filter((i) => i !== undefined);
    const reportedUsers = await load(
      call,
      credentials,
      reports.id,
      chosen.map((i) => ({ ...records[i]!, id: `reported-${records[i]!.id}` })),
      Number(args.concurrency),
    );
    const reportOf = new Map<string, number>();
    await paced(chosen.length, Number(args.concurrency), async (k) => {
      const made = await call.api(credentials, '/beacon/report/create', { beacon_user_id: reportedUsers[k]!, type: 'stolen', fraud_date: '2024-03-01' });
      reportOf.set(made.id, chosen[k]!);
    });

    const started = Date.now();
    const [userIds, weightedIds] = await Promise.all([
      load(call, credentials, program.id, records, Number(args.concurrency)),
      load(call, weightedCredentials, weightedProgram.id, records, Number(args.concurrency)),
    ]);
    const loadSeconds = (Date.now() - started) / 1000;

    const recordOf = new Map(userIds.map((id, i) => [id, i]));
    /** The pairs of every Beacon Duplicate a client was told about, as record indexes. */
    const duplicates = async (c: Json, indexOf: Map<string, number>) => {
      const detected = new Set<string>();
      for (const duplicateId of await detectedEvents(call, c, 'DUPLICATE_DETECTED', 'beacon_duplicate_id')) {
        const duplicate = await call.api(c, '/beacon/duplicate/get', { beacon_duplicate_id: duplicateId });
        detected.add(pairKey(indexOf.get(duplicate.beacon_user1.id)!, indexOf.get(duplicate.beacon_user2.id)!));
      }
      return detected;
    };
    const detectedRules = await duplicates(credentials, recordOf);
    const detectedWeights = await duplicates(weightedCredentials, new Map(weightedIds.map((id, i) => [id, i])));

    // Network: each syndication of the evaluation program names its own report.
    const networkPairs = new Set<string>();
    for (const id of await detectedEvents(call, credentials, 'REPORT_SYNDICATION_CREATED', 'beacon_report_syndication_id')) {
      const s = await call.api(credentials, '/beacon/report_syndication/get', { beacon_report_syndication_id: id });
      const user = recordOf.get(s.beacon_user_id);
      const reported = reportOf.get(s.report.id);
      if (user !== undefined && reported !== undefined && user !== reported) networkPairs.add(`${reported}>${user}`);
    }
    report(records, { rules: detectedRules, weights: detectedWeights }, { weights: networkPairs, chosen }, loadSeconds);
  } finally {
    await worker.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

/** Runs `task(0 … count-1)`, `concurrency` at a time, paced under the rate limit. */
async function paced(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const interval = (1000 * concurrency) / RATE;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const began = Date.now();
        await task(i);
        const wait = interval - (Date.now() - began);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
}

/** Creates every record as a Beacon User (in dataset order); returns the user id of each. */
async function load(call: ReturnType<typeof client>, credentials: Json, programId: string, records: LabelledRecord[], concurrency: number) {
  const ids: string[] = new Array(records.length);
  await paced(records.length, concurrency, async (i) => {
    const user = await call.api(credentials, '/beacon/user/create', { program_id: programId, client_user_id: records[i]!.id, user: requestOf(records[i]!) });
    ids[i] = user.id;
  });
  return ids;
}

/** A stored identity as a create request: accounts without their `added_at`. */
function requestOf(record: LabelledRecord) {
  const { depository_accounts, ...rest } = record.identity;
  return { ...rest, depository_accounts: depository_accounts.map(({ account_number, routing_number }) => ({ account_number, routing_number })) };
}

/** The ids named by every event of `code` the client was told about, read from its webhook
 * delivery log (recorded with the change, whether or not delivered). */
async function detectedEvents(call: ReturnType<typeof client>, credentials: Json, code: string, field: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Json = await call.dashboard(credentials, '/dashboard/webhook/delivery/list', cursor ? { cursor } : {});
    for (const delivery of page.deliveries) {
      if (delivery.event.webhook_code === code) ids.push(delivery.event.payload[field]);
    }
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

function report(records: LabelledRecord[], duplicates: Record<'rules' | 'weights', Set<string>>, network: { weights: Set<string>; chosen: number[] }, loadSeconds: number) {
  const byPerson = byPersonOf(records);
  const truePairs = truePairsOf(records);
  const hard = records.map((r, i) => [r, i] as const).filter(([r]) => HARD_NEGATIVE_KINDS.includes(r.kind));
  const score = (detected: Set<string>, truth: Set<string>, flaggedOf: (key: string) => number[]) => {
    const falsePairs = [...detected].filter((key) => !truth.has(key));
    const tp = detected.size - falsePairs.length;
    const flagged = new Set(falsePairs.flatMap(flaggedOf));
    const hardFlagged = hard.filter(([, i]) => flagged.has(i)).length;
    return {
      detected: detected.size,
      correct: tp,
      truth: truth.size,
      ...prf(tp, detected.size, truth.size),
      hardFlagged,
      hardNegativeFalseFlagRate: ratio(hardFlagged, hard.length),
      by_kind: scoreByKind(records, [...detected], truth, flagged),
    };
  };
  const both = (key: string) => key.split(':').map(Number);
  // Network: pairs (reported record > loaded record), the loaded copy of the reported one left out.
  const networkTruth = new Set<string>();
  const rulesDetected = new Set<string>();
  const normalised = new Map<number, ReturnType<typeof normaliseIdentity>>();
  const norm = (i: number) => normalised.get(i) ?? normalised.set(i, normaliseIdentity(records[i]!.identity)).get(i)!;
  for (const r of network.chosen) {
    for (const u of byPerson.get(records[r]!.personId)!) if (u !== r) networkTruth.add(`${r}>${u}`);
  }
  // The rules before weights, in-process, on every pair the weights could have been asked about:
  // each reported record against every loaded record it shares a blocking key with is what the
  // Worker compares; here, against every record of the same person and every hard negative
  // built on it, plus the pairs the Worker found.
  const candidates = new Set<string>([...networkTruth, ...network.weights]);
  for (const r of network.chosen) records.forEach((x, u) => x.anchorPersonId === records[r]!.personId && candidates.add(`${r}>${u}`));
  for (const key of candidates) {
    const [r, u] = key.split('>').map(Number) as [number, number];
    if (matchingRule(compareNormalised(norm(u), norm(r)), NETWORK_RULES)) rulesDetected.add(key);
  }
  const networkFlagged = (key: string) => key.split('>').map(Number).slice(1);
  const result = {
    people: Number(args.people),
    seed: Number(args.seed),
    records: records.length,
    hardNegatives: hard.length,
    duplicates: {
      rules: score(duplicates.rules, truePairs, both),
      weights: score(duplicates.weights, truePairs, both),
    },
    network: {
      reported: network.chosen.length,
      rulesBeforeInProcess: score(rulesDetected, networkTruth, networkFlagged),
      weights: score(network.weights, networkTruth, networkFlagged),
    },
    loadSeconds,
  };
  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const row = (name: string, s: ReturnType<typeof score>) =>
    console.log(
      `| ${name} | ${s.precision.toFixed(4)} (${s.correct} / ${s.detected}) | ${s.recall.toFixed(4)} (${s.correct} / ${s.truth}) | ${s.f1.toFixed(4)} | ${pct(s.hardNegativeFalseFlagRate)} (${s.hardFlagged} / ${hard.length}) |`,
    );
  console.log(
    `Matching through the API — ${result.people.toLocaleString('en')} people (seed ${result.seed}), ${result.records.toLocaleString('en')} records; ${network.chosen.length} people reported`,
  );
  console.log('');
  console.log('| decision | precision | recall | F1 | hard negatives flagged |');
  console.log('| --- | --- | --- | --- | --- |');
  row('duplicates, default rules (API)', result.duplicates.rules);
  row('duplicates, weights (API, duplicate_decision: weights)', result.duplicates.weights);
  row('network, rules before weights (in-process, same pairs)', result.network.rulesBeforeInProcess);
  row('network, weights + guards (API, check 2)', result.network.weights);
  console.log('');
  printByKind({
    'duplicates, rules': result.duplicates.rules,
    'duplicates, weights': result.duplicates.weights,
    'network, rules before': result.network.rulesBeforeInProcess,
    'network, weights': result.network.weights,
  });
  console.log(`\nloaded twice in ${loadSeconds.toFixed(0)} s (paced under the rate limit)`);
}

function client(url: string) {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Json> => {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const json = (await response.json()) as Json;
      if (response.status === 429 && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    }
  };
  return {
    admin: (path: string, body: unknown) => post(path, body, { authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` }),
    api: (c: Json, path: string, body: unknown) => post(path, body, { 'PLAID-CLIENT-ID': c.client_id, 'PLAID-SECRET': c.secret }),
    dashboard: (c: Json, path: string, body: Json) => post(path, { ...c, dashboard_user_id: 'evaluation', ...body }),
  };
}

await main();
