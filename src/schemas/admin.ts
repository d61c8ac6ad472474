import { z } from 'zod';
import { Cursor, nonBlank, ObjectId } from './fields';

const ClientName = nonBlank(100);
const WebhookUrl = z.string().max(2048, 'must be at most 2048 characters');

export const AdminClientCreateRequest = z.strictObject({ name: ClientName, webhook_url: WebhookUrl.nullish() });
export const AdminClientGetRequest = z.strictObject({ client_id: ObjectId });
export const AdminClientListRequest = z.strictObject({ cursor: Cursor });
export const AdminClientUpdateRequest = z.strictObject({
  client_id: ObjectId,
  name: ClientName.nullish(),
  /** `null` clears the URL; leaving the field out keeps it. */
  webhook_url: WebhookUrl.nullable().optional(),
  disabled: z.boolean().nullish(),
});
export const AdminClientSecretRotateRequest = z.strictObject({ client_id: ObjectId });
