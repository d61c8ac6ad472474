/**
 * Matching evaluated through the API. The labelled dataset (eval/generate.ts) is loaded into
 * a local Worker (`wrangler dev`, fresh database, default program settings) with
 * /beacon/user/create, as a member company would; the pairs the network detected are read
 * back from its DUPLICATE_DETECTED events (the client's webhook delivery log) and
 * /beacon/duplicate/get. Reports precision, recall and F1 of duplicate detection and the
 * hard-negative false-duplicate rate, defined as in the offline evaluation.
 *
 *   npm run eval:matching -- [--people 10000] [--seed 1] [--concurrency 8] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalWorker } from '../scripts/local-worker.mjs';
import { TEST_SECRETS } from '../test/secrets';
import { generateDataset, HARD_NEGATIVE_KINDS, type LabelledRecord } from './generate';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});

/** Requests per second per client: under the Worker's rate limit of 1000 per 10 s. */
const RATE = 90;

const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

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

    const started = Date.now();
    const userIds = await load(call, credentials, program.id, records, Number(args.concurrency));
    const loadSeconds = (Date.now() - started) / 1000;

    const recordOf = new Map(userIds.map((id, i) => [id, i]));
    const detected = new Set<string>();
    for (const duplicateId of await detectedDuplicates(call, credentials)) {
      const duplicate = await call.api(credentials, '/beacon/duplicate/get', { beacon_duplicate_id: duplicateId });
      detected.add(pairKey(recordOf.get(duplicate.beacon_user1.id)!, recordOf.get(duplicate.beacon_user2.id)!));
    }
    report(records, detected, loadSeconds);
  } finally {
    await worker.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

/** Creates every record as a Beacon User (in dataset order, `concurrency` at a time, paced
 * under the rate limit); returns the user id of each record. */
async function load(call: ReturnType<typeof client>, credentials: Json, programId: string, records: LabelledRecord[], concurrency: number) {
  const ids: string[] = new Array(records.length);
  let next = 0;
  const interval = (1000 * concurrency) / RATE;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < records.length) {
        const i = next++;
        const began = Date.now();
        const user = await call.api(credentials, '/beacon/user/create', { program_id: programId, client_user_id: records[i]!.id, user: requestOf(records[i]!) });
        ids[i] = user.id;
        const wait = interval - (Date.now() - began);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
  return ids;
}

/** A stored identity as a create request: accounts without their `added_at`. */
function requestOf(record: LabelledRecord) {
  const { depository_accounts, ...rest } = record.identity;
  return { ...rest, depository_accounts: depository_accounts.map(({ account_number, routing_number }) => ({ account_number, routing_number })) };
}

/** The ids of every Beacon Duplicate the client was told about: DUPLICATE_DETECTED events,
 * read from its webhook delivery log (recorded with the change, whether or not delivered). */
async function detectedDuplicates(call: ReturnType<typeof client>, credentials: Json): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Json = await call.dashboard(credentials, '/dashboard/webhook/delivery/list', cursor ? { cursor } : {});
    for (const delivery of page.deliveries) {
      if (delivery.event.webhook_code === 'DUPLICATE_DETECTED') ids.push(delivery.event.payload.beacon_duplicate_id);
    }
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

function report(records: LabelledRecord[], detected: Set<string>, loadSeconds: number) {
  const byPerson = new Map<string, number[]>();
  records.forEach((r, i) => byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), i]));
  const truePairs = new Set<string>();
  for (const group of byPerson.values()) {
    for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length; y++) truePairs.add(pairKey(group[x]!, group[y]!));
  }
  const falsePairs = [...detected].filter((key) => !truePairs.has(key));
  const tp = detected.size - falsePairs.length;
  const precision = ratio(tp, detected.size);
  const recall = ratio(tp, truePairs.size);
  const f1 = (2 * precision * recall) / (precision + recall || 1);
  const flagged = new Set(falsePairs.flatMap((key) => key.split(':').map(Number)));
  const hard = records.map((r, i) => [r, i] as const).filter(([r]) => HARD_NEGATIVE_KINDS.includes(r.kind));
  const hardFlagged = hard.filter(([, i]) => flagged.has(i)).length;
  const result = {
    people: Number(args.people),
    seed: Number(args.seed),
    records: records.length,
    truePairs: truePairs.size,
    detectedPairs: detected.size,
    precision,
    recall,
    f1,
    hardNegatives: hard.length,
    hardNegativesFlagged: hardFlagged,
    hardNegativeFalseDuplicateRate: ratio(hardFlagged, hard.length),
    loadSeconds,
    createsPerSecond: records.length / loadSeconds,
  };
  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  console.log(`Matching through the API — ${result.people.toLocaleString('en')} people (seed ${result.seed}), ${result.records.toLocaleString('en')} records, default rules`);
  console.log(`  true pairs ${result.truePairs}, detected ${result.detectedPairs}`);
  console.log(`  precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  F1 ${f1.toFixed(4)}`);
  console.log(`  hard-negative false-duplicate rate ${pct(result.hardNegativeFalseDuplicateRate)} (${hardFlagged} / ${hard.length})`);
  console.log(`  loaded in ${loadSeconds.toFixed(0)} s (${result.createsPerSecond.toFixed(0)} creates/s, paced under the rate limit)`);
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
