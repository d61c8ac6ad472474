// The network fan-out (PRODUCT.md §5.4, §7): the time from /beacon/report/create returning to
// the last syndication being stored, for a report matching 1, 100 and 1,000 users spread over
// 20 members whose programs sit in both user shards (target for 1,000: ≤ 5 s). Syndications
// are counted from each member's delivery log, where REPORT_SYNDICATION_CREATED is written in
// the same batch as the syndication.
import { clientOf, importPeople, ms, newMembers, person, printTable, random } from './lib.mjs';

const MEMBERS = 20;
const MATCHES = [1, 100, 1000];
const POLL_MS = 250;

export async function benchNetwork({ ours }) {
  const rand = random(4);
  const [reporter, ...members] = await newMembers(ours, MEMBERS + 1);
  const { admin, api } = clientOf(ours);
  const shards = new Set(await Promise.all(members.map(async (m) => (await admin('/admin/program/get', { program_id: m.programId })).shard)));

  const rows = [];
  let expected = 0;
  for (const n of MATCHES) {
    const target = person(rand);
    // n copies of the person at the members, each with its own mailbox and phone.
    await Promise.all(
      members.map((member, m) => {
        const copies = Math.floor(n / MEMBERS) + (m < n % MEMBERS ? 1 : 0);
        return importPeople(ours, member, copies, rand, `victim-${n}-${m}`, (i) => ({ ...target, email_address: `copy.${n}.${m}.${i}@example.net`, phone_number: null }));
      }),
    );
    const reported = await api(reporter.credentials, '/beacon/user/create', { program_id: reporter.programId, client_user_id: `reported-${n}`, user: target });
    await api(reporter.credentials, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-01-01' });
    const returned = Date.now();
    expected += n;
    const seconds = await untilSyndicated(ours, members, expected, returned);
    rows.push({ 'matching users': n.toLocaleString('en'), members: Math.min(n, MEMBERS), 'user shards': shards.size, 'last syndication after': ms(seconds * 1000) });
  }
  printTable('Network fan-out: report created → last syndication stored', rows);
  return rows;
}

/** Waits until the members' delivery logs hold `expected` REPORT_SYNDICATION_CREATED events
 * in all; returns the seconds from `from` to the poll that first saw the last of them. */
async function untilSyndicated(url, members, expected, from) {
  const { dashboard } = clientOf(url);
  const countOf = async (member) => {
    let count = 0;
    for (let cursor = null; ; ) {
      const page = await dashboard(member.credentials, '/dashboard/webhook/delivery/list', { cursor });
      count += page.deliveries.filter((d) => d.event.webhook_code === 'REPORT_SYNDICATION_CREATED').length;
      if (!page.next_cursor) return count;
      cursor = page.next_cursor;
    }
  };
  for (;;) {
    const seen = (await Promise.all(members.map(countOf))).reduce((a, b) => a + b, 0);
    if (seen >= expected) return (Date.now() - from) / 1000;
    if (Date.now() - from > 120_000) throw new Error(`only ${seen} of ${expected} syndications after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
