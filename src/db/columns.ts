import { integer, text } from 'drizzle-orm/sqlite-core';

/** Timestamps are ISO 8601 UTC strings with `Z`, as returned by the API, so they compare
 * as text. */
export const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

/** A report of one member matched to a user of a receiving member: the receiving side (its
 * client, program and user) and the report's (its id, client, program and reported user). A
 * syndication (user shard) and a held match (control) are both such a match. */
export const reportMatch = {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  clientId: text('client_id').notNull(),
  programId: text('program_id').notNull(),
  beaconUserId: text('beacon_user_id').notNull(),
  reportId: text('report_id').notNull(),
  reportClientId: text('report_client_id').notNull(),
  reportProgramId: text('report_program_id').notNull(),
  reportedUserId: text('reported_user_id').notNull(),
};
