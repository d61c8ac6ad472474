// The network fan-out (docs/product.md §5.4, §7, §9): the time from /beacon/report/create
// returning to the last match stored, for a report matching 1, 100 and 1,000 users spread over
// 20 members whose programs sit in both user shards (target for 1,000: ≤ 5 s). A member
// receives at most `bound` syndications of one reported user; its further matches are held
// for the operator (docs/security.md). Every match is stored either way, so the run waits until
// the match counts account for every victim and each syndication admitted is readable, then
// checks every victim once.
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
    // n copies of one person at the members: the same identity but for the phone, which
    // each member lacks. Copies that differ in more than that would, fifty to a program,
    // make their shared values common there, too weak to match (docs/matching.md).
    const { phone_number: _, ...copy } = person(rand);
    const victims = (
      await Promise.all(
        members.map(async (member, m) => {
          const copies = Math.floor(n / MEMBERS) + (m < n % MEMBERS ? 1 : 0);
          const ids = await importPeople(ours, member, copies, rand, `victim-${n}-${m}`, () => copy);
          return ids.map((id) => ({ member, id, shard: shardOf.get(member.programId) }));
        }),
      )
    ).flat();
    const reported = await api(reporter.credentials, '/beacon/user/create', {
      program_id: reporter.programId,
      client_user_id: `reported-${n}`,
      user: { ...copy, phone_number: '+13125550100' },
    });
    await api(reporter.credentials, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-01-01' });
    const returned = Date.now();
    const { seconds, syndicated, held } = await untilMatched(ours, members, victims, reported.id, returned);
    rows.push({
      'matching users': n.toLocaleString('en'),
      members: Math.min(n, MEMBERS),
      'user shards': new Set(victims.map((v) => v.shard)).size,
      syndicated,
      held,
      'last match stored after': ms(seconds * 1000),
    });
  }
  printTable('Network fan-out: report created → last match stored (syndicated, or held beyond the bound)', rows);
  return rows;
}

/** Waits until the members' match counts for `reportedUserId` account for every victim, then
 * until each syndication they admitted is readable (each is written one round trip after its
 * slot is taken, so at the first look they normally are); seconds from `from` to the later of
 * the two. Then checks that each member received the bound's worth, the rest held. */
async function untilMatched(url, members, victims, reportedUserId, from) {
  const { admin, api } = clientOf(url);
  const syndicated = async (v) => (await api(v.member.credentials, '/beacon/report_syndication/list', { beacon_user_id: v.id })).beacon_report_syndications.length > 0;
  const countsOf = async (member) => {
    const { match_counts } = await admin('/admin/network/match_count/list', { client_id: member.credentials.client_id });
    return match_counts.find((c) => c.reported.beacon_user_id === reportedUserId) ?? { syndications: 0, held: 0, bound: 0 };
  };
  const sum = (list, of) => list.reduce((total, item) => total + of(item), 0);
  const pause = () => new Promise((resolve) => setTimeout(resolve, POLL_MS));
  const timeLeft = () => {
    if (Date.now() - from > 120_000) throw new Error('not every match stored after 120 s');
  };

  let counts = await Promise.all(members.map(countsOf));
  while (sum(counts, (c) => c.syndications + c.held) < victims.length) {
    timeLeft();
    await pause();
    counts = await Promise.all(members.map(countsOf));
  }
  let seconds = (Date.now() - from) / 1000;
  const admitted = sum(counts, (c) => c.syndications);
  let unseen = victims;
  let stored = 0;
  for (let look = 0; ; look++) {
    const seen = await Promise.all(unseen.map(syndicated));
    stored += seen.filter(Boolean).length;
    unseen = unseen.filter((_, i) => !seen[i]);
    if (look > 0) seconds = (Date.now() - from) / 1000;
    if (stored >= admitted) break;
    timeLeft();
    await pause();
  }
  const bound = Math.max(...counts.map((c) => c.bound));
  const expected = sum(members, (m) => Math.min(bound, victims.filter((v) => v.member === m).length));
  const held = sum(counts, (c) => c.held);
  if (stored !== expected || held !== victims.length - expected) throw new Error(`${stored} syndicated and ${held} held of ${victims.length}; ${expected} syndications expected`);
  return { seconds, syndicated: stored, held };
}
