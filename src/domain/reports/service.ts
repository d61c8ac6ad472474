/** Writes to reports and syndications. Like Beacon User writes they run inside the
 * program's Durable Object: creating a report changes its user's status, the review rules
 * read reports and confirmations, and the network index follows each report's own writes
 * in the order they were made. */
import { eq } from 'drizzle-orm';
import { userShard } from '../../db';
import { errors } from '../../errors';
import { nowTimestamp, today } from '../../lib/time';
import { newId } from '../../lib/ids';
import type { BeaconReportType, FraudAmount } from '../../schemas/report';
import { SYSTEM, type Actor } from '../actor';
import { nextStatus } from '../beacon-users/service';
import { openIdentity, selectCurrentUsers } from '../beacon-users/store';
import { indexKeys } from '../blocking-index';
import { normaliseIdentity } from '../../matching/compare';
import { Changeset } from '../changeset';
import type { InProgram } from '../program-context';
import { startFanout } from './fanout';
import { indexReport, unindexReport } from './network-index';
import { syndicationViews } from './reads';
import { loadReport, selectActiveReportOfUser, selectReportedIdentity } from './store';
import { reportView, type ReportRow } from './view';

const { beaconReports, reportSyndications } = userShard;

/** A report's audit trail after a change by `actor`. */
const auditedBy = (actor: Actor, now: string) => ({ auditSource: actor.source, auditDashboardUserId: actor.dashboardUserId, auditTimestamp: now });

export interface CreateReport {
  beaconUserId: string;
  type: BeaconReportType;
  fraudDate: string;
  fraudAmount: FraudAmount | null;
  actor: Actor;
}

/** The same report as `cmd`: a retried create whose first answer was lost. */
function sameReport(report: ReportRow, cmd: CreateReport): boolean {
  return report.type === cmd.type && report.fraudDate === cmd.fraudDate && JSON.stringify(report.fraudAmount ?? null) === JSON.stringify(cmd.fraudAmount);
}

/** Reports a user (docs/product.md §5.4). One batch: the report, REPORT_CREATED, and the user
 * `rejected` by the system. Then the network index and the fan-out. A create repeated with
 * the same facts while the report is active returns it (a retry whose answer was lost). */
export async function createReport(ctx: InProgram, cmd: CreateReport) {
  const { db, program } = ctx;
  const [[current], [existing]] = await db.batch([selectCurrentUsers(db, eq(userShard.beaconUsers.id, cmd.beaconUserId)), selectActiveReportOfUser(db, cmd.beaconUserId)]);
  if (!current || current.clientId !== program.clientId) throw errors.notFound('beacon_user_id');
  if (existing) {
    if (sameReport(existing, cmd)) {
      await syncReportIndex(ctx, existing.id);
      return reportView(existing);
    }
    throw errors.refused(`the user already has an active report (${existing.id}); delete it with /dashboard/report/delete before creating another`);
  }
  const now = nowTimestamp();
  const report: ReportRow = {
    seq: 0,
    id: newId('report'),
    clientId: program.clientId,
    programId: program.id,
    beaconUserId: current.id,
    beaconUserVersion: current.version,
    type: cmd.type,
    fraudDate: cmd.fraudDate,
    eventDate: today(),
    fraudAmount: cmd.fraudAmount,
    ...auditedBy(cmd.actor, now),
    createdSource: cmd.actor.source,
    createdDashboardUserId: cmd.actor.dashboardUserId,
    createdAt: now,
    deletedAt: null,
    blockingKeys: current.blockingKeys,
    indexState: 'indexing',
    indexStateAt: now,
  };
  const { seq: _, ...values } = report;
  const changes = new Changeset(db, now).add(db.insert(beaconReports).values(values)).event(program.clientId, { webhook_code: 'REPORT_CREATED', beacon_report_id: report.id });
  if (current.status !== 'rejected') nextStatus(db, changes, current, { status: 'rejected', reason: 'reported' }, SYSTEM);
  await ctx.commit(changes);
  await publish(ctx, report, current.sealed);
  return reportView(report);
}

export interface UpdateReport {
  reportId: string;
  type?: BeaconReportType | null;
  fraudDate?: string | null;
  /** `null` sets the amount unknown; `undefined` keeps it. */
  fraudAmount?: FraudAmount | null;
  actor: Actor;
}

export async function updateReport(ctx: InProgram, cmd: UpdateReport) {
  const report = await loadReport(ctx.db, ctx.program.clientId, cmd.reportId);
  const now = nowTimestamp();
  const set = {
    type: cmd.type ?? report.type,
    fraudDate: cmd.fraudDate ?? report.fraudDate,
    fraudAmount: cmd.fraudAmount === undefined ? report.fraudAmount : cmd.fraudAmount,
    ...auditedBy(cmd.actor, now),
  };
  const changes = new Changeset(ctx.db, now)
    .add(ctx.db.update(beaconReports).set(set).where(eq(beaconReports.id, report.id)))
    .event(report.clientId, { webhook_code: 'REPORT_UPDATED', beacon_report_id: report.id });
  await ctx.commit(changes);
  return reportView({ ...report, ...set });
}

