import { eq } from 'drizzle-orm';
import { userShard } from '../../db';
import { errors } from '../../errors';
import type { InProgram } from '../program-context';
import { reportsOf, selectActiveReportOfUser, selectConfirmedSyndicationsOfUser } from '../reports/store';
import { selectCurrentUsers, type BeaconUserStatus, type CurrentUser } from './store';

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
    throw errors.refused('status rejected needs an active Beacon Report on the user or a confirmed Beacon Report Syndication; create a report with /beacon/report/create first');
  }
  if (status === 'cleared' && evidence) {
    throw errors.refused('status cleared is not allowed while the user has an active Beacon Report or a confirmed Beacon Report Syndication; delete the report first');
  }
}

/** The user and its review facts. A confirmed syndication counts only while its report is
 * active; that report may live in another shard, read only when it decides. */
export async function reviewFacts(ctx: InProgram, beaconUserId: string): Promise<{ current: CurrentUser; facts: ReviewFacts }> {
  const { db, program } = ctx;
  const [[current], [report], confirmed] = await db.batch([
    selectCurrentUsers(db, eq(userShard.beaconUsers.id, beaconUserId)),
    selectActiveReportOfUser(db, beaconUserId),
    selectConfirmedSyndicationsOfUser(db, beaconUserId),
  ]);
  if (!current || current.clientId !== program.clientId) throw errors.notFound('beacon_user_id');
  const hasActiveReport = report !== undefined;
  const hasConfirmedSyndication = !hasActiveReport && confirmed.length > 0 && [...(await reportsOf(ctx.storage, confirmed)).values()].some((r) => r.deletedAt === null);
  return { current, facts: { hasActiveReport, hasConfirmedSyndication } };
}
