/** A user shard (one of N D1 databases). A program lives whole in one shard: its users and
 * their versions, blocking keys, duplicates, reports, syndications, and the outbox of the
 * events its changes cause — so a change and its events commit in one batch. A client's
 * `/user` users live in its home shard. */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { toMatchSummaryAnalysis, toReportSyndicationAnalysis } from '../../matching/compare';
import type { MatchWeight } from '../../matching/weights';
import { AUDIT_SOURCES, BEACON_USER_STATUSES, DELIVERY_FAILURES, DELIVERY_STATUSES, REPORT_TYPES, STATUS_REASONS, WEBHOOK_CODES } from '../../vocabulary';
import { reportMatch, timestamps } from '../columns';

/** The current state of each Beacon User; every version is in `beacon_user_versions`. */
export const beaconUsers = sqliteTable(
  'beacon_users',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id').notNull(),
    programId: text('program_id').notNull(),
    clientUserId: text('client_user_id').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: BEACON_USER_STATUSES }).notNull(),
    /** Why the user has its status (null: nothing found at creation), and since when. */
    statusReason: text('status_reason', { enum: STATUS_REASONS }),
    statusSince: text('status_since').notNull(),
    /** Keyed digest of the current identity data: equality without decryption. */
    identityDigest: text('identity_digest').notNull(),
    /** The blocking keys of the current identity (as in `blocking_keys`), so that an update
     * removes exactly those and a report indexes them without another read. */
    blockingKeys: text('blocking_keys', { mode: 'json' }).$type<string[]>().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('beacon_users_by_client_user_id').on(t.programId, t.clientUserId),
    // The console's search by client_user_id across a member's programs.
    index('beacon_users_by_client').on(t.clientId, t.clientUserId),
    // The review queue, oldest first, per member and per program, one reason at a time
    // (domain/beacon-users/queue.ts): a page is an index seek, however many users there are.
    index('beacon_users_review_queue').on(t.clientId, t.status, t.statusReason, t.statusSince, t.id),
    index('beacon_users_program_review_queue').on(t.programId, t.status, t.statusReason, t.statusSince, t.id),
  ],
);

/** How many users of each program wait in the review queue, per reason, kept by triggers on
 * `beacon_users` (migrations/user-shard/0005_review_queue_counts.sql): the queue's counts
 * are read, never counted. */
export const reviewQueueCounts = sqliteTable(
  'review_queue_counts',
  {
    programId: text('program_id').notNull(),
    reason: text('reason').notNull(),
    clientId: text('client_id').notNull(),
    users: integer('users').notNull(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.reason] }), index('review_queue_counts_by_client').on(t.clientId)],
);

/** One row per version of a Beacon User; identity data is AES-GCM sealed. */
export const beaconUserVersions = sqliteTable(
  'beacon_user_versions',
  {
    beaconUserId: text('beacon_user_id').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: BEACON_USER_STATUSES }).notNull(),
    statusReason: text('status_reason', { enum: STATUS_REASONS }),
    identity: text('identity').notNull(),
    auditSource: text('audit_source', { enum: AUDIT_SOURCES }).notNull(),
    auditDashboardUserId: text('audit_dashboard_user_id'),
    /** When this version was written (the version's `updated_at` and audit timestamp). */
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.beaconUserId, t.version] })],
);

/** `/user/*` users. The token is stored only as its digest (lib/crypto.ts credentialDigest);
 * identity is sealed. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id').notNull(),
    clientUserId: text('client_user_id').notNull(),
    tokenDigest: text('token_digest').notNull().unique(),
    /** As clients.secret_hmac_kid, for the token. */
    tokenHmacKid: text('token_hmac_kid'),
    identity: text('identity'),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_by_client_user_id').on(t.clientId, t.clientUserId), index('users_with_hmac_tokens').on(t.tokenHmacKid).where(sql`token_hmac_kid IS NOT NULL`)],
);

