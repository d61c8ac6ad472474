import { z } from 'zod';
import { updateClient } from '../domain/clients';
import { listDeliveries, retryDelivery } from '../domain/webhooks/deliveries';
import { getVerificationKey, rotateSigningKey } from '../domain/webhooks/keys';
import { register, type App } from '../http/endpoint';
import { handOverEvents } from '../queues/outbox';
import { Cursor, ObjectId, WebhookUrl } from '../schemas/fields';
import { DELIVERY_STATUSES } from '../vocabulary';

// Request shapes. The API plane's is the spec's; the dashboard and admin ones are this
// project's contract (PRODUCT.md §2).
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

/** Webhooks (PRODUCT.md §5.5, docs/webhooks.md): verification keys, the member's URL and
 * its delivery log. */
export function registerWebhookRoutes(app: App): void {
  register(app, {
    path: '/webhook_verification_key/get',
    plane: 'api',
    request: WebhookVerificationKeyGetRequest,
    handle: async ({ storage, secrets, input }) => ({ key: await getVerificationKey(storage.control, secrets, input.key_id) }),
  });

  register(app, {
    path: '/admin/webhook_key/rotate',
    plane: 'admin',
    request: WebhookKeyRotateRequest,
    handle: async ({ storage, secrets }) => ({ key_id: (await rotateSigningKey(storage.control, secrets)).kid }),
  });

  register(app, {
    path: '/dashboard/webhook/update',
    plane: 'dashboard',
    request: WebhookUpdateRequest,
    async handle({ storage, secrets, client, input }) {
      const updated = await updateClient(storage, secrets, { client_id: client.id, webhook_url: input.url }, 'url');
      return { webhook_url: updated.webhookUrl };
    },
  });

  register(app, {
    path: '/dashboard/webhook/delivery/list',
    plane: 'dashboard',
    request: WebhookDeliveryListRequest,
    handle: ({ storage, secrets, client, input }) => listDeliveries(storage, secrets, client.id, input),
  });

  register(app, {
    path: '/dashboard/webhook/delivery/retry',
    plane: 'dashboard',
    request: WebhookDeliveryRetryRequest,
    handle: async ({ env, storage, secrets, client, input }) => ({
      delivery: await retryDelivery(storage, secrets, client.id, input.delivery_id, (shard, ids) => handOverEvents(env, storage, shard, ids)),
    }),
  });
}
