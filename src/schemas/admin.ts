import { z } from 'zod';
import { MAX_SECRET_OVERLAP_SECONDS } from '../vocabulary';
import { BeaconUserRequestData } from './beacon-user';
import { ClientUserId, Cursor, nonBlank, ObjectId, WebhookUrl } from './fields';

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