/** The webhook outbox: every event is written in the same batch as the change that
 * caused it; delivery reads from here. `payload` is the webhook body minus `environment`. */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    webhookCode: text('webhook_code', { enum: WEBHOOK_CODES }).notNull(),
    payload: text('payload', { mode: 'json' }).notNull(),
    createdAt: text('created_at').notNull(),
    /** When the event was handed to the delivery queue; null until then (the sweep retries). */
    enqueuedAt: text('enqueued_at'),
    /** Which hand-over's queue message carries the event now (each hand-over — the write
     * path's, the sweep's, a re-send — gets a new one): a dead letter of an earlier one must
     * not end a later schedule. */
    handoverId: text('handover_id'),
    // Delivery state (domain/webhooks/deliveries.ts): one delivery per event, to the client's
    // webhook URL. `pending` until it is delivered, dead-lettered, or skipped (no URL).
    deliveryStatus: text('delivery_status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    /** HTTP attempts made, over every queue message of this event. */
    deliveryAttempts: integer('delivery_attempts').notNull().default(0),
    lastAttemptAt: text('last_attempt_at'),
    lastHttpStatus: integer('last_http_status'),
    /** Why the last attempt failed: a code, never the raw error (domain/webhooks/failures.ts). */
    lastError: text('last_error', { enum: DELIVERY_FAILURES }),
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
    index('webhook_events_by_client').on(t.clientId, t.createdAt, t.seq),
    index('webhook_events_pending').on(t.enqueuedAt),
    index('webhook_events_by_client_status').on(t.clientId, t.deliveryStatus, t.createdAt, t.seq),
    // The sweep's reconciliation reads only events still in flight.
    index('webhook_events_in_flight').on(t.enqueuedAt).where(sql`delivery_status = 'pending'`),
  ],
);

/** The blocking index of the shard's users: keyed digests of normalised identity keys (see
 * domain/matching), one row per key of each user's current identity. Looked up by (key,
 * program) for duplicates and, through `key_counts`, by key across programs for a report's
 * network fan-out. */
export const blockingKeys = sqliteTable(
  'blocking_keys',
  {
    key: text('key').notNull(),
    programId: text('program_id').notNull(),
    beaconUserId: text('beacon_user_id').notNull(),
    clientId: text('client_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.programId, t.beaconUserId] })],
);

/** How many users of a program carry each blocking key, kept by triggers on
 * `blocking_keys` (migrations/user-shard/0001_key_counts.sql): a key carried by very many
 * users of a program (a placeholder email, an office address) is not read at all. */
export const keyCounts = sqliteTable(
  'key_counts',
  {
    key: text('key').notNull(),
    programId: text('program_id').notNull(),
    clientId: text('client_id').notNull(),
    users: integer('users').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.programId] })],
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
    analysis: text('analysis', { mode: 'json' }).$type<ReturnType<typeof toMatchSummaryAnalysis>>().notNull(),
    /** The pair's match weight and each field's part in it (matching/weights.ts), on the full
     * comparison; null for findings recorded before weights. Never shown to members. */
    matchWeight: text('match_weight', { mode: 'json' }).$type<MatchWeight>(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('beacon_duplicates_by_user1').on(t.beaconUser1Id), index('beacon_duplicates_by_user2').on(t.beaconUser2Id)],
);

/** Where a report stands in the network index (index shards), which is written after the
 * report's own batch commits: `indexing` until its keys are in the index, `indexed`; after a
 * delete `unindexing` until they are gone, `unindexed`. The sweep finishes what a failure
 * left half-way. */
export const REPORT_INDEX_STATES = ['indexing', 'indexed', 'unindexing', 'unindexed'] as const;

/** Fraud reports. A deleted report keeps its row (syndications refer to it) with
 * `deleted_at` set; a user has at most one active report. The reported identity is the
 * user's version `beacon_user_version`, indexed under `blocking_keys`. */
