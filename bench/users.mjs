// Beacon Users: /beacon/user/create and /beacon/user/get against the floor Worker, at the
// same fixed concurrency (targets: create p50 ≤ 2× floor, get p50 ≤ 1.3× floor), and what a
// create costs in D1: round trips in all and inside the program's Durable Object (≤ 2), rows
// read and written.
import { apiHeaders, clientOf, compareLoads, createCost, LOAD, ms, newMembers, person, printTable, random, ratio } from './lib.mjs';

export async function benchUsers({ ours, floor }) {
  const rand = random(2);
  const members = await newMembers(ours, 8);
  let n = 0;

  // Each create is a new person, round-robin over the members; the floor inserts the same data.
  const create = await compareLoads(
    {
      url: ours,
      next() {
        const member = members[n++ % members.length];
        return {
          path: '/beacon/user/create',
          headers: apiHeaders(member.credentials),
          body: { program_id: member.programId, client_user_id: `bench-${n}`, user: person(rand) },
        };
      },
    },
    { url: floor, next: () => ({ path: '/create', body: { id: `f-${n++}`, data: person(rand) } }) },
  );

  // Reads of a pool of existing users (and rows) on both sides.
  const { api } = clientOf(ours);
  const pool = [];
  for (const member of members) {
    for (let i = 0; i < 25; i++) {
      const user = await api(member.credentials, '/beacon/user/create', { program_id: member.programId, client_user_id: `pool-${i}`, user: person(rand) });
      pool.push({ member, id: user.id });
    }
  }
  for (let i = 0; i < pool.length; i++) {
    await fetch(`${floor}/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `pool-${i}`, data: person(rand) }) });
  }
  const get = await compareLoads(
    {
      url: ours,
      next() {
        const { member, id } = pool[n++ % pool.length];
        return { path: '/beacon/user/get', headers: apiHeaders(member.credentials), body: { beacon_user_id: id } };
      },
    },
    { url: floor, next: () => ({ path: '/get', body: { id: `pool-${n++ % pool.length}` } }) },
  );

  const rows = [
    ['/beacon/user/create', ...create],
    ['/beacon/user/get', ...get],
  ].map(([endpoint, o, f]) => ({
    endpoint,
    'req/s': o.rps.toFixed(0),
    p50: ms(o.p50),
    p99: ms(o.p99),
    'floor req/s': f.rps.toFixed(0),
    'floor p50': ms(f.p50),
    'floor p99': ms(f.p99),
    'p50 / floor': ratio(o.p50, f.p50),
    errors: o.errors + f.errors,
  }));
  printTable(`Beacon Users vs floor (${LOAD.connections} connections; median of ${LOAD.rounds} alternating ${LOAD.duration} s rounds)`, rows);

  const cost = await createCost(ours, members[0], rand, 'cost', 50);
  const costRows = [
    { measure: 'D1 round trips per create', value: cost.round_trips.toFixed(2) },
    { measure: "…of which inside the program's Durable Object", value: cost.object_round_trips.toFixed(2) },
    { measure: 'rows read per create', value: cost.rows_read.toFixed(1) },
    { measure: 'rows written per create', value: cost.rows_written.toFixed(1) },
  ];
  printTable('What a create costs in D1 (mean of 50 creates of new people)', costRows);
  return { loads: rows, cost: costRows };
}
