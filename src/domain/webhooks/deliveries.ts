/** The delivery of each event and its log. One delivery per event (`delivery_id` is the
 * event id), in the event's own row of the outbox:
 *
 *   pending ──2xx──────────────────────────────→ delivered
 *      │ └──failure: attempts+1, next_attempt_at─┘ (retried on the schedule)
 *      ├──last attempt failed ───────────────────→ dead ──/retry──→ pending
 *      └──client has no webhook URL ─────────────→ skipped ─/retry──→ pending
 *
 * Only `pending` deliveries are sent; a message for a settled one is acknowledged and does
 * nothing, so a redelivered queue message never re-sends a delivered event. */
import { and, desc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { userShard, type ShardDb, type Storage } from '../../db';
import type { Environment } from '../../env';
import { errors } from '../../errors';
import { listMergedPage, mergedBounds, PAGE_SIZE } from '../../lib/cursor';
import { timestampAt } from '../../lib/time';
import type { Secrets } from '../../secrets';
import { clientShards, inClientShards } from '../directory';
import type { BeaconEvent } from '../events';
import type { DeliveryStatus } from '../../vocabulary';
import { DELIVERY_FAILURE_MESSAGES, type DeliveryFailure } from './failures';
import { webhookBody } from './message';

const { webhookEvents } = userShard;

/** The statuses `/dashboard/webhook/delivery/retry` accepts: given-up deliveries. */
const RETRYABLE: DeliveryStatus[] = ['dead', 'skipped'];

type EventRow = typeof webhookEvents.$inferSelect;

/** A claim outlasts one attempt (10 s timeout, signing, writes) with room to spare. */
export const CLAIM_SECONDS = 30;

export interface ClaimedEvent {
  id: string;
  clientId: string;
  event: BeaconEvent;
  /** The hand-over whose message carries the event now. */
  handover: string | null;
}

/** What became of each event id of a batch when claiming. */
export type Claim =
  | { kind: 'claimed'; claimed: ClaimedEvent }
  /** Unknown, or already delivered, dead or skipped: nothing to send. */
  | { kind: 'settled'; status: DeliveryStatus | 'unknown' }
  /** Another consumer is sending it right now; try again once its claim has lapsed. */
  | { kind: 'busy'; retryInSeconds: number };

/** Claims the pending events among `ids` for this consumer (`token`) and reads them: one D1
 * batch (one round trip, one transaction) in the events' shard. */
export async function claimEvents(db: ShardDb, ids: string[], token: string, now = Date.now()): Promise<Map<string, Claim>> {
  const [, rows] = await db.batch([
    db
      .update(webhookEvents)
      .set({ claimToken: token, claimedUntil: timestampAt(now + CLAIM_SECONDS * 1000) })
      .where(and(inArray(webhookEvents.id, ids), eq(webhookEvents.deliveryStatus, 'pending'), unclaimed(now))),
    db
      .select({
        id: webhookEvents.id,
        clientId: webhookEvents.clientId,
        payload: webhookEvents.payload,
        status: webhookEvents.deliveryStatus,
        claimToken: webhookEvents.claimToken,
        claimedUntil: webhookEvents.claimedUntil,
        handover: webhookEvents.handoverId,
      })
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, ids)),
  ]);

  const result = new Map<string, Claim>();
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    if (row?.claimToken === token) {
      result.set(id, { kind: 'claimed', claimed: { id, clientId: row.clientId, event: row.payload as BeaconEvent, handover: row.handover } });
    } else if (row?.status !== 'pending') {
      result.set(id, { kind: 'settled', status: row?.status ?? 'unknown' });
    } else {
      result.set(id, { kind: 'busy', retryInSeconds: secondsUntil(row.claimedUntil, now) });
    }
  }
  return result;
}

/** No consumer holds the event: never claimed, released, or the claim has lapsed. */
const unclaimed = (now: number) => or(isNull(webhookEvents.claimedUntil), lt(webhookEvents.claimedUntil, timestampAt(now)));

/** Whole seconds until a claim lapses, and one more. */
function secondsUntil(claimedUntil: string | null, now: number): number {
  const until = claimedUntil ? Date.parse(claimedUntil) : now;
  return Math.max(1, Math.ceil((until - now) / 1000) + 1);
}

