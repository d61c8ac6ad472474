// Match weights (issue 12): what deciding duplicates by weight costs a create. Two members on
// one Worker, each with a program of PRELOAD people: one decides duplicates by its rules
// (Plaid's default), the other by weight (`duplicate_decision: "weights"`); network matching is
// by weight in both. Each measured create is a preloaded person again with a new email and
// phone, so every check weighs candidates and records a duplicate. Create p50 and p99 at
// LATENCY_RATE, median of alternating rounds (target ≤ 1.1×), and what a create reads in D1.
import { alternatingCreateLatency, clientOf, createCost, importPeople, LATENCY_RATE, LOAD, ms, newMembers, person, printTable, random, ratio } from './lib.mjs';

const PRELOAD = Number(process.env.BENCH_WEIGHTS_PRELOAD ?? 2_000);

export async function benchWeights({ ours }) {
  const rand = random(10);
  const [rules, weights] = await newMembers(ours, 2);
  await clientOf(ours).dashboard(weights.credentials, '/dashboard/program/update', { program_id: weights.programId, settings: { duplicate_decision: 'weights' } });
  const held = Array.from({ length: PRELOAD }, () => person(rand));
  const kinds = [
    { label: 'duplicates by rules', member: rules },
    { label: 'duplicates by weight', member: weights },
  ].map((kind) => {
    let n = 0;
    const identity = () => ({ ...held[n % PRELOAD], email_address: `again.${n}@bench.example`, phone_number: `+1312555${String(n++ % 10_000).padStart(4, '0')}` });
    return { ...kind, identity };
  });
  for (const kind of kinds) await importPeople(ours, kind.member, PRELOAD, rand, 'held', (i) => held[i]);
  const figures = await alternatingCreateLatency(ours, kinds, rand, 'again');
  for (const [i, kind] of kinds.entries()) figures[i].cost = await createCost(ours, kind.member, rand, 'cost', 20, kind.identity);
  const [base] = figures;
  const rows = figures.map((f) => ({
    creates: f.label,
    p50: ms(f.p50),
    p99: ms(f.p99),
    'p50 / by rules': ratio(f.p50, base.p50),
    'rows read / create': f.cost.rows_read.toFixed(1),
    'D1 round trips / create': f.cost.round_trips.toFixed(2),
    errors: f.errors,
  }));
  printTable(
    `/beacon/user/create of people seen before, ${PRELOAD.toLocaleString('en')} in the program (${LATENCY_RATE} req/s, open loop; median of ${LOAD.rounds} alternating rounds)`,
    rows,
  );
  return rows;
}
