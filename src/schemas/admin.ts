import { z } from 'zod';
import { MAX_SECRET_OVERLAP_SECONDS } from '../vocabulary';
import { BeaconUserRequestData } from './beacon-user';
import { Program } from './dashboard';
import { BeaconUserStatus, ClientUserId, Cursor, NextCursor, nonBlank, ObjectId, Timestamp, WebhookUrl } from './fields';

const ClientName = nonBlank(100);

export const AdminClientCreateRequest = z.strictObject({ name: ClientName, webhook_url: WebhookUrl.nullish() });
export const AdminClientGetRequest = z.strictObject({ client_id: ObjectId });
export const AdminClientListRequest = z.strictObject({ cursor: Cursor });
export const AdminClientUpdateRequest = z.strictObject({
  client_id: ObjectId,
  name: ClientName.nullish(),
  /** `null` clears the URL; leaving the field out keeps it. */
  webhook_url: WebhookUrl.nullable().optional(),
  disabled: z.boolean().nullish(),
  /** The user shard the client's new programs go to. */
  program_shard: z.number().int().min(0).nullish(),
});
export const AdminClientSecretRotateRequest = z.strictObject({
  client_id: ObjectId,
  /** How long the previous secret keeps working beside the new one (0, the default: not at all). */
  previous_secret_valid_seconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(0, 'must not be negative')
    .max(MAX_SECRET_OVERLAP_SECONDS, `must be at most ${MAX_SECRET_OVERLAP_SECONDS} (a week)`)
    .nullish(),
});
export const AdminClientSecretRevokePreviousRequest = z.strictObject({ client_id: ObjectId });

/** At most this many users per import request. */
export const IMPORT_BATCH = 100;

export const AdminBeaconUserImportRequest = z.strictObject({
  program_id: ObjectId,
  users: z
    .array(z.strictObject({ client_user_id: ClientUserId, user: BeaconUserRequestData }))
    .min(1, 'must list at least one user')
    .max(IMPORT_BATCH, `at most ${IMPORT_BATCH} users per request`),
});

export const AdminProgramGetRequest = z.strictObject({ program_id: ObjectId });
export const AdminShardListRequest = z.strictObject({});

export const AdminKeyRotationRequest = z.strictObject({});

export const AdminFanoutDeadLetterListRequest = z.strictObject({ cursor: Cursor });
export const AdminFanoutDeadLetterRetryRequest = z.strictObject({ dead_letter_id: ObjectId });

// Answers.

/** A client's credentials: the secret is shown here once and stored only as a digest. */
export const ClientCredentials = z.object({
  client_id: z.string(),
  secret: z.string(),
  previous_secret_expires_at: Timestamp.nullish().meta({ description: 'Until when the previous secret keeps working (rotation with an overlap); null: it stopped at once.' }),
});

export const Client = z.object({
  client_id: z.string(),
  name: z.string(),
  webhook_url: z.string().nullable(),
  disabled: z.boolean(),
  previous_secret_expires_at: Timestamp.nullable().meta({ description: 'Until when the previous secret keeps working beside the current one.' }),
  home_shard: z.int().meta({ description: "The user shard of the client's `/user` users and, by default, its programs." }),
  program_shard: z.int().meta({ description: 'The user shard new programs of this client go to.' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const AdminClientListResponse = z.object({ clients: z.array(Client), next_cursor: NextCursor });

const Bytes = z.int().nullable().meta({ description: 'The database size in bytes, as D1 reports it.' });

export const AdminShardListResponse = z.object({
  control: z.object({ size_bytes: Bytes }),
  user_shards: z.array(z.object({ shard: z.int(), open: z.boolean(), programs: z.int(), size_bytes: Bytes })),
  index_shards: z.array(z.object({ shard: z.int(), size_bytes: Bytes })),
});

export const AdminProgram = Program.extend({
  client_id: z.string(),
  shard: z.int().meta({ description: 'The user shard the program lives in.' }),
});

export const AdminProgramMetricsResponse = z.object({
  metrics: z
    .object({
      calls: z.int(),
      d1_round_trips: z.int(),
      d1_rows_read: z.int(),
      d1_rows_written: z.int(),
      d1_round_trips_per_call: z.number(),
    })
    .meta({ description: "What the program's Durable Object has cost in D1 since it started." }),
  beacon_users: z
    .object({ total: z.int(), rejected: z.int(), pending_review: z.int(), cleared: z.int() })
    .meta({ description: 'How many Beacon Users the program has, in all and by status (counted: the cost grows with the program).' }),
});

export const AdminBeaconUserImportResponse = z.object({
  beacon_users: z
    .array(
      z.union([
        z.object({ client_user_id: z.string(), beacon_user_id: z.string(), version: z.int(), status: BeaconUserStatus }),
        z.object({ client_user_id: z.string(), error: z.object({ error_code: z.string(), error_message: z.string() }) }),
      ]),
    )
    .meta({ description: "Each user's outcome, in the order given: the Beacon User (new, or the existing one unchanged), or why it was refused." }),
});

export const FanoutDeadLetter = z.object({
  id: z.string(),
  beacon_report_id: z.string(),
  pass: z.int(),
  shard: z.int(),
  created_at: Timestamp,
  retried_at: Timestamp.nullable(),
});

export const AdminKeyRotationResponse = z.object({
  rotation: z.string().meta({ description: 'The key ids the rotation moves stored rows to.' }),
  rotating: z.boolean().meta({ description: 'Whether a previous key is configured.' }),
  targets: z.int(),
  targets_done: z.int(),
  rows_changed: z.int(),
  complete: z.boolean(),
  client_ids_with_secrets_under_previous_hmac_key: z
    .array(z.string())
    .meta({ description: 'Clients (up to a page) whose secret works only while HMAC_KEY_PREVIOUS is configured, until they next call.' }),
  user_tokens_under_previous_hmac_key: z.int(),
});

export const AdminFanoutDeadLetterListResponse = z.object({ dead_letters: z.array(FanoutDeadLetter), next_cursor: NextCursor });
