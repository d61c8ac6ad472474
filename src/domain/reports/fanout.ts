/** The network fan-out of a new report (PRODUCT.md §5.4): every user of every other client
 * whose identity matches the reported one gets a syndication and, where its program flags
 * network fraud, moves from cleared to pending_review. Candidates come from the blocking
 * index a page at a time; each page is one queue message, and each program's users are
 * changed by that program's Durable Object. Idempotent: a report reaches a user once. */
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { database, type Database } from '../../db';
import { fanoutDeadLetters, reportSyndications } from '../../db/schema';
import { programObject } from '../../durable/beacon-program';
import type { Env } from '../../env';
import { errors, unwrap } from '../../errors';
import { SYSTEM } from '../actor';
import { listPage, PAGE_SIZE } from '../../lib/cursor';
import { newId } from '../../lib/ids';
import { nowTimestamp } from '../../lib/time';
import type { Secrets } from '../../secrets';
import { nextVersion, type Deps } from '../beacon-users/service';
import { FANOUT_PAGE, networkCandidates } from '../blocking-index';
import { Changeset } from '../changeset';
import { currentIdentities, escalate, outcomeOf, recordSyndication, reportedIdentities } from '../checks';
import { compareNormalised } from '../matching/compare';
import { matchingRule, NETWORK_RULES } from '../matching/rules';
import type { FanoutMessage } from '../outbox';
import { findProgram } from '../programs';
import { findActiveReport } from './store';

/** One page of a report's fan-out; the next page goes back on the queue. A deleted report
 * fans out no further. */
export async function fanOutReport(env: Env, message: FanoutMessage): Promise<{ candidates: number; syndicated: number }> {
  const db = database(env.DB);
  const report = await findActiveReport(db, message.reportId);
  if (!report) return { candidates: 0, syndicated: 0 };

  const candidates = await networkCandidates(db, report, message.after);
  const byProgram = new Map<string, string[]>();
  for (const { programId, beaconUserId } of candidates) byProgram.set(programId, [...(byProgram.get(programId) ?? []), beaconUserId]);
  let syndicated = 0;
  for (const [programId, userIds] of byProgram) {
    syndicated += unwrap(await programObject(env, programId).applyNetworkReport({ reportId: message.reportId, programId, userIds }));
  }
  if (candidates.length === FANOUT_PAGE) {
    await env.FANOUT_QUEUE.send({ reportId: message.reportId, after: candidates.at(-1)!.beaconUserId });
  }
  return { candidates: candidates.length, syndicated };
}

export interface ApplyNetworkReport {
  reportId: string;
  programId: string;
  userIds: string[];
}

/** In a program's Durable Object: syndicates the report to those of `userIds` that match it
 * under the network rules and have not had it yet. Returns how many were syndicated. */
export async function applyNetworkReport({ db, secrets, commit }: Deps, cmd: ApplyNetworkReport): Promise<number> {
  const [reported] = await reportedIdentities(db, secrets, [cmd.reportId]);
  if (!reported) return 0;
  const [candidates, { settings }, known] = await Promise.all([
    currentIdentities(db, secrets, cmd.userIds),
    findProgram(db, cmd.programId),
    db
      .select({ beaconUserId: reportSyndications.beaconUserId })
      .from(reportSyndications)
      .where(and(eq(reportSyndications.reportId, cmd.reportId), inArray(reportSyndications.beaconUserId, cmd.userIds)))
      .all(),
  ]);
  const already = new Set(known.map((k) => k.beaconUserId));
  const changes = new Changeset(db, nowTimestamp());
  let syndicated = 0;
  for (const { record, identity } of candidates) {
    const { user, version } = record;
    if (user.programId !== cmd.programId || already.has(user.id)) continue;
    const analysis = compareNormalised(identity, reported.identity);
    if (!matchingRule(analysis, NETWORK_RULES)) continue;
    const finding = { report: reported.report, analysis };
    recordSyndication(db, changes, user, finding);
    // The same outcome as check 3 at creation, and it only ever raises the status.
    const status = escalate(user.status, outcomeOf({ duplicates: [], ownReports: [], networkReports: [finding] }, settings));
    if (status !== user.status) {
      nextVersion(db, changes, record, { status, digest: user.identityDigest, sealed: version.identity, actor: SYSTEM });
    }
    syndicated++;
  }
  await commit(changes);
  return syndicated;
}

/** The fan-out dead-letter queue's consumer: a page that failed every retry is recorded for
 * the operator (`/admin/fanout/dead_letter/*`), never dropped. */
export async function recordFanoutDeadLetters(db: Database, messages: FanoutMessage[]): Promise<void> {
  const now = nowTimestamp();
  const rows = messages.map((m) => ({ id: newId('deadLetter'), reportId: m.reportId, after: m.after ?? null, createdAt: now }));
  if (rows.length) await db.insert(fanoutDeadLetters).values(rows);
}

function deadLetterView(row: typeof fanoutDeadLetters.$inferSelect) {
  return { id: row.id, beacon_report_id: row.reportId, after: row.after, created_at: row.createdAt, retried_at: row.retriedAt };
}

export async function listFanoutDeadLetters(db: Database, secrets: Secrets, cursor: string | null | undefined) {
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    'fanout-dead-letters',
    cursor,
    (before) =>
      db
        .select()
        .from(fanoutDeadLetters)
        .where(lt(fanoutDeadLetters.seq, before ?? Number.MAX_SAFE_INTEGER))
        .orderBy(desc(fanoutDeadLetters.seq))
        .limit(PAGE_SIZE + 1)
        .all(),
    (row) => row.seq,
  );
  return { dead_letters: items.map(deadLetterView), next_cursor };
}

/** Sends a dead-lettered page again (the fan-out is idempotent, so this is always safe). */
export async function retryFanoutDeadLetter(env: Env, db: Database, deadLetterId: string) {
  const row = await db.select().from(fanoutDeadLetters).where(eq(fanoutDeadLetters.id, deadLetterId)).get();
  if (!row) throw errors.notFound('dead_letter_id');
  await env.FANOUT_QUEUE.send({ reportId: row.reportId, ...(row.after ? { after: row.after } : {}) });
  const retriedAt = nowTimestamp();
  await db.update(fanoutDeadLetters).set({ retriedAt }).where(eq(fanoutDeadLetters.id, row.id));
  return deadLetterView({ ...row, retriedAt });
}
