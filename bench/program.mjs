// One program under load (docs/product.md §7): its Durable Object serialises only the duplicate
// check and the write — one read batch and one write batch — so what one program sustains is
// bounded by two D1 round trips per create. Measured against a Worker whose every D1 round
// trip is delayed by D1_SIMULATED_LATENCY_MS (a database a network hop away): creates/s into
// one program at concurrency 20 (closed loop; target ≥ 40/s at 10 ms), and the object's own
// D1 round trips per call (/admin/program/metrics).
import { join } from 'node:path';
import { startLocalWorker } from '../scripts/local-worker.mjs';
import { TEST_SECRETS } from '../test/secrets.ts';
import { apiHeaders, clientOf, load, ms, newMembers, person, printTable, random } from './lib.mjs';

const LATENCIES = (process.env.BENCH_PROGRAM_LATENCIES ?? '10,20').split(',').map(Number);
const CONCURRENCY = 20;

export async function benchProgram({ state }) {
  const rows = [];
  for (const latency of LATENCIES) {
    const worker = await startLocalWorker({ persistTo: join(state, `program-${latency}`), vars: { ...TEST_SECRETS, D1_SIMULATED_LATENCY_MS: String(latency) }, devTools: false });
    try {
      const rand = random(6);
      const [member] = await newMembers(worker.url, 1);
      let n = 0;
      const result = await load(
        worker.url,
        () => ({ path: '/beacon/user/create', headers: apiHeaders(member.credentials), body: { program_id: member.programId, client_user_id: `p-${n++}`, user: person(rand) } }),
        { connections: CONCURRENCY, duration: 8, warmup: 2 },
      );
      const { metrics } = await clientOf(worker.url).admin('/admin/program/metrics', { program_id: member.programId });
      rows.push({
        'D1 latency': ms(latency),
        'creates/s': result.rps.toFixed(0),
        p50: ms(result.p50),
        p99: ms(result.p99),
        'object round trips / call': metrics.d1_round_trips_per_call.toFixed(2),
        errors: result.errors,
      });
    } finally {
      await worker.stop();
    }
  }
  printTable(`One program, ${CONCURRENCY} concurrent creates (closed loop)`, rows);
  return rows;
}
