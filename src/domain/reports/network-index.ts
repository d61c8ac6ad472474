/** The network index of active reports (docs/product.md §7): each report's blocking keys in the
 * index shard of each key, with what a check needs to compare against it. Checks 2 and 3
 * read it before the program's Durable Object, with one read per index shard touched; a
 * report's own batch commits first in its user shard, and its program's Durable Object then
 * writes it here (or removes it, on delete) before answering. */
import { and, count, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { indexShard, keysByIndexShard, type Storage } from '../../db';
import type { Secrets } from '../../secrets';
import { openIdentity } from '../beacon-users/store';
import { MAX_CANDIDATES } from '../blocking-index';
import { compareNormalised, normaliseIdentity, type MatchAnalysis, type NormalisedIdentity } from '../../matching/compare';
import { decides, networkWeight } from '../../matching/weights';

const { reportKeys, reportKeyCounts, indexedReports } = indexShard;

/** A key carried by more active reports than this is a common value in the network. */
export const HOT_KEY_REPORTS = 100;

/** A report as the index knows it. */
export interface IndexedReport {
  id: string;
  clientId: string;
  programId: string;
  /** The reported user, whose id is the context its identity is sealed under. */
  beaconUserId: string;
}

/** An active report that matches an identity under the network rules. */
export interface ReportHit {
  report: IndexedReport;
  analysis: MatchAnalysis;
  /** The keys the identity shares with the report: the hit stands only while one of them
   * is not common in the identity's program (checked in its Durable Object). */
  keys: string[];
}

/** Checks 2 and 3 of an identity, before its program's Durable Object: active reports
 * (any client's) that share a key with it and whose match weight reaches the network
 * threshold before term counts (which only lower it: the program's Durable Object weighs them
 * in, with the counts it reads anyway). `subjectId` is never matched against its own report. */
export async function findReportHits(storage: Storage, secrets: Secrets, subject: { id: string; identity: NormalisedIdentity; keys: string[] }): Promise<ReportHit[]> {
  const perShard = await Promise.all(
    [...keysByIndexShard(subject.keys, storage.layout.indexShards)].map(async ([shard, keys]) => {
      const db = storage.indexShard(shard);
      // CROSS JOIN makes SQLite read the counts first and never open a common key's rows.
      const hits = db
        .select({ reportId: reportKeys.reportId, keys: sql<string>`group_concat(${reportKeys.key})`.as('shared_keys'), shared: count().as('shared') })
        .from(reportKeyCounts)
        .crossJoin(reportKeys)
        .where(and(inArray(reportKeyCounts.key, keys), lte(reportKeyCounts.reports, HOT_KEY_REPORTS), eq(reportKeys.key, reportKeyCounts.key)))
        .groupBy(reportKeys.reportId)
        .orderBy(desc(count()))
        .limit(MAX_CANDIDATES)
        .as('hits');
      const [rows] = await db.batch([
        db
          .select({
            id: indexedReports.reportId,
            clientId: indexedReports.clientId,
            programId: indexedReports.programId,
            beaconUserId: indexedReports.beaconUserId,
            sealed: indexedReports.identity,
            keys: hits.keys,
            shared: hits.shared,
          })
          .from(hits)
          .innerJoin(indexedReports, eq(indexedReports.reportId, hits.reportId)),
      ]);
      return rows;
    }),
  );

  // A report with keys in several shards is one candidate, sharing all of them.
  const candidates = new Map<string, (typeof perShard)[number][number] & { sharedKeys: string[] }>();
  for (const row of perShard.flat()) {
    const known = candidates.get(row.id);
    const keys = row.keys.split(',');
    if (known) known.sharedKeys.push(...keys);
    else candidates.set(row.id, { ...row, sharedKeys: keys });
  }
  const nearest = [...candidates.values()]
    .filter((c) => c.beaconUserId !== subject.id)
    .sort((a, b) => b.sharedKeys.length - a.sharedKeys.length)
    .slice(0, MAX_CANDIDATES);

  const compared = await Promise.all(
    nearest.map(async ({ sealed, sharedKeys, id, clientId, programId, beaconUserId }) => {
      const reported = normaliseIdentity(await openIdentity(secrets.piiKey, beaconUserId, sealed));
      return { report: { id, clientId, programId, beaconUserId }, analysis: compareNormalised(subject.identity, reported), keys: sharedKeys };
    }),
  );
  return compared.filter((hit) => decides(networkWeight(hit.analysis)));
}

/** What the index is given of a report. */
export interface ReportEntry extends IndexedReport {
  keys: string[];
  /** The reported identity, sealed as in the report's user shard. */
  sealed: string;
}

/**
 * Writes a report into every index shard its keys fall in (idempotent: a second run changes
 * nothing but the sealed identity, which a key rotation may have sealed anew). Returns the
 * keys that are not common among reports: the ones its fan-out walks, as checks read only
 * those.
 */
export async function indexReport(storage: Storage, entry: ReportEntry): Promise<string[]> {
  const perShard = await Promise.all(
    [...keysByIndexShard(entry.keys, storage.layout.indexShards)].map(async ([shard, keys]) => {
      const db = storage.indexShard(shard);
      const [, , counts] = await db.batch([
        db
          .insert(indexedReports)
          .values({ reportId: entry.id, clientId: entry.clientId, programId: entry.programId, beaconUserId: entry.beaconUserId, identity: entry.sealed })
          .onConflictDoUpdate({ target: indexedReports.reportId, set: { identity: entry.sealed } }),
        db
          .insert(reportKeys)
          .values(keys.map((key) => ({ key, reportId: entry.id })))
          .onConflictDoNothing(),
        db.select({ key: reportKeyCounts.key, reports: reportKeyCounts.reports }).from(reportKeyCounts).where(inArray(reportKeyCounts.key, keys)),
      ]);
      return counts;
    }),
  );
  const common = new Set(
    perShard
      .flat()
      .filter((c) => c.reports > HOT_KEY_REPORTS)
      .map((c) => c.key),
  );
  return entry.keys.filter((key) => !common.has(key));
}

/** Removes a report's `keys` from the index (idempotent), and its entry from every shard
 * where none of the keys it `keeps` (a key rotation's new keys) stays. */
export async function unindexReport(storage: Storage, report: { id: string; keys: string[] }, keeps: string[] = []): Promise<void> {
  const kept = keysByIndexShard(keeps, storage.layout.indexShards);
  await Promise.all(
    [...keysByIndexShard(report.keys, storage.layout.indexShards)].map(([shard, keys]) => {
      const db = storage.indexShard(shard);
      const removeKeys = db.delete(reportKeys).where(and(eq(reportKeys.reportId, report.id), inArray(reportKeys.key, keys)));
      return kept.has(shard) ? db.batch([removeKeys]) : db.batch([removeKeys, db.delete(indexedReports).where(eq(indexedReports.reportId, report.id))]);
    }),
  );
}
