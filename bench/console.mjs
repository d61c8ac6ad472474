// The console's review queue (docs/product.md §8). One member with QUEUE pending users across 3
// programs (imported as pairs of duplicates, so the second of each pair waits for review):
// time to first byte and full load (the page, then its stylesheet and script) of the queue,
// p50 over 20 loads with a session cookie (target ≤ 200 ms locally). Then what a page of the
// queue reads in D1 (the Beacon-D1-Usage header) for a member of SMALL users against one of
// LARGE users (target ≤ 1.25×): a page is a few index seeks, however many users wait.
import { TEST_SECRETS } from '../test/secrets.ts';
import { setUpConsoleAdmin } from '../scripts/console-admin.mjs';
import { clientOf, importPeople, median, ms, newMembers, parseUsage, person, printTable, random, ratio } from './lib.mjs';

const QUEUE = Number(process.env.BENCH_CONSOLE_QUEUE ?? 10_000);
const SMALL = Number(process.env.BENCH_CONSOLE_SMALL ?? 1_000);
const LARGE = Number(process.env.BENCH_CONSOLE_LARGE ?? 100_000);
const LOADS = 20;
const PROGRAMS = 3;

/** Imports `users` people into the member's programs in turn, as pairs: each second one a
 * duplicate of the first (another IP address), so half of them wait for review. */
async function importPairs(url, member, programs, users, rand, label) {
  let last;
  const pair = (i) => (i % 2 === 0 ? (last = person(rand)) : { ...last, ip_address: '203.0.113.9' });
  const each = Math.ceil(users / programs.length / 2) * 2;
  for (const [n, programId] of programs.entries()) {
    await importPeople(url, { ...member, programId }, Math.min(each, users - n * each), rand, `${label}-${n}`, pair, 2);
  }
}

async function memberWithConsole(url, member, label) {
  const { dashboard } = clientOf(url);
  const programs = [member.programId];
  while (programs.length < PROGRAMS) programs.push((await dashboard(member.credentials, '/dashboard/program/create', { name: `Bench program ${programs.length}` })).id);
  const { cookie } = await setUpConsoleAdmin(url, TEST_SECRETS.ADMIN_TOKEN, member.credentials.client_id, `${label}@bench.example`);
  return { ...member, programs, cookie };
}

/** `LOADS` loads of the queue page: time to first byte, full load, and D1 usage. */
async function loadQueue(url, cookie) {
  const runs = [];
  for (let i = 0; i < LOADS + 2; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/console/queue`, { headers: { cookie } });
    const ttfb = performance.now() - started;
    const html = await response.text();
    if (response.status !== 200 || !html.includes('data-keyboard-list')) throw new Error(`the queue page answered ${response.status}`);
    await Promise.all(['/console/console.css', '/console/console.js'].map(async (path) => (await fetch(`${url}${path}`)).arrayBuffer()));
    const full = performance.now() - started;
    // The first two warm the isolate's caches (secrets, the member's shards).
    if (i >= 2) runs.push({ ttfb, full, usage: parseUsage(response.headers.get('beacon-d1-usage')) });
  }
  return {
    ttfb: median(runs.map((r) => r.ttfb)),
    full: median(runs.map((r) => r.full)),
    rowsRead: median(runs.map((r) => r.usage.rows_read)),
    roundTrips: median(runs.map((r) => r.usage.round_trips)),
    unmetered: Math.max(...runs.map((r) => r.usage.unmetered)),
  };
}

export async function benchConsole({ ours }) {
  const rand = random(8);
  const [queued, small] = await Promise.all([newMembers(ours, 1), newMembers(ours, 1)]).then((m) => m.flat());
  const busy = await memberWithConsole(ours, queued, 'busy');
  const few = await memberWithConsole(ours, small, 'few');

  const started = Date.now();
  await importPairs(ours, busy, busy.programs, 2 * QUEUE, rand, 'queue');
  const importSeconds = (Date.now() - started) / 1000;
  const atQueue = await loadQueue(ours, busy.cookie);

  await importPairs(ours, few, few.programs, SMALL, rand, 'small');
  const atSmall = await loadQueue(ours, few.cookie);
  await importPairs(ours, busy, busy.programs, LARGE - 2 * QUEUE, rand, 'large');
  const atLarge = await loadQueue(ours, busy.cookie);

  const timing = [
    { measure: `queue page, time to first byte (p50 of ${LOADS})`, value: ms(atQueue.ttfb) },
    { measure: `queue page with its CSS and JS, full load (p50 of ${LOADS})`, value: ms(atQueue.full) },
    { measure: `users waiting (of ${(2 * QUEUE).toLocaleString('en')} in ${PROGRAMS} programs)`, value: QUEUE.toLocaleString('en') },
    { measure: 'import of the queue, users/s', value: ((2 * QUEUE) / importSeconds).toFixed(0) },
  ];
  printTable('The console’s review queue: load time', timing);
  const rows = [
    {
      pair: `users in the member: ${SMALL.toLocaleString('en')} → ${LARGE.toLocaleString('en')}`,
      'rows read / page': `${atSmall.rowsRead} → ${atLarge.rowsRead}`,
      'rows ratio': ratio(atLarge.rowsRead, atSmall.rowsRead),
      'D1 round trips': `${atSmall.roundTrips} → ${atLarge.roundTrips}`,
      'time to first byte': `${ms(atSmall.ttfb)} → ${ms(atLarge.ttfb)}`,
      unmetered: Math.max(atSmall.unmetered, atLarge.unmetered),
    },
  ];
  printTable('What a page of the queue reads as the member grows (Beacon-D1-Usage)', rows);
  return { timing, atQueue, atSmall, atLarge, rows };
}
