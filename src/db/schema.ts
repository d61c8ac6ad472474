import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Timestamps are ISO 8601 UTC strings with `Z`, as returned by the API. */
const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

/** Member companies. The secret is stored only as a keyed digest. */
export const clients = sqliteTable('clients', {
  // `seq` orders listings; ids are random.
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  name: text('name').notNull(),
  secretDigest: text('secret_digest').notNull(),
  webhookUrl: text('webhook_url'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  ...timestamps,
});

/** Beacon Programs. `settings` is JSON (see domain/programs.ts for its shape and defaults). */
export const programs = sqliteTable(
  'programs',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    name: text('name').notNull(),
    settings: text('settings', { mode: 'json' }).notNull(),
    ...timestamps,
  },
  (t) => [index('programs_by_client').on(t.clientId, t.seq)],
);

/** The current state of each Beacon User; every version is in `beacon_user_versions`. */
export const beaconUsers = sqliteTable(
  'beacon_users',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id').notNull(),
    programId: text('program_id').notNull(),
    clientUserId: text('client_user_id').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: ['rejected', 'pending_review', 'cleared'] }).notNull(),
    /** Keyed digest of the current identity data: equality without decryption. */
    identityDigest: text('identity_digest').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('beacon_users_by_client_user_id').on(t.programId, t.clientUserId)],
);

/** One row per version of a Beacon User; identity data is AES-GCM sealed. */
export const beaconUserVersions = sqliteTable(
  'beacon_user_versions',
  {
    beaconUserId: text('beacon_user_id').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: ['rejected', 'pending_review', 'cleared'] }).notNull(),
    identity: text('identity').notNull(),
    auditSource: text('audit_source', { enum: ['dashboard', 'api', 'system', 'bulk_import'] }).notNull(),
    auditDashboardUserId: text('audit_dashboard_user_id'),
    /** When this version was written (the version's `updated_at` and audit timestamp). */
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.beaconUserId, t.version] })],
);

/** `/user/*` users. The token is stored only as a keyed digest; identity is sealed. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id').notNull(),
    clientUserId: text('client_user_id').notNull(),
    tokenDigest: text('token_digest').notNull().unique(),
    identity: text('identity'),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_by_client_user_id').on(t.clientId, t.clientUserId)],
);

/** The webhook outbox: every event is written in the same batch as the change that
 * caused it; delivery reads from here. `payload` is the webhook body minus `environment`. */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    webhookCode: text('webhook_code').notNull(),
    payload: text('payload', { mode: 'json' }).notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('webhook_events_by_client').on(t.clientId, t.seq)],
);
