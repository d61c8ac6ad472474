import { and, desc, eq, getTableColumns, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import { userShard, type ShardDb, type Storage } from '../../db';
import { errors } from '../../errors';
import { PAGE_SIZE } from '../../lib/cursor';
import { findProgramPlace, inClientShards } from '../directory';
import type { ReportRow, SyndicationRow } from './view';

const { beaconReports, reportSyndications, beaconUserVersions } = userShard;

const active = isNull(beaconReports.deletedAt);

/** A client's active report, wherever it lives; a deleted or another client's report is
 * "not found". */
export async function locateReport(storage: Storage, clientId: string, reportId: string): Promise<{ shard: number; report: ReportRow }> {
  const found = await inClientShards(storage, clientId, async (shard) => {
    const report = await storage
      .userShard(shard)
      .select()
      .from(beaconReports)
      .where(and(eq(beaconReports.id, reportId), active))
      .get();
    return report?.clientId === clientId ? report : undefined;
  });
  if (!found) throw errors.notFound('beacon_report_id');
  return { shard: found.shard, report: found.value };
}

/** A client's active report in a known shard (inside its program's Durable Object). */
export async function loadReport(db: ShardDb, clientId: string, reportId: string): Promise<ReportRow> {
  const report = await db
    .select()
    .from(beaconReports)
    .where(and(eq(beaconReports.id, reportId), active))
    .get();
  if (!report || report.clientId !== clientId) throw errors.notFound('beacon_report_id');
  return report;
}

export function selectActiveReportOfUser(db: ShardDb, beaconUserId: string) {
  return db
    .select()
    .from(beaconReports)
    .where(and(eq(beaconReports.beaconUserId, beaconUserId), active));
}

/** A report with the identity it was made on (its user's version then), for the network's
 * own work; one flat row, for a D1 batch. */
export function selectReportedIdentity(db: ShardDb, reportId: string) {
  return db
    .select({ ...getTableColumns(beaconReports), sealed: beaconUserVersions.identity })
    .from(beaconReports)
    .innerJoin(beaconUserVersions, and(eq(beaconUserVersions.beaconUserId, beaconReports.beaconUserId), eq(beaconUserVersions.version, beaconReports.beaconUserVersion)))
    .where(eq(beaconReports.id, reportId));
}

/** A client's syndication, wherever it lives. */
export async function locateSyndication(storage: Storage, clientId: string, syndicationId: string): Promise<{ shard: number; syndication: SyndicationRow }> {
  const found = await inClientShards(storage, clientId, async (shard) => {
    const row = await storage.userShard(shard).select().from(reportSyndications).where(eq(reportSyndications.id, syndicationId)).get();
    return row?.clientId === clientId ? row : undefined;
  });
  if (!found) throw errors.notFound('beacon_report_syndication_id');
  return { shard: found.shard, syndication: found.value };
}

/** Reports of a user, newest first, below `beforeSeq`, one more than a page. */
export function selectReportsOfUser(db: ShardDb, beaconUserId: string, beforeSeq: number) {
  return db
    .select()
    .from(beaconReports)
    .where(and(eq(beaconReports.beaconUserId, beaconUserId), active, lt(beaconReports.seq, beforeSeq)))
    .orderBy(desc(beaconReports.seq))
    .limit(PAGE_SIZE + 1)
    .all();
}

export function selectSyndicationsOfUser(db: ShardDb, beaconUserId: string, beforeSeq: number) {
  return db
    .select()
    .from(reportSyndications)
    .where(and(eq(reportSyndications.beaconUserId, beaconUserId), lt(reportSyndications.seq, beforeSeq)))
    .orderBy(desc(reportSyndications.seq))
    .limit(PAGE_SIZE + 1)
    .all();
}

/** A user's confirmed syndications (their reports may live in other shards). */
export function selectConfirmedSyndicationsOfUser(db: ShardDb, beaconUserId: string) {
  return db
    .select({ reportId: reportSyndications.reportId, reportProgramId: reportSyndications.reportProgramId })
    .from(reportSyndications)
    .where(and(eq(reportSyndications.beaconUserId, beaconUserId), isNotNull(reportSyndications.confirmedAt)));
}

/** The reports syndications refer to, from the shards of the programs that made them (one
 * read per shard): by id, deleted ones included. */
export async function reportsOf(storage: Storage, refs: { reportId: string; reportProgramId: string }[]): Promise<Map<string, ReportRow>> {
  const byShard = new Map<number, string[]>();
  for (const ref of refs) {
    const { shard } = await findProgramPlace(storage, ref.reportProgramId);
    byShard.set(shard, [...(byShard.get(shard) ?? []), ref.reportId]);
  }
  const rows = await Promise.all([...byShard].map(([shard, ids]) => storage.userShard(shard).select().from(beaconReports).where(inArray(beaconReports.id, ids)).all()));
  return new Map(rows.flat().map((r) => [r.id, r]));
}
