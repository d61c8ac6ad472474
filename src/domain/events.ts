/** Beacon webhook events (docs/product.md §5.5), without `webhook_type` and `environment`,
 * which are added when delivered. They are recorded through `Changeset.event`, in the same
 * batch as the change that caused them. */
export type BeaconEvent =
  | { webhook_code: 'USER_STATUS_UPDATED'; beacon_user_id: string }
  | { webhook_code: 'REPORT_CREATED'; beacon_report_id: string }
  | { webhook_code: 'REPORT_UPDATED'; beacon_report_id: string }
  | { webhook_code: 'REPORT_SYNDICATION_CREATED'; beacon_report_syndication_id: string }
  | { webhook_code: 'DUPLICATE_DETECTED'; beacon_duplicate_id: string };
