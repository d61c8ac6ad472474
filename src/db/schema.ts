import { sql } from 'drizzle-orm';
import type { ProgramSettings } from '../domain/programs';
import type { DeliveryFailure } from '../domain/webhooks/failures';
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
    settings: text('settings', { mode: 'json' }).$type<ProgramSettings>().notNull(),
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
    /** When the event was handed to the delivery queue; null until then (the sweep retries). */
    enqueuedAt: text('enqueued_at'),
    // Delivery state (domain/webhooks/deliveries.ts): one delivery per event, to the client's
    // webhook URL. `pending` until it is delivered, dead-lettered, or skipped (no URL).
    deliveryStatus: text('delivery_status', { enum: ['pending', 'delivered', 'dead', 'skipped'] }).notNull().default('pending'),
    /** HTTP attempts made, over every queue message of this event. */
    deliveryAttempts: integer('delivery_attempts').notNull().default(0),
    lastAttemptAt: text('last_attempt_at'),
    lastHttpStatus: integer('last_http_status'),
    lastError: text('last_error').$type<DeliveryFailure>(),
    /** When the queue will try again; null when nothing is scheduled. */
    nextAttemptAt: text('next_attempt_at'),
    deliveredAt: text('delivered_at'),
    /** When the delivery was given up: dead-lettered, or skipped for want of a URL. */
    givenUpAt: text('given_up_at'),
    /** Whoever is sending right now holds this (a random token) until `claimed_until`, so a
     * duplicate queue message does not send the same event twice at once. */
    claimToken: text('claim_token'),
    claimedUntil: text('claimed_until'),
  },
  (t) => [
    index('webhook_events_by_client').on(t.clientId, t.seq),
    index('webhook_events_pending').on(t.enqueuedAt),
    index('webhook_events_by_client_status').on(t.clientId, t.deliveryStatus, t.seq),
    // The sweep's reconciliation reads only events still in flight.
    index('webhook_events_in_flight').on(t.enqueuedAt).where(sql`delivery_status = 'pending'`),
  ],
);

/** The blocking index: keyed digests of normalised identity keys (see domain/matching),
 * one row per key of each user's current identity. Looked up by (key, program) for
 * duplicates, and by key alone across the network for report fan-out. */
export const blockingKeys = sqliteTable(
  'blocking_keys',
  {
    key: text('key').notNull(),
    programId: text('program_id').notNull(),
    beaconUserId: text('beacon_user_id').notNull(),
    clientId: text('client_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.programId, t.beaconUserId] }), index('blocking_keys_by_user').on(t.beaconUserId)],
);

/** Beacon Duplicates: a pair of users of one program and what matched. A pair is
 * recorded once (`pair` is the two ids in sorted order). */
export const beaconDuplicates = sqliteTable(
  'beacon_duplicates',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id').notNull(),
    programId: text('program_id').notNull(),
    beaconUser1Id: text('beacon_user1_id').notNull(),
    beaconUser1Version: integer('beacon_user1_version').notNull(),
    beaconUser2Id: text('beacon_user2_id').notNull(),
    beaconUser2Version: integer('beacon_user2_version').notNull(),
    pair: text('pair').notNull().unique(),
    analysis: text('analysis', { mode: 'json' }).notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('beacon_duplicates_by_user1').on(t.beaconUser1Id), index('beacon_duplicates_by_user2').on(t.beaconUser2Id)],
);

/** Fraud reports. A deleted report keeps its row (syndications refer to it) with
 * `deleted_at` set; a user has at most one active report. The reported identity is the
 * user's version `beacon_user_version`. */
export const beaconReports = sqliteTable(
  'beacon_reports',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    programId: text('program_id').notNull(),
    beaconUserId: text('beacon_user_id').notNull(),
    beaconUserVersion: integer('beacon_user_version').notNull(),
    type: text('type', { enum: ['first_party', 'stolen', 'synthetic', 'account_takeover', 'data_breach', 'unknown'] }).notNull(),
    fraudDate: text('fraud_date'),
    eventDate: text('event_date').notNull(),
    fraudAmount: text('fraud_amount', { mode: 'json' }).$type<{ iso_currency_code: 'USD'; value: number } | null>(),
    auditSource: text('audit_source', { enum: ['dashboard', 'api', 'system', 'bulk_import'] }).notNull(),
    auditDashboardUserId: text('audit_dashboard_user_id'),
    auditTimestamp: text('audit_timestamp').notNull(),
    createdAt: text('created_at').notNull(),
    deletedAt: text('deleted_at'),
    /** When the network fan-out was handed to its queue; null until then (the sweep retries). */
    fanoutEnqueuedAt: text('fanout_enqueued_at'),
  },
  (t) => [
    uniqueIndex('beacon_reports_one_active_per_user').on(t.beaconUserId).where(sql`deleted_at IS NULL`),
    index('beacon_reports_by_user').on(t.beaconUserId, t.seq),
    index('beacon_reports_fanout_pending').on(t.fanoutEnqueuedAt),
  ],
);

/** The network index of active reports: the blocking keys of each reported identity.
 * Removed in the same write that deletes the report. */
export const reportKeys = sqliteTable(
  'report_keys',
  {
    key: text('key').notNull(),
    reportId: text('report_id').notNull(),
    clientId: text('client_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.reportId] }), index('report_keys_by_report').on(t.reportId)],
);

/** Report Syndications: a report (any client's) matched one of this client's users.
 * `report_id` is internal and never shown to other clients. One per report and user. */
export const reportSyndications = sqliteTable(
  'report_syndications',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    programId: text('program_id').notNull(),
    beaconUserId: text('beacon_user_id').notNull(),
    reportId: text('report_id').notNull(),
    analysis: text('analysis', { mode: 'json' }).notNull(),
    createdAt: text('created_at').notNull(),
    confirmedAt: text('confirmed_at'),
    confirmedBy: text('confirmed_by'),
  },
  (t) => [
    uniqueIndex('report_syndications_one_per_report_and_user').on(t.reportId, t.beaconUserId),
    index('report_syndications_by_user').on(t.beaconUserId, t.seq),
  ],
);

/** ES256 key pairs that sign webhooks (domain/webhooks/keys.ts), per environment. The
 * current key has no `expires_at`; a rotated-out key keeps verifying until `expires_at`.
 * The private key is a JWK sealed with the PII key, bound to its `kid`. Times are Unix
 * seconds, as `/webhook_verification_key/get` returns them. */
export const webhookKeys = sqliteTable(
  'webhook_keys',
  {
    kid: text('kid').primaryKey(),
    environment: text('environment', { enum: ['sandbox', 'production'] }).notNull(),
    publicJwk: text('public_jwk', { mode: 'json' }).$type<{ kty: 'EC'; crv: 'P-256'; x: string; y: string }>().notNull(),
    privateJwk: text('private_jwk').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  // At most one current key per environment: concurrent first uses insert one, not two.
  (t) => [uniqueIndex('webhook_keys_one_current').on(t.environment).where(sql`expires_at IS NULL`)],
);

/** Fan-out messages that failed every retry (the fan-out dead-letter queue's consumer writes
 * them here), so the operator sees them and can send them again. */
export const fanoutDeadLetters = sqliteTable('fanout_dead_letters', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  reportId: text('report_id').notNull(),
  /** The page of the fan-out that failed: it continues after this user id. */
  after: text('after'),
  createdAt: text('created_at').notNull(),
  retriedAt: text('retried_at'),
});
