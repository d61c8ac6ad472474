import { eq } from 'drizzle-orm';
import { userShard, type ShardDb, type Storage } from '../../db';
import { errors } from '../../errors';
import { BEACON_USER_STATUSES } from '../../vocabulary';
import type { InProgram } from '../program-context';
import { reportsOf, selectActiveReportOfUser, selectConfirmedSyndicationsOfUser } from '../reports/store';
import { selectCurrentUsers, type BeaconUserStatus, type CurrentUser } from './store';

/** What the review rules need to know about a user. */
export interface ReviewFacts {
  hasActiveReport: boolean;
  hasConfirmedSyndication: boolean;
}

/** A rule refusing a review: what it requires, and what the caller can do about it. */
export interface ReviewRefusal {
  rule: string;
  remedy: string;
}

/** The review rules (spec, docs/product.md §5.4), one per status: `rejected` needs an active
 * report or a confirmed syndication; `cleared` needs neither; `pending_review` is always
 * allowed. Each says null when the user's evidence allows it, or why not. */
const REVIEW_RULES: Record<BeaconUserStatus, (evidence: boolean) => ReviewRefusal | null> = {
  rejected: (evidence) =>
    evidence
      ? null
      : {
          rule: 'status rejected needs an active Beacon Report on the user or a confirmed Beacon Report Syndication',
          remedy: 'create a report with /beacon/report/create first',
        },
  cleared: (evidence) =>
    evidence
      ? {
          rule: 'status cleared is not allowed while the user has an active Beacon Report or a confirmed Beacon Report Syndication',
          remedy: 'delete the report first',
        }
      : null,
  pending_review: () => null,
};

/** Whether the rules allow a review to `status`: null, or the refusal. */
export function reviewRefusal(status: BeaconUserStatus, facts: ReviewFacts): ReviewRefusal | null {
  return REVIEW_RULES[status](facts.hasActiveReport || facts.hasConfirmedSyndication);
}

/** Every status a review could set, each allowed or refused by its rule. */
export function reviewOptions(facts: ReviewFacts): { status: BeaconUserStatus; refusal: ReviewRefusal | null }[] {
  return BEACON_USER_STATUSES.map((status) => ({ status, refusal: reviewRefusal(status, facts) }));
}

export function assertReviewAllowed(status: BeaconUserStatus, facts: ReviewFacts): void {
  const refusal = reviewRefusal(status, facts);
  if (refusal) throw errors.refused(`${refusal.rule}; ${refusal.remedy}`);
}

/** The user (in `db`, its shard) and its review facts. A confirmed syndication counts only
 * while its report is active; that report may live in another shard, read only when it
 * decides. Another client's user is "not found". */
export async function readReviewFacts(storage: Storage, db: ShardDb, clientId: string, beaconUserId: string): Promise<{ current: CurrentUser; facts: ReviewFacts }> {
  const [[current], [report], confirmed] = await db.batch([
    selectCurrentUsers(db, eq(userShard.beaconUsers.id, beaconUserId)),
    selectActiveReportOfUser(db, beaconUserId),
    selectConfirmedSyndicationsOfUser(db, beaconUserId),
  ]);
  if (!current || current.clientId !== clientId) throw errors.notFound('beacon_user_id');
  const hasActiveReport = report !== undefined;
  const hasConfirmedSyndication = !hasActiveReport && confirmed.length > 0 && [...(await reportsOf(storage, confirmed)).values()].some((r) => r.deletedAt === null);
  return { current, facts: { hasActiveReport, hasConfirmedSyndication } };
}

/** Inside the program's Durable Object, where the review is decided. */
export const reviewFacts = (ctx: InProgram, beaconUserId: string) => readReviewFacts(ctx.storage, ctx.db, ctx.program.clientId, beaconUserId);
