/** The control database (one D1): who the members are, where each program's data lives,
 * the webhook signing keys and the operator's records. Small: rows per member, not per user. */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ProgramSettings } from '../../matching/settings';
import { DASHBOARD_USER_ROLES, DASHBOARD_USER_STATUSES, ENVIRONMENTS, HELD_MATCH_REASONS, HELD_MATCH_STATUSES } from '../../vocabulary';
import { reportMatch, timestamps } from '../columns';

/** Member companies. The secret is stored only as a keyed digest; after a rotation with an
 * overlap, the previous secret's digest keeps working until `previous_secret_expires_at`.
 * `home_shard` is the user shard that holds the client's `/user` users (fixed); its new
 * programs go there too unless the operator names another shard in `program_shard`. */
export const clients = sqliteTable('clients', {
  // `seq` orders listings; ids are random.
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  name: text('name').notNull(),
  secretDigest: text('secret_digest').notNull(),
  /** Null: `secret_digest` is the secret's SHA-256. Otherwise the id of the HMAC key it was
   * stored under before (replaced by the SHA-256 at the client's next call; key rotations
   * cannot, never seeing the secret). */
  secretHmacKid: text('secret_hmac_kid'),
  previousSecretDigest: text('previous_secret_digest'),
  previousSecretExpiresAt: text('previous_secret_expires_at'),
  webhookUrl: text('webhook_url'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  homeShard: integer('home_shard').notNull(),
  programShard: integer('program_shard'),
  ...timestamps,
});

/** Beacon Programs and the directory of where each one's data lives: a program lives whole
 * in user shard `shard`. `settings` is JSON (domain/matching/settings.ts). */
export const programs = sqliteTable(
  'programs',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    name: text('name').notNull(),
    settings: text('settings', { mode: 'json' }).$type<ProgramSettings>().notNull(),
    shard: integer('shard').notNull(),
    ...timestamps,
  },
  (t) => [index('programs_by_client').on(t.clientId, t.seq), index('programs_by_shard').on(t.shard)],
);

/** ES256 key pairs that sign webhooks (domain/webhooks/keys.ts), per environment. The
 * current key has no `expires_at`; a rotated-out key keeps verifying until `expires_at`.
 * The private key is a JWK sealed with the PII key, bound to its `kid`. Times are Unix
 * seconds, as `/webhook_verification_key/get` returns them. */
