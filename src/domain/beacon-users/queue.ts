/** The review queue (docs/product.md §8): a member's users in `pending_review`, across its
 * programs and shards, oldest first, with why each is there and since when. Each shard is
 * read one reason at a time through the queue's index (client or program, status, reason,
 * since, id), so a page is a few index seeks of at most a page each, however many users the
 * member has; the pages of every shard and reason are merged (`listMergedPage`). The counts
 * are read from `review_queue_counts`, kept by triggers: never counted. */
import { and, asc, eq, gt, gte, sql, type SQL } from 'drizzle-orm';
import { userShard, type Storage } from '../../db';
import { listMergedPage, mergedBounds, PAGE_SIZE, type MergedPosition } from '../../lib/cursor';
import type { Secrets } from '../../secrets';
import { STATUS_REASONS, type StatusReason } from '../../vocabulary';
import { clientShards, ownProgramPlace } from '../directory';
import { openIdentity, selectCurrentUsers, type CurrentUser } from './store';

const { beaconUsers, reviewQueueCounts } = userShard;

export interface QueueFilter {
  programId?: string | null;
  reason?: StatusReason | null;
}

/** One shard's part of a page: for each reason, its next rows after `after`, one query each. */
function selectQueued(storage: Storage, shard: number, clientId: string, filter: QueueFilter, after: MergedPosition | null) {
  const db = storage.userShard(shard);
  const { atFrom, atPast, seqPast } = mergedBounds(shard, after, 'oldest');
  const owner = filter.programId ? eq(beaconUsers.programId, filter.programId) : eq(beaconUsers.clientId, clientId);
  const position: (SQL | undefined)[] = [];
  if (atFrom !== null) position.push(gte(beaconUsers.statusSince, atFrom));
  if (atPast !== null) {
    position.push(
      seqPast === null
        ? gt(beaconUsers.statusSince, atPast)
        : // A row value, which SQLite seeks in the index (an OR of the two would scan from the start).
          sql`(${beaconUsers.statusSince}, ${beaconUsers.id}) > (${atPast}, ${String(seqPast)})`,
    );
  }
  const reasons = filter.reason ? [filter.reason] : STATUS_REASONS;
  const queries = reasons.map((reason) =>
    selectCurrentUsers(db, and(owner, eq(beaconUsers.status, 'pending_review'), eq(beaconUsers.statusReason, reason), ...position))
      .orderBy(asc(beaconUsers.statusSince), asc(beaconUsers.id))
      .limit(PAGE_SIZE + 1),
  );
  return db.batch(queries as unknown as [(typeof queries)[number]]);
}

/** A user waiting for review, as the queue shows it. */
export interface QueuedUser {
  beaconUserId: string;
  clientUserId: string;
  programId: string;
  reason: StatusReason | null;
  since: string;
  version: number;
  name: { given_name: string; family_name: string };
}

export async function listReviewQueue(storage: Storage, secrets: Secrets, clientId: string, filter: QueueFilter, cursor: string | null | undefined) {
  const shards = filter.programId ? [(await ownProgramPlace(storage, clientId, filter.programId)).shard] : await clientShards(storage, clientId);
  const { items, next_cursor } = await listMergedPage<CurrentUser>(
    secrets.hmacKey,
    `review-queue:${clientId}:${filter.programId ?? '*'}:${filter.reason ?? '*'}`,
    cursor,
    shards,
    async (shard, after) => (await selectQueued(storage, shard, clientId, filter, after)).flat(),
    (user) => ({ at: user.statusSince, seq: user.id }),
    'oldest',
  );
  const users: QueuedUser[] = await Promise.all(
    items.map(async (user) => ({
      beaconUserId: user.id,
      clientUserId: user.clientUserId,
      programId: user.programId,
      reason: user.statusReason,
      since: user.statusSince,
      version: user.version,
      name: (await openIdentity(secrets.piiKey, user.id, user.sealed)).name,
    })),
  );
  return { users, next_cursor };
}

/** How many of the member's users wait, in all, per reason and per program. */
export async function reviewQueueCountsOf(storage: Storage, clientId: string) {
  const shards = await clientShards(storage, clientId);
  const rows = (
    await Promise.all(
      shards.map(async (shard) => {
        const db = storage.userShard(shard);
        const [counts] = await db.batch([db.select().from(reviewQueueCounts).where(eq(reviewQueueCounts.clientId, clientId))]);
        return counts;
      }),
    )
  ).flat();
  const byReason: Partial<Record<string, number>> = {};
  const byProgram: Partial<Record<string, number>> = {};
  for (const row of rows) {
    byReason[row.reason] = (byReason[row.reason] ?? 0) + row.users;
    byProgram[row.programId] = (byProgram[row.programId] ?? 0) + row.users;
  }
  return { total: rows.reduce((sum, row) => sum + row.users, 0), byReason, byProgram };
}