export interface DeleteReport {
  reportId: string;
  actor: Actor;
}

/** Deletes a report: it leaves the network index before the answer, so it stops matching
 * at once. The row stays (deleted) for the syndications that refer to it. */
export async function deleteReport(ctx: InProgram, cmd: DeleteReport) {
  const report = await loadReport(ctx.db, ctx.program.clientId, cmd.reportId);
  const now = nowTimestamp();
  const changes = new Changeset(ctx.db, now)
    .add(
      ctx.db
        .update(beaconReports)
        .set({ deletedAt: now, indexState: 'unindexing', indexStateAt: now, ...auditedBy(cmd.actor, now) })
        .where(eq(beaconReports.id, report.id)),
    )
    .event(report.clientId, { webhook_code: 'REPORT_UPDATED', beacon_report_id: report.id });
  await ctx.commit(changes);
  await unindexReport(ctx.storage, { id: report.id, keys: report.blockingKeys });
  await markIndexState(ctx, report.id, 'unindexed');
  return { beacon_report_id: report.id, deleted_at: now };
}

export interface ConfirmSyndication {
  syndicationId: string;
  actor: Actor;
}

/** An analyst accepts that a report applies to this user (allows `rejected` in review). */
export async function confirmSyndication(ctx: InProgram, cmd: ConfirmSyndication) {
  const { db } = ctx;
  const syndication = await db.select().from(reportSyndications).where(eq(reportSyndications.id, cmd.syndicationId)).get();
  if (!syndication || syndication.clientId !== ctx.program.clientId) throw errors.notFound('beacon_report_syndication_id');
  if (!syndication.confirmedAt) {
    syndication.confirmedAt = nowTimestamp();
    syndication.confirmedBy = cmd.actor.dashboardUserId;
    await db.update(reportSyndications).set({ confirmedAt: syndication.confirmedAt, confirmedBy: syndication.confirmedBy }).where(eq(reportSyndications.id, syndication.id));
  }
  const [view] = await syndicationViews(ctx.storage, [syndication]);
  return { ...view!, confirmed_at: syndication.confirmedAt, confirmed_by: syndication.confirmedBy };
}

/** During an HMAC key rotation, users not yet rotated carry keys of the other key: the
 * fan-out walks those too. */
async function otherGenerationKeys(ctx: InProgram, report: ReportRow, sealed: string): Promise<string[]> {
  if (!ctx.secrets.hmacKey.previous) return [];
  const identity = normaliseIdentity(await openIdentity(ctx.secrets.piiKey, report.beaconUserId, sealed));
  const { lookup } = await indexKeys(ctx.secrets.hmacKey, identity);
  return lookup.filter((key) => !report.blockingKeys.includes(key));
}

/** Puts a committed report into the network index and starts its fan-out. */
async function publish(ctx: InProgram, report: ReportRow, sealed: string): Promise<void> {
  const keys = await indexReport(ctx.storage, {
    id: report.id,
    clientId: report.clientId,
    programId: report.programId,
    beaconUserId: report.beaconUserId,
    keys: report.blockingKeys,
    sealed,
  });
  const { statements, pages } = startFanout(ctx, report, [...keys, ...(await otherGenerationKeys(ctx, report, sealed))]);
  await ctx.db.batch([indexStateStatement(ctx, report.id, 'indexed'), ...statements]);
  await ctx.fanOut(pages);
}

const indexStateStatement = (ctx: InProgram, reportId: string, state: 'indexed' | 'unindexed') =>
  ctx.db.update(beaconReports).set({ indexState: state, indexStateAt: nowTimestamp() }).where(eq(beaconReports.id, reportId));

async function markIndexState(ctx: InProgram, reportId: string, state: 'indexed' | 'unindexed'): Promise<void> {
  await indexStateStatement(ctx, reportId, state);
}

/** Finishes the index work a failure left half-way (the sweep calls this through the
 * report's program): an active report not yet indexed is indexed and fanned out; a deleted
 * one still in the index is removed. Idempotent. */
export async function syncReportIndex(ctx: InProgram, reportId: string): Promise<void> {
  const [report] = await selectReportedIdentity(ctx.db, reportId).all();
  if (!report) return;
  if (report.deletedAt === null && report.indexState === 'indexing') await publish(ctx, report, report.sealed);
  if (report.deletedAt !== null && report.indexState !== 'unindexed') {
    await unindexReport(ctx.storage, { id: report.id, keys: report.blockingKeys });
    await markIndexState(ctx, report.id, 'unindexed');
  }
}
