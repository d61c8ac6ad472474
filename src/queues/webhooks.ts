import { Storage } from '../db';
import { markDead } from '../domain/webhooks/deliveries';
import { deliverBatch } from '../domain/webhooks/deliver';
import { DEFAULT_BASE_DELAY_SECONDS, isLastAttempt, retryPolicy, scheduledDelay } from '../domain/webhooks/schedule';
import type { Env } from '../env';
import { loadSecrets } from '../secrets';
import type { WebhookMessage } from './messages';

/** `beacon-webhooks`: delivers each event; every message is acked or retried on its own,
 * with the delay of the retry schedule (domain/webhooks/schedule.ts). A message whose last
 * attempt fails is retried without a delay, and Queues moves it to the dead-letter queue. */
export async function handleWebhookBatch(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  const messages = batch.messages;
  try {
    const decisions = await deliverBatch(
      new Storage(env),
      await loadSecrets(env),
      retryPolicy(env),
      messages.map((m) => ({ eventId: m.body.eventId, shard: m.body.shard, attempts: m.attempts, handover: m.body.handover })),
    );
    decisions.forEach((decision, i) => {
      const message = messages[i]!;
      if (decision.action === 'ack') message.ack();
      else if (decision.delaySeconds === undefined) message.retry();
      else message.retry({ delaySeconds: decision.delaySeconds });
    });
  } catch (error) {
    // The batch could not start (configuration, D1, the signing key): nothing was sent, so
    // every message is tried again on the schedule.
    console.error(`webhook batch of ${messages.length} failed before sending`, error);
    let base = DEFAULT_BASE_DELAY_SECONDS;
    try {
      base = retryPolicy(env).baseDelaySeconds;
    } catch {
      // a bad WEBHOOK_RETRY_BASE_SECONDS is what failed; keep Plaid's schedule
    }
    for (const message of messages) {
      if (isLastAttempt(message.attempts)) message.retry();
      else message.retry({ delaySeconds: scheduledDelay({ baseDelaySeconds: base }, message.attempts) });
    }
  }
}

/** How long the dead-letter consumer waits before trying again to record a dead delivery. */
const DEAD_LETTER_RETRY_SECONDS = 60;

/** `beacon-webhooks-dead`: makes sure each delivery is dead in the log (the last attempt
 * records it; this is for one whose outcome could not be written), where an analyst sees it
 * and can re-send it (`/dashboard/webhook/delivery/retry`). A delivery another consumer is
 * sending is looked at again once its claim lapses. */
export async function handleWebhookDeadLetters(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  const storage = new Storage(env);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const busy = await markDead(storage.userShard(message.body.shard), message.body.eventId, message.body.handover);
        if (busy) message.retry({ delaySeconds: busy.busyForSeconds });
        else message.ack();
      } catch (error) {
        console.error(`webhook ${message.body.eventId}: could not record the dead letter`, error);
        message.retry({ delaySeconds: DEAD_LETTER_RETRY_SECONDS });
      }
    }),
  );
}