/** Only the holder of the claim writes the outcome: a consumer whose claim lapsed and was
 * taken over changes nothing. */
const heldBy = (id: string, token: string) => and(eq(webhookEvents.id, id), eq(webhookEvents.claimToken, token));

const released = { claimToken: null, claimedUntil: null };
const sqlIncrement = sql`${webhookEvents.deliveryAttempts} + 1`;

/** The outcomes of a batch's attempts are written together: each function below returns its
 * statement, and the consumer runs them in one D1 batch. */
export function recordDelivered(db: ShardDb, id: string, token: string, status: number, now = Date.now()) {
  const at = timestampAt(now);
  return db
    .update(webhookEvents)
    .set({
      ...released,
      deliveryStatus: 'delivered',
      deliveryAttempts: sqlIncrement,
      lastAttemptAt: at,
      lastHttpStatus: status,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: at,
    })
    .where(heldBy(id, token));
}

/** A failed attempt, retried after `retryInSeconds`, or none: after the last attempt the
 * delivery is `dead` from this write on, so nothing later (the dead-letter consumer failing,
 * the sweep looking for lost messages) can start it on a new schedule; the message still
 * goes to the dead-letter queue, whose consumer marks it dead if this write was lost. The
 * last attempt of an earlier hand-over's message (the event was handed over again since)
 * leaves the delivery pending, to the later one. */
export function recordFailure(
  db: ShardDb,
  id: string,
  token: string,
  attempt: { status: number | null; failure: DeliveryFailure; retryInSeconds: number | null; dead: boolean },
  now = Date.now(),
) {
  return db
    .update(webhookEvents)
    .set({
      ...released,
      deliveryAttempts: sqlIncrement,
      lastAttemptAt: timestampAt(now),
      lastHttpStatus: attempt.status,
      lastError: attempt.failure,
      nextAttemptAt: attempt.retryInSeconds === null ? null : timestampAt(now + attempt.retryInSeconds * 1000),
      ...(attempt.dead ? { deliveryStatus: 'dead' as const, givenUpAt: timestampAt(now) } : {}),
    })
    .where(heldBy(id, token));
}

/** Nowhere to send when the event was due — no webhook URL, or the client disabled: given up
 * at once (not retried), visible in the log, and re-sendable with
 * `/dashboard/webhook/delivery/retry` once that has changed. */
export function recordSkipped(db: ShardDb, id: string, token: string, why: 'no_webhook_url' | 'client_disabled', now = Date.now()) {
  return db
    .update(webhookEvents)
    .set({
      ...released,
      deliveryStatus: 'skipped',
      lastError: why,
      nextAttemptAt: null,
      givenUpAt: timestampAt(now),
    })
    .where(heldBy(id, token));
}

/** The dead-letter consumer, for a last attempt whose outcome could not be recorded: a
 * pending delivery becomes dead. Idempotent; a delivery that was delivered meanwhile stays
 * delivered; a dead letter of an earlier hand-over (the delivery was re-sent since) changes
 * nothing; and a claim another consumer is still using is left alone — that consumer
 * records the outcome — so the answer is then how long to wait before looking again. */
export async function markDead(db: ShardDb, id: string, handover: string | undefined, now = Date.now()): Promise<{ busyForSeconds: number } | null> {
  const same = handover === undefined ? undefined : eq(webhookEvents.handoverId, handover);
  const [, [row]] = await db.batch([
    db
      .update(webhookEvents)
      .set({ ...released, deliveryStatus: 'dead', nextAttemptAt: null, givenUpAt: timestampAt(now) })
      .where(and(eq(webhookEvents.id, id), eq(webhookEvents.deliveryStatus, 'pending'), same, unclaimed(now))),
    db
      .select({ status: webhookEvents.deliveryStatus, claimedUntil: webhookEvents.claimedUntil })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.id, id), same)),
  ]);
  if (row?.status !== 'pending') return null;
  return { busyForSeconds: secondsUntil(row.claimedUntil, now) };
}

