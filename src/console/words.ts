/** How the console says the domain's words to an analyst. */
import type { MatchCode, MatchField } from '../matching/codes';
import type { Guard } from '../matching/weights';
import type { AuditSource, BeaconUserStatus, DashboardUserRole, DashboardUserStatus, DeliveryStatus, ReportType, StatusReason } from '../vocabulary';

export const STATUS_LABELS: Record<BeaconUserStatus, string> = { cleared: 'Cleared', pending_review: 'Pending review', rejected: 'Rejected' };

/** What a reviewer does to reach each status. */
export const REVIEW_VERBS: Record<BeaconUserStatus, string> = { cleared: 'Clear', pending_review: 'Back to pending review', rejected: 'Reject' };

export const REASON_LABELS: Record<StatusReason, string> = {
  duplicate: 'Duplicate found',
  own_report: 'Matched one of our reports',
  network_report: 'Matched a network report',
  reported: 'Reported by us',
  review: 'Set by a review',
};

export const MATCH_LABELS: Record<MatchCode, string> = { match: 'Match', partial_match: 'Partial match', no_match: 'No match', no_data: 'No data' };

export const FIELD_LABELS: Record<MatchField, string> = {
  name: 'Name',
  date_of_birth: 'Date of birth',
  address: 'Address',
  email_address: 'Email address',
  phone_number: 'Phone number',
  id_number: 'ID number',
  ip_address: 'IP address',
  depository_accounts: 'Bank accounts',
};

/** Why a guard rule held a weighed pair back, whatever its weight (matching/weights.ts). */
export const GUARD_LABELS: Record<Guard, string> = {
  given_name_differs: 'the given names differ',
  birth_date_differs: 'the birth dates differ',
  birth_date_unknown: 'a birth date on one side only, and no document or mailbox agreeing',
};

export const REPORT_TYPE_LABELS: Record<ReportType, string> = {
  first_party: 'First-party fraud',
  stolen: 'Stolen identity',
  synthetic: 'Synthetic identity',
  account_takeover: 'Account takeover',
  data_breach: 'Data breach',
  unknown: 'Unknown',
};

export const SOURCE_LABELS: Record<AuditSource, string> = { api: 'API', dashboard: 'Dashboard', system: 'System', bulk_import: 'Bulk import' };

export const ROLE_LABELS: Record<DashboardUserRole, string> = { admin: 'Admin', analyst: 'Analyst', viewer: 'Viewer' };

export const ACCOUNT_STATUS_LABELS: Record<DashboardUserStatus, string> = { invited: 'Invited', active: 'Active', deactivated: 'Deactivated' };

export const DELIVERY_LABELS: Record<DeliveryStatus, string> = { pending: 'Pending', delivered: 'Delivered', dead: 'Dead-lettered', skipped: 'Skipped (no URL)' };

/** `2026-01-02T13:04:05Z` → `2026-01-02 13:04 UTC`. */
export const formatTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** A domain message as a sentence (a leading field name, like `fraud_date`, stays as it is). */
export const sentence = (message: string) => {
  const start = /^[a-z]+[_.]/.test(message) ? message : `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
  return /[.!?]$/.test(start) ? start : `${start}.`;
};
