// Storage at scale (docs/product.md §7): what a create costs must not grow with the data. Three
// pairs, each compared in D1 rows read per create (D1's own figures) and in p50 at a fixed
// LATENCY_RATE (open loop); target ≤ 1.25× for both:
//  - users held: a program of 1,000 users vs one of 100,000;
//  - a common value: a new user whose email 100,000 users of the program share vs a unique one;
//  - network reports: none vs 10,000 active reports of another member.
// The 100,000 users all give one placeholder email, so one load serves the first two pairs.
// Also measured while loading: bytes per user and per report in the shards, and import rates.
import { clientOf, createCost, createLatency, databaseSizes, importPeople, LATENCY_RATE, ms, newMembers, person, printTable, random, ratio } from './lib.mjs';

const SMALL = Number(process.env.BENCH_SCALE_SMALL ?? 1_000);
const LARGE = Number(process.env.BENCH_SCALE_LARGE ?? 100_000);
const REPORTS = Number(process.env.BENCH_SCALE_REPORTS ?? 10_000);
const PLACEHOLDER = 'noemail@placeholder.example';
const SETTLE_MS = 15_000;

export async function benchScale({ ours }) {
  const rand = random(3);
  const [small, large, reporter] = await newMembers(ours, 3);
  const { api } = clientOf(ours);

  await importPeople(ours, small, SMALL, rand, 'small', () => person(rand), 2);
  const beforeLarge = await databaseSizes(ours);
  let started = Date.now();
  await importPeople(ours, large, LARGE, rand, 'large', () => ({ ...person(rand), email_address: PLACEHOLDER }), 2);
  const importRate = LARGE / ((Date.now() - started) / 1000);
  const afterLarge = await databaseSizes(ours);
  const bytesPerUser = (afterLarge.userTotal - beforeLarge.userTotal) / LARGE;

  const measure = async (member, label, user = () => person(rand)) => ({
    cost: await createCost(ours, member, rand, `${label}-cost`, 20, user),
    latency: await createLatency(ours, member, rand, `${label}-latency`, user),
  });
  const inSmall = await measure(small, 'small');
  const inLarge = await measure(large, 'large');
  const shared = await measure(large, 'shared', () => ({ ...person(rand), email_address: PLACEHOLDER }));

  // REPORTS reports by another member on its own users (loaded first).
  const reported = await importPeople(ours, reporter, REPORTS, rand, 'reported', () => person(rand), 2);
  const beforeReports = await databaseSizes(ours);
  started = Date.now();
  await Promise.all(
    Array.from({ length: 4 }, async (_, lane) => {
      for (let i = lane; i < reported.length; i += 4) {
        await api(reporter.credentials, '/beacon/report/create', { beacon_user_id: reported[i], type: 'synthetic', fraud_date: '2024-01-01' });
      }
    }),
  );
  const reportRate = REPORTS / ((Date.now() - started) / 1000);
  // Let the reports' own fan-outs finish: measure the checks, not them.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const afterReports = await databaseSizes(ours);
  const bytesPerReport = (afterReports.userTotal + afterReports.indexTotal - beforeReports.userTotal - beforeReports.indexTotal) / REPORTS;
  const withReports = await measure(small, 'reports');

  const pair = (name, base, other) => ({
    pair: name,
    'rows read / create': `${base.cost.rows_read.toFixed(1)} → ${other.cost.rows_read.toFixed(1)}`,
    'rows ratio': ratio(other.cost.rows_read, base.cost.rows_read),
    p50: `${ms(base.latency.p50)} → ${ms(other.latency.p50)}`,
    'p50 ratio': ratio(other.latency.p50, base.latency.p50),
    'object round trips': `${base.cost.object_round_trips.toFixed(2)} → ${other.cost.object_round_trips.toFixed(2)}`,
    errors: base.latency.errors + other.latency.errors,
  });
  const rows = [
    pair(`users held: ${SMALL.toLocaleString('en')} → ${LARGE.toLocaleString('en')}`, inSmall, inLarge),
    pair(`email shared by ${LARGE.toLocaleString('en')}: no → yes`, inLarge, shared),
    pair(`active network reports: 0 → ${REPORTS.toLocaleString('en')}`, inSmall, withReports),
  ];
  printTable(`What a create costs as the data grows (rows: mean of 20 creates; p50 at ${LATENCY_RATE} req/s, open loop)`, rows);
  const storage = [
    { measure: 'bytes per user (user shards)', value: bytesPerUser.toFixed(0) },
    { measure: 'bytes per report (user shards + index shards)', value: bytesPerReport.toFixed(0) },
    { measure: 'import, users/s (2 requests of 100 at a time)', value: importRate.toFixed(0) },
    { measure: 'report creates/s (4 at a time)', value: reportRate.toFixed(0) },
  ];
  printTable('Storage', storage);
  return { pairs: rows, storage, sizes: afterReports };
}
