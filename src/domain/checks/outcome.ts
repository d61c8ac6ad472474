/** What the checks' findings make of a user's status (PRODUCT.md §5.2). */
import type { BeaconUserStatus } from '../beacon-users/store';
import type { ProgramSettings } from '../../matching/settings';
import type { Findings } from './findings';

const RANK: Record<BeaconUserStatus, number> = { cleared: 0, pending_review: 1, rejected: 2 };

/** The stronger of two statuses: checks only ever raise a status. */
export function escalate(current: BeaconUserStatus, outcome: BeaconUserStatus): BeaconUserStatus {
  return RANK[outcome] > RANK[current] ? outcome : current;
}

/** A report finding that only brings an earlier syndication of the same fact up to date is
 * not new: it changes no status. */
const isNew = (finding: { supersedes: string | null }) => finding.supersedes === null;

/** What new findings make of a user's status: rejected > pending_review > cleared. */
export function outcomeOf(
  findings: Pick<Findings, 'duplicates'> & Record<'ownReports' | 'networkReports', { supersedes: string | null }[]>,
  settings: ProgramSettings,
): BeaconUserStatus {
  if (findings.ownReports.some(isNew)) return 'rejected';
  if (settings.flag_network_fraud && findings.networkReports.some(isNew)) return 'pending_review';
  if (settings.duplicates_to_pending_review && findings.duplicates.length) return 'pending_review';
  return 'cleared';
}
