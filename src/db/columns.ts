import { text } from 'drizzle-orm/sqlite-core';

/** Timestamps are ISO 8601 UTC strings with `Z`, as returned by the API, so they compare
 * as text. */
export const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

export const BEACON_USER_STATUSES = ['rejected', 'pending_review', 'cleared'] as const;
export const AUDIT_SOURCES = ['dashboard', 'api', 'system', 'bulk_import'] as const;
export const REPORT_TYPES = ['first_party', 'stolen', 'synthetic', 'account_takeover', 'data_breach', 'unknown'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'skipped'] as const;
/** Why a delivery attempt failed, as the delivery log records it (domain/webhooks/failures.ts). */
export const DELIVERY_FAILURES = [
  'timeout',
  'connection_refused',
  'unreachable',
  'tls',
  'http_status',
  'redirect',
  'url_not_allowed',
  'signing_failed',
  'no_webhook_url',
] as const;
