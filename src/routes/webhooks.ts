import { z } from 'zod';
import { updateClient } from '../domain/clients';
import { listDeliveries, retryDelivery } from '../domain/webhooks/deliveries';
import { getVerificationKey, rotateSigningKey } from '../domain/webhooks/keys';
import { register, type App } from '../http/endpoint';
import { plaidResponse } from '../schemas/plaid';
import { handOverEvents } from '../queues/outbox';
import { Cursor, NextCursor, ObjectId, Timestamp, WebhookUrl } from '../schemas/fields';
import { DELIVERY_FAILURES, DELIVERY_STATUSES, ENVIRONMENTS, WEBHOOK_CODES } from '../vocabulary';

// Request shapes. The API plane's is the spec's; the dashboard and admin ones are this
// project's contract (docs/product.md §2).
export const WebhookVerificationKeyGetRequest = z.strictObject({ key_id: ObjectId });
export const WebhookKeyRotateRequest = z.strictObject({});
export const WebhookUpdateRequest = z.strictObject({
  /** `null` removes the URL: events are then skipped (visible in the log, re-sendable). */
  url: WebhookUrl.nullable(),
});
export const WebhookDeliveryListRequest = z.strictObject({
  cursor: Cursor,
  status: z.enum(DELIVERY_STATUSES, `must be one of ${DELIVERY_STATUSES.join(', ')}`).nullish(),
});
export const WebhookDeliveryRetryRequest = z.strictObject({ delivery_id: ObjectId });

// Answers.
export const AdminWebhookKeyRotateResponse = z.object({ key_id: z.string().meta({ description: 'The new signing key’s `kid`.' }) });
export const WebhookUpdateResponse = z.object({ webhook_url: z.string().nullable() });
const WebhookDelivery = z.object({
  delivery_id: z.string(),
  event: z.object({
    id: z.string(),
    webhook_code: z.enum(WEBHOOK_CODES),
    created_at: Timestamp,
    payload: z
      .looseObject({ webhook_type: z.literal('BEACON'), webhook_code: z.enum(WEBHOOK_CODES), environment: z.enum(ENVIRONMENTS) })
      .meta({ description: 'The body as delivered: Plaid’s Beacon webhook of that code.' }),
  }),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.int(),
  last_attempt_at: Timestamp.nullable(),
  last_http_status: z.int().nullable(),
  last_error: z.enum(DELIVERY_FAILURES).nullable().meta({ description: 'Why the last attempt failed (docs/webhooks.md).' }),
  last_error_message: z.string().nullable(),
  next_attempt_at: Timestamp.nullable(),
  delivered_at: Timestamp.nullable(),
  given_up_at: Timestamp.nullable(),
});
export const WebhookDeliveryListResponse = z.object({ deliveries: z.array(WebhookDelivery), next_cursor: NextCursor });
export const WebhookDeliveryRetryResponse = z.object({ delivery: WebhookDelivery });

/** Webhooks (docs/product.md §5.5, docs/webhooks.md): verification keys, the member's URL and
 * its delivery log. */
export function registerWebhookRoutes(app: App): void {
  register(app, {
    path: '/webhook_verification_key/get',
    summary: "Get the public key that verifies a webhook's Plaid-Verification JWT",
    plane: 'api',
    request: WebhookVerificationKeyGetRequest,
    response: plaidResponse('WebhookVerificationKeyGetResponse'),
    handle: async ({ storage, secrets, input }) => ({ key: await getVerificationKey(storage.control, secrets, input.key_id) }),
  });

  register(app, {
    path: '/admin/webhook_key/rotate',
    summary: 'Rotate the webhook signing key (the previous one verifies for 24 h more)',
    plane: 'admin',
    request: WebhookKeyRotateRequest,
    response: AdminWebhookKeyRotateResponse,
    handle: async ({ storage, secrets }) => ({ key_id: (await rotateSigningKey(storage.control, secrets)).kid }),
  });

  register(app, {
    path: '/dashboard/webhook/update',
    summary: "Set or remove the member's webhook URL",
    plane: 'dashboard',
    request: WebhookUpdateRequest,
    response: WebhookUpdateResponse,
    async handle({ storage, secrets, client, input }) {
      const updated = await updateClient(storage, secrets, { client_id: client.id, webhook_url: input.url }, 'url');
      return { webhook_url: updated.webhookUrl };
    },
  });

  register(app, {
    path: '/dashboard/webhook/delivery/list',
    summary: "List the member's webhook deliveries, newest first",
    plane: 'dashboard',
    request: WebhookDeliveryListRequest,
    response: WebhookDeliveryListResponse,
    handle: ({ storage, secrets, client, input }) => listDeliveries(storage, secrets, client.id, input),
  });

  register(app, {
    path: '/dashboard/webhook/delivery/retry',
    summary: 'Send a dead or skipped webhook delivery again',
    plane: 'dashboard',
    request: WebhookDeliveryRetryRequest,
    response: WebhookDeliveryRetryResponse,
    handle: async ({ env, storage, secrets, client, input }) => ({
      delivery: await retryDelivery(storage, secrets, client.id, input.delivery_id, (shard, ids) => handOverEvents(env, storage, shard, ids)),
    }),
  });
}
