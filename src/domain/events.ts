import type { Database } from '../db';
import { webhookEvents } from '../db/schema';
import { newId } from '../lib/ids';

/** Beacon webhook events (PRODUCT.md §5.5), without `webhook_type` and `environment`,
 * which are added when delivered. */
export type BeaconEvent =
  | { webhook_code: 'USER_STATUS_UPDATED'; beacon_user_id: string }
  | { webhook_code: 'REPORT_CREATED'; beacon_report_id: string }
  | { webhook_code: 'REPORT_UPDATED'; beacon_report_id: string }
  | { webhook_code: 'REPORT_SYNDICATION_CREATED'; beacon_report_syndication_id: string }
  | { webhook_code: 'DUPLICATE_DETECTED'; beacon_duplicate_id: string };

/** The outbox insert for an event; callers put it in the same batch as the change
 * that caused it, so an event exists exactly when its change does. */
export function recordEvent(db: Database, clientId: string, event: BeaconEvent, now: string) {
  return db.insert(webhookEvents).values({
    id: newId('event'),
    clientId,
    webhookCode: event.webhook_code,
    payload: event,
    createdAt: now,
  });
}
