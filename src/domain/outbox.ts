import { and, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { database } from '../db';
import { beaconReports, webhookEvents } from '../db/schema';
import type { Env } from '../env';
import { nowTimestamp } from '../lib/time';
import type { Changeset } from './changeset';

/** Queue messages. */
export type WebhookMessage = { eventId: string };
export type FanoutMessage = { reportId: string; after?: string };

/** Rows older than this that are still not handed over are the sweep's to send: younger
 * ones may still be on their way from the write path. */
const SWEEP_GRACE_MS = 30_000;
const SWEEP_LIMIT = 500;
/** Queues take at most 100 messages per sendBatch, and D1 binds at most 100 variables per
 * statement (the ids marked handed over, plus the time). */
const SEND_BATCH = 50;

/** Hands a committed change's events and fan-outs to their queues and marks them handed
 * over. A failure here loses nothing: the rows stay unmarked and the sweep sends them.
 * A send whose marking fails is sent again (delivery is at least once anyway). */
export async function dispatch(env: Env, changes: Pick<Changeset, 'eventIds' | 'fanoutReportIds'>): Promise<void> {
  const db = database(env.DB);
  const now = nowTimestamp();
  try {
    for (const ids of chunks(changes.eventIds)) {
      await env.WEBHOOK_QUEUE.sendBatch(ids.map((eventId) => ({ body: { eventId } satisfies WebhookMessage })));
      await db.update(webhookEvents).set({ enqueuedAt: now }).where(inArray(webhookEvents.id, ids));
    }
    for (const ids of chunks(changes.fanoutReportIds)) {
      await env.FANOUT_QUEUE.sendBatch(ids.map((reportId) => ({ body: { reportId } satisfies FanoutMessage })));
      await db.update(beaconReports).set({ fanoutEnqueuedAt: now }).where(inArray(beaconReports.id, ids));
    }
  } catch (error) {
    console.error('outbox dispatch failed; the sweep will retry', error);
  }
}

/** An event still pending this long after its last activity (hand-over, attempt, scheduled
 * retry) has lost its queue message — longer than any retry delay (12 h) is not needed: the
 * schedule's next attempt is recorded — and longer than the dead-letter consumer's own
 * retries (100 × 60 s), so an event on its way to being marked dead is left alone. */
const LOST_AFTER_MS = 2 * 60 * 60_000;

/** The periodic sweep (Cron Trigger): hands over whatever the write path did not, and hands
 * over again an event whose queue message was lost (a second message for an event is
 * harmless: its delivery is claimed before sending). */
export async function sweepOutbox(env: Env): Promise<{ events: number; lost: number; fanouts: number }> {
  const db = database(env.DB);
  const before = new Date(Date.now() - SWEEP_GRACE_MS).toISOString();
  const lostBefore = new Date(Date.now() - LOST_AFTER_MS).toISOString();
  const lastActivity = sql`max(coalesce(${webhookEvents.nextAttemptAt}, ''), coalesce(${webhookEvents.lastAttemptAt}, ''), ${webhookEvents.enqueuedAt})`;
  const [events, lost, reports] = await db.batch([
    db.select({ id: webhookEvents.id }).from(webhookEvents).where(and(isNull(webhookEvents.enqueuedAt), lt(webhookEvents.createdAt, before))).limit(SWEEP_LIMIT),
    db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.deliveryStatus, 'pending'), isNotNull(webhookEvents.enqueuedAt), lt(lastActivity, lostBefore)))
      .limit(SWEEP_LIMIT),
    db
      .select({ id: beaconReports.id })
      .from(beaconReports)
      .where(and(isNull(beaconReports.fanoutEnqueuedAt), isNull(beaconReports.deletedAt), lt(beaconReports.createdAt, before)))
      .limit(SWEEP_LIMIT),
  ]);
  await dispatch(env, { eventIds: [...events, ...lost].map((e) => e.id), fanoutReportIds: reports.map((r) => r.id) });
  return { events: events.length, lost: lost.length, fanouts: reports.length };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += SEND_BATCH) out.push(items.slice(i, i + SEND_BATCH));
  return out;
}
