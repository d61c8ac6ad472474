/** The outbox of each user shard: what the write path hands to queues after a commit, and
 * what the periodic sweep finds that it did not — events not handed over, events whose queue
 * message was lost, reports whose index work a failure left half-way, and fan-outs whose
 * pages stopped arriving. Sending is the queues' part (src/queues/outbox.ts). */
import { and, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { userShard, type Storage } from '../db';
import { timestampAt } from '../lib/time';
import { stalledFanouts } from './reports/fanout';

const { webhookEvents, beaconReports } = userShard;

/** Rows younger than this that are still not handed over are not the sweep's yet: they may
 * still be on their way from the write path. */
const SWEEP_GRACE_MS = 30_000;
/** At most this many rows of each kind per shard per sweep. */
const SWEEP_LIMIT = 500;

/** An event still pending this long after its last activity (hand-over, attempt, scheduled
 * retry) has lost its queue message — longer than any retry delay (12 h) is not needed: the
 * schedule's next attempt is recorded — and longer than the dead-letter consumer's own
 * retries (100 × 60 s), so an event on its way to being marked dead is left alone. */
const LOST_AFTER_MS = 2 * 60 * 60_000;

export async function markHandedOver(storage: Storage, shard: number, eventIds: string[], at: string, handover: string): Promise<void> {
  await storage.userShard(shard).update(webhookEvents).set({ enqueuedAt: at, handoverId: handover }).where(inArray(webhookEvents.id, eventIds));
}

/** What the sweep finds in one shard. */
export async function sweepFindings(storage: Storage, shard: number) {
  const db = storage.userShard(shard);
  const now = Date.now();
  const before = timestampAt(now - SWEEP_GRACE_MS);
  const lostBefore = timestampAt(now - LOST_AFTER_MS);
  const lastActivity = sql`max(coalesce(${webhookEvents.nextAttemptAt}, ''), coalesce(${webhookEvents.lastAttemptAt}, ''), ${webhookEvents.enqueuedAt})`;
  const [events, lost, reports] = await db.batch([
    db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(and(isNull(webhookEvents.enqueuedAt), lt(webhookEvents.createdAt, before)))
      .limit(SWEEP_LIMIT),
    db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.deliveryStatus, 'pending'), isNotNull(webhookEvents.enqueuedAt), lt(lastActivity, lostBefore)))
      .limit(SWEEP_LIMIT),
    db
      .select({ id: beaconReports.id, programId: beaconReports.programId })
      .from(beaconReports)
      .where(and(inArray(beaconReports.indexState, ['indexing', 'unindexing']), lt(beaconReports.indexStateAt, before)))
      .limit(SWEEP_LIMIT),
  ]);
  return {
    eventIds: events.map((e) => e.id),
    lostEventIds: lost.map((e) => e.id),
    reportsWithIndexWork: reports,
    stalledFanouts: await stalledFanouts(storage, shard, SWEEP_LIMIT),
  };
}
