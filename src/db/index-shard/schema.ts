/** A report-index shard (one of M D1 databases): the network index of active reports,
 * partitioned by key hash (db/shards.ts). Read on every create and update (checks 2 and 3),
 * written when reports are made and deleted. Derived data: rebuilt from the user shards'
 * reports if ever lost. */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per blocking key of each active report whose key falls in this shard. */
export const reportKeys = sqliteTable(
  'report_keys',
  {
    key: text('key').notNull(),
    reportId: text('report_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.reportId] }), index('report_keys_by_report').on(t.reportId)],
);

/** How many active reports carry each key, kept by triggers on `report_keys`
 * (migrations/index-shard/0001_report_key_counts.sql): a key carried by very many reports is
 * not read at all. */
export const reportKeyCounts = sqliteTable('report_key_counts', {
  key: text('key').primaryKey(),
  reports: integer('reports').notNull(),
});

/** What a check needs of each active report with a key in this shard, so that one read per
 * shard finds and describes the candidates: its member, its user (whose id is the context
 * the identity is sealed under) and the reported identity, sealed as in its user shard. */
export const indexedReports = sqliteTable('indexed_reports', {
  reportId: text('report_id').primaryKey(),
  clientId: text('client_id').notNull(),
  programId: text('program_id').notNull(),
  beaconUserId: text('beacon_user_id').notNull(),
  identity: text('identity').notNull(),
});
