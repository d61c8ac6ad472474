// The network at scale (issue 4), with 10 member companies holding 100,000 users in total:
//  - fan-out: the time from /beacon/report/create returning to the last syndication being
//    stored, for a report matching 1, 10 and 100 users of the other members;
//  - /beacon/user/create p50 with 10,000 active network reports versus none (target ≤ 1.25×):
//    the network check reads the report index by key, so the number of reports does not show.
import { clientOf, createLatency, importPeople, LATENCY_RATE, ms, newMembers, person, printTable, random, ratio } from './lib.mjs';

const USERS = Number(process.env.BENCH_NETWORK_USERS ?? 100_000);
const REPORTS = Number(process.env.BENCH_NETWORK_REPORTS ?? 10_000);
const MATCHES = [1, 10, 100];
const POLL_MS = 200; // under the per-client rate limit while polling every victim
const SETTLE_MS = 15_000;

export async function benchNetwork({ ours }) {
  const rand = random(4);
  const members = await newMembers(ours, 10);
  const { api } = clientOf(ours);

  // The population: USERS distinct people, spread evenly, loaded member by member in parallel.
  const perMember = Math.floor(USERS / members.length);
  const started = Date.now();
  const populations = await Promise.all(members.map((m, i) => importPeople(ours, m, perMember, random(100 + i), `pop-${i}`)));
  const importSeconds = (Date.now() - started) / 1000;

  // Create latency with no reports at all.
  const creator = members[1];
  const withoutReports = await createLatency(ours, creator, rand, 'before-reports');

  // Fan-outs: member 0 reports a person who is also a user, n times over, at the others.
  const fanouts = [];
  for (const n of MATCHES) {
    const target = person(rand);
    const victims = [];
    for (let i = 0; i < n; i++) {
      const member = members[1 + (i % (members.length - 1))];
      const [id] = await importPeople(ours, member, 1, rand, `victim-${n}-${i}`, [target]);
      victims.push({ member, id });
    }
    const reported = await api(members[0].credentials, '/beacon/user/create', { program_id: members[0].programId, client_user_id: `reported-${n}`, user: target });
    await api(members[0].credentials, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-01-01' });
    const returned = Date.now();
    const seconds = await untilSyndicated(ours, victims, returned);
    fanouts.push({ 'matching users': n, 'last syndication after': ms(seconds * 1000) });
  }

  // REPORTS active reports, made by every member on its own users.
  const reporting = Date.now();
  await Promise.all(
    members.map(async (member, i) => {
      const ids = populations[i].slice(0, Math.ceil(REPORTS / members.length));
      for (const id of ids) {
        await api(member.credentials, '/beacon/report/create', { beacon_user_id: id, type: 'synthetic', fraud_date: '2024-01-01' });
      }
    }),
  );
  const reportSeconds = (Date.now() - reporting) / 1000;
  // Let the reports' own fan-outs and webhook deliveries finish: measure the checks, not them.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const withReports = await createLatency(ours, creator, rand, 'after-reports');

  printTable(`Network fan-out (${members.length} members, ${USERS.toLocaleString('en')} users)`, fanouts);
  const creates = [
    { 'active network reports': '0', p50: ms(withoutReports.p50), p99: ms(withoutReports.p99), 'p50 / none': '1.00×' },
    { 'active network reports': REPORTS.toLocaleString('en'), p50: ms(withReports.p50), p99: ms(withReports.p99), 'p50 / none': ratio(withReports.p50, withoutReports.p50) },
  ];
  printTable(`/beacon/user/create with network reports (${LATENCY_RATE} req/s, open loop)`, creates);
  console.log(`(loaded ${USERS.toLocaleString('en')} users in ${importSeconds.toFixed(0)} s; ${REPORTS.toLocaleString('en')} reports in ${reportSeconds.toFixed(0)} s)`);
  return { fanouts, creates, importSeconds, reportSeconds };
}

/** Polls each victim's syndications until every one has one; seconds since `from`. */
async function untilSyndicated(url, victims, from) {
  const { api } = clientOf(url);
  let waiting = victims;
  let last = from;
  while (waiting.length) {
    const seen = await Promise.all(
      waiting.map(async (v) => (await api(v.member.credentials, '/beacon/report_syndication/list', { beacon_user_id: v.id })).beacon_report_syndications.length > 0),
    );
    if (seen.some(Boolean)) last = Date.now();
    waiting = waiting.filter((_, i) => !seen[i]);
    if (Date.now() - from > 120_000) throw new Error(`${waiting.length} victims never syndicated`);
    if (waiting.length) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return (last - from) / 1000;
}
