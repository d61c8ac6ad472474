/** The network fan-out of a new report (docs/product.md §5.4, §7): every user of every other
 * client whose identity matches the reported one gets a syndication and, where its program
 * flags network fraud, moves from cleared to pending_review.
 *
 * A fan-out walks each user shard separately, a page at a time (one queue message each):
 * page by page through the users that carry each of the report's keys, skipping programs
 * where the key is common — the same keys a check reads, so that a pair is found whichever
 * of the report and the user came first. Each program's users are changed by that program's
 * Durable Object. Progress is recorded per report, pass and shard in the report's shard,
 * and the sweep resumes a walk whose pages stopped arriving.
 *
 * Two passes: the second, SECOND_PASS_DELAY_SECONDS later, finds users whose checks read the
 * network index just before this report was in it and who were written just after the first
 * pass read their shard (a check older than MAX_CHECK_AGE_MS is read again before writing,
 * so such a user is always written before the second pass starts). Idempotent: a report
 * reaches a user once. */
import { and, desc, eq, inArray, lt, lte } from 'drizzle-orm';
import { control, userShard, type Storage } from '../../db';
import { errors } from '../../errors';
import { listPage, PAGE_SIZE } from '../../lib/cursor';
import { newId } from '../../lib/ids';
import { nowTimestamp, timestampAt } from '../../lib/time';
import type { Secrets } from '../../secrets';
import { SYSTEM } from '../actor';
import { nextStatus } from '../beacon-users/service';
import { openIdentity, selectCurrentUsers, type CurrentUser } from '../beacon-users/store';
import { FANOUT_PAGE, indexKeys, pairTermCounts, selectKeyCounts, selectKeyWalk, type KeyFields, type WalkPosition } from '../blocking-index';
import { Changeset } from '../changeset';
import { knownSyndications, recordSyndication, selectSyndicationsOf, shownAnalysis, type ShownAnalysis, type Syndication } from '../checks/findings';
import { admitEnabledMatch, admitNetworkMatches, heldMatchToRelease, heldMatchView, markReleased, type HeldMatchRelease, type NetworkMatch } from '../checks/held-matches';
import { escalate, outcomeOf } from '../checks/outcome';
import { findProgramPlace } from '../directory';
import { compareNormalised, normaliseIdentity, type NormalisedIdentity } from '../../matching/compare';
import { decides, networkWeight } from '../../matching/weights';
import { MAX_CHECK_AGE_MS } from '../beacon-users/prepare';
import type { InProgram } from '../program-context';
import type { IndexedReport } from './network-index';
import { selectReportedIdentity } from './store';
import type { ReportRow } from './view';

const { reportFanouts } = userShard;

/** One page of a fan-out: a queue message. */
export interface FanoutPage {
  reportId: string;
  /** The report's program, whose shard holds the report and this fan-out's progress. */
  programId: string;
  pass: 1 | 2;
  /** The user shard walked. */
  shard: number;
  /** The report's keys that are not common among reports: the walk goes through the users
   * carrying any of them, each user once, in (program, user) order. */
  keys: string[];
  /** Where the walk stands: after this program and user (null: at its start). */
  after: WalkPosition | null;
}

/** Comfortably more than MAX_CHECK_AGE_MS and a write's own time. */
export const SECOND_PASS_DELAY_SECONDS = 60;
if (SECOND_PASS_DELAY_SECONDS * 1000 < 3 * MAX_CHECK_AGE_MS) throw new Error('the second fan-out pass must come well after a check expires');

/** A queued page quiet for this long has lost its message (the consumer's own retries span
 * about 10 minutes): the sweep sends it again. */
export const FANOUT_STALLED_MS = 15 * 60_000;

