// Matching at scale (issue 3): /beacon/user/create latency when the program already holds
// 1,000, 10,000 and 100,000 users. The users are loaded through the operator import (the same
// create path, checks included). Target: p50 at 100,000 ≤ 1.25× p50 at 1,000 — a check reads
// its candidates through the blocking index, so its cost follows candidates, not users.
import { createLatency, importPeople, LATENCY_RATE, ms, newMembers, printTable, random, ratio } from './lib.mjs';

const LEVELS = (process.env.BENCH_MATCHING_LEVELS ?? '1000,10000,100000').split(',').map(Number);

export async function benchMatching({ ours }) {
  const rand = random(3);
  const [member] = await newMembers(ours, 1);
  const rows = [];
  let held = 0;
  let firstP50;
  for (const level of LEVELS) {
    // (The measured creates of the previous level add a few hundred users on top.)
    const started = Date.now();
    await importPeople(ours, member, level - held, rand, `held-${level}`);
    const importRate = (level - held) / ((Date.now() - started) / 1000);
    held = level;
    const latency = await createLatency(ours, member, rand, `measured-${level}`);
    firstP50 ??= latency.p50;
    rows.push({
      'users held': level.toLocaleString('en'),
      p50: ms(latency.p50),
      p99: ms(latency.p99),
      'p50 / first': ratio(latency.p50, firstP50),
      'import users/s': importRate.toFixed(0),
      errors: latency.errors,
    });
  }
  printTable(`/beacon/user/create in one program by users held (${LATENCY_RATE} req/s, open loop)`, rows);
  return rows;
}
