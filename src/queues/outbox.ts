/** Handing committed work to queues: a change's webhook events after its commit, a report's
 * fan-out pages, and every minute the sweep (Cron Trigger) of what the write path did not
 * hand over (sweep.ts). A failure here loses nothing: unmarked events and quiet fan-outs are
 * found again by the next sweep. */
import type { Storage } from '../db';
import { markHandedOver } from '../domain/outbox';
import type { FanoutPage } from '../domain/reports/fanout';
import type { Env } from '../env';
import { nowTimestamp } from '../lib/time';
import type { FanoutMessage, WebhookMessage } from './messages';

/** Queues take at most 100 messages per sendBatch, and D1 binds at most 100 variables per
 * statement (the ids marked handed over, plus the time). */
const SEND_BATCH = 50;

/** Hands a shard's committed events to the delivery queue and marks them handed over. A
 * send whose marking fails is sent again by the sweep (delivery is at least once anyway). */
export async function handOverEvents(env: Env, storage: Storage, shard: number, eventIds: string[]): Promise<void> {
  try {
    for (const ids of chunks(eventIds)) {
      const handover = crypto.randomUUID();
      await env.WEBHOOK_QUEUE.sendBatch(ids.map((eventId) => ({ body: { eventId, shard, handover } satisfies WebhookMessage })));
      await markHandedOver(storage, shard, ids, nowTimestamp(), handover);
    }
  } catch (error) {
    console.error('handing events to the webhook queue failed; the sweep will retry', error);
  }
}

/** Sends fan-out pages (a page whose send fails is resumed by the sweep, from its progress row). */
export async function sendFanoutPages(env: Env, pages: { page: FanoutPage; delaySeconds?: number }[]): Promise<void> {
  try {
    for (const chunk of chunks(pages)) {
      await env.FANOUT_QUEUE.sendBatch(chunk.map(({ page, delaySeconds }) => ({ body: page satisfies FanoutMessage, ...(delaySeconds ? { delaySeconds } : {}) })));
    }
  } catch (error) {
    console.error('sending fan-out pages failed; the sweep will resume them', error);
  }
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += SEND_BATCH) out.push(items.slice(i, i + SEND_BATCH));
  return out;
}
