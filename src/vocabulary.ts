/** The words of the domain that storage, request schemas and rules all use, each said once:
 * drizzle columns, zod enums and the domain's types are built from these lists. */

/** A Beacon User's status (the spec's BeaconUserStatus). */
export const BEACON_USER_STATUSES = ['rejected', 'pending_review', 'cleared'] as const;
export type BeaconUserStatus = (typeof BEACON_USER_STATUSES)[number];

/** Why a Beacon User has its status: the finding or decision that last changed it (the review
 * queue's "why", docs/product.md §8). `duplicate`, `own_report` (an active report of the member
 * matched) and `network_report` (another member's report matched) are the checks' findings
 * (domain/checks/outcome.ts); `reported` is a report filed on the user itself; `review` is a
 * person's decision, through the API, the dashboard plane or the console. A user whose
 * checks found nothing at creation has no reason. */
export const STATUS_REASONS = ['duplicate', 'own_report', 'network_report', 'reported', 'review'] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

/** Who made a change (the spec's BeaconAuditTrailSource). */
export const AUDIT_SOURCES = ['dashboard', 'api', 'system', 'bulk_import'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/** A fraud report's type (the spec's BeaconReportType). */
export const REPORT_TYPES = ['first_party', 'stolen', 'synthetic', 'account_takeover', 'data_breach', 'unknown'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** What an analyst account may do in the console (docs/product.md §8; domain/analysts/roles.ts). */
export const DASHBOARD_USER_ROLES = ['admin', 'analyst', 'viewer'] as const;
export type DashboardUserRole = (typeof DASHBOARD_USER_ROLES)[number];

/** Where an analyst account stands (the spec's DashboardUserStatus): `invited` until its
 * one-time setup link is used, then `active`, until an admin deactivates it. */
export const DASHBOARD_USER_STATUSES = ['invited', 'active', 'deactivated'] as const;
export type DashboardUserStatus = (typeof DASHBOARD_USER_STATUSES)[number];

/** Where a webhook delivery stands (domain/webhooks/deliveries.ts). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Where a held match stands (domain/checks/held-matches.ts): a match of another member's
 * report beyond the bound, held for the operator, who releases it into a syndication or
 * dismisses it. */
export const HELD_MATCH_STATUSES = ['held', 'released', 'dismissed'] as const;
export type HeldMatchStatus = (typeof HELD_MATCH_STATUSES)[number];

/** Why a match is held: beyond the bound of syndications per reported user and member, or
 * while the reporting or the receiving member is disabled (released when it is enabled). */
export const HELD_MATCH_REASONS = ['bound', 'client_disabled'] as const;
export type HeldMatchReason = (typeof HELD_MATCH_REASONS)[number];

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
  'client_disabled',
] as const;
export type DeliveryFailure = (typeof DELIVERY_FAILURES)[number];

/** Identity document types (the spec's IDNumberType). */
export const ID_NUMBER_TYPES = [
  'ar_dni',
  'au_drivers_license',
  'au_passport',
  'br_cpf',
  'ca_sin',
  'cl_run',
  'cn_resident_card',
  'co_nit',
  'dk_cpr',
  'eg_national_id',
  'es_dni',
  'es_nie',
  'hk_hkid',
  'in_pan',
  'it_cf',
  'jo_civil_id',
  'jp_my_number',
  'ke_huduma_namba',
  'kw_civil_id',
  'mx_curp',
  'mx_rfc',
  'my_nric',
  'ng_nin',
  'nz_drivers_license',
  'om_civil_id',
  'ph_psn',
  'pl_pesel',
  'ro_cnp',
  'sa_national_id',
  'se_pin',
  'sg_nric',
  'tr_tc_kimlik',
  'us_ssn',
  'us_ssn_last_4',
  'za_smart_id',
] as const;
export type IdNumberType = (typeof ID_NUMBER_TYPES)[number];

/** A deployment's environment (a Worker var), used in webhooks, user tokens and webhook keys. */
export const ENVIRONMENTS = ['sandbox', 'production'] as const;

/** Beacon webhook codes (docs/product.md §5.5; each event's shape is in domain/events.ts). */
export const WEBHOOK_CODES = ['USER_STATUS_UPDATED', 'REPORT_CREATED', 'REPORT_UPDATED', 'REPORT_SYNDICATION_CREATED', 'DUPLICATE_DETECTED'] as const;

/** The longest a rotated client secret keeps working beside its successor: a week. */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 60 * 60;