/** The first page of each pass in each user shard, and the progress rows that record them. */
export function startFanout(ctx: InProgram, report: ReportRow, keys: string[]) {
  const now = Date.now();
  const pages = ctx.storage.layout.userShards.flatMap((shard) =>
    ([1, 2] as const).map((pass) => ({
      page: { reportId: report.id, programId: report.programId, pass, shard, keys, after: null } satisfies FanoutPage,
      delaySeconds: pass === 2 ? SECOND_PASS_DELAY_SECONDS : undefined,
    })),
  );
  const statements = pages.map(({ page, delaySeconds }) =>
    ctx.db
      .insert(reportFanouts)
      .values({ reportId: page.reportId, pass: page.pass, shard: page.shard, state: 'queued', page: { ...page }, touchedAt: timestampAt(now + (delaySeconds ?? 0) * 1000) })
      .onConflictDoNothing(),
  );
  return { statements, pages };
}

/** What a program's Durable Object is asked to do with a page's users of that program. */
export interface ApplyNetworkReport {
  report: IndexedReport;
  identity: NormalisedIdentity;
  /** The field of each of the report's keys: with the program's counts of the keys a user
   * shares with it, they weigh the pair's agreements as the user's own check would. */
  keyFields: KeyFields;
  userIds: string[];
}

/** How the fan-out reaches programs' Durable Objects (given by the queue consumer). */
export interface NetworkCalls {
  applyNetworkReport(programId: string, cmd: ApplyNetworkReport): Promise<number>;
}

/** One page of a report's fan-out in one shard. Returns the next page, if there is one. A
 * deleted report fans out no further. */
export async function fanOutPage(storage: Storage, secrets: Secrets, network: NetworkCalls, page: FanoutPage) {
  const home = storage.userShard((await findProgramPlace(storage, page.programId)).shard);
  const [[report]] = await home.batch([selectReportedIdentity(home, page.reportId)]);
  if (!report || report.deletedAt !== null) {
    await recordProgress(storage, page, null);
    return { next: null, candidates: 0, syndicated: 0 };
  }

  // One read: the next FANOUT_PAGE + 1 users of each key after where the walk stands, merged
  // into one order, each user once. The page is the first FANOUT_PAGE of them.
  const db = storage.userShard(page.shard);
  const walks = page.keys.length ? await db.batch(page.keys.map((key) => selectKeyWalk(db, key, report.clientId, page.after)) as [ReturnType<typeof selectKeyWalk>]) : [];
  const merged = new Map<string, WalkPosition>();
  for (const row of walks.flat()) merged.set(`${row.programId}\u0000${row.beaconUserId}`, row);
  const ordered = [...merged.values()].sort(byPosition);
  const taken = ordered.slice(0, FANOUT_PAGE);
  const next: FanoutPage | null = ordered.length > FANOUT_PAGE ? { ...page, after: taken.at(-1)! } : null;

  const byProgram = new Map<string, Set<string>>();
  for (const { programId, beaconUserId } of taken) byProgram.set(programId, (byProgram.get(programId) ?? new Set()).add(beaconUserId));
  const identity = normaliseIdentity(await openIdentity(secrets.piiKey, report.beaconUserId, report.sealed));
  const { fields: keyFields } = await indexKeys(secrets.hmacKey, identity);
  const reported = { id: report.id, clientId: report.clientId, programId: report.programId, beaconUserId: report.beaconUserId };
  const syndicated = await Promise.all(
    [...byProgram].map(([programId, ids]) => network.applyNetworkReport(programId, { report: reported, identity, keyFields, userIds: [...ids] })),
  );
  await recordProgress(storage, page, next);
  return { next, candidates: taken.length, syndicated: syndicated.reduce((a, b) => a + b, 0) };
}

/** In a program's Durable Object: syndicates the report to those of `userIds` whose match
 * weight with it reaches the network threshold (no guard holding) and have not had it (or an earlier report on the same reported
 * user) yet — within the bound on repeated matches (checks/held-matches.ts). Returns how
 * many were syndicated. */
