/** Writes to reports and syndications. Like Beacon User writes they run inside the
 * program's Durable Object: creating a report changes its user's status, and the review
 * rules read reports and confirmations. */
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { beaconReports, blockingKeys, reportKeys, reportSyndications } from '../../db/schema';
import { errors } from '../../errors';
import { SYSTEM, type Actor } from '../actor';
import { newId } from '../../lib/ids';
import { nowTimestamp, today } from '../../lib/time';
import type { BeaconReportType, FraudAmount } from '../../schemas/report';
import { nextVersion, type Deps } from '../beacon-users/service';
import { loadBeaconUser } from '../beacon-users/store';
import { Changeset } from '../changeset';
import { loadReport, loadSyndication, selectActiveReportOfUser } from './store';
import { reportView, syndicationView } from './view';

/** A report's audit trail after a change by `actor`. */
const auditedBy = (actor: Actor, now: string) => ({ auditSource: actor.source, auditDashboardUserId: actor.dashboardUserId, auditTimestamp: now });

export interface CreateReport {
  clientId: string;
  beaconUserId: string;
  type: z.output<typeof BeaconReportType>;
  fraudDate: string;
  fraudAmount: FraudAmount | null;
  actor: Actor;
}

/** Reports a user (PRODUCT.md §5.4). One batch: the report; its network index entries
 * (the user's current blocking keys, i.e. those of the reported version); REPORT_CREATED;
 * the user `rejected` by the system; and the network fan-out, handed over after commit. */
export async function createReport({ db, commit }: Deps, cmd: CreateReport) {
  const record = await loadBeaconUser(db, cmd.clientId, cmd.beaconUserId);
  const existing = await selectActiveReportOfUser(db, record.user.id).get();
  if (existing) {
    throw errors.refused(
      `the user already has an active report (${existing.id}); delete it with /dashboard/report/delete before creating another`,
    );
  }
  const now = nowTimestamp();
  const values = {
    id: newId('report'),
    clientId: cmd.clientId,
    programId: record.user.programId,
    beaconUserId: record.user.id,
    beaconUserVersion: record.user.version,
    type: cmd.type,
    fraudDate: cmd.fraudDate,
    eventDate: today(),
    fraudAmount: cmd.fraudAmount,
    ...auditedBy(cmd.actor, now),
    createdAt: now,
  };
  const changes = new Changeset(db, now).add(
    db.insert(beaconReports).values(values),
    db.insert(reportKeys).select(
      db
        .select({ key: blockingKeys.key, reportId: sql<string>`${values.id}`.as('report_id'), clientId: blockingKeys.clientId })
        .from(blockingKeys)
        .where(eq(blockingKeys.beaconUserId, record.user.id)),
    ),
  );
  changes.event(cmd.clientId, { webhook_code: 'REPORT_CREATED', beacon_report_id: values.id });
  if (record.user.status !== 'rejected') {
    const { user, version } = record;
    nextVersion(db, changes, record, { status: 'rejected', digest: user.identityDigest, sealed: version.identity, actor: SYSTEM });
  }
  changes.fanOut(values.id);
  await commit(changes);
  return reportView({ ...values, seq: 0, deletedAt: null, fanoutEnqueuedAt: null });
}

export interface UpdateReport {
  clientId: string;
  reportId: string;
  type?: z.output<typeof BeaconReportType> | null;
  fraudDate?: string | null;
  /** `null` sets the amount unknown; `undefined` keeps it. */
  fraudAmount?: FraudAmount | null;
  actor: Actor;
}

export async function updateReport({ db, commit }: Deps, cmd: UpdateReport) {
  const report = await loadReport(db, cmd.clientId, cmd.reportId);
  const now = nowTimestamp();
  const set = {
    type: cmd.type ?? report.type,
    fraudDate: cmd.fraudDate ?? report.fraudDate,
    fraudAmount: cmd.fraudAmount === undefined ? report.fraudAmount : cmd.fraudAmount,
    ...auditedBy(cmd.actor, now),
  };
  const changes = new Changeset(db, now)
    .add(db.update(beaconReports).set(set).where(eq(beaconReports.id, report.id)))
    .event(cmd.clientId, { webhook_code: 'REPORT_UPDATED', beacon_report_id: report.id });
  await commit(changes);
  return reportView({ ...report, ...set });
}

export interface DeleteReport {
  clientId: string;
  reportId: string;
  actor: Actor;
}

/** Deletes a report: it leaves the network index in the same write, so it stops matching
 * at once. The row stays (deleted) for the syndications that refer to it. */
export async function deleteReport({ db, commit }: Deps, cmd: DeleteReport) {
  const report = await loadReport(db, cmd.clientId, cmd.reportId);
  const now = nowTimestamp();
  const changes = new Changeset(db, now)
    .add(
      db.update(beaconReports).set({ deletedAt: now, ...auditedBy(cmd.actor, now) }).where(eq(beaconReports.id, report.id)),
      db.delete(reportKeys).where(eq(reportKeys.reportId, report.id)),
    )
    .event(cmd.clientId, { webhook_code: 'REPORT_UPDATED', beacon_report_id: report.id });
  await commit(changes);
  return { beacon_report_id: report.id, deleted_at: now };
}

export interface ConfirmSyndication {
  clientId: string;
  syndicationId: string;
  actor: Actor;
}

/** An analyst accepts that a report applies to this user (allows `rejected` in review). */
export async function confirmSyndication({ db }: Deps, cmd: ConfirmSyndication) {
  const { syndication, report } = await loadSyndication(db, cmd.clientId, cmd.syndicationId);
  if (!syndication.confirmedAt) {
    syndication.confirmedAt = nowTimestamp();
    syndication.confirmedBy = cmd.actor.dashboardUserId;
    await db
      .update(reportSyndications)
      .set({ confirmedAt: syndication.confirmedAt, confirmedBy: syndication.confirmedBy })
      .where(eq(reportSyndications.id, syndication.id));
  }
  return { ...syndicationView(syndication, report), confirmed_at: syndication.confirmedAt, confirmed_by: syndication.confirmedBy };
}