export const webhookKeys = sqliteTable(
  'webhook_keys',
  {
    kid: text('kid').primaryKey(),
    environment: text('environment', { enum: ENVIRONMENTS }).notNull(),
    publicJwk: text('public_jwk', { mode: 'json' }).$type<{ kty: 'EC'; crv: 'P-256'; x: string; y: string }>().notNull(),
    privateJwk: text('private_jwk').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  // At most one current key per environment: concurrent first uses insert one, not two.
  (t) => [uniqueIndex('webhook_keys_one_current').on(t.environment).where(sql`expires_at IS NULL`)],
);

/** Fan-out pages that failed every retry (the fan-out dead-letter queue's consumer writes
 * them here), so the operator sees them and can send them again. `page` is the queue
 * message, resent as it was. */
export const fanoutDeadLetters = sqliteTable('fanout_dead_letters', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  reportId: text('report_id').notNull(),
  page: text('page', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: text('created_at').notNull(),
  retriedAt: text('retried_at'),
});

/** Key rotations: the progress of bringing every stored row to the current keys, per target
 * (a program's data, a shard's `/user` users, the webhook signing keys). `rotation` names the
 * keys rotated to (`pii:<kid>,hmac:<kid>,webhook:<kid>`). domain/key-rotation.ts. */
export const keyRotations = sqliteTable(
  'key_rotations',
  {
    rotation: text('rotation').notNull(),
    target: text('target').notNull(),
    /** Where the next step starts (null: at the beginning); its shape is the target's. */
    cursor: text('cursor', { mode: 'json' }).$type<unknown>(),
    rowsChanged: integer('rows_changed').notNull().default(0),
    doneAt: text('done_at'),
    touchedAt: text('touched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rotation, t.target] }), index('key_rotations_running').on(t.touchedAt).where(sql`done_at IS NULL`)],
);

/** How many syndications of one reported user (another member's report) each member has
 * received, across all its programs and shards: a syndication takes a slot here, by one
 * conditional update, before it is written; beyond the bound the match is held
 * (`held_matches`). */
export const networkMatchCounts = sqliteTable(
  'network_match_counts',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** The reported Beacon User (the reporting member's). */
    reportedUserId: text('reported_user_id').notNull(),
    reportClientId: text('report_client_id').notNull(),
    /** The receiving member. */
    clientId: text('client_id').notNull(),
    syndications: integer('syndications').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('network_match_counts_one_per_pair').on(t.reportedUserId, t.clientId), index('network_match_counts_by_client').on(t.clientId, t.seq)],
);

/** Matches held beyond the bound (of another member's report), or while a member on either
 * side is disabled: nothing reached the receiving member; the operator sees what matched and
 * releases (a normal syndication) or dismisses each; those held for a disabled member are
 * released when it is enabled again. One per reported user and receiving user. `analysis` is the full comparison;
 * `shown_analysis` what the syndication would show the member. */
export const heldMatches = sqliteTable(
  'held_matches',
  {
    ...reportMatch,
    analysis: text('analysis', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    shownAnalysis: text('shown_analysis', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: HELD_MATCH_STATUSES }).notNull(),
    reason: text('reason', { enum: HELD_MATCH_REASONS }).notNull().default('bound'),
    createdAt: text('created_at').notNull(),
    resolvedAt: text('resolved_at'),
  },
  (t) => [
    uniqueIndex('held_matches_one_per_pair').on(t.reportedUserId, t.beaconUserId),
    index('held_matches_by_pair').on(t.reportedUserId, t.clientId),
    // A member enabled again: its matches held on either side, in order.
    index('held_matches_by_client').on(t.clientId, t.status, t.seq),
    index('held_matches_by_report_client').on(t.reportClientId, t.status, t.seq),
  ],
);

/** Analyst accounts of the console (docs/product.md §8), each of one member company. The email
 * address is the member's staff's identity data: sealed with the PII key (bound to the
 * account's id), with a keyed digest for sign-in; one account per address in a member. The
 * password is an Argon2id hash (domain/analysts/passwords.ts), the authenticator's secret
 * sealed; `totp_last_step` makes each code good once. */
export const dashboardUsers = sqliteTable(
  'dashboard_users',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    clientId: text('client_id').notNull(),
    email: text('email').notNull(),
    emailDigest: text('email_digest').notNull(),
    role: text('role', { enum: DASHBOARD_USER_ROLES }).notNull(),
    status: text('status', { enum: DASHBOARD_USER_STATUSES }).notNull(),
    passwordHash: text('password_hash'),
    totpSecret: text('totp_secret'),
    totpLastStep: integer('totp_last_step'),
    /** The admin who invited the account; null when the operator created it. */
    invitedBy: text('invited_by'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('dashboard_users_one_per_email').on(t.clientId, t.emailDigest),
    index('dashboard_users_by_email').on(t.emailDigest),
    index('dashboard_users_by_client').on(t.clientId, t.seq),
  ],
);

/** One-time setup links of analyst accounts, stored only as SHA-256 digests of their tokens.
 * The link's authenticator secret is generated with it (sealed), shown on the setup page and
 * enrolled when the account is set up. */
export const dashboardUserInvitations = sqliteTable(
  'dashboard_user_invitations',
  {
    tokenDigest: text('token_digest').primaryKey(),
    dashboardUserId: text('dashboard_user_id').notNull(),
    totpSecret: text('totp_secret').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('dashboard_user_invitations_by_user').on(t.dashboardUserId)],
);

/** Console sessions, server-side and revocable, stored only as SHA-256 digests of their
 * tokens (random 256-bit values: nothing for a key to add, and untouched by key rotations):
 * a session ends when idle too long, at its absolute expiry, at sign-out, or when its
 * account is deactivated (domain/analysts/sessions.ts). */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    tokenDigest: text('token_digest').primaryKey(),
    dashboardUserId: text('dashboard_user_id').notNull(),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('console_sessions_by_user').on(t.dashboardUserId)],
);

/** Failed console sign-ins, counted per account (by the email's digest, known or not) and
 * per source address (by its digest): past a threshold, sign-ins wait (domain/analysts/throttle.ts). */
export const signInThrottles = sqliteTable('sign_in_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: text('window_started_at').notNull(),
  blockedUntil: text('blocked_until'),
});