export async function applyNetworkReport(ctx: InProgram, cmd: ApplyNetworkReport): Promise<number> {
  const { db, program } = ctx;
  const reportKeys = Object.keys(cmd.keyFields);
  const [users, syndications, counts] = await db.batch([
    selectCurrentUsers(db, and(inArray(userShard.beaconUsers.id, cmd.userIds), eq(userShard.beaconUsers.programId, program.id))),
    selectSyndicationsOf(db, cmd.userIds),
    selectKeyCounts(db, program.id, reportKeys),
  ]);
  const matches: (NetworkMatch & { user: CurrentUser })[] = [];
  for (const user of users) {
    const known = knownSyndications(syndications, user.id).get(cmd.report.beaconUserId);
    if (known?.reportId === cmd.report.id) continue;
    const identity = normaliseIdentity(await openIdentity(ctx.secrets.piiKey, user.id, user.sealed));
    const analysis = compareNormalised(identity, cmd.identity);
    // The counts include the user itself, as a user's own check does not count it.
    const shared = user.blockingKeys.filter((key) => key in cmd.keyFields);
    const weight = networkWeight(analysis, pairTermCounts(shared, cmd.keyFields, counts, user.blockingKeys));
    if (!decides(weight)) continue;
    matches.push({ user, subject: { ...user, identity }, finding: { report: cmd.report, analysis, weight, supersedes: known?.id ?? null } });
  }
  const admitted = await admitNetworkMatches(ctx.storage, matches);
  const changes = new Changeset(db, nowTimestamp());
  let syndicated = 0;
  for (const [i, { user, subject, finding }] of matches.entries()) {
    if (!admitted[i]) continue;
    syndicate(ctx, changes, user, { report: finding.report, shown: shownAnalysis(subject, finding), weight: finding.weight, supersedes: finding.supersedes });
    if (!finding.supersedes) syndicated++;
  }
  await ctx.commit(changes);
  return syndicated;
}

/** Records a syndication that reaches a user after its last check, and raises its status
 * as check 3 would have. */
function syndicate(ctx: InProgram, changes: Changeset, user: CurrentUser, syndication: Syndication): void {
  recordSyndication(ctx.db, changes, user, syndication);
  // The same outcome as check 3 at creation, and it only ever raises the status.
  const raised = escalate(user.status, outcomeOf({ duplicates: [], ownReports: [], networkReports: [syndication] }, ctx.program.settings));
  if (raised) nextStatus(ctx.db, changes, user, raised, SYSTEM);
}

/** In the receiving program's Durable Object: a held match released into the syndication it
 * would have been — by the operator (`/admin/network/held_match/release`), or when a member
 * held for being disabled is enabled again (within the bound, as a new match). */
export async function releaseHeldMatch(ctx: InProgram, heldMatchId: string, by: HeldMatchRelease) {
  const { db } = ctx;
  const held = await heldMatchToRelease(ctx.storage, heldMatchId);
  if (by === 'member_enabled' && !(await admitEnabledMatch(ctx.storage, held))) return heldMatchView({ ...held, reason: 'bound' });
  const [[user], syndications] = await db.batch([
    selectCurrentUsers(db, and(eq(userShard.beaconUsers.id, held.beaconUserId), eq(userShard.beaconUsers.programId, ctx.program.id))),
    selectSyndicationsOf(db, [held.beaconUserId]),
  ]);
  if (!user) throw errors.refused(`the user of held match ${held.id} was never written: dismiss it instead`);
  const report = { id: held.reportId, clientId: held.reportClientId, programId: held.reportProgramId, beaconUserId: held.reportedUserId };
  const supersedes = knownSyndications(syndications, user.id).get(held.reportedUserId)?.id ?? null;
  const changes = new Changeset(db, nowTimestamp());
  syndicate(ctx, changes, user, { report, shown: held.shownAnalysis as ShownAnalysis, weight: null, supersedes });
  await ctx.commit(changes);
  return heldMatchView(await markReleased(ctx.storage, held, by));
}

/** (program, user) order, the order of the index the walk reads. */
function byPosition(a: WalkPosition, b: WalkPosition): number {
  if (a.programId !== b.programId) return a.programId < b.programId ? -1 : 1;
  return a.beaconUserId < b.beaconUserId ? -1 : a.beaconUserId > b.beaconUserId ? 1 : 0;
}

