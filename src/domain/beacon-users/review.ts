import type { Database } from '../../db';
import { errors } from '../../errors';
import { selectActiveReportOfUser, selectConfirmedSyndicationOfUser } from '../reports/store';
import type { BeaconUserStatus } from './store';

/** What the review rules need to know about a user. */
export interface ReviewFacts {
  hasActiveReport: boolean;
  hasConfirmedSyndication: boolean;
}

/** The review rules (spec, PRODUCT.md §5.4): `rejected` needs an active report or a
 * confirmed syndication; `cleared` needs neither; `pending_review` is always allowed. */
export function assertReviewAllowed(status: BeaconUserStatus, facts: ReviewFacts): void {
  const evidence = facts.hasActiveReport || facts.hasConfirmedSyndication;
  if (status === 'rejected' && !evidence) {
    throw errors.refused(
      'status rejected needs an active Beacon Report on the user or a confirmed Beacon Report Syndication; create a report with /beacon/report/create first',
    );
  }
  if (status === 'cleared' && evidence) {
    throw errors.refused(
      'status cleared is not allowed while the user has an active Beacon Report or a confirmed Beacon Report Syndication; delete the report first',
    );
  }
}

export async function reviewFacts(db: Database, beaconUserId: string): Promise<ReviewFacts> {
  const [report, confirmed] = await Promise.all([
    selectActiveReportOfUser(db, beaconUserId).get(),
    selectConfirmedSyndicationOfUser(db, beaconUserId).get(),
  ]);
  return { hasActiveReport: report !== undefined, hasConfirmedSyndication: confirmed !== undefined };
}
