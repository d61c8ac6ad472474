// Beacon Users: /beacon/user/create and /beacon/user/get against the floor Worker, at the
// same fixed concurrency (targets: create p50 ≤ 2× floor, get p50 ≤ 1.3× floor), with the CPU
// each request costs the local runtime (what p50 follows there), and what a create costs in
// D1: round trips in all and inside the program's Durable Object (≤ 2), rows read and written.
import { apiHeaders, clientOf, compareLoads, LOAD, ms, newMembers, person, printTable, random, ratio } from './lib.mjs';

export async function benchUsers({ ours, floor, cpu }) {
  const rand = random(2);
  const members = await newMembers(ours, 8);
  let n = 0;

  // Each create is a new person, round-robin over the members; the floor inserts the same data.
  const create = await compareLoads(
    {
      url: ours,
      cpu: cpu.ours,
      next() {
        const member = members[n++ % members.length];
        return {
          path: '/beacon/user/create',
          headers: apiHeaders(member.credentials),
          body: { program_id: member.programId, client_user_id: `bench-${n}`, user: person(rand) },
        };
      },
    },
    { url: floor, cpu: cpu.floor, next: () => ({ path: '/create', body: { id: `f-${n++}`, data: person(rand) } }) },
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
      cpu: cpu.ours,
      next() {
        const { member, id } = pool[n++ % pool.length];
        return { path: '/beacon/user/get', headers: apiHeaders(member.credentials), body: { beacon_user_id: id } };
      },
    },
    { url: floor, cpu: cpu.floor, next: () => ({ path: '/get', body: { id: `pool-${n++ % pool.length}` } }) },
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
    'CPU / req': ms(o.cpuPerRequest),
    'floor CPU / req': ms(f.cpuPerRequest),
    'CPU / floor': ratio(o.cpuPerRequest, f.cpuPerRequest),
    errors: o.errors + f.errors,
  }));
  printTable(
    `Beacon Users vs floor (${LOAD.connections} connections; median of ${LOAD.rounds} alternating ${LOAD.duration} s rounds; CPU of all of each local Worker's processes)`,
    rows,
  );

  const costRows = await operationCosts(ours, members[0], rand);
  printTable('What each operation costs in D1 (mean of 20; the program object’s share of a create is in its own column)', costRows);
  return { loads: rows, cost: costRows };
}

/** D1 round trips (in all, and inside the program's Durable Object), rows read and rows
 * written per operation, each the mean of 20 on fresh users of one member. */
async function operationCosts(url, member, rand) {
  const { metered } = clientOf(url);
  const call = (path, body) => metered(member.credentials, path, body);
  const users = [];
  const samples = { create: [], get: [], update: [], review: [], 'report create': [], 'report delete': [] };
  for (let i = 0; i < 20; i++) {
    const created = await call('/beacon/user/create', { program_id: member.programId, client_user_id: `cost-${i}`, user: person(rand) });
    samples.create.push(created.usage);
    users.push(created.json.id);
  }
  for (const id of users) {
    samples.get.push((await call('/beacon/user/get', { beacon_user_id: id })).usage);
    samples.update.push((await call('/beacon/user/update', { beacon_user_id: id, user: { ip_address: '203.0.113.7' } })).usage);
    samples.review.push((await call('/beacon/user/review', { beacon_user_id: id, status: 'pending_review' })).usage);
    const report = await call('/beacon/report/create', { beacon_user_id: id, type: 'stolen', fraud_date: '2024-01-01' });
    samples['report create'].push(report.usage);
    const deleted = await metered(member.credentials, '/dashboard/report/delete', { dashboard_user_id: 'bench', beacon_report_id: report.json.id });
    samples['report delete'].push(deleted.usage);
  }
  const mean = (list, key) => list.reduce((sum, u) => sum + (u[key] ?? 0), 0) / list.length;
  return Object.entries(samples).map(([operation, list]) => ({
    operation,
    'round trips': mean(list, 'round_trips').toFixed(2),
    'in the object': mean(list, 'object_round_trips').toFixed(2),
    'rows read': mean(list, 'rows_read').toFixed(1),
    'rows written': mean(list, 'rows_written').toFixed(1),
  }));
}
