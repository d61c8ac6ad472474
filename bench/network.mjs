// The network fan-out (docs/product.md §5.4, §7): the time from /beacon/report/create returning to
// the last syndication being stored, for a report matching 1, 100 and 1,000 users spread over
// 20 members whose programs sit in both user shards (target for 1,000: ≤ 5 s). A fan-out walks
// each shard in (program, user) order, so the last syndication of a shard is its last victim
// in that order: those are polled, and every victim is checked once at the end.
import { clientOf, importPeople, ms, newMembers, person, printTable, random } from './lib.mjs';

const MEMBERS = 20;
const MATCHES = [1, 100, 1000];
const POLL_MS = 50;

export async function benchNetwork({ ours }) {
  const rand = random(4);
  const [reporter, ...members] = await newMembers(ours, MEMBERS + 1);
  const { admin, api } = clientOf(ours);
  const shardOf = new Map(await Promise.all(members.map(async (m) => [m.programId, (await admin('/admin/program/get', { program_id: m.programId })).shard])));

  const rows = [];
  for (const n of MATCHES) {
    const target = person(rand);
    // n copies of the person at the members, each with its own mailbox and no phone.
    const victims = (
      await Promise.all(
        members.map(async (member, m) => {
          const copies = Math.floor(n / MEMBERS) + (m < n % MEMBERS ? 1 : 0);
          const ids = await importPeople(ours, member, copies, rand, `victim-${n}-${m}`, (i) => ({
            ...target,
            email_address: `copy.${n}.${m}.${i}@example.net`,
            phone_number: null,
          }));
          return ids.map((id) => ({ member, id, shard: shardOf.get(member.programId) }));
        }),
      )
    ).flat();
    const reported = await api(reporter.credentials, '/beacon/user/create', { program_id: reporter.programId, client_user_id: `reported-${n}`, user: target });
    await api(reporter.credentials, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-01-01' });
    const returned = Date.now();
    const seconds = await untilSyndicated(ours, victims, returned);
    rows.push({
      'matching users': n.toLocaleString('en'),
      members: Math.min(n, MEMBERS),
      'user shards': new Set(victims.map((v) => v.shard)).size,
      'last syndication after': ms(seconds * 1000),
    });
  }
  printTable('Network fan-out: report created → last syndication stored', rows);
  return rows;
}

/** Waits until each shard's last victim in walk order has its syndication; seconds from
 * `from` to the poll that saw the last of them. Then checks that every victim has one. */
async function untilSyndicated(url, victims, from) {
  const { api } = clientOf(url);
  const syndicated = async (v) => (await api(v.member.credentials, '/beacon/report_syndication/list', { beacon_user_id: v.id })).beacon_report_syndications.length > 0;
  const order = (v) => `${v.member.programId}\u0000${v.id}`;
  const lastOfShard = [...Map.groupBy(victims, (v) => v.shard).values()].map((list) => list.reduce((a, b) => (order(a) > order(b) ? a : b)));
  let waiting = lastOfShard;
  while (waiting.length) {
    if (Date.now() - from > 120_000) throw new Error('no syndication after 120 s');
    const seen = await Promise.all(waiting.map(syndicated));
    waiting = waiting.filter((_, i) => !seen[i]);
    if (waiting.length) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const seconds = (Date.now() - from) / 1000;
  const missing = (await Promise.all(victims.map(syndicated))).filter((ok) => !ok).length;
  if (missing) throw new Error(`${missing} of ${victims.length} victims have no syndication`);
  return seconds;
}