export const beaconReports = sqliteTable(
  'beacon_reports',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    programId: text('program_id').notNull(),
    beaconUserId: text('beacon_user_id').notNull(),
    beaconUserVersion: integer('beacon_user_version').notNull(),
    type: text('type', { enum: REPORT_TYPES }).notNull(),
    fraudDate: text('fraud_date'),
    eventDate: text('event_date').notNull(),
    fraudAmount: text('fraud_amount', { mode: 'json' }).$type<{ iso_currency_code: 'USD'; value: number } | null>(),
    /** The audit trail of the last change (the spec's); who filed the report is kept apart. */
    auditSource: text('audit_source', { enum: AUDIT_SOURCES }).notNull(),
    auditDashboardUserId: text('audit_dashboard_user_id'),
    auditTimestamp: text('audit_timestamp').notNull(),
    createdSource: text('created_source', { enum: AUDIT_SOURCES }).notNull(),
    createdDashboardUserId: text('created_dashboard_user_id'),
    createdAt: text('created_at').notNull(),
    deletedAt: text('deleted_at'),
    /** The blocking keys of the reported identity: what the network index holds for it. */
    blockingKeys: text('blocking_keys', { mode: 'json' }).$type<string[]>().notNull(),
    indexState: text('index_state', { enum: REPORT_INDEX_STATES }).notNull(),
    /** When `index_state` last changed (the sweep's clock for unfinished index work). */
    indexStateAt: text('index_state_at').notNull(),
  },
  (t) => [
    uniqueIndex('beacon_reports_one_active_per_user').on(t.beaconUserId).where(sql`deleted_at IS NULL`),
    index('beacon_reports_by_user').on(t.beaconUserId, t.seq),
    index('beacon_reports_index_pending').on(t.indexStateAt).where(sql`index_state IN ('indexing', 'unindexing')`),
  ],
);

/** Report Syndications: a report of a member (any client, own included) matched one of
 * this shard's users. One per reporting member, reported user and receiving user: a report
 * re-created on the same user brings the syndication up to date (`report_id`) rather than
 * making a second one. `report_*` ids are internal and never shown to other clients. */
export const reportSyndications = sqliteTable(
  'report_syndications',
  {
    ...reportMatch,
    analysis: text('analysis', { mode: 'json' }).$type<ReturnType<typeof toReportSyndicationAnalysis>>().notNull(),
    /** The match weight that decided it, and each field's part (matching/weights.ts), on the
     * full comparison: for the operator and the member's own analysts, never in the API's
     * answers (§9). Null for syndications before weights and for released held matches. */
    matchWeight: text('match_weight', { mode: 'json' }).$type<MatchWeight>(),
    createdAt: text('created_at').notNull(),
    confirmedAt: text('confirmed_at'),
    confirmedBy: text('confirmed_by'),
  },
  (t) => [uniqueIndex('report_syndications_one_per_fact').on(t.reportedUserId, t.beaconUserId), index('report_syndications_by_user').on(t.beaconUserId, t.seq)],
);

export const FANOUT_STATES = ['queued', 'done', 'dead'] as const;

/** Progress of each report's network fan-out, per pass and per target user shard, kept in
 * the report's own shard: the sweep resumes a fan-out whose pages stopped arriving, from
 * `page` (the next page's queue message). */
export const reportFanouts = sqliteTable(
  'report_fanouts',
  {
    reportId: text('report_id').notNull(),
    pass: integer('pass').notNull(),
    shard: integer('shard').notNull(),
    state: text('state', { enum: FANOUT_STATES }).notNull(),
    page: text('page', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The page was last sent or tried at this time; a queued fan-out quiet for long is resumed. */
    touchedAt: text('touched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.pass, t.shard] }), index('report_fanouts_queued').on(t.touchedAt).where(sql`state = 'queued'`)],
);

/** Analysts' notes on a Beacon User (the console), sealed like identity data, newest first. */
export const beaconUserNotes = sqliteTable(
  'beacon_user_notes',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    beaconUserId: text('beacon_user_id').notNull(),
    dashboardUserId: text('dashboard_user_id').notNull(),
    body: text('body').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('beacon_user_notes_by_user').on(t.beaconUserId, t.seq)],
);
