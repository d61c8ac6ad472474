import { and, desc, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import type { Database } from '../../db';
import { beaconReports, reportSyndications } from '../../db/schema';
import { errors } from '../../errors';
import { PAGE_SIZE } from '../../lib/cursor';
import type { ReportRow, SyndicationRow } from './view';

const active = isNull(beaconReports.deletedAt);

/** The client's active report; a deleted or another client's report is "not found". */
export async function loadReport(db: Database, clientId: string, reportId: string): Promise<ReportRow> {
  const report = await db.select().from(beaconReports).where(and(eq(beaconReports.id, reportId), active)).get();
  if (!report || report.clientId !== clientId) throw errors.notFound('beacon_report_id');
  return report;
}

/** Any client's active report, for the network's own work (never shown to a client). */
export function findActiveReport(db: Database, reportId: string) {
  return db.select().from(beaconReports).where(and(eq(beaconReports.id, reportId), active)).get();
}

export function selectActiveReportOfUser(db: Database, beaconUserId: string) {
  return db.select().from(beaconReports).where(and(eq(beaconReports.beaconUserId, beaconUserId), active));
}

/** A syndication of the client's, with the report it came from (which may since have been deleted). */
export async function loadSyndication(db: Database, clientId: string, syndicationId: string) {
  const row = await db
    .select({ syndication: reportSyndications, report: beaconReports })
    .from(reportSyndications)
    .innerJoin(beaconReports, eq(beaconReports.id, reportSyndications.reportId))
    .where(eq(reportSyndications.id, syndicationId))
    .get();
  if (!row || row.syndication.clientId !== clientId) throw errors.notFound('beacon_report_syndication_id');
  return row as { syndication: SyndicationRow; report: ReportRow };
}

/** Reports of a user, newest first, below `beforeSeq`, one more than a page. */
export function selectReportsOfUser(db: Database, beaconUserId: string, beforeSeq: number) {
  return db
    .select()
    .from(beaconReports)
    .where(and(eq(beaconReports.beaconUserId, beaconUserId), active, lt(beaconReports.seq, beforeSeq)))
    .orderBy(desc(beaconReports.seq))
    .limit(PAGE_SIZE + 1)
    .all();
}

export function selectSyndicationsOfUser(db: Database, beaconUserId: string, beforeSeq: number) {
  return db
    .select({ syndication: reportSyndications, report: beaconReports })
    .from(reportSyndications)
    .innerJoin(beaconReports, eq(beaconReports.id, reportSyndications.reportId))
    .where(and(eq(reportSyndications.beaconUserId, beaconUserId), lt(reportSyndications.seq, beforeSeq)))
    .orderBy(desc(reportSyndications.seq))
    .limit(PAGE_SIZE + 1)
    .all() as Promise<{ syndication: SyndicationRow; report: ReportRow }[]>;
}

/** A confirmed syndication counts only while its report is active. */
export function selectConfirmedSyndicationOfUser(db: Database, beaconUserId: string) {
  return db
    .select({ id: reportSyndications.id })
    .from(reportSyndications)
    .innerJoin(beaconReports, eq(beaconReports.id, reportSyndications.reportId))
    .where(and(eq(reportSyndications.beaconUserId, beaconUserId), isNotNull(reportSyndications.confirmedAt), active))
    .limit(1);
}
