/** What the checks' findings make of a user's status, and why (docs/product.md §5.2). */
import type { BeaconUserStatus } from '../beacon-users/store';
import type { ProgramSettings } from '../../matching/settings';
import type { StatusReason } from '../../vocabulary';
import type { Findings } from './findings';

/** A status and the finding or decision behind it (null: nothing was found). */
export interface StatusDecision {
  status: BeaconUserStatus;
  reason: StatusReason | null;
}

const RANK: Record<BeaconUserStatus, number> = { cleared: 0, pending_review: 1, rejected: 2 };

/** The outcome if it raises the current status, else null: checks only ever raise a status. */
export function escalate(current: BeaconUserStatus, outcome: StatusDecision): StatusDecision | null {
  return RANK[outcome.status] > RANK[current] ? outcome : null;
}

/** A report finding that only brings an earlier syndication of the same fact up to date is
 * not new: it changes no status. */
const isNew = (finding: { supersedes: string | null }) => finding.supersedes === null;

/** What new findings make of a user's status: rejected > pending_review > cleared. */
export function outcomeOf(
  findings: Pick<Findings, 'duplicates'> & Record<'ownReports' | 'networkReports', { supersedes: string | null }[]>,
  settings: ProgramSettings,
): StatusDecision {
  if (findings.ownReports.some(isNew)) return { status: 'rejected', reason: 'own_report' };
  if (settings.flag_network_fraud && findings.networkReports.some(isNew)) return { status: 'pending_review', reason: 'network_report' };
  if (settings.duplicates_to_pending_review && findings.duplicates.length) return { status: 'pending_review', reason: 'duplicate' };
  return { status: 'cleared', reason: null };
}