/** One entry of the delivery log. */
export function deliveryView(row: EventRow, environment: Environment) {
  return {
    delivery_id: row.id,
    event: {
      id: row.id,
      webhook_code: row.webhookCode,
      created_at: row.createdAt,
      /** The body as delivered (Plaid's webhook). */
      payload: webhookBody(row.payload as BeaconEvent, environment),
    },
    status: row.deliveryStatus,
    attempts: row.deliveryAttempts,
    last_attempt_at: row.lastAttemptAt,
    last_http_status: row.lastHttpStatus,
    /** Why the last attempt failed: a code of DELIVERY_FAILURE_MESSAGES, and its sentence. */
    last_error: row.lastError,
    last_error_message: row.lastError && DELIVERY_FAILURE_MESSAGES[row.lastError],
    next_attempt_at: row.nextAttemptAt,
    delivered_at: row.deliveredAt,
    given_up_at: row.givenUpAt,
  };
}

/** `/dashboard/webhook/delivery/list`: the client's deliveries, newest first, optionally of
 * one status, from every shard its programs live in. The cursor is bound to the client and
 * the status filter. */
export async function listDeliveries(
  storage: Storage,
  secrets: Secrets,
  clientId: string,
  input: { cursor?: string | null | undefined; status?: DeliveryStatus | null | undefined },
) {
  const { items, next_cursor } = await listMergedPage(
    secrets.hmacKey,
    `webhook-deliveries:${clientId}:${input.status ?? '*'}`,
    input.cursor,
    await clientShards(storage, clientId),
    (shard, after) => {
      const { atFrom, atPast, seqPast } = mergedBounds(shard, after);
      const conditions: (SQL | undefined)[] = [eq(webhookEvents.clientId, clientId)];
      if (input.status) conditions.push(eq(webhookEvents.deliveryStatus, input.status));
      if (atFrom !== null) conditions.push(lte(webhookEvents.createdAt, atFrom));
      if (atPast !== null) {
        conditions.push(
          seqPast === null
            ? lt(webhookEvents.createdAt, atPast)
            : or(lt(webhookEvents.createdAt, atPast), and(eq(webhookEvents.createdAt, atPast), lt(webhookEvents.seq, Number(seqPast)))),
        );
      }
      return storage
        .userShard(shard)
        .select()
        .from(webhookEvents)
        .where(and(...conditions))
        .orderBy(desc(webhookEvents.createdAt), desc(webhookEvents.seq))
        .limit(PAGE_SIZE + 1)
        .all();
    },
    (row) => ({ at: row.createdAt, seq: row.seq }),
  );
  return { deliveries: items.map((row) => deliveryView(row, secrets.environment)), next_cursor };
}

/** `/dashboard/webhook/delivery/retry`: puts a dead or skipped delivery back to pending and
 * hands it to the queue again (`send`), with a fresh schedule. Another client's delivery is
 * "not found", like an unknown id. */
export async function retryDelivery(storage: Storage, secrets: Secrets, clientId: string, deliveryId: string, send: (shard: number, eventIds: string[]) => Promise<void>) {
  const mine = and(eq(webhookEvents.id, deliveryId), eq(webhookEvents.clientId, clientId));
  const found = await inClientShards(storage, clientId, (shard) => storage.userShard(shard).select({ status: webhookEvents.deliveryStatus }).from(webhookEvents).where(mine).get());
  if (!found) throw errors.notFound('delivery_id');
  const refuse = (status: string) => errors.refused(`only a dead or skipped delivery can be retried; delivery ${deliveryId} is ${status}`);
  if (!RETRYABLE.includes(found.value.status)) throw refuse(found.value.status);

  // `enqueued_at` goes back to null with the status, so that if the send below fails the
  // outbox sweep hands the event over instead.
  const row = await storage
    .userShard(found.shard)
    .update(webhookEvents)
    .set({ deliveryStatus: 'pending', nextAttemptAt: null, givenUpAt: null, enqueuedAt: null, handoverId: null, ...released })
    .where(and(mine, inArray(webhookEvents.deliveryStatus, RETRYABLE)))
    .returning()
    .get();
  if (!row) throw refuse('no longer dead or skipped'); // another retry got there first
  await send(found.shard, [row.id]);
  return deliveryView(row, secrets.environment);
}