/** Records where a walk stands: the next page, or done. */
async function recordProgress(storage: Storage, page: FanoutPage, next: FanoutPage | null): Promise<void> {
  const home = storage.userShard((await findProgramPlace(storage, page.programId)).shard);
  await home
    .update(reportFanouts)
    .set(next ? { state: 'queued', page: { ...next }, touchedAt: nowTimestamp() } : { state: 'done', touchedAt: nowTimestamp() })
    .where(and(eq(reportFanouts.reportId, page.reportId), eq(reportFanouts.pass, page.pass), eq(reportFanouts.shard, page.shard)));
}

/** Pages of fan-outs in `shard`'s reports that stopped arriving (the sweep sends them again). */
export async function stalledFanouts(storage: Storage, shard: number, limit: number): Promise<FanoutPage[]> {
  const rows = await storage
    .userShard(shard)
    .select({ page: reportFanouts.page })
    .from(reportFanouts)
    .where(and(eq(reportFanouts.state, 'queued'), lte(reportFanouts.touchedAt, timestampAt(Date.now() - FANOUT_STALLED_MS))))
    .limit(limit)
    .all();
  return rows.map((r) => r.page as unknown as FanoutPage);
}

/** The fan-out dead-letter queue's consumer: a page that failed every retry is recorded for
 * the operator (`/admin/fanout/dead_letter/*`) and its walk marked dead, so the sweep leaves
 * it to the operator. */
export async function recordFanoutDeadLetters(storage: Storage, pages: FanoutPage[]): Promise<void> {
  if (!pages.length) return;
  const now = nowTimestamp();
  await storage.control.insert(control.fanoutDeadLetters).values(pages.map((page) => ({ id: newId('deadLetter'), reportId: page.reportId, page: { ...page }, createdAt: now })));
  for (const page of pages) {
    const home = storage.userShard((await findProgramPlace(storage, page.programId)).shard);
    await home
      .update(reportFanouts)
      .set({ state: 'dead', touchedAt: now })
      .where(and(eq(reportFanouts.reportId, page.reportId), eq(reportFanouts.pass, page.pass), eq(reportFanouts.shard, page.shard)));
  }
}

function deadLetterView(row: typeof control.fanoutDeadLetters.$inferSelect) {
  const page = row.page as unknown as FanoutPage;
  return { id: row.id, beacon_report_id: row.reportId, pass: page.pass, shard: page.shard, created_at: row.createdAt, retried_at: row.retriedAt };
}

export async function listFanoutDeadLetters(storage: Storage, secrets: Secrets, cursor: string | null | undefined) {
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    'fanout-dead-letters',
    cursor,
    (before) =>
      storage.control
        .select()
        .from(control.fanoutDeadLetters)
        .where(lt(control.fanoutDeadLetters.seq, before ?? Number.MAX_SAFE_INTEGER))
        .orderBy(desc(control.fanoutDeadLetters.seq))
        .limit(PAGE_SIZE + 1)
        .all(),
    (row) => row.seq,
  );
  return { dead_letters: items.map(deadLetterView), next_cursor };
}

/** Sends a dead-lettered page again (the fan-out is idempotent, so this is always safe); its
 * walk is watched by the sweep again. */
export async function retryFanoutDeadLetter(storage: Storage, deadLetterId: string, send: (page: FanoutPage) => Promise<void>) {
  const row = await storage.control.select().from(control.fanoutDeadLetters).where(eq(control.fanoutDeadLetters.id, deadLetterId)).get();
  if (!row) throw errors.notFound('dead_letter_id');
  const page = row.page as unknown as FanoutPage;
  const home = storage.userShard((await findProgramPlace(storage, page.programId)).shard);
  await home
    .update(reportFanouts)
    .set({ state: 'queued', page: { ...page }, touchedAt: nowTimestamp() })
    .where(and(eq(reportFanouts.reportId, page.reportId), eq(reportFanouts.pass, page.pass), eq(reportFanouts.shard, page.shard)));
  await send(page);
  const retriedAt = nowTimestamp();
  await storage.control.update(control.fanoutDeadLetters).set({ retriedAt }).where(eq(control.fanoutDeadLetters.id, row.id));
  return deadLetterView({ ...row, retriedAt });
}
