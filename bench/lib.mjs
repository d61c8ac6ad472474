// Shared pieces of the benchmark: load generation, synthetic people and API setup.
import autocannon from 'autocannon';
import { TEST_SECRETS } from '../test/secrets.ts';

/** Concurrency and duration of every measured run (the figures are comparable only at the same load). */
export const LOAD = { connections: 10, duration: 5, warmup: 2, rounds: 3 };

/**
 * Runs a fixed-concurrency load and returns requests/s and latency percentiles (ms).
 * `next()` returns each request's path, body (JSON, or a string sent as is) and headers. Non-2xx
 * answers count as errors. With `cpu` (the server's CPU time so far, ms: LocalWorker.cpuMs), also
 * the server's CPU time per measured request.
 * @param {string} url
 * @param {() => { path: string; body: unknown; headers?: Record<string, string> }} next
 */
export async function load(url, next, { duration = LOAD.duration, connections = LOAD.connections, warmup = LOAD.warmup, rate = undefined, cpu = undefined } = {}) {
  const run = (/** @type {number} */ seconds) =>
    autocannon({
      url,
      connections,
      duration: seconds,
      // With a rate, the load is open: latency is the time to serve, not time spent queueing.
      ...(rate ? { overallRate: rate } : {}),
      requests: [
        {
          method: 'POST',
          setupRequest(request) {
            const { path, body, headers = {} } = next();
            // A string is a body as it is (a form, with its own content type among the headers).
            const sent = typeof body === 'string' ? body : JSON.stringify(body);
            return { ...request, path, body: sent, headers: { ...request.headers, 'content-type': 'application/json', ...headers } };
          },
        },
      ],
    });
  if (warmup) await run(warmup); // JIT, caches and Durable Objects warm up; not measured
  const cpuBefore = cpu?.() ?? Number.NaN;
  const result = await run(duration);
  return {
    cpuPerRequest: ((cpu?.() ?? Number.NaN) - cpuBefore) / result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** The middle value (the upper one of an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Measures two loads in alternating rounds and reports the median of each figure, so that
 * whatever else the machine is doing weighs on both sides alike. Each side may have a `cpu`
 * (see load).
 */
export async function compareLoads(a, b) {
  const runs = { a: [], b: [] };
  for (let round = 0; round < LOAD.rounds; round++) {
    runs.a.push(await load(a.url, a.next, { warmup: round === 0 ? LOAD.warmup : 0, cpu: a.cpu }));
    runs.b.push(await load(b.url, b.next, { warmup: round === 0 ? LOAD.warmup : 0, cpu: b.cpu }));
  }
  const summary = (list) => ({
    cpuPerRequest: median(list.map((r) => r.cpuPerRequest)),
    rps: median(list.map((r) => r.rps)),
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    errors: list.reduce((sum, r) => sum + r.errors, 0),
  });
  return [summary(runs.a), summary(runs.b)];
}

/** Requests per second of the fixed-rate latency measurements: well below saturation and
 * under the per-client rate limit (1000 per 10 s). */
export const LATENCY_RATE = 40;

/** Median and 99th percentile of `/beacon/user/create` for one member at LATENCY_RATE, each
 * create a new identity from `identity(rand)` (a new distinct person unless told). */
export async function createLatency(url, member, rand, label, identity = person) {
  let n = 0;
  const result = await load(
    url,
    () => ({
      path: '/beacon/user/create',
      headers: apiHeaders(member.credentials),
      body: { program_id: member.programId, client_user_id: `${label}-${n++}`, user: identity(rand) },
    }),
    { rate: LATENCY_RATE, duration: 8, warmup: 1, connections: 4 },
  );
  return result;
}

/** Create latency of several kinds of create, each `{ label, member, identity }`, measured in
 * LOAD.rounds alternating rounds (whatever else the machine does weighs on all alike): the
 * median p50 and p99 of each, and its errors. */
export async function alternatingCreateLatency(url, kinds, rand, label) {
  const runs = kinds.map(() => []);
  for (let round = 0; round < LOAD.rounds; round++) {
    for (const [i, kind] of kinds.entries()) runs[i].push(await createLatency(url, kind.member, rand, `${label}-${round}`, kind.identity));
  }
  return kinds.map((kind, i) => ({
    label: kind.label,
    p50: median(runs[i].map((r) => r.p50)),
    p99: median(runs[i].map((r) => r.p99)),
    errors: runs[i].reduce((sum, r) => sum + r.errors, 0),
  }));
}

/** Loads people into a member's program through /admin/beacon_user/import, 100 a request,
 * `parallel` requests at a time: `count` distinct ones, or `make(i)` for each. Returns the new
 * users' ids. */
export async function importPeople(url, member, count, rand, label, make = () => person(rand), parallel = 1) {
  const { admin } = clientOf(url);
  const ids = new Array(count);
  const chunks = Array.from({ length: Math.ceil(count / 100) }, (_, c) => c * 100);
  const worker = async () => {
    for (let done = chunks.shift(); done !== undefined; done = chunks.shift()) {
      const users = Array.from({ length: Math.min(100, count - done) }, (_, i) => ({ client_user_id: `${label}-${done + i}`, user: make(done + i) }));
      const { beacon_users } = await admin('/admin/beacon_user/import', { program_id: member.programId, users });
      beacon_users.forEach((u, i) => (ids[done + i] = u.beacon_user_id));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return ids;
}

/** Admin, dashboard and API calls against our Worker. `metered` also returns what the call
 * cost in D1 (the Worker runs with D1_USAGE_HEADER on). */
export function clientOf(url) {
  const call = async (path, body, headers = {}) => {
    const response = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const json = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return { json, usage: parseUsage(response.headers.get('beacon-d1-usage')) };
  };
  const post = async (path, body, headers) => (await call(path, body, headers)).json;
  return {
    admin: (path, body = {}) => post(path, body, { authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` }),
    api: (credentials, path, body) => post(path, body, apiHeaders(credentials)),
    metered: (credentials, path, body) => call(path, body, apiHeaders(credentials)),
    dashboard: (credentials, path, body) => post(path, { ...credentials, dashboard_user_id: 'bench', ...body }),
  };
}

/** The Beacon-D1-Usage header: `round_trips=4; object_round_trips=2; rows_read=31; …`. */
export function parseUsage(header) {
  return Object.fromEntries(
    (header ?? '').split(';').flatMap((pair) => {
      const [name, value] = pair.trim().split('=');
      return name && value !== undefined ? [[name, Number(value)]] : [];
    }),
  );
}

/** The mean D1 cost of `count` creates of new people in a member's program. */
export async function createCost(url, member, rand, label, count = 20, user = () => person(rand)) {
  const { metered } = clientOf(url);
  const sum = { round_trips: 0, object_round_trips: 0, rows_read: 0, rows_written: 0 };
  for (let i = 0; i < count; i++) {
    const { usage } = await metered(member.credentials, '/beacon/user/create', { program_id: member.programId, client_user_id: `${label}-${i}`, user: user() });
    for (const key of Object.keys(sum)) sum[key] += usage[key] ?? 0;
  }
  return Object.fromEntries(Object.entries(sum).map(([key, total]) => [key, total / count]));
}

/** Bytes held by each database (D1's own figure), from /admin/shard/list. */
export async function databaseSizes(url) {
  const { admin } = clientOf(url);
  const { control, user_shards, index_shards } = await admin('/admin/shard/list');
  const total = (list) => list.reduce((sum, s) => sum + s.size_bytes, 0);
  return {
    control: control.size_bytes,
    users: user_shards.map((s) => s.size_bytes),
    index: index_shards.map((s) => s.size_bytes),
    userTotal: total(user_shards),
    indexTotal: total(index_shards),
  };
}

export const apiHeaders = (credentials) => ({ 'PLAID-CLIENT-ID': credentials.client_id, 'PLAID-SECRET': credentials.secret });

/**
 * Member companies with one program each. Load is spread over several clients so that the
 * per-client rate limit (wrangler.toml) does not cap the measurement.
 */
export async function newMembers(url, count) {
  const { admin, dashboard } = clientOf(url);
  const members = [];
  for (let i = 0; i < count; i++) {
    const credentials = await admin('/admin/client/create', { name: `Bench member ${i}` });
    const { client_id, secret } = credentials;
    const program = await dashboard({ client_id, secret }, '/dashboard/program/create', { name: 'Bench program' });
    members.push({ credentials: { client_id, secret }, programId: program.id });
  }
  return members;
}

const GIVEN = ['Leslie', 'Ann', 'April', 'Ron', 'Tom', 'Donna', 'Ben', 'Chris', 'Jerry', 'Andy', 'Mona', 'Craig', 'Tammy', 'Ethel', 'Dennis'];
const CITIES = [
  ['Pawnee', 'IN'],
  ['Eagleton', 'IN'],
  ['Indianapolis', 'IN'],
  ['Chicago', 'IL'],
  ['Boston', 'MA'],
  ['Denver', 'CO'],
];
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** A small deterministic generator, so runs are repeatable. */
export { random } from '../test/random.ts';

/** A distinct synthetic person: a random family name, birth date, address, email and phone. */
export function person(rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const word = (n) => Array.from({ length: n }, () => pick(letters)).join('');
  const family = word(1).toUpperCase() + word(6);
  const given = pick(GIVEN);
  const [city, region] = pick(CITIES);
  const digits = (n) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  return {
    date_of_birth: `${1940 + Math.floor(rand() * 60)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
    name: { given_name: given, family_name: family },
    address: { street: `${1 + Math.floor(rand() * 9999)} ${word(1).toUpperCase()}${word(5)} St`, city, region, postal_code: digits(5), country: 'US' },
    email_address: `${given.toLowerCase()}.${family.toLowerCase()}@example.com`,
    phone_number: `+1312${digits(7)}`,
    ip_address: `198.51.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
  };
}

/** Formats milliseconds and ratios for the tables. */
export const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const ratio = (ours, floor) => `${(ours / floor).toFixed(2)}×`;

/** Prints a table of rows (objects with the same keys) with aligned columns. */
export function printTable(title, rows) {
  const columns = Object.keys(rows[0] ?? {});
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(width[i])).join(' | ');
  console.log(`\n${title}\n${line(columns)}\n${width.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const row of rows) console.log(line(columns.map((c) => row[c])));
}
